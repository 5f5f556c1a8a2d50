/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How streaming commands (watch, record, trace, count) end: SIGINT, SIGTERM
 * or SIGHUP set a flag, the handlers are installed without SA_RESTART so a
 * sleep wakes at once, and the command's loop then writes its final report
 * and detaches what it attached. One mechanism, so every command stops the
 * same way; stream.h builds the ticks and deadlines on it.
 */
#ifndef KLEAK_CMD_STOP_H
#define KLEAK_CMD_STOP_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Installs the handlers. A signal that came before (a command installs
 * them early, then starts its stream) still counts.
 */
void stop_install(void);
/* The signal that asked to stop, or 0. */
int stop_requested(void);
/*
 * Sleeps until the monotonic time until_ns (util/clock.h). Returns false
 * when it got there, true when a stop signal woke it.
 */
bool stop_sleep_until(uint64_t until_ns);

#endif

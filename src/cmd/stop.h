/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How streaming commands (watch, record, trace, count) end: SIGINT, SIGTERM
 * or SIGHUP set a flag, the handlers are installed without SA_RESTART so a
 * sleep wakes at once, and the command's loop then writes its final report
 * and detaches what it attached. One mechanism, so every command stops the
 * same way.
 */
#ifndef KLEAK_CMD_STOP_H
#define KLEAK_CMD_STOP_H

#include <stdbool.h>
#include <stdint.h>

/* Clears the flag and installs the handlers. */
void stop_install(void);
/* The signal that asked to stop, or 0. */
int stop_requested(void);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t stop_now_ns(void);
/*
 * Sleeps until the monotonic time until_ns. Returns false when it got
 * there, true when a stop signal woke it.
 */
bool stop_sleep_until(uint64_t until_ns);
/*
 * Advances *next_ns by interval_ns (from now when a slow step fell behind)
 * and sleeps until then; true when a stop signal woke it.
 */
bool stop_tick(uint64_t *next_ns, uint64_t interval_ns);

#endif

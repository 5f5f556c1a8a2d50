/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs a user's command and waits for it, like time(1): while it runs,
 * Ctrl-C and Ctrl-\ stop the command, not kleak, which goes on to look at
 * what the command left behind (`kleak kmemleak run`, and `investigate`
 * to come).
 */
#ifndef KLEAK_CMD_WORKLOAD_H
#define KLEAK_CMD_WORKLOAD_H

#include <stdbool.h>

#include "util/err.h"

/*
 * Runs argv (searched in PATH); stdout_to_stderr keeps its output off a
 * JSON stdout. *status: its exit status, or 128 + the signal that ended
 * it. Returns 0, or a negative errno with e filled (fork failed, or the
 * command could not be run: exit 127).
 */
int workload_run(char *const *argv, bool stdout_to_stderr, int *status, struct kerr *e);

#endif

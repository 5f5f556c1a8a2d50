/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/stat's system-wide counters (the per-CPU, interrupt and softirq
 * lines are skipped; the live reader leaves them out):
 *
 *   ctxt 53238707
 *   btime 1796041349
 *   processes 579355
 *   procs_running 3
 *   procs_blocked 0
 *
 * `processes` counts forks since boot (threads included): its rate is the
 * task churn; procs_running and procs_blocked are the tasks runnable and
 * in uninterruptible sleep now.
 */
#ifndef KLEAK_PARSE_PROCSTAT_H
#define KLEAK_PARSE_PROCSTAT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

struct procstat {
	uint64_t processes; /* forks since boot */
	uint64_t procs_running;
	uint64_t procs_blocked;
	uint64_t ctxt; /* context switches since boot */
	bool has_processes;
};

/* Lines it does not know are skipped; a known one must be one number. */
int procstat_parse(const char *buf, size_t len, const char *src, struct procstat *out,
		   struct kerr *e);

#endif

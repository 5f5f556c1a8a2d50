/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/loadavg, one line:
 *
 *   1.26 0.88 1.85 3/93 13643
 *
 * the load averages over 1, 5 and 15 minutes, the scheduling entities
 * (threads) runnable now and in total (nr_threads: every task of every
 * process, kernel threads included), and the last PID handed out.
 */
#ifndef KLEAK_PARSE_LOADAVG_H
#define KLEAK_PARSE_LOADAVG_H

#include <stdint.h>

#include "util/err.h"

struct loadavg {
	double avg1, avg5, avg15;
	uint64_t running; /* runnable now */
	uint64_t tasks;	  /* threads that exist now */
	uint64_t last_pid;
};

int loadavg_parse(const char *buf, size_t len, const char *src, struct loadavg *out,
		  struct kerr *e);

#endif

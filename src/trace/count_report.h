/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `kleak count` reports each interval and at the end: cumulative
 * alloc/free/outstanding, rates, the counters of missed events, and a
 * verdict on whether allocations outrun frees. The verdict and the rates
 * are pure functions of two samples (count_report_update); the renderers
 * in output/count_render.h print one report as text or one NDJSON object
 * (docs/count.md has the schema).
 */
#ifndef KLEAK_TRACE_COUNT_REPORT_H
#define KLEAK_TRACE_COUNT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/count_bpf.h"
#include "trace/count_funcs.h"
#include "trace/target.h"

struct count_sample {
	uint64_t t_ns; /* since the programs were attached */
	struct count_counters c;
};

enum count_verdict {
	COUNT_NO_ALLOCATIONS, /* the scope allocated nothing of the kind */
	COUNT_BALANCED,	      /* frees keep up with allocations */
	COUNT_OUTRUN,	      /* allocations outrun frees */
};

/*
 * Thresholds of the verdict. Allocations outrun frees when at least
 * min_outstanding objects and min_share of everything allocated are still
 * held: a few objects in flight (RCU frees wait a grace period; a file
 * being worked on holds its dentry) are not a trend.
 */
struct count_verdict_opts {
	uint64_t min_outstanding; /* default 64 */
	double min_share;	  /* default 0.10 */
};
extern const struct count_verdict_opts count_verdict_defaults;

/* Per second over the report's interval (prev to cur). */
struct count_rates {
	double dt_s, alloc, free, outstanding;
};

struct count_report {
	/* what is counted and for whom: target's cache (funcs NULL) or funcs;
	 * target's tgid or cgroup, or neither for system-wide */
	const struct target *target;
	const struct count_funcs *funcs;
	const char *mechanism;
	const char *note; /* why a preferred mechanism was refused, or "" */
	bool pid_exited;
	uint32_t max_objects;
	/* the numbers: prev is the start of the interval (zero for final) */
	struct count_sample prev, cur;
	double time; /* wall clock, seconds since the epoch */
	bool final;
	/* derived by count_report_update() from the above */
	uint64_t outstanding;
	struct count_rates rates;
	enum count_verdict verdict;
	bool incomplete; /* allocations went untracked (map full or busy) */
	char reason[400];
};

/* alloc - free - repaired: the scope's objects kleak tracked and saw not
 * freed (never below zero). An allocation the map refused is in neither
 * alloc nor outstanding, only in dropped or map_busy. */
uint64_t count_outstanding(const struct count_counters *c);
/*
 * The verdict and its sentence. When the map refused objects (dropped,
 * map_busy) the sentence says the result is incomplete: the verdict is on
 * the objects tracked, the others unseen.
 */
enum count_verdict count_judge(const struct count_counters *c, const struct count_verdict_opts *o,
			       char *reason, size_t len);
/* Whether objects went untracked: dropped (map full) or map_busy. */
bool count_incomplete(const struct count_counters *c);
const char *count_verdict_name(enum count_verdict v);
/* Fills the derived fields (outstanding, rates, verdict) with the defaults. */
void count_report_update(struct count_report *r);

#endif

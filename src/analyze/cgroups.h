/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kleak cgroups`' analysis: every memory cgroup's kernel memory, named as
 * its users know it, ranked, and the findings the kernel's per-cgroup
 * numbers support:
 * - the lesson's case: a container at or near its memory limit whose
 *   memory is mostly kernel memory (slab) while the host has plenty free;
 * - the kernel's own signals: memory.events oom / oom_kill / max (v2),
 *   memory.kmem.failcnt and memory.failcnt (v1).
 *
 * Ranking. A cgroup's numbers include its children's (the kernel's
 * counters are hierarchical), so /docker or kubepods.slice always holds at
 * least as much as the container inside it. As for leaks[] (CONTRACTS),
 * the specific ranks above the aggregate: a cgroup whose children hold
 * most of its kernel memory is `aggregate` and ranks after every cgroup
 * that is not; each group by kernel bytes. Roots of hierarchies are the
 * host (kleak check) and are left out.
 *
 * Pure: takes a cgroup set and the host's meminfo, returns a report.
 */
#ifndef KLEAK_ANALYZE_CGROUPS_H
#define KLEAK_ANALYZE_CGROUPS_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze/check.h"
#include "model/cgroups.h"
#include "parse/meminfo.h"

struct cgroups_opts {
	double near_limit_pct;	 /* memory >= this % of its limit is "at the limit" */
	double kernel_share_pct; /* kernel >= this % of the cgroup's memory is "mostly" */
	double host_free_pct;	 /* host MemAvailable >= this % of MemTotal is "plenty" */
	double aggregate_pct;	 /* children holding >= this % make a cgroup aggregate */
	const char *only;	 /* a cgroup path: keep it and its descendants (--container) */
};

void cgroups_opts_default(struct cgroups_opts *o);

struct cgroup_row {
	const struct cgroup_entry *ent;
	struct cgroup_ident ident;
	char name[CONTAINER_NAME_LEN];	/* "" when none: then named by its path */
	uint64_t kernel_bytes;		/* memcg kernel, else the sum of its parts */
	bool kernel_reported;		/* the kernel gave `kernel` itself */
	uint64_t children_kernel_bytes; /* what its direct children hold */
	bool aggregate;
	uint64_t limit_bytes; /* own limit, else the nearest ancestor's (v1: hierarchical) */
	bool has_limit;
};

struct cgroups_report {
	const struct cgroup_set *set;
	struct cgroup_row *rows; /* ranked; roots left out */
	size_t nrows;
	bool have_host;
	uint64_t host_total_bytes, host_available_bytes;
	struct finding *findings; /* most severe first */
	size_t nfindings, capfindings;
};

/* host may be NULL (then the lesson's finding cannot say the host is free). */
int cgroups_analyze(const struct cgroup_set *s, const struct meminfo *host,
		    const struct cgroups_opts *o, struct cgroups_report *r, struct kerr *e);
void cgroups_report_free(struct cgroups_report *r);
enum severity cgroups_max_severity(const struct cgroups_report *r, bool *any);

/* The row's name, else its path: how series and findings call it. */
const char *cgroup_row_label(const struct cgroup_row *row);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One interval of `kleak trace` as the user sees it: call sites symbolized
 * (function, offset, module), cache names, outstanding objects and bytes,
 * rates against the previous interval, the oldest object's age, stacks.
 * Built from a trace_read (trace_read.h) and the kernel's symbols, and
 * nothing else: the builder is pure. Events without a call site (pages,
 * vmalloc) are attributed to the first frame outside the allocator of
 * their stack. output/trace_render.h renders it.
 */
#ifndef KLEAK_TRACE_REPORT_H
#define KLEAK_TRACE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/slab_aliases.h"
#include "trace/trace_ksym.h"
#include "trace/trace_read.h"

#define TRACE_REPORT_STACKS 5 /* stacks kept per call site */
#define TRACE_STACK_FRAMES 24

struct trace_stack_summary {
	uint64_t count; /* outstanding objects with this stack (sampled) */
	size_t nframes;
	uint64_t frames[TRACE_STACK_FRAMES];
};

#define TRACE_REPORT_PIDS 3 /* allocating processes kept per call site */

struct trace_pid_summary {
	uint32_t pid;	/* tgid that allocated the objects */
	uint64_t count; /* its outstanding objects here (scaled) */
	char comm[TRACE_COMM_LEN]; /* from /proc/PID/comm, empty when gone */
};

struct trace_callsite {
	/* identity: kind, address, cache */
	uint32_t kind;
	uint64_t addr;	/* call site, or the frame derived from a stack */
	uint64_t cache; /* struct kmem_cache *, kmalloc size class, order */
	char function[128];
	char callsite[160]; /* function+0xoff, or "(unknown)" */
	char module[64];    /* empty: vmlinux */
	char cache_name[40]; /* empty: none */
	const char *aliases[8]; /* caches merged into cache_name (not itself) */
	size_t naliases;
	/* cumulative since start, scaled when sampling */
	uint64_t allocs, frees, repaired;
	uint64_t alloc_bytes, free_bytes;
	uint64_t outstanding_count, outstanding_bytes;
	double count_error; /* 95% half-width of outstanding_count; 0 exact */
	double alloc_rate, free_rate; /* per second over the last interval */
	uint64_t oldest_age_ns;	      /* 0 when nothing outstanding */
	uint64_t aged_count, aged_bytes; /* older than --min-age (scaled) */
	uint64_t sampled_objects;	 /* object-map entries behind it */
	struct trace_pid_summary pids[TRACE_REPORT_PIDS];
	size_t npids;
	struct trace_stack_summary stacks[TRACE_REPORT_STACKS];
	size_t nstacks;
	size_t src_row; /* internal: the map row it came from */
};

struct trace_report {
	const struct trace_info *info;	 /* what the session attached, its limits */
	const struct trace_ksyms *ksyms; /* symbols of the stacks' frames */
	bool final;			 /* the last report of the run (the caller's) */
	uint64_t min_age_ns;		 /* --min-age: outstanding counts only older objects */
	uint64_t elapsed_ns;  /* since attach */
	uint64_t interval_ns; /* since the previous report */
	uint32_t sample;      /* 1 = exact */
	struct trace_callsite *cs; /* sorted by outstanding bytes, descending */
	size_t ncs;
	uint64_t outstanding_count, outstanding_bytes; /* totals */
	uint64_t objects; /* tracked entries (unscaled) */
	uint64_t counters[TC_NR];
	uint64_t recursion_misses;
	struct loader_prog_stat progs[TRACE_PROGS_MAX];
	size_t nprogs;
};

/* Previous interval's cumulative counts, for rates. */
struct trace_report_state {
	struct trace_callsite *prev; /* sorted by identity */
	size_t nprev;
	uint64_t prev_ns;
	uint64_t min_age_ns; /* config: outstanding counts only older objects */
	const struct slab_aliases *aliases; /* config: SLUB merging, or NULL */
};

/*
 * Builds the report of read r: merges rows that share a call site, scales
 * by the sample rate, applies --min-age, groups stacks and processes per
 * call site, and takes rates against the previous report kept in st.
 * ks (may be unloaded) symbolizes; it must outlive the report.
 */
int trace_report_build(const struct trace_read *r, const struct trace_ksyms *ks,
		       struct trace_report_state *st, struct trace_report *out);
void trace_report_free(struct trace_report *rep);
void trace_report_state_free(struct trace_report_state *st);

const char *trace_kind_name(uint32_t kind);
/* "func+0xoff" into buf and the module (NULL for vmlinux). */
const char *trace_sym_format(const struct trace_ksyms *ks, uint64_t addr, char *buf,
			     size_t len, const char **module);

#endif

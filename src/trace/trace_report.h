/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One interval of `kleak trace` as the user sees it: call sites symbolized
 * (the source function, a GCC clone's suffix kept apart; module), caches
 * named as slabinfo names them, outstanding objects and bytes, rates
 * against the previous interval, the oldest object's age, stacks, the
 * processes (or interrupt context) that allocated them, and how much of
 * what is outstanding is unconfirmed: objects of call sites where frees
 * were seen to be missed, which may be gone already.
 *
 * Under --sample N every figure that is scaled up is an estimate with the
 * bounds of a 95% interval valid at every count, zero included (struct
 * trace_est; analyze/binom.h); exact runs have lo == hi == v.
 *
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

#include "analyze/binom.h"
#include "parse/slab_aliases.h"
#include "trace/trace_ksym.h"
#include "trace/trace_read.h"

#define TRACE_REPORT_STACKS 5 /* stacks kept per call site */
#define TRACE_STACK_FRAMES 24
#define TRACE_ALPHA 0.05 /* the intervals are 95% ones */

/* A count or byte figure: the value and the bounds of its 95% interval. */
struct trace_est {
	uint64_t v, lo, hi;
};

/* A rate per second, likewise. */
struct trace_rate {
	double v, lo, hi;
};

struct trace_stack_summary {
	uint64_t count; /* outstanding objects with this stack (sampled, not scaled) */
	size_t nframes;
	uint64_t frames[TRACE_STACK_FRAMES];
};

#define TRACE_REPORT_PIDS 3 /* allocating processes kept per call site */

struct trace_pid_summary {
	uint32_t pid;		   /* tgid that allocated the objects; 0 for interrupt context */
	struct trace_est count;	   /* its outstanding objects here, all ages */
	char comm[TRACE_COMM_LEN]; /* /proc/PID/comm; "[irq]" (interrupt context); "" gone */
};

/* The objects kleak tracked for a call site, summed over its rows. */
struct trace_sampled {
	uint64_t objs, obj_bytes; /* inserted */
	uint64_t frees, free_bytes;
	uint64_t repaired, repaired_bytes;
	uint64_t missed_deletes;
	uint64_t allocs, alloc_bytes; /* --sample: allocation events drawn 1 in N */
	uint64_t live, live_bytes;    /* objs - frees - repaired */
	uint64_t aged, aged_bytes;    /* of those, at least --min-age old */
};

struct trace_callsite {
	/* identity: kind, address, cache */
	uint32_t kind;
	uint64_t addr;	    /* call site, or the frame derived from a stack */
	uint64_t cache;	    /* struct kmem_cache *, kmalloc flavour and size class, order */
	char function[128]; /* the source function ("getname_flags") */
	char clone[64];	    /* a GCC clone's suffix (".part.0"), or "" */
	char callsite[160]; /* symbol+0xoff as kallsyms has it, or "(unknown)" */
	char module[64];    /* empty: vmlinux */
	char cache_name[TRACE_CACHE_NAME_LEN]; /* empty: none */
	const char *aliases[8];		       /* caches merged into cache_name (not itself) */
	size_t naliases;
	struct trace_sampled s; /* what the figures below come from */
	/* cumulative since start; estimates under --sample */
	struct trace_est allocs, alloc_bytes, frees, free_bytes, repaired;
	/* allocated and not freed (with --min-age: only objects that old) */
	struct trace_est outstanding_count, outstanding_bytes;
	/* of those, at a call site that has seen missed frees (repairs, failed
	 * deletes): they may have been freed unseen */
	struct trace_est unconfirmed_count, unconfirmed_bytes;
	struct trace_rate alloc_rate, free_rate; /* over the last interval */
	/* frees at level 1 - alpha/2, for the free rate's bounds (internal) */
	uint64_t frees_lo2, frees_hi2;
	uint64_t oldest_age_ns; /* 0 when nothing outstanding */
	uint64_t size;		/* mean object size (for byte bounds) */
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
	uint64_t elapsed_ns;		 /* since attach */
	uint64_t interval_ns;		 /* since the previous report */
	uint32_t sample;		 /* 1 = exact */
	struct trace_callsite *cs;	 /* by outstanding bytes, descending (--min-age:
				      confirmed bytes first) */
	size_t ncs;
	/* totals over the call sites */
	struct trace_est outstanding_count, outstanding_bytes;
	struct trace_est unconfirmed_count, unconfirmed_bytes;
	uint64_t objects; /* tracked entries (unscaled) */
	uint64_t counters[TC_NR];
	uint64_t recursion_misses;
	struct loader_prog_stat progs[TRACE_PROGS_MAX];
	size_t nprogs;
};

/* Previous interval's cumulative counts, for rates; the bounds' memos. */
struct trace_report_state {
	struct trace_callsite *prev; /* sorted by identity */
	size_t nprev;
	uint64_t prev_ns;
	uint64_t min_age_ns;		    /* config: outstanding counts only older objects */
	const struct slab_aliases *aliases; /* config: SLUB merging, or NULL */
	struct binom_memo *memo[4];	    /* at alpha / 1, 2, 3, 6 (allocated here) */
};

/*
 * Builds the report of read r: merges rows that share a call site, scales
 * by the sample rate with the bounds of every estimate, applies --min-age,
 * marks what is unconfirmed, groups stacks and processes per call site,
 * and takes rates against the previous report kept in st. ks (may be
 * unloaded) symbolizes; it must outlive the report.
 */
int trace_report_build(const struct trace_read *r, const struct trace_ksyms *ks,
		       struct trace_report_state *st, struct trace_report *out);
void trace_report_free(struct trace_report *rep);
void trace_report_state_free(struct trace_report_state *st);

const char *trace_kind_name(uint32_t kind);
/* "func+0xoff" into buf and the module (NULL for vmlinux). */
const char *trace_sym_format(const struct trace_ksyms *ks, uint64_t addr, char *buf, size_t len,
			     const char **module);
/* The comm shown for an interrupt context (enum kleak_ctx), or NULL for a task. */
const char *trace_ctx_comm(uint32_t ctx);

#endif

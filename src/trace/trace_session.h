/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user side of `kleak trace`'s BPF programs: one owner of the
 * lifecycle (open -> configure -> load -> attach -> read ... -> close),
 * probing what the running kernel offers, and the reads of everything the
 * report needs from the kernel: the maps (per-call-site sums, counters,
 * the object map), the stacks and cache names they refer to, program
 * statistics, and the names of the allocating processes. What a read
 * returns is plain data (trace_read.h): trace_report.h builds the report
 * from it without touching the kernel. No symbolization or output here.
 */
#ifndef KLEAK_TRACE_TRACE_SESSION_H
#define KLEAK_TRACE_TRACE_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "bpf/trace.h"
#include "trace/target.h"
#include "trace/trace_read.h"
#include "util/err.h"

struct trace_opts {
	/* the user's targets, as given: cmd resolves them (target.h) and the
	 * session takes the resolved struct target */
	uint32_t pid;	      /* -p: 0 = every process */
	const char *comm;     /* --comm: task name, NULL = any */
	const char *cgroup;   /* --cgroup: cgroup directory, NULL = any */
	const char *cache;    /* --cache: slab cache name, NULL = all */
	uint64_t min_size;    /* --min-size: bytes, 0 = all */
	uint32_t sample;      /* --sample N: 1 in N objects; 1 = exact */
	uint64_t sample_seed; /* --sample-seed: which addresses; random unless seed_given */
	bool seed_given;
	uint32_t stack_every;	     /* --stacks: a stack for 1 in N objects; 0 = off */
	uint32_t max_entries;	     /* --max-entries: objects tracked at most */
	bool pages, percpu, vmalloc; /* opt-in event families */
	bool no_slab;		     /* leave kmalloc/kmem_cache out (a vmalloc-only trace) */
};

#define TRACE_DEFAULT_MAX_ENTRIES KLEAK_OBJ_MAP_ENTRIES
/* Seeds stay below 2^53: a JSON number (a double in jq) carries them exactly. */
#define TRACE_SEED_MAX ((1ull << 53) - 1)
#define TRACE_SITES_MAX (1u << 14)
#define TRACE_SITES_MIN 1024u
/* The per-CPU call-site sums hold at most this many bytes of values,
 * whatever the CPU count: fewer call sites on big machines (the rest are
 * counted in dropped_callsites), never hundreds of MiB. */
#define TRACE_SITES_BUDGET (16u << 20)
#define TRACE_STACKS_MAX (1u << 14)

/* Call sites the per-CPU sums can hold on ncpus CPUs within the budget. */
uint32_t trace_sites_entries(int ncpus);

struct trace_session {
	struct trace_bpf *skel;
	struct trace_opts opts;
	struct trace_info info;
	struct trace_stack_table stacks;
	int ncpus;
	/* buffers for batch reads, sized at open */
	void *keys, *vals;
	size_t buf_entries;
	/* the thread that writes the programs' clock (kleak_clock_ns) */
	pthread_t clock_thread;
	bool clock_running;
	volatile bool clock_stop;
};

/*
 * Probes the kernel, loads and attaches the programs for the resolved
 * target t. Messages in e are for the user: not privileged, no BTF, a
 * tracepoint absent.
 */
int trace_session_open(struct trace_session *s, const struct trace_opts *o, const struct target *t,
		       struct kerr *e);
/*
 * Reads everything the report needs once: the maps, the stacks and cache
 * names they refer to, program statistics, the comms of the allocating
 * processes. min_age_ns selects the "aged" counts. Free with
 * trace_read_free (the stacks stay the session's).
 */
int trace_session_read(struct trace_session *s, uint64_t min_age_ns, struct trace_read *r,
		       struct kerr *e);
/* Detaches and frees; safe on a zeroed or half-opened session. */
void trace_session_close(struct trace_session *s);
/* Whether the running kernel has raw tracepoint tp (its BTF has btf_trace_<tp>). */
bool trace_kernel_has(const char *tp);

#endif

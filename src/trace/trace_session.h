/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user side of `kleak trace`'s BPF programs: one owner of the
 * lifecycle (open -> configure -> load -> attach -> read ... -> close),
 * probing what the running kernel offers, and raw reads of the maps
 * (per-call-site sums, counters, the object map, program statistics).
 * No symbolization or output here: see trace_report.h.
 */
#ifndef KLEAK_TRACE_SESSION_H
#define KLEAK_TRACE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "bpf/trace.h"
#include "util/err.h"

struct trace_opts {
	uint32_t pid;	      /* -p: tgid, 0 = every process */
	const char *comm;     /* --comm: task name, NULL = any */
	const char *cgroup;   /* --cgroup: cgroup v2 directory, NULL = any */
	const char *cache;    /* --cache: slab cache name, NULL = all */
	uint64_t min_size;    /* --min-size: bytes, 0 = all */
	uint32_t sample;      /* --sample N: 1 in N objects; 1 = exact */
	uint32_t stack_every; /* --stacks: a stack for 1 in N objects; 0 = off */
	uint32_t max_entries; /* --max-entries: objects tracked at most */
	bool pages, percpu, vmalloc; /* opt-in event families */
};

#define TRACE_DEFAULT_MAX_ENTRIES (1u << 18)
#define TRACE_SITES_MAX (1u << 14)
#define TRACE_STACKS_MAX (1u << 14)
#define TRACE_PROGS_MAX 16

struct trace_prog_stat {
	char name[32];	       /* the tracepoint */
	uint64_t run_count;    /* 0 unless kernel.bpf_stats_enabled=1 */
	uint64_t run_time_ns;
	uint64_t recursion_misses;
};

struct trace_site_row {
	struct trace_site_key key;
	struct trace_site_val sum; /* summed over CPUs */
	/* from the object scan */
	uint64_t objects;	 /* entries in the object map */
	uint64_t oldest_ts_ns;	 /* 0 when none */
	uint64_t aged_count, aged_bytes; /* objects older than min_age */
};

/* An object-map entry with a stack: (site row, stack id) for grouping. */
struct trace_stack_ref {
	uint32_t row;
	int32_t stack_id;
};

struct trace_read {
	uint64_t now_ns; /* CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns */
	struct trace_site_row *rows; /* sorted by key */
	size_t nrows;
	uint64_t counters[TC_NR];
	uint64_t objects; /* entries in the object map */
	struct trace_prog_stat progs[TRACE_PROGS_MAX];
	size_t nprogs;
	uint64_t recursion_misses; /* sum over programs */
	struct trace_stack_ref *stacks; /* sorted by (row, stack_id) */
	size_t nstacks;
	struct trace_stack_ref *pids; /* (row, allocating tgid), sorted */
	size_t npids;
};

struct trace_session {
	struct trace_bpf *skel;
	struct trace_opts opts;
	int ncpus;
	uint64_t memlock_bytes; /* the maps' charged memory */
	char attached[TRACE_PROGS_MAX][32]; /* tracepoints attached */
	size_t nattached;
	char missing[TRACE_PROGS_MAX][32];  /* asked for, absent here */
	size_t nmissing;
	uint64_t start_ns;
	/* buffers for batch reads, sized at open */
	void *keys, *vals;
	size_t buf_entries;
};

/*
 * Probes the kernel, loads and attaches the programs. Messages in e are
 * for the user: not privileged, no BTF, a tracepoint absent.
 */
int trace_session_open(struct trace_session *s, const struct trace_opts *o,
		       struct kerr *e);
/* Reads everything once; min_age_ns selects the "aged" counts. */
int trace_session_read(struct trace_session *s, uint64_t min_age_ns,
		       struct trace_read *r, struct kerr *e);
void trace_read_free(struct trace_read *r);
/* The name of a kmem_cache the programs saw, or NULL. */
int trace_session_cache_name(struct trace_session *s, uint64_t cache,
			     char *name, size_t len);
/* Frames of a stack id (at most max), or 0 when unknown. */
size_t trace_session_stack(struct trace_session *s, int32_t id,
			   uint64_t *frames, size_t max);
/* Detaches and frees; safe on a zeroed or half-opened session. */
void trace_session_close(struct trace_session *s);

/* Which row holds key, or -1 (rows sorted by trace_site_key_cmp). */
int trace_site_key_cmp(const struct trace_site_key *a,
		       const struct trace_site_key *b);
long trace_read_find(const struct trace_read *r, const struct trace_site_key *k);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One reading of `kleak trace`'s kernel state, as plain data: per-call-site
 * sums, counters, what the object scan found (ages, stacks, allocating
 * processes) and what those refer to (stack frames, cache names, comms).
 * trace_session_read fills it from the kernel; tests build one by hand.
 * The lookups here are pure.
 */
#ifndef KLEAK_TRACE_TRACE_READ_H
#define KLEAK_TRACE_TRACE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "bpf/trace.h"
#include "trace/loader.h"

#define TRACE_PROGS_MAX 24    /* the kmem programs and the interrupt ones */
#define TRACE_STACK_DEPTH 127 /* frames the stack map keeps */

/* What a session attached and how: fixed from open to close. */
struct trace_info {
	char attached[TRACE_PROGS_MAX][32]; /* tracepoints attached */
	size_t nattached;
	char missing[TRACE_PROGS_MAX][32]; /* asked for, absent here */
	size_t nmissing;
	uint32_t max_entries;	   /* object map size */
	uint32_t max_callsites;	   /* per-CPU call-site map size */
	uint32_t sample;	   /* 1 in N objects; 1 = exact */
	uint64_t sample_seed;	   /* which addresses the run draws */
	uint64_t map_bytes;	   /* the maps' memory, as the kernel counts it from 6.4 */
	uint64_t map_bytes_fdinfo; /* what fdinfo's memlock says (less before 6.4) */
	uint64_t start_ns;	   /* CLOCK_MONOTONIC at attach */
};

struct trace_site_row {
	struct trace_site_key key;
	struct trace_site_val sum; /* summed over CPUs */
	/* from the object scan */
	uint64_t objects;		 /* entries in the object map */
	uint64_t oldest_ts_ns;		 /* 0 when none */
	uint64_t aged_count, aged_bytes; /* objects older than min_age */
};

/*
 * An object-map entry as (site row, value): a stack id, or who allocated
 * it: a tgid, or -(enum kleak_ctx) for interrupt context (trace_ref_ctx).
 */
struct trace_ref {
	uint32_t row;
	int32_t val;
};

/* The pid_refs value of an object's origin, and back. */
static inline int32_t trace_ref_who(uint32_t tgid, uint32_t ctx)
{
	return ctx ? -(int32_t)ctx : (int32_t)tgid;
}

/* A kernel stack: nframes frames from `off` in its table's pool. */
struct trace_stack {
	int32_t id;
	uint32_t nframes;
	size_t off;
};

/*
 * The stacks read so far, by id. bpf_get_stackid without
 * BPF_F_REUSE_STACKID never changes an id's frames while the map lives, so
 * each stack is read from the kernel once per session.
 */
struct trace_stack_table {
	struct trace_stack *v; /* sorted by id */
	size_t n, cap;
	uint64_t *frames;
	size_t nframes, frames_cap;
};

struct trace_cache_name {
	uint64_t cache; /* struct kmem_cache * */
	char name[TRACE_CACHE_NAME_LEN];
};

struct trace_comm {
	uint32_t pid;
	char comm[TRACE_COMM_LEN]; /* "" when the process is gone */
};

struct trace_read {
	const struct trace_info *info; /* the session's */
	uint64_t now_ns;	       /* CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns */
	struct trace_site_row *rows;   /* sorted by key */
	size_t nrows;
	uint64_t counters[TC_NR];
	uint64_t objects; /* entries in the object map */
	struct loader_prog_stat progs[TRACE_PROGS_MAX];
	size_t nprogs;
	uint64_t recursion_misses;    /* sum over programs */
	struct trace_ref *stack_refs; /* (row, stack id) per object with one, sorted */
	size_t nstack_refs;
	struct trace_ref *pid_refs; /* (row, allocating tgid) per object, sorted */
	size_t npid_refs;
	/* what the rows and refs refer to */
	const struct trace_stack_table *stacks; /* every stack id they name */
	struct trace_cache_name *caches;	/* sorted by cache */
	size_t ncaches;
	struct trace_comm *comms; /* every pid of pid_refs, sorted */
	size_t ncomms;
};

/* Which row holds key, or -1 (rows sorted by trace_site_key_cmp). */
int trace_site_key_cmp(const struct trace_site_key *a, const struct trace_site_key *b);
long trace_read_find(const struct trace_read *r, const struct trace_site_key *k);
/* The frames of stack id (count returned, *frames set), 0 when unknown. */
size_t trace_read_stack(const struct trace_read *r, int32_t id, const uint64_t **frames);
/* The name of a kmem_cache the programs saw, or NULL. */
const char *trace_read_cache_name(const struct trace_read *r, uint64_t cache);
/* The comm of an allocating process, or NULL when it was not read. */
const char *trace_read_comm(const struct trace_read *r, uint32_t pid);
/* (row, val) order of trace_ref arrays. */
int trace_ref_cmp(const void *a, const void *b);

/* Frees what a read owns (not the stack table: a session's). */
void trace_read_free(struct trace_read *r);
/* Adds a stack (its frames copied); the table stays sorted once sorted. */
int trace_stack_table_add(struct trace_stack_table *t, int32_t id, const uint64_t *frames,
			  size_t n);
/* Sorts after additions; lookups need it. */
void trace_stack_table_sort(struct trace_stack_table *t);
const struct trace_stack *trace_stack_table_find(const struct trace_stack_table *t, int32_t id);
void trace_stack_table_free(struct trace_stack_table *t);

#endif

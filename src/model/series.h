/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Samples over time: one series of byte values per (source, name) — a
 * meminfo field, a slab cache, a vmalloc caller, a vmalloc module, an
 * allocinfo site ("function file:line [module]"), a memory cgroup's
 * counter (its kernel memory, its unreclaimable slab; keyed by the
 * cgroup's path, named by its container) — on one shared time axis
 * (seconds of CLOCK_MONOTONIC since the first sample).
 *
 * Memory is bounded: at most `cap` points are kept. When the window is
 * full, neighbouring points are averaged in pairs and every later point
 * averages twice as many raw samples (stride doubles), so a week-long watch
 * keeps its whole history at a coarser resolution in cap points per series
 * instead of growing without bound. Points stay evenly weighted. Series
 * that are gone and never held SERIES_PRUNE_BYTES are dropped then, so the
 * number of series is bounded by what held memory in the run; and by
 * max_count (SERIES_MAX_COUNT), past which series_add fails with -E2BIG
 * (a recording anyone may hand in can name a million caches). Each series
 * holds room for the points kept so far (doubling up to cap), not for cap
 * from the start: memory follows what is kept, not what could be.
 *
 * A sample is fed as: series_sample_begin, series_add per value (values of
 * one key within a sample add up: the vmalloc areas of one caller), then
 * series_sample_end. A series first seen late was 0 before (a cache or a
 * vmalloc caller that did not exist held no memory); one missing from a
 * sample is 0 in that sample, unless the sample could not read its source
 * (series_gap): then the sample is a gap for it, not a fall to 0 (a
 * point averages the samples it has; a point with none repeats the one
 * before).
 *
 * The store only keeps values: analyze/ingest.h turns a parsed sample
 * into them.
 */
#ifndef KLEAK_MODEL_SERIES_H
#define KLEAK_MODEL_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/strmap.h"

/* In tie-break order for the ranking: specific sources before aggregates. */
enum series_source {
	SERIES_SLAB,
	SERIES_VMALLOC_CALLER,
	SERIES_VMALLOC_MODULE,
	SERIES_ALLOCINFO, /* one allocation site of /proc/allocinfo (6.10+) */
	SERIES_CGROUP,	  /* one counter of a memory cgroup (a container's) */
	SERIES_MEMINFO,
	/*
	 * What kernel memory follows, never judged itself: "tasks" (threads
	 * that exist, /proc/loadavg), "page_cache" (meminfo Buffers + Cached,
	 * bytes). Not in leaks[], not in the family-wise count.
	 */
	SERIES_CONTEXT,
	SERIES_NSOURCES,
};

/*
 * "slab", "vmalloc_caller", "vmalloc_module", "allocinfo", "cgroup",
 * "meminfo", "context" (JSON `source`).
 */
const char *series_source_name(enum series_source s);

#define SERIES_DEFAULT_CAP 512 /* points per series; must be even */
/* Series gone and below this over the window are dropped (see prune). */
#define SERIES_PRUNE_BYTES 16384
/* ... at each decimation, and when the count passes prune_at (>= this). */
#define SERIES_PRUNE_MIN 1024
/* Series at most: real kernels have a few thousand (allocinfo sites). */
#define SERIES_MAX_COUNT 100000

struct series {
	enum series_source source;
	char name[256];	 /* cgroup: the container's name, else its path */
	char module[64]; /* vmalloc_caller, allocinfo: its module, "" when built in */
	char *path;	 /* cgroup: its path, the series' key (owned); NULL otherwise */
	/* cgroup: "kernel", "slab_reclaimable" or "slab_unreclaimable"; "" otherwise */
	char counter[24];
	int reclaimable; /* 1, 0, or -1 when unknown */
	/*
	 * cgroup "kernel": its reclaimable slab is known (v2's memory.stat
	 * splits it out; v1 reports one kmem counter with no split).
	 */
	bool split;
	bool aggregate; /* allocinfo container (slab pages), kmemleak_object, a
			  * cgroup whose children hold most of it */
	/* The least noise its source makes (Unaccounted: the vmstat drift bound). */
	double noise_floor_bytes;
	double *v;	  /* committed points, cap of them */
	double acc;	  /* sum of the raw values of the pending point */
	unsigned present; /* samples in the pending point that had a value */
	bool gap;	  /* the sample being fed has no value (series_gap) */
	uint64_t cur;	  /* raw value in the sample being fed */
	uint64_t last;	  /* raw value in the latest sample that had one */
};

struct series_set {
	size_t cap;	  /* points kept at most */
	size_t n;	  /* committed points */
	double *t;	  /* seconds since the first sample, per point */
	unsigned stride;  /* raw samples averaged into one point */
	unsigned pending; /* raw samples in the point being built */
	double tacc;	  /* sum of their times */
	uint64_t samples; /* complete samples fed */
	uint64_t t0_ns;	  /* monotonic time of the first sample */
	double last_t;	  /* seconds since t0 of the latest sample */
	bool in_sample;
	uint64_t clock_back;	   /* samples whose time was before the one before */
	uint64_t clock_back_first; /* the first of them (its number, from 1) */
	size_t prune_at;	   /* prune when count passes it (see series.c) */
	size_t prune_min;	   /* prune_at never below it: SERIES_PRUNE_MIN */
	struct series *v;
	size_t count, alloc;
	size_t max_count;    /* series at most: SERIES_MAX_COUNT */
	size_t vcap;	     /* points each series has room for (<= cap) */
	struct strmap index; /* "source\tmodule\tname" -> v[] slot */
};

int series_set_init(struct series_set *set, size_t cap);
void series_set_free(struct series_set *set);
/*
 * A deep copy of src into dst, which can be sampled on its own (a report
 * made from src at some time keeps its series indices valid in dst while
 * src goes on, is pruned, decimated). 0 or -ENOMEM (dst then empty).
 */
int series_set_copy(struct series_set *dst, const struct series_set *src);

void series_sample_begin(struct series_set *set, uint64_t mono_ns);
/*
 * Adds bytes to the series (created when new); returns its slot, -ENOMEM,
 * or -E2BIG when a new series would pass max_count.
 */
long series_add(struct series_set *set, enum series_source src, const char *name,
		const char *module, uint64_t bytes);
/* The error of a failed series_add (r) in e, about src: its cause said plainly. */
int series_add_error(const struct series_set *set, long r, const char *src, struct kerr *e);
void series_sample_end(struct series_set *set);
/*
 * Within a sample: the series of source src (named name, or all when NULL)
 * have no value in it, their source could not be read: a gap, not 0.
 */
void series_gap(struct series_set *set, enum series_source src, const char *name);

/*
 * Adds bytes to a cgroup's counter (created when new; its name updated:
 * a container named later keeps its series). Returns its slot or -ENOMEM.
 */
long series_add_cgroup(struct series_set *set, const char *path, const char *counter,
		       const char *name, uint64_t bytes);

/*
 * The caller samples at twice its interval from now on (investigate
 * widens its interval when the window fills): each point keeps standing
 * for the same span of time, so it averages half as many raw samples.
 * Only between points (nothing pending); stride never goes below 1.
 */
void series_set_widen(struct series_set *set);

/* Looks a series up; NULL when absent. module may be NULL for "". */
const struct series *series_find(const struct series_set *set, enum series_source src,
				 const char *name, const char *module);
const struct series *series_find_cgroup(const struct series_set *set, const char *path,
					const char *counter);

/*
 * The meminfo series, NULL-terminated: kernel fields, and "Unaccounted"
 * (used memory itemised nowhere, computed by analyze/kmem.h).
 */
extern const char *const series_meminfo_fields[];

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Samples over time: one series of byte values per (source, name) — a
 * meminfo field, a slab cache, a vmalloc caller, a vmalloc module, an
 * allocinfo site ("function file:line [module]") — on one
 * shared time axis (seconds of CLOCK_MONOTONIC since the first sample).
 *
 * Memory is bounded: at most `cap` points are kept. When the window is
 * full, neighbouring points are averaged in pairs and every later point
 * averages twice as many raw samples (stride doubles), so a week-long watch
 * keeps its whole history at a coarser resolution in cap points per series
 * instead of growing without bound. Points stay evenly weighted. Series
 * that are gone and never held SERIES_PRUNE_BYTES are dropped then, so the
 * number of series is bounded by what held memory in the run.
 *
 * A sample is fed as: series_sample_begin, series_add per value (values of
 * one key within a sample add up: the vmalloc areas of one caller), then
 * series_sample_end. A series first seen late was 0 before (a cache or a
 * vmalloc caller that did not exist held no memory); one missing from a
 * sample is 0 in that sample.
 *
 * The store only keeps values: analyze/ingest.h turns a parsed sample
 * into them.
 */
#ifndef KLEAK_MODEL_SERIES_H
#define KLEAK_MODEL_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strmap.h"

/* In tie-break order for the ranking: specific sources before aggregates. */
enum series_source {
	SERIES_SLAB,
	SERIES_VMALLOC_CALLER,
	SERIES_VMALLOC_MODULE,
	SERIES_ALLOCINFO, /* one allocation site of /proc/allocinfo (6.10+) */
	SERIES_MEMINFO,
	SERIES_NSOURCES,
};

/* "slab", "vmalloc_caller", "vmalloc_module", "allocinfo", "meminfo" (JSON `source`). */
const char *series_source_name(enum series_source s);

#define SERIES_DEFAULT_CAP 512 /* points per series; must be even */
/* Series gone and below this over the window are dropped (see prune). */
#define SERIES_PRUNE_BYTES 16384
/* ... at each decimation, and when the count passes prune_at (>= this). */
#define SERIES_PRUNE_MIN 1024

struct series {
	enum series_source source;
	char name[128];
	char module[64]; /* vmalloc_caller, allocinfo: its module, "" when built in */
	int reclaimable; /* 1, 0, or -1 when unknown */
	bool aggregate;	 /* allocinfo container (slab pages), kmemleak_object */
	double *v;	 /* committed points, cap of them */
	double acc;	 /* sum of the raw values of the pending point */
	uint64_t cur;	 /* raw value in the sample being fed */
	uint64_t last;	 /* raw value in the latest complete sample */
	int64_t mk_s;	 /* Mann-Kendall S over v[0..n), kept incrementally */
};

struct series_set {
	size_t cap;	   /* points kept at most */
	size_t n;	   /* committed points */
	double *t;	   /* seconds since the first sample, per point */
	unsigned stride;   /* raw samples averaged into one point */
	unsigned pending;  /* raw samples in the point being built */
	double tacc;	   /* sum of their times */
	uint64_t samples;  /* complete samples fed */
	uint64_t t0_ns;	   /* monotonic time of the first sample */
	double last_t;	   /* seconds since t0 of the latest sample */
	bool in_sample;
	size_t prune_at;   /* prune when count passes it (see series.c) */
	size_t prune_min;  /* prune_at never below it: SERIES_PRUNE_MIN */
	struct series *v;
	size_t count, alloc;
	struct strmap index; /* "source\tmodule\tname" -> v[] slot */
};

int series_set_init(struct series_set *set, size_t cap);
void series_set_free(struct series_set *set);

void series_sample_begin(struct series_set *set, uint64_t mono_ns);
/* Adds bytes to the series (created when new); returns its slot or -ENOMEM. */
long series_add(struct series_set *set, enum series_source src,
		const char *name, const char *module, uint64_t bytes);
void series_sample_end(struct series_set *set);
/*
 * The caller samples at twice its interval from now on (investigate
 * widens its interval when the window fills): each point keeps standing
 * for the same span of time, so it averages half as many raw samples.
 * Only between points (nothing pending); stride never goes below 1.
 */
void series_set_widen(struct series_set *set);

/* Looks a series up; NULL when absent. module may be NULL for "". */
const struct series *series_find(const struct series_set *set,
				 enum series_source src, const char *name,
				 const char *module);

/*
 * The meminfo series, NULL-terminated: kernel fields, and "Unaccounted"
 * (used memory itemised nowhere, computed by analyze/kmem.h).
 */
extern const char *const series_meminfo_fields[];

#endif

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
 * series_ingest turns the raw /proc buffers of one sample (live, or read
 * back from a recording) into series values; struct sample holds them and
 * is reused from sample to sample, so steady-state sampling allocates
 * little.
 */
#ifndef KLEAK_MODEL_SERIES_H
#define KLEAK_MODEL_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/vmalloc_group.h"
#include "parse/modules.h"
#include "parse/slab_aliases.h"
#include "source/procfs.h"
#include "util/buf.h"
#include "util/err.h"
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

/* Looks a series up; NULL when absent. module may be NULL for "". */
const struct series *series_find(const struct series_set *set,
				 enum series_source src, const char *name,
				 const char *module);

/*
 * The meminfo series, NULL-terminated: kernel fields, and "Unaccounted"
 * (used memory itemised nowhere, computed by analyze/kmem.h).
 */
extern const char *const series_meminfo_fields[];

/* The raw sources of one sample and where/when they were taken. */
struct sample {
	uint64_t mono_ns;  /* CLOCK_MONOTONIC (or a recording's clock) */
	int64_t time_s;	   /* wall clock */
	uint64_t page_size;
	char release[128];
	char hostname[128];
	struct buf raw[SRC_COUNT];
	bool have[SRC_COUNT];	  /* raw[i] holds this sample's source i */
	struct kerr err[SRC_COUNT]; /* why a wanted source is missing */
};

void sample_free(struct sample *s);
/*
 * Reads the live sources in `mask` (bits of enum source_id) into s,
 * reusing its buffers; a missing source is noted in s->err, not fatal.
 */
void sample_read_live(struct sample *s, unsigned mask);

/*
 * What ingestion keeps between samples: the slab reclaim flags (read once:
 * they do not change) and the module list and module symbols that place
 * the vmalloc areas of a module unloaded during the run.
 */
struct series_ctx {
	struct slab_aliases aliases;
	bool have_aliases;
	struct modules base_modules;
	struct buf base_kallsyms;
	bool have_base;
	bool base_tried; /* module symbols were read once */
	struct vmalloc_groups vg; /* scratch */
};

void series_ctx_free(struct series_ctx *c);
/*
 * Whether the module symbols should be read with this sample: at the
 * first, and when a module appeared that the baseline does not know (so
 * that its vmalloc areas keep their names if it is unloaded later).
 */
bool series_ctx_wants_kallsyms(const struct series_ctx *c,
			       const struct sample *s);
/* Takes the reclaim flags and module baseline a sample carries (if any). */
int series_ctx_note(struct series_ctx *c, const struct sample *s,
		    const char *srcname, struct kerr *e);
/*
 * Parses the sample's sources and adds one sample to set. A source absent
 * from the sample adds nothing (its series read 0 there). Returns 0, or a
 * negative errno with e naming the source and line that does not parse.
 * srcname prefixes error locations ("/proc" or "rec.kleak@1234").
 */
int series_ingest(struct series_set *set, struct series_ctx *c,
		  struct sample *s, const char *srcname, struct kerr *e);

#endif

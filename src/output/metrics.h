/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kleak's metric set (docs/exporter.md, CONTRACTS.md "Metrics"), built as
 * Prometheus families (output/prom.h) from a neutral description of one
 * sample and its trend verdicts. The exporter and `watch --textfile` fill
 * struct metrics_input from their pipeline; this file decides names, HELP,
 * units and how cardinality stays bounded: each table (slab caches, vmalloc
 * callers and modules, allocinfo sites, cgroups) keeps its `top` largest
 * rows plus the rows marked `pinned` (series with a verdict), and sums the
 * rest into one row named `other`; verdict rows are the first `top` of the
 * ranking. No raw kernel addresses reach a label: a value that looks like
 * one is replaced by "(address)".
 */
#ifndef KLEAK_OUTPUT_METRICS_H
#define KLEAK_OUTPUT_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "output/prom.h"

#define METRICS_OTHER "other"

/* One row of a table: a cache, a vmalloc caller or module, a site, a cgroup. */
struct metrics_row {
	const char *name;
	const char *module; /* NULL or "": built into the kernel */
	double bytes;
	double objects; /* slab caches: active objects; else unused */
	bool pinned;	/* exported whatever its rank (it has a verdict) */
};

struct metrics_table {
	struct metrics_row *v;
	size_t n, alloc;
};

/* One series of the trend report, in ranking order. */
struct metrics_verdict {
	const char *source;	/* "slab", "vmalloc_caller", ... (leaks[].source) */
	const char *name;	/* leaks[].name */
	const char *module;	/* NULL/"" when none */
	const char *srcversion; /* /sys/module/MODULE/srcversion, NULL/"" unknown */
	double rate_bytes_per_second;
	double confidence;   /* 0..1 */
	const char *verdict; /* one of metrics_verdict_words */
	const char *reason;  /* why it is not leak (leaks[].reason); NULL for a leak */
	const char *counter; /* a cgroup's counter ("kernel", ...); NULL/"" else */
};

struct metrics_kv {
	const char *name;
	double value;
};

struct metrics_module {
	const char *name, *srcversion;
};

struct metrics_input {
	const char *version;	    /* kleak's */
	const char *release;	    /* uname -r of the sampled kernel */
	const char *nodename;	    /* uname -n: the host, for joins across a fleet */
	struct metrics_kv *meminfo; /* kernel components and MemTotal & co. */
	size_t nmeminfo;
	struct metrics_table slab, vmalloc_callers, vmalloc_modules, allocinfo, cgroups;
	bool have_slab, have_vmalloc, have_allocinfo, have_cgroups;
	struct metrics_module *modules;
	size_t nmodules;
	struct metrics_verdict *verdicts;
	size_t nverdicts;
	/* Sources: name and whether the last sample read it. */
	struct {
		const char *name;
		bool ok;
	} sources[16];
	size_t nsources;
	/* Health of the sampler. */
	double samples_total, sample_errors_total;
	double sample_duration_s;  /* the last sample: read, parse, analyse */
	double last_sample_time_s; /* wall clock, seconds since the epoch */
	double window_s;	   /* time the trend window covers */
	double leak_window_s;	   /* evidence needed for "leak" */
	double series;		   /* series tracked */
};

/* "leak", "growing", "growing_reclaimable", "possible_leak", "fluctuating",
 * "released", NULL: the state set of kleak_verdict (CONTRACTS.md). */
extern const char *const metrics_verdict_words[];

struct metrics_opts {
	size_t top; /* rows per table and verdict rows (default 30) */
};

/* Appends a row (strings are borrowed until the set is built). 0 or -ENOMEM. */
int metrics_table_add(struct metrics_table *t, const struct metrics_row *r);
void metrics_table_reset(struct metrics_table *t);
void metrics_table_free(struct metrics_table *t);

/*
 * Builds every family of the metric set into out (which must be empty).
 * Sorts the tables in place (by bytes). 0, or -ENOMEM / -EINVAL (a bug).
 */
int metrics_build(struct metrics_input *in, const struct metrics_opts *o, struct prom_set *out);

/* Whether a label value looks like a raw kernel address (0x... or 16 hex digits). */
bool metrics_looks_like_address(const char *s);

#endif

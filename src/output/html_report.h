/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HTML report: one self-contained page (inline SVG and CSS, no
 * request of any kind, readable without script, printable, readable on a
 * phone) showing kernel memory over time stacked by component, the series
 * that grew with a sparkline, rate, confidence and verdict each, the
 * findings with their evidence and next command, the run's metadata, and
 * when present kmemleak's groups and trace's call sites with their flame
 * graphs. docs/html.md describes the page.
 *
 * The page renders `struct html_report`, a neutral model the producers
 * fill through an adapter (html_from_trend.h for watch and report): the
 * renderer computes nothing but the picture. The numbers it prints come
 * from the model as the producer's --json has them; machine-readable
 * copies sit in data- attributes (written like json_double writes them)
 * so a test can compare the page with --json.
 *
 * Every string in the model is borrowed (it must live until the page is
 * written) and untrusted: the page escapes each one (html_esc.h).
 */
#ifndef KLEAK_OUTPUT_HTML_REPORT_H
#define KLEAK_OUTPUT_HTML_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output/stacks.h"

struct html_meta {
	const char *title;	    /* "kleak report"; NULL: "kleak report" */
	const char *command;	    /* the command line that made it, or NULL */
	const char *version;	    /* kleak's version */
	const char *kernel;	    /* uname -r of the sampled machine, NULL unknown */
	const char *hostname;	    /* NULL unknown */
	const char *source;	    /* recording file; NULL: a live watch */
	bool truncated;		    /* the recording ends inside a sample */
	int64_t start_time_s;	    /* wall clock of the first sample; 0 unknown */
	double interval_s;	    /* interval asked for; 0 unknown */
	double duration_s;	    /* first to last sample (monotonic) */
	uint64_t samples;	    /* samples taken or read */
	long gaps;		    /* spacings over 1.5x the expected one; -1 unknown */
	unsigned samples_per_point; /* raw samples averaged into each point */
	size_t series;		    /* series tracked */
};

/* One band of the memory-over-time chart. */
struct html_component {
	const char *name;    /* meminfo field or "Unaccounted": JSON's name */
	const char *label;   /* for people: "Slab, unreclaimable" */
	const double *bytes; /* one value per time point (html_report.t) */
	uint64_t bytes_now;  /* the latest sample: JSON meminfo.<name> */
	bool stacked;	     /* false: inside another band, drawn as a line */
	unsigned style;	     /* colour and pattern (0..9): one per component name,
			       * so a colour means the same in every report */
};

/* A series that grew, as --json's leaks[] has it. */
struct html_series {
	const char *source; /* "slab", "vmalloc_caller", ... */
	const char *name;
	const char *module; /* NULL: none */
	const double *t;    /* its points, for the sparkline (seconds) */
	const double *bytes;
	size_t npoints;
	uint64_t bytes_now;
	double growth_bytes, peak_growth_bytes;
	double rate_bytes_per_hour;
	double confidence;   /* 0..1 */
	const char *verdict; /* "leak", "growing", ... as in --json */
	const char *reason;  /* why not a leak, when the producer says; NULL */
	bool aggregate;
	const char *explained_by[3]; /* names, NULL-padded */
};

struct html_finding {
	const char *severity; /* "critical", "warning", "info" */
	const char *title;
	const char *evidence;
	const char *next; /* the command to run next, or NULL */
};

struct html_kmemleak_group {
	size_t count;
	uint64_t bytes;
	const char *function, *module, *allocator; /* module, allocator may be NULL */
	const char *const *backtrace;		   /* frames as the kernel printed them */
	size_t nframes;
};

struct html_callsite {
	const char *callsite; /* "function+0xoff" */
	const char *module;   /* NULL: vmlinux */
	const char *cache;    /* NULL: none */
	const char *kind;     /* "kmalloc", "kmem_cache", ... */
	uint64_t outstanding_count, outstanding_bytes;
	double alloc_rate_per_s, free_rate_per_s;
	double oldest_age_s;
};

/* One link of a producer's chain of evidence: "detect", "what grew" ... */
struct html_step {
	const char *step;
	const char *text;
};

/*
 * A producer's own conclusion (investigate): the verdict in one sentence,
 * the chain of evidence that led to it, the next actions and what the run
 * cost. It replaces the page's summary sentence; verdict NULL: none.
 */
struct html_conclusion {
	const char *verdict;  /* the sentence */
	const char *severity; /* "critical", "warning", "info": its colour */
	const char *name;     /* the verdict as --json names it ("leak"), or NULL */
	const struct html_step *chain;
	size_t nchain;
	const char *const *next; /* commands or actions */
	size_t nnext;
	const char *cost; /* one sentence, or NULL */
};

struct html_report {
	struct html_meta meta;
	struct html_conclusion conclusion;
	/* Kernel memory over time: a time axis and one array per component. */
	const double *t; /* seconds since the first sample */
	size_t npoints;
	const struct html_component *comp;
	size_t ncomp;
	/* The series that grew, most suspicious first (a top N of them). */
	const struct html_series *series;
	size_t nseries;
	size_t nseries_total; /* how many the producer has (the rest: --json) */
	const struct html_finding *findings;
	size_t nfindings;
	/* kmemleak, when the run or recording holds it. */
	bool have_kmemleak;
	const char *kmemleak_note; /* e.g. why it is absent; NULL */
	const struct html_kmemleak_group *groups;
	size_t ngroups;
	const struct stacks *kmemleak_stacks; /* bytes per backtrace, or NULL */
	/* trace, when the run holds it. */
	bool have_trace;
	const char *trace_note; /* e.g. "stacks for 1 in 16 objects"; NULL */
	const struct html_callsite *callsites;
	size_t ncallsites;
	const struct stacks *trace_stacks; /* outstanding bytes per stack, or NULL */
};

struct html_opts {
	unsigned columns; /* pixel columns of the memory chart; 0: 720 */
};

/*
 * Writes the page to f. Returns 0, -ENOMEM, or -EIO when writing failed
 * (the caller names the file).
 */
int html_report_write(FILE *f, const struct html_report *r, const struct html_opts *o);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trend detection over series of kernel memory samples.
 *
 * Rate: the Theil-Sen slope (median of the slopes between every pair of
 * points), robust to outliers and to the one-off steps slab growth makes.
 * Confidence: the Mann-Kendall test for a monotonic increase (with the
 * correction for ties that page-quantised values produce), reported as
 * 1 - its two-sided p-value when the trend is up, 0 otherwise.
 * Verdict: from the confidence, the growth, how often the series rose, and
 * whether it fell back from its peak (grow-then-release is not a leak);
 * reclaimable slab caches get their own verdict. docs/watch.md gives the
 * reasoning behind each threshold in struct trend_opts.
 *
 * Ranking (CONTRACTS.md "Leak ranking"): specific series (slab caches,
 * vmalloc callers and modules) above the aggregate meminfo series whose
 * growth they explain.
 */
#ifndef KLEAK_ANALYZE_TREND_H
#define KLEAK_ANALYZE_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/series.h"

/* Theil-Sen runs on at most this many points (means of runs beyond). */
#define TREND_TS_POINTS 64

struct trend_opts {
	/* Confidence for "leak"/"growing_reclaimable": 1% false alarms per series tested. */
	double conf_leak;	 /* 0.99 */
	/* Confidence for "possible_leak": worth a look, not a verdict. */
	double conf_possible;	 /* 0.90 */
	/* Series growing less than this over the window are not listed. */
	double min_growth_bytes; /* 16 KiB: four pages */
	/* Fell back by this share of its growth since its peak: released. */
	double release_frac;	 /* 0.5 */
	/* Points needed before any verdict (fewer: "possible_leak" at most). */
	unsigned min_points;	 /* 5 */
	/* Rises between consecutive points needed for "leak". */
	unsigned min_rises;	 /* 3 */
	/* Share of an aggregate's rate its growing parts must cover. */
	double explain_frac;	 /* 0.5 */
};

void trend_opts_default(struct trend_opts *o);

enum trend_verdict {
	TREND_LEAK,	       /* steady growth of unreclaimable memory */
	TREND_RECLAIMABLE,     /* steady growth the kernel can reclaim */
	TREND_POSSIBLE,	       /* growth, not yet conclusive */
	TREND_FLUCTUATING,     /* grew, but no monotonic trend */
	TREND_RELEASED,	       /* grew, then gave the memory back */
};

/* "leak", "growing_reclaimable", "possible_leak", "fluctuating", "released" */
const char *trend_verdict_name(enum trend_verdict v);

/* ---- statistics (pure) ---- */

/*
 * Theil-Sen slope of v over t (units of v per unit of t). scratch holds at
 * least n*(n-1)/2 doubles. 0 for fewer than two points.
 */
double trend_theil_sen(const double *t, const double *v, size_t n,
		       double *scratch);

struct trend_mk {
	int64_t s;	   /* sum over pairs i<j of sign(v[j] - v[i]) */
	double var;	   /* variance of S under no trend, ties corrected */
	double z;	   /* continuity-corrected normal score */
	double confidence; /* 1 - two-sided p when z > 0, else 0 */
};

/*
 * Mann-Kendall test; s may be given (>= 0: the caller kept it
 * incrementally) or computed (pass -1 in have_s = false). scratch holds n
 * doubles (for the tie counts).
 */
void trend_mann_kendall(const double *v, size_t n, bool have_s, int64_t s,
			double *scratch, struct trend_mk *out);

/* ---- per-series results and the ranked report ---- */

#define TREND_EXPLAIN_MAX 3

struct trend_leak {
	size_t series;		    /* slot in the series_set */
	double rate_bytes_per_hour; /* Theil-Sen slope x 3600 */
	double confidence;	    /* see struct trend_mk; 0 when released */
	double growth_bytes;	    /* last point - first point */
	double peak_growth_bytes;   /* highest point - first point */
	unsigned rises;		    /* consecutive points that went up */
	enum trend_verdict verdict;
	bool aggregate;		    /* a meminfo series */
	bool explained;		    /* aggregate covered by specific series */
	size_t explained_by[TREND_EXPLAIN_MAX];
	int nexplained;
	int tier;		    /* ranking class, lower first */
};

struct trend_report {
	struct trend_leak *v; /* sorted, most suspicious first */
	size_t n, alloc;
	double *scratch;      /* reused between analyses */
	size_t scratch_len;
	double window_s;      /* time between the first and last point */
	size_t points;
};

/*
 * Analyses every series of set that grew by opts->min_growth_bytes and
 * ranks them into rep (reused across calls). Returns 0 or -ENOMEM.
 */
int trend_analyze(const struct series_set *set, const struct trend_opts *o,
		  struct trend_report *rep);
void trend_report_free(struct trend_report *rep);

/*
 * --fail-on: "leak", "growing_reclaimable" or "possible_leak" (each
 * includes the verdicts above it). Returns 0 with *v set, or -EINVAL.
 */
int trend_verdict_parse(const char *s, enum trend_verdict *v);
/* Whether a series not explained by others has a verdict at or above v. */
bool trend_report_reaches(const struct trend_report *rep, enum trend_verdict v);

#endif

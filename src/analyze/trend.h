/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trend detection over series of kernel memory samples, and the verdicts
 * an on-call engineer acts on (docs/verdicts.md has the method, the
 * citations and the simulated error rates).
 *
 * Rate: the Theil-Sen slope (median of the slopes between every pair of
 * points), robust to outliers and to the one-off steps slab growth makes.
 * Trend test: consecutive memory samples are not independent. A series
 * whose residuals wander (low Durbin-Watson ratio: a random walk,
 * Sargan-Bhargava 1983) is decided by a drift test against its own
 * diffusion; the others by Mann-Kendall with ties, its variance widened
 * by the larger of Hamed and Rao's (1998) and the AR(1) effective sample
 * size (Yue-Wang 2004). The plain test calls a random walk a trend a
 * third of the time. The one-sided p-value is reported as
 * trend_confidence = 1 - p (the test's confidence that the series trends
 * up, not the probability of a leak). Over all the series watched, Holm's
 * step-down method keeps the chance of any false `leak` on an analysis
 * (family-wise) under alpha_family.
 *
 * Verdict: `leak` needs evidence, not just a trend: the trend significant
 * family-wise, seen for at least leak_window_s, never released, material
 * against the series' own noise, at least min_rate_bytes_per_hour, and
 * still growing in the recent half of the window. Before that a series
 * that trends up is `growing`; every verdict other than `leak` says why
 * (enum trend_reason). docs/verdicts.md gives the reason for each threshold
 * in struct trend_opts.
 *
 * Related series (analyze/relate.c): a series whose memory lives and dies
 * with another's (lsm_inode_cache with the inodes, thread stacks with the
 * tasks) is judged with the series it follows, and an aggregate (Slab,
 * KernelStack, ...) inherits the verdict of the series it contains.
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

/* Theil-Sen and the trend test run on at most this many points (means of runs beyond). */
#define TREND_TS_POINTS 64

struct trend_opts {
	/*
	 * The evidence window (`--leak-window DUR`, the same option in watch,
	 * record, report, exporter and investigate): growth seen for less
	 * than this is `growing`, never `leak`. Long enough to outlast a
	 * workload's ramp (caches filling, a build's first minutes).
	 */
	double leak_window_s; /* 600: 10 minutes */
	/* One-sided p of the corrected trend test for `growing` (one series). */
	double alpha_series; /* 0.01 */
	/* Holm-adjusted p for `leak`: false `leak` over all series watched. */
	double alpha_family; /* 0.01 */
	/*
	 * Below this Durbin-Watson ratio of the residuals around the trend
	 * (on 64 run means; x 64/m on m < 64 points) a series is judged as a
	 * random walk, by the drift test; at or above it, as noise around a
	 * trend, by Mann-Kendall. A random walk passes it in 1-18 of 10000
	 * windows, noise with a lag-one correlation under 0.5 nearly always.
	 */
	double dw_stationary; /* 1.0 */
	/* Series in the family; 0: every series of the set (a subset's caller sets it). */
	size_t family_size; /* 0 */
	/* Series growing less than this over the window are not listed. */
	double min_growth_bytes; /* 16 KiB: four pages */
	/* Slower growth is `growing` (too_slow), never `leak`. */
	double min_rate_bytes_per_hour; /* 256 KiB/h: a quarter of the slowest target */
	/* Growth over the window must reach this many times the series' noise. */
	double noise_ratio; /* 3 */
	/* The recent half of the window must grow at this share of the rate. */
	double sustain_frac; /* 0.25 */
	/*
	 * The lowest point of the last quarter of the evidence must stand
	 * this share of the trend's growth above the lowest of the first
	 * quarter: a series that keeps dropping back to where it was (bursts
	 * over a flat floor) is not a leak, however its bursts line up.
	 */
	double floor_frac; /* 0.25 */
	/* Fell back by this share of its growth since its peak: released. */
	double release_frac; /* 0.5 */
	/* Points needed before a trend is judged at all. */
	unsigned min_points; /* 5 */
	/* Share of an aggregate's rate its growing parts must cover. */
	double explain_frac; /* 0.5 */
	/*
	 * Unaccounted moves with pages in flight (per-CPU lists, vmstat
	 * drift, page reporting): `leak` only over this much evidence (or
	 * the leak window when longer), and growth beyond its drift bound.
	 */
	double unaccounted_window_s; /* 3600: an hour */
	/*
	 * Judge only the points of the last trailing_s seconds (0: every
	 * point of the run). A long-running consumer (the exporter) sets it,
	 * so that a leak that starts after hours of a flat series is judged
	 * on its own growth, not diluted by the flat part.
	 */
	double trailing_s; /* 0 */
};

void trend_opts_default(struct trend_opts *o);

/* In ranking and --fail-on order: each includes the ones before it. */
enum trend_verdict {
	TREND_LEAK,	   /* growth of unreclaimable memory, with the evidence */
	TREND_GROWING,	   /* trends up, evidence not (yet) enough: see reason */
	TREND_RECLAIMABLE, /* trends up, but the kernel can reclaim it */
	TREND_POSSIBLE,	   /* trends up for itself, not over all series watched */
	TREND_FLUCTUATING, /* grew, but no trend */
	TREND_RELEASED,	   /* grew, then gave the memory back */
};

/* "leak", "growing", "growing_reclaimable", "possible_leak", "fluctuating", "released" */
const char *trend_verdict_name(enum trend_verdict v);

/* Why a listed series is not `leak` (JSON `reason`, null for a leak). */
enum trend_reason {
	TREND_REASON_NONE,	  /* a leak */
	TREND_REASON_WINDOW,	  /* "window_too_short": seen growing for < leak_window_s */
	TREND_REASON_WEAK,	  /* "weak_trend": significant alone, not over all series */
	TREND_REASON_SLOW,	  /* "too_slow": below min_rate_bytes_per_hour */
	TREND_REASON_NOISE,	  /* "within_noise": growth < noise_ratio x the noise */
	TREND_REASON_STALLED,	  /* "not_sustained": the recent half stopped growing */
	TREND_REASON_RECLAIMABLE, /* "reclaimable": the kernel can shrink it */
	TREND_REASON_NO_TREND,	  /* "no_trend": the trend test does not hold */
	TREND_REASON_RELEASED,	  /* "released": fell back from its peak */
	/* "follows_reclaimable": grows with the reclaimable memory it lives with */
	TREND_REASON_FOLLOWS_RECLAIMABLE,
	/* "follows_tasks": thread stacks, task structs ... growing with the tasks */
	TREND_REASON_FOLLOWS_TASKS,
	/* "drops_back": its lowest points do not rise (bursts over a flat floor) */
	TREND_REASON_DROPS,
	/* "follows_user_memory": page tables, VMAs ... growing with processes' memory */
	TREND_REASON_FOLLOWS_USER,
	/* "follows_lazy_vmalloc": vmap_area ... with freed vmalloc areas not yet purged */
	TREND_REASON_FOLLOWS_LAZY_VMALLOC,
	/* "follows_slab_pages": slab extension vectors with the slab pages they describe */
	TREND_REASON_FOLLOWS_SLAB,
	/*
	 * "host_reclaimable": a cgroup's kernel memory (v1: one counter, no
	 * reclaimable split) grew no faster than the host's reclaimable slab
	 */
	TREND_REASON_HOST_RECLAIMABLE,
};

/* The JSON word for a reason; NULL for TREND_REASON_NONE. */
const char *trend_reason_name(enum trend_reason r);

/* ---- statistics (pure) ---- */

/*
 * Theil-Sen slope of v over t (units of v per unit of t). scratch holds at
 * least n*(n-1)/2 doubles. 0 for fewer than two points.
 */
double trend_theil_sen(const double *t, const double *v, size_t n, double *scratch);

struct trend_mk {
	int64_t s;	   /* sum over pairs i<j of sign(v[j] - v[i]) */
	double var;	   /* variance of S under no trend, ties corrected */
	double var_ratio;  /* Hamed-Rao n/n*: var widened by autocorrelation (>= 1) */
	double z;	   /* continuity-corrected normal score on var x var_ratio */
	double p;	   /* one-sided p-value for an upward trend */
	double confidence; /* 1 - p: the test's, not the probability of a leak */
};

/*
 * Mann-Kendall test assuming independent samples (var_ratio 1); s may be
 * given (have_s: the caller kept it incrementally) or computed. scratch
 * holds n doubles (for the tie counts).
 */
void trend_mann_kendall(const double *v, size_t n, bool have_s, int64_t s, double *scratch,
			struct trend_mk *out);

/*
 * Hamed and Rao's variance correction for autocorrelated data (J. Hydrol.
 * 204, 1998, eq. 3.3): n/n* = 1 + 2/(n(n-1)(n-2)) sum_k (n-k)(n-k-1)(n-k-2)
 * rho_k, rho_k the lag-k autocorrelation of the ranks of v - slope x t,
 * counting only the lags significant at 5%. Never below 1 here (a negative
 * autocorrelation does not make the test bolder). O(n^2); scratch holds 2n
 * doubles.
 */
double trend_hamed_rao_ratio(const double *t, const double *v, size_t n, double slope,
			     double *scratch);

/*
 * The Durbin-Watson (von Neumann) ratio of the least-squares residuals of
 * v over t: sum of squared successive differences over the sum of
 * squares. About 2 for independent noise, 2(1 - rho) for noise with
 * lag-one correlation rho, near 0 for a random walk, whose residuals
 * wander: Sargan and Bhargava (Econometrica 51, 1983) test the random
 * walk hypothesis with it. 4 when there is no residual at all.
 */
double trend_durbin_watson(const double *t, const double *v, size_t n);

/*
 * The variance ratio n/n* of an AR(1) series with lag-one correlation rho
 * (clamped to [0, 0.99]): 1 + (2/n) sum_k (n - k) rho^k, the effective
 * sample size of Yue and Wang (Water Resour. Manag. 18, 2004) under AR(1).
 */
double trend_ar1_ratio(double rho, size_t n);

/*
 * The corrected test: Mann-Kendall with ties, its variance multiplied by
 * the larger of trend_hamed_rao_ratio (around slope) and the AR(1) ratio
 * of the lag-one correlation the Durbin-Watson ratio implies (1 - DW/2):
 * Hamed and Rao's sum keeps only significant lags and underestimates a
 * persistent series' correlation; the AR(1) one misses longer memory.
 * scratch holds 2n doubles.
 */
void trend_mann_kendall_ac(const double *t, const double *v, size_t n, double slope,
			   double *scratch, struct trend_mk *out);

/*
 * The drift test for a series that does not revert to a trend line (a
 * random walk, where Mann-Kendall finds trends that are not there): the
 * growth over the span (slope: the Theil-Sen slope of v over t) against
 * the growth the walk's own diffusion (estimated from the differences of
 * the points) would give, Student's t. Returns the one-sided p-value of a
 * positive drift; *z the statistic.
 */
double trend_drift_p(const double *t, const double *v, size_t n, double slope, double *z);

/* Holm's step-down adjustment of p[0..n) in place, for a family of m >= n. */
void trend_holm(double *p, size_t n, size_t m, size_t *order);

/* ---- per-series results and the ranked report ---- */

#define TREND_EXPLAIN_MAX 3

struct trend_leak {
	size_t series;			   /* slot in the series_set */
	double rate_bytes_per_hour;	   /* Theil-Sen slope x 3600 over the evidence */
	double recent_rate_bytes_per_hour; /* ... over its recent half */
	double p_trend;			   /* trends up at all (growing): see test_trend */
	double p;		  /* the deciding test: Mann-Kendall, or drift for a walk */
	double confidence;	  /* 1 - p */
	double p_adjusted;	  /* Holm-adjusted p over the family */
	double var_ratio;	  /* Hamed-Rao n/n* of the test */
	double noise_bytes;	  /* robust sd of the points around the trend */
	double durbin_watson;	  /* of the run means' residuals: ~2 noise, ~0 a walk */
	bool random_walk;	  /* decided by the drift test (durbin_watson low) */
	double evidence_s;	  /* from the series' first point present to the last */
	double window_s;	  /* the leak window it was judged with */
	size_t first;		  /* its first point judged (index in set->v[].v) */
	size_t points;		  /* points judged (from that first point) */
	double growth_bytes;	  /* last point - first point */
	double floor_rise_bytes;  /* lowest of the last quarter - lowest of the first */
	double peak_growth_bytes; /* highest point - first point */
	double fall_bytes;	  /* highest point - lowest point since it (last reached) */
	size_t recent_first;	  /* the first point of the recent half */
	enum trend_verdict verdict;
	enum trend_reason reason;
	bool aggregate; /* a meminfo series */
	bool explained; /* aggregate covered by specific series */
	size_t explained_by[TREND_EXPLAIN_MAX];
	int nexplained;
	bool follows;  /* judged with the series it follows (relate.c) */
	size_t leader; /* that series' slot (the fastest of a group) */
	int tier;      /* ranking class, lower first */
};

/* The context series (tasks, page cache), measured and judged alone. */
#define TREND_CONTEXT_MAX 6

struct trend_report {
	struct trend_leak *v; /* sorted, most suspicious first */
	size_t n, alloc;
	double *scratch; /* reused between analyses */
	size_t scratch_len;
	double *p; /* Holm's p-values and ordering, n of each */
	size_t *order;
	double window_s; /* time between the first and last point */
	size_t points;
	double leak_window_s; /* the evidence window the verdicts used */
	size_t family;	      /* series in the family-wise control */
	struct trend_leak context[TREND_CONTEXT_MAX];
	size_t ncontext;
};

/* The context series named name ("tasks", "page_cache") as judged, or NULL. */
const struct trend_leak *trend_context(const struct trend_report *rep, const struct series_set *set,
				       const char *name);

/*
 * Analyses every series of set that grew by opts->min_growth_bytes and
 * ranks them into rep (reused across calls). Returns 0 or -ENOMEM.
 */
int trend_analyze(const struct series_set *set, const struct trend_opts *o,
		  struct trend_report *rep);
void trend_report_free(struct trend_report *rep);

/*
 * --fail-on: "leak", "growing", "growing_reclaimable" or "possible_leak"
 * (each includes the verdicts before it). Returns 0 with *v set, or -EINVAL.
 */
int trend_verdict_parse(const char *s, enum trend_verdict *v);
/*
 * Whether l is a `leak` of its own: what `leak_count` counts and what
 * pages. An aggregate explained by specific series is a leak only
 * through them (they are counted).
 */
bool trend_leak_counts(const struct trend_leak *l);
/* Whether a series not explained by others has a verdict at or above v. */
bool trend_report_reaches(const struct trend_report *rep, enum trend_verdict v);

/* Doubles trend_series_rate needs as scratch. */
#define TREND_RATE_SCRATCH (2 * TREND_TS_POINTS + TREND_TS_POINTS * (TREND_TS_POINTS - 1) / 2)

/*
 * The Theil-Sen rate (bytes per hour) of series k over its points at or
 * after t_from (seconds since the first sample), on the same run means as
 * the analysis: the rate of a part of the run (investigate's confirm
 * step, while it traces). 0 with fewer than two points.
 */
double trend_series_rate(const struct series_set *set, size_t k, double t_from, double *scratch);

#endif

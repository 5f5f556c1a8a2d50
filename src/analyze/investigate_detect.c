// SPDX-License-Identifier: GPL-2.0
/*
 * investigate's detect step: the thresholds, the names, and the decision
 * after each analysis (a suspect, nothing grows, keep watching); see
 * investigate.h.
 */
#include "investigate.h"

#include <stdio.h>
#include <string.h>

void inv_opts_default(struct inv_opts *o)
{
	*o = (struct inv_opts){
		.interval0_s = 1,
		.interval_max_s = 8,
		.points = 128,
		.detect_evidence_s = 30,
		.quiet_s = 60,
		.quiet_p = 0.1,
		.strong_rate_factor = 16,
		.strong_noise_ratio = 3,
		.reserve_frac = 0.25,
		.reserve_min_s = 30,
		.reserve_max_s = 180,
		.match_factor = 2,
		.follow_tolerance = 0.25,
		.age_max_s = 30,
		.age_min_s = 5,
		.min_aged = 16,
		.held_frac = 0.5,
		.explain_frac = 0.25,
		.sustain_frac = 0.25,
		.unused_frac = 0.5,
		.container_frac = 0.5,
	};
}

const char *inv_kind_name(enum inv_kind k)
{
	static const char *const names[] = {
		[INV_KIND_NONE] = "none",
		[INV_KIND_SLAB] = "slab_cache",
		[INV_KIND_VMALLOC] = "vmalloc_caller",
		[INV_KIND_ALLOCINFO] = "allocinfo_site",
		[INV_KIND_CGROUP] = "container",
		[INV_KIND_MEMINFO] = "meminfo",
	};

	return k <= INV_KIND_MEMINFO ? names[k] : "none";
}

enum inv_kind inv_kind_of(enum series_source s)
{
	switch (s) {
	case SERIES_SLAB:
		return INV_KIND_SLAB;
	case SERIES_VMALLOC_CALLER:
	case SERIES_VMALLOC_MODULE:
		return INV_KIND_VMALLOC;
	case SERIES_ALLOCINFO:
		return INV_KIND_ALLOCINFO;
	case SERIES_MEMINFO:
		return INV_KIND_MEMINFO;
	default:
		return INV_KIND_NONE;
	}
}

const char *inv_stop_name(enum inv_stop s)
{
	static const char *const names[] = {
		[INV_STOP_RUNNING] = "running",	    [INV_STOP_SUSPECT] = "suspect",
		[INV_STOP_QUIET] = "nothing_grows", [INV_STOP_DEADLINE] = "max_duration",
		[INV_STOP_SIGNAL] = "signal",
	};

	return s <= INV_STOP_SIGNAL ? names[s] : "running";
}

void inv_series_fill(struct inv_series *s, const struct series_set *set, size_t k,
		     const struct trend_leak *l)
{
	const struct series *x = &set->v[k];

	memset(s, 0, sizeof(*s));
	s->source = x->source;
	snprintf(s->name, sizeof(s->name), "%s", x->name);
	snprintf(s->module, sizeof(s->module), "%s", x->module);
	s->reclaimable = x->reclaimable;
	s->aggregate = x->source == SERIES_MEMINFO || x->aggregate;
	s->bytes = (double)x->last;
	s->verdict = TREND_FLUCTUATING;
	s->reason = TREND_REASON_NO_TREND;
	s->p_adjusted = 1;
	if (!l)
		return;
	s->growth_bytes = l->growth_bytes;
	s->rate_bytes_per_hour = l->rate_bytes_per_hour;
	s->trend_confidence = l->confidence;
	s->p_adjusted = l->p_adjusted;
	s->verdict = l->verdict;
	s->reason = l->reason;
	s->evidence_s = l->evidence_s;
}

static bool growing(enum trend_verdict v)
{
	return v <= TREND_POSSIBLE;
}

/*
 * Unaccounted swings by tens of MB between samples on a busy machine
 * (per-CPU page lists, pages being reported to the host): it is judged
 * over the leak window only, as watch does, never as an early suspect.
 */
static bool may_suspect(const struct series_set *set, const struct trend_leak *l)
{
	const struct series *s = &set->v[l->series];

	if (l->aggregate && l->explained)
		return false;
	/* a follower its leader explains (vmap_area with the unpurged areas)
	 * is no suspect; one that keeps `leak` (a thread leak's stacks) is */
	if (l->follows && l->verdict != TREND_LEAK)
		return false;
	return !(s->source == SERIES_MEMINFO && !strcmp(s->name, "Unaccounted"));
}

/*
 * A reclaimable series with the evidence `leak` would need over the detect
 * window (decide() in trend.c stops at `reclaimable` before the rest).
 */
static bool reclaimable_grade(const struct trend_leak *l, const struct trend_opts *to)
{
	double growth = l->rate_bytes_per_hour / 3600 * l->evidence_s;

	if (l->verdict != TREND_RECLAIMABLE || l->evidence_s < to->leak_window_s)
		return false;
	if (l->p_adjusted > to->alpha_family || (l->random_walk && l->p > to->alpha_series))
		return false;
	return l->rate_bytes_per_hour >= to->min_rate_bytes_per_hour &&
	       growth >= to->noise_ratio * l->noise_bytes &&
	       l->recent_rate_bytes_per_hour >= to->sustain_frac * l->rate_bytes_per_hour;
}

static long find_suspect(const struct series_set *set, const struct trend_report *rep,
			 const struct trend_opts *to)
{
	for (size_t i = 0; i < rep->n; i++) {
		const struct trend_leak *l = &rep->v[i];

		if (!may_suspect(set, l))
			continue;
		if (l->verdict == TREND_LEAK || reclaimable_grade(l, to))
			return (long)i;
	}
	return -1;
}

/* The likeliest grower: its own trend significant, at a material rate. */
static long find_weak(const struct series_set *set, const struct trend_report *rep,
		      const struct trend_opts *to)
{
	long best = -1;

	for (size_t i = 0; i < rep->n; i++) {
		const struct trend_leak *l = &rep->v[i];

		if (!may_suspect(set, l) || !growing(l->verdict) || l->p_trend > to->alpha_series ||
		    l->rate_bytes_per_hour < to->min_rate_bytes_per_hour)
			continue;
		if (best < 0 || l->p_adjusted < rep->v[best].p_adjusted)
			best = (long)i;
	}
	return best;
}

/*
 * A specific series that grows far above the rate floor and above its own
 * noise, its lowest points rising with it, whatever its p-value: on a
 * shared machine other workloads' bursts (tens of thousands of dentries
 * made and dropped) push the autocorrelation-corrected test to p 1 while
 * the series grows steadily underneath. That is not a machine where
 * nothing grows. Bursts over a flat floor are (the floor rule of `leak`).
 */
static bool strong_grower(const struct series_set *set, const struct trend_leak *l,
			  const struct trend_opts *to, const struct inv_opts *o)
{
	double growth = l->rate_bytes_per_hour / 3600 * l->evidence_s;

	if (!may_suspect(set, l) || l->aggregate || l->verdict == TREND_RELEASED)
		return false;
	return l->rate_bytes_per_hour >= o->strong_rate_factor * to->min_rate_bytes_per_hour &&
	       growth >= o->strong_noise_ratio * l->noise_bytes && l->growth_bytes > 0 &&
	       l->floor_rise_bytes >= to->floor_frac * 0.75 * growth;
}

/*
 * Keep watching: something comes within quiet_p of the family-wise bar,
 * or a specific series grows strongly (strong_grower).
 */
static bool near_bar(const struct series_set *set, const struct trend_report *rep,
		     const struct trend_opts *to, const struct inv_opts *o)
{
	for (size_t i = 0; i < rep->n; i++) {
		const struct trend_leak *l = &rep->v[i];

		if (may_suspect(set, l) && growing(l->verdict) && l->p_adjusted <= o->quiet_p)
			return true;
		if (strong_grower(set, l, to, o))
			return true;
	}
	return false;
}

void investigate_detect_decide(const struct series_set *set, const struct trend_report *rep,
			       const struct trend_opts *to, const struct inv_opts *o,
			       double elapsed_s, bool at_deadline, struct inv_detect_decision *d)
{
	*d = (struct inv_detect_decision){ .stop = INV_STOP_RUNNING, .suspect = -1 };
	d->suspect = find_suspect(set, rep, to);
	if (d->suspect >= 0) {
		d->stop = INV_STOP_SUSPECT;
		return;
	}
	if (elapsed_s >= o->quiet_s && !near_bar(set, rep, to, o)) {
		d->stop = INV_STOP_QUIET;
		return;
	}
	if (!at_deadline)
		return;
	d->stop = INV_STOP_DEADLINE;
	d->suspect = find_weak(set, rep, to);
	d->weak = d->suspect >= 0;
}

double investigate_detect_budget(const struct inv_opts *o, double max_s)
{
	double r = o->reserve_frac * max_s;

	if (r < o->reserve_min_s)
		r = o->reserve_min_s;
	if (r > o->reserve_max_s)
		r = o->reserve_max_s;
	if (r > max_s / 2) /* a short -d: detect keeps half */
		r = max_s / 2;
	return max_s - r;
}

double investigate_floor_bph(const struct trend_opts *to, double elapsed_s)
{
	return elapsed_s > 0 ? to->min_growth_bytes * 3600 / elapsed_s : 0;
}

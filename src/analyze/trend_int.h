/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the verdicts: trend.c measures and decides each series on its
 * own evidence; relate.c then judges the series that belong together
 * (followers with what they follow, aggregates with what they contain)
 * and the context series. Not for other callers: trend.h is the API.
 */
#ifndef KLEAK_ANALYZE_TREND_INT_H
#define KLEAK_ANALYZE_TREND_INT_H

#include "analyze/trend.h"

/* leak, growing, growing_reclaimable or possible_leak: it trends up. */
bool trend_growing(enum trend_verdict v);
/*
 * The statistics of series k over the points judged (l zeroed first);
 * scratch is rep->scratch (trend.c's reserve()).
 */
void trend_measure(const struct series_set *set, size_t k, const struct trend_opts *o,
		   double *scratch, struct trend_leak *l);
/* Its own verdict, once l->p_adjusted is set. */
void trend_decide(const struct series *s, const struct trend_opts *o, struct trend_leak *l);
/* Context series, followers, then aggregates (relate.c). */
void trend_relate(const struct series_set *set, const struct trend_opts *o,
		  struct trend_report *rep);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fills the HTML report model (html_report.h) from the growth report of
 * watch and report: a series set and the trend report made from it.
 * Components come from the meminfo series (the stacked bands add up to the
 * kernel total of analyze/kmem.h), the series that grew from the ranked
 * trend report, one finding per growing series that nothing explains, and
 * the metadata from the caller. The model points into set and rep, which
 * must outlive it; html_trend_doc_free() frees what the adapter owns.
 */
#ifndef KLEAK_OUTPUT_HTML_FROM_TREND_H
#define KLEAK_OUTPUT_HTML_FROM_TREND_H

#include "analyze/trend.h"
#include "model/series.h"
#include "output/html_report.h"

struct html_trend_args {
	const char *title;   /* "kleak report", "kleak watch" */
	const char *command; /* the command line, or NULL */
	const char *version; /* "kleak 0.1" */
	const char *kernel, *hostname;
	const char *source; /* the recording, or NULL for a watch */
	bool truncated;
	int64_t start_time_s; /* wall clock of the first sample, 0 unknown */
	double interval_s;    /* 0 unknown */
	size_t top;	      /* series on the page; 0: 20 (report's --top) */
};

#define HTML_TREND_COMPONENTS 10
#define HTML_TREND_FINDINGS 10

struct html_trend_text {
	char title[400], evidence[480], next[240];
};

struct html_trend_doc {
	struct html_report r;
	/* owned by the adapter */
	struct html_component comp[HTML_TREND_COMPONENTS];
	double *other_reclaimable; /* KReclaimable - SReclaimable, per point */
	struct html_series *series;
	struct html_finding findings[HTML_TREND_FINDINGS];
	struct html_trend_text text[HTML_TREND_FINDINGS];
};

/* Returns 0 or -ENOMEM. */
int html_from_trend(struct html_trend_doc *d, const struct series_set *set,
		    const struct trend_report *rep, const struct html_trend_args *a);
void html_trend_doc_free(struct html_trend_doc *d);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * watch's pipeline over time, one step per sample: live_take (read ->
 * parse, live.h) -> ingest_sample -> trend_analyze. `kleak watch` and
 * `kleak exporter` both step through sampler_step(), so their series and
 * verdicts are the same by construction; they differ only in how much of
 * the past the verdicts look at.
 *
 * watch judges its whole run (slide_ns 0). An exporter runs for months,
 * and over the whole history a leak that starts on day 30 would hide
 * behind 30 flat days (the Theil-Sen rate and the trend test see mostly
 * the flat part). With slide_ns = P the window slides: two series sets
 * overlap, the younger started when the older was P old and replacing it
 * when the older is 2P old, so the verdicts always come from between P and
 * 2P of samples (after the first P). sampler_slide_ns() picks P a quarter
 * above the leak window: every series present for the whole window has
 * the evidence `leak` needs (docs/verdicts.md), and a series seen for
 * less is `growing` (window_too_short). Each sample is ingested into both
 * sets, so memory and ingestion cost are twice a watch's (bounded: each
 * set keeps SERIES_DEFAULT_CAP points per series).
 */
#ifndef KLEAK_CMD_SAMPLER_H
#define KLEAK_CMD_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze/ingest.h"
#include "analyze/trend.h"
#include "live.h"
#include "model/series.h"

struct sampler_opts {
	unsigned mask;		 /* sources of every sample (SRC_BIT()s): the command's */
	uint64_t leak_window_ns; /* --leak-window (trend_opts.leak_window_s) */
	uint64_t slide_ns;	 /* P; 0: the verdicts judge the whole run */
};

/*
 * The fields are the command's to read (and to set up between
 * sampler_init and the first step: live's and ingest's options).
 */
struct sampler {
	struct sampler_opts o;
	struct live live;
	struct sample sample;
	struct snapshot snap; /* the latest sample, parsed */
	struct ingest ingest; /* its vmalloc groups too (ingest.vg) */
	struct series_set sets[2];
	bool in_use[2];
	uint64_t start_ns[2];
	int old; /* sets[old] feeds the verdicts */
	struct trend_report rep;
	struct trend_opts topts;
	uint64_t samples;  /* steps taken */
	uint64_t errors;   /* steps that failed */
	double duration_s; /* of the last step: read, parse, ingest, trend */
	bool ok;	   /* the last step completed */
};

/* P for a leak window and a sampling interval (see above). */
uint64_t sampler_slide_ns(uint64_t leak_window_ns, uint64_t interval_ns);

/* 0 or -ENOMEM. */
int sampler_init(struct sampler *s, const struct sampler_opts *o);
/*
 * One sample: read, parse, ingest (into both sets when sliding), analyse.
 * Returns 0, or the error of a source that does not parse (e says where)
 * or -ENOMEM; a failed step leaves the verdicts of the last good one.
 */
int sampler_step(struct sampler *s, struct kerr *e);
/* The series the verdicts come from. */
const struct series_set *sampler_set(const struct sampler *s);
void sampler_free(struct sampler *s);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exporter's one contact with the sampling pipeline: read the live
 * sources, ingest them into series, run the trend analysis that `watch`
 * runs, and describe the result as a struct metrics_input (output/
 * metrics.h). Everything that knows struct sample, series_set,
 * series_ingest and trend_report is in exporter_sample.c, so that the
 * pipeline refactoring (issue 12) re-points this file only.
 *
 * The trend window slides. `watch` keeps a whole run; an exporter runs for
 * months, and a leak starting on day 30 would hide behind 30 flat days.
 * Two series sets overlap: the younger starts when the older is P old and
 * replaces it when the older is 2P old, so the verdicts always come from
 * between P and 2P of samples (after the first P). P is the leak window
 * plus a quarter (at least two intervals): by then the window covers the
 * evidence `leak` needs, and before it a steadily growing series is
 * `growing` (CONTRACTS.md "Verdicts"). Both sets get the same sample
 * (parsed once, copied into the younger), so memory is twice a watch's.
 */
#ifndef KLEAK_CMD_EXPORTER_SAMPLE_H
#define KLEAK_CMD_EXPORTER_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "output/metrics.h"
#include "util/err.h"

struct exporter_sampler;

struct exporter_sampler_opts {
	uint64_t interval_ns;
	uint64_t leak_window_ns;
	size_t top;		    /* verdict rows kept (the ranking's first) */
	const char *sys_module_dir; /* NULL: /sys/module */
};

int exporter_sampler_new(const struct exporter_sampler_opts *o,
			 struct exporter_sampler **out);
/*
 * Takes one sample and updates the verdicts. A source that does not parse
 * counts as a sample error and is returned in e (the window goes on);
 * returns 0 or that negative errno.
 */
int exporter_sampler_take(struct exporter_sampler *s, struct kerr *e);
/*
 * The latest sample and verdicts as metrics input, valid until the next
 * take. The health fields (samples, errors, duration) are filled too.
 */
int exporter_sampler_input(struct exporter_sampler *s,
			   struct metrics_input **in);
/* Why a live source is missing after the first sample ("" when read). */
const char *exporter_sampler_source_error(const struct exporter_sampler *s,
					  const char *name);
void exporter_sampler_free(struct exporter_sampler *s);

#endif

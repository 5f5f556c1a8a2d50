/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rendering of the growth report shared by `kleak watch` and `kleak
 * report`: NDJSON objects (one per sample and a final one, every key in
 * each), the live TTY view, one plain line per sample off a TTY, and the
 * final text report. Nothing here computes: it renders a series set and
 * the trend report made from it.
 */
#ifndef KLEAK_OUTPUT_WATCH_RENDER_H
#define KLEAK_OUTPUT_WATCH_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "analyze/klog_findings.h"
#include "analyze/klog_stream.h"
#include "analyze/trend.h"
#include "model/cgroups.h"
#include "model/series.h"
#include "model/snapshot.h"

struct watch_view {
	const struct series_set *set;
	const struct trend_report *rep;
	const struct snapshot *snap; /* latest sample: host and source status */
	unsigned wanted;	     /* sources asked for (bits of source_id) */
	bool final;
	double interval_s;
	size_t top; /* rows in the human views */
	bool color;
	const struct cgroup_target *container; /* watch --container, else NULL */
	/* The kernel log's events: the final view lists them all, the
	 * others the ones new with the latest sample. */
	const struct klog_stream *klog;
	const struct klog_findings *klog_findings; /* final view: what they mean */
	/* `kleak report` only (NULL/false for watch). */
	const char *file;
	bool truncated;			 /* the file ended inside a sample */
	unsigned long long truncated_at; /* offset of that incomplete sample */
};

/* One NDJSON object (a line). */
void watch_render_json(FILE *f, const struct watch_view *v);
/* A whole-screen refresh for a TTY (cursor home, clear, redraw). */
void watch_render_live(FILE *f, const struct watch_view *v);
/* One line per sample, for pipes and files. */
void watch_render_line(FILE *f, const struct watch_view *v);
/* The final growth report as text. */
void watch_render_report(FILE *f, const struct watch_view *v);

#endif

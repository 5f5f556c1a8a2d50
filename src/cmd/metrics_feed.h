/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The metrics of one step of the sampler (sampler.h), rendered for
 * Prometheus: the exporter serves them, `kleak watch --textfile` writes
 * them, so the two cannot differ. This is the one place that describes a
 * sampler's state (the parsed sample, the vmalloc groups, the series and
 * the trend report) as the neutral struct metrics_input of
 * output/metrics.h, adding what only a live host knows: each module's
 * srcversion from /sys/module, remembered after the module is unloaded so
 * that a leak that outlives its module still names the build.
 */
#ifndef KLEAK_CMD_METRICS_FEED_H
#define KLEAK_CMD_METRICS_FEED_H

#include <stddef.h>

#include "output/metrics.h"
#include "sampler.h"
#include "util/buf.h"

/* Rows per table and verdict rows unless told otherwise (exporter --top). */
#define METRICS_FEED_TOP 30
/* meminfo rows at most: MemTotal & co. and the kernel components. */
#define METRICS_FEED_MEMINFO 40

struct metrics_feed_srcv;

struct metrics_feed {
	size_t top;			/* METRICS_FEED_TOP when 0 */
	const char *sys_module_dir;	/* NULL: /sys/module */
	struct metrics_feed_srcv *srcv; /* module -> srcversion, seen so far */
	size_t nsrcv, srcv_alloc;
	struct metrics_input in;
	struct metrics_kv kv[METRICS_FEED_MEMINFO];
	struct metrics_verdict *verdicts;
	struct metrics_module *modules;
	size_t verdicts_alloc, modules_alloc;
};

/*
 * Renders the sampler's latest step: the text format into text, and
 * OpenMetrics into om unless it is NULL (both reset first). 0 or -ENOMEM.
 */
int metrics_feed_render(struct metrics_feed *f, const struct sampler *s, struct buf *text,
			struct buf *om);
void metrics_feed_free(struct metrics_feed *f);

#endif

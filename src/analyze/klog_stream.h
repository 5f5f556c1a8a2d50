/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel log over time: the events of successive samples (watch's
 * live reads, a recording's samples in `kleak report`), each kept once.
 *
 * A sample's log starts at the cursor its reader was given: the previous
 * parse's resume_seq (source/klog.h, parse/klog.h), so a report still
 * being printed at one sample is read again, whole, at the next. Of each
 * sample's events, those that are `open`, or start at or after the
 * sample's resume_seq (they come again), wait; those below the cursor
 * the stream already holds were reported; the rest are new. Each event
 * gets its wall-clock time as it is taken in (the sample's boot time),
 * so the list can be rendered without the samples.
 *
 * Memory is bounded: at most KLOG_STREAM_MAX events are kept, the rest
 * counted (a log repeating a warning for days).
 */
#ifndef KLEAK_ANALYZE_KLOG_STREAM_H
#define KLEAK_ANALYZE_KLOG_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/snapshot.h"
#include "parse/klog.h"
#include "util/err.h"

#define KLOG_STREAM_MAX 10000

struct klog_stream {
	struct klog_log events; /* every event taken in, in log order, each once */
	size_t new_from;	/* events[new_from..n) came with the latest sample */
	bool has_cursor;
	uint64_t cursor;  /* events starting below it were taken in */
	uint64_t dropped; /* events past KLOG_STREAM_MAX: counted, not kept */
	size_t waiting;	  /* of the latest sample: open, or to be read again */
	/* the reader's and the parser's counters over the samples */
	uint64_t records, lost, overruns, lost_records;
	unsigned boots;
	bool restarted; /* a cursor was past the log's end: another boot */
	bool seen;	/* a sample had a kernel log */
};

/*
 * Takes in the kernel log of a parsed sample (nothing when it has none).
 * Returns 0 or -ENOMEM with e.
 */
int klog_stream_add(struct klog_stream *ks, const struct snapshot *snap, struct kerr *e);
/*
 * At the end of a run: the latest sample's waiting events are taken in as
 * they are (an open report is shown unfinished rather than not at all).
 */
int klog_stream_finish(struct klog_stream *ks, const struct snapshot *snap, struct kerr *e);
void klog_stream_free(struct klog_stream *ks);

#endif

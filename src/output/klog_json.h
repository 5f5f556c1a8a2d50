/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON of the kernel log's events and findings, as docs/klog.md gives
 * them: one object per event (`events[]` in check, watch, record and
 * report) and per finding (`findings[]` entries with `time`, `count`).
 * Renders only; times come from analyze/klog_findings.h.
 */
#ifndef KLEAK_OUTPUT_KLOG_JSON_H
#define KLEAK_OUTPUT_KLOG_JSON_H

#include "analyze/klog_findings.h"
#include "output/json.h"
#include "parse/klog.h"

/* One event; boot_wall_ns as for klog_findings (0: unknown). */
void klog_json_event(struct json *j, const struct klog_event *ev, int64_t boot_wall_ns,
		     uint64_t page_size);
/* One finding: check's finding keys plus time, mono_ns, seq, line, caller, count. */
void klog_json_finding(struct json *j, const struct klog_finding *f);
/* The keys time, mono_ns, seq, line, caller of a stamp (all null for at NULL). */
void klog_json_stamp(struct json *j, const struct klog_stamp *at, bool has_wall, int64_t wall_ns);
/* The kernel log's counters as `kernel_log` holds them (docs/klog.md). */
struct klog_json_status {
	const char *source;	    /* "/dev/kmsg", the file, "DIR/kmsg" */
	const struct klog_log *log; /* a parse's, or NULL (watch: the samples') */
	bool reader;		    /* read live: the counters below hold */
	uint64_t cursor, lost, overruns;
	bool restarted;
	uint64_t records, lost_records, events, open_events, dropped_events;
	unsigned boots;
};
void klog_json_status(struct json *j, const struct klog_json_status *st);

#endif

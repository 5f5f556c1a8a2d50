/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The summaries of the commands that write files instead of analysing:
 * `kleak snapshot` (what was written to DIR, source by source, or why
 * not) and `kleak record` (how many samples, how large, why it stopped),
 * as text and as one JSON document.
 */
#ifndef KLEAK_OUTPUT_SUMMARY_H
#define KLEAK_OUTPUT_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "source/sample.h"

struct snapshot_summary {
	const char *dir;
	const char *release, *hostname;
	const struct sample *sample; /* what was read: written, or why not */
};

/* "kleak snapshot: DIR (kernel R, HOST)", then a line per source. */
void summary_snapshot_text(FILE *f, const struct snapshot_summary *s);
/* {"output": DIR, "files": {NAME: {"written", "bytes", "error"}}} */
void summary_snapshot_json(FILE *f, const struct snapshot_summary *s);

struct record_summary {
	const char *file;
	uint64_t samples, bytes;
	double interval_s;
	const char *stopped_by; /* "duration", "samples", "size_limit", "signal" */
};

/* "kleak record: N samples, SIZE in FILE (stopped by WHY)" */
void summary_record_text(FILE *f, const struct record_summary *r);
/* {"file", "samples", "bytes", "interval_s", "stopped_by"} */
void summary_record_json(FILE *f, const struct record_summary *r);

#endif

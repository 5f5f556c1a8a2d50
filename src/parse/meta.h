/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The metadata of a sample: key=value lines, as a snapshot directory's
 * `meta` file, a recording's sample-NNNNNN/meta and the live reader
 * (source/sample.h) all write them:
 *
 *   kleak_snapshot=1
 *   release=6.12.0-1-amd64
 *   hostname=box
 *   time=1700000000             wall clock, seconds
 *   page_size=4096
 *   mono_ns=81234000000         CLOCK_MONOTONIC (meaningful within one boot)
 *   wall_ns=1700000000123456789 wall clock of the same moment, nanoseconds
 *   boot_id=2d1c...-...         /proc/sys/kernel/random/boot_id
 *   kmsg_cursor=1200            the kernel log's reader (source/klog.h):
 *   kmsg_first_seq=1200         the cursor asked for, the records read
 *   kmsg_next_seq=1234          and lost, EPIPE overruns, a restarted log
 *   kmsg_records=34 kmsg_lost=0 kmsg_overruns=0 kmsg_restarted=0
 *   kleak_recording=1           recordings: the format version
 *   interval_ns=1000000000      recordings: the recorder's interval
 *   sample=3                    recordings: the sample's number
 *
 * Empty lines and '#' comments are skipped and unknown keys ignored (a
 * later kleak's). A number that does not parse leaves its field unset, so
 * that what a missing or bad field means (a default, or a corrupt
 * recording) is decided by the caller; a line without '=' is an error.
 */
#ifndef KLEAK_PARSE_META_H
#define KLEAK_PARSE_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct meta {
	char release[128];
	char hostname[128];
	int64_t time_s;	    /* 0 when absent */
	uint64_t page_size; /* 0 when absent; not checked here */
	uint64_t mono_ns;   /* 0 when absent */
	int64_t wall_ns;    /* 0 when absent */
	char boot_id[40];   /* "" when absent */
	bool has_kmsg;	    /* kmsg_cursor was there: the kernel log was read live */
	uint64_t kmsg_cursor, kmsg_first_seq, kmsg_next_seq;
	bool has_kmsg_seq; /* kmsg_first_seq and kmsg_next_seq were there */
	uint64_t kmsg_records, kmsg_lost, kmsg_overruns;
	bool kmsg_restarted;
	uint64_t interval_ns;	 /* 0 when absent */
	uint64_t leak_window_ns; /* record --leak-window: 0 when absent */
	uint64_t sample;	 /* 0 when absent */
	bool has_recording;	 /* a kleak_recording key was there ... */
	uint64_t recording;	 /* ... with this version (0: not a number) */
};

int meta_parse(const char *buf, size_t len, const char *src, struct meta *m, struct kerr *e);

#endif

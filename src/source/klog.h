/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel log's bytes: live from /dev/kmsg, or a saved log (`--dmesg
 * FILE`: dmesg, journalctl -k or /dev/kmsg records). Nothing here parses
 * the messages (parse/klog.h does); an unreadable log is an error record,
 * not an exit.
 *
 * /dev/kmsg is read without blocking and without consuming anything (it
 * is not /proc/kmsg, whose reads take records away from syslog daemons):
 * each open file has its own position. Reading starts at the oldest
 * record still in the ring buffer (SEEK_SET; SEEK_DATA would start after
 * the last `dmesg -c`, hiding what a user cleared from kleak) and stops at
 * EAGAIN, the end. Each read() returns one record,
 *
 *   6,1234,15665271,-;text\n        (prio,seq,usec,flags[,caller=T1];text)
 *    SUBSYSTEM=pci\n                (dictionary lines, for some records)
 *
 * and EPIPE when records were overwritten under the reader: counted, and
 * reading goes on from the oldest left. Reading needs root when
 * kernel.dmesg_restrict is 1 (Debian's default), CAP_SYSLOG precisely.
 *
 * The sequence numbers make a cursor: records below it are skipped, so a
 * caller that passes the last read's next_seq (or the parser's
 * resume_seq) sees each record, and each event, once.
 */
#ifndef KLEAK_SOURCE_KLOG_H
#define KLEAK_SOURCE_KLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "source/procfs.h"
#include "util/buf.h"
#include "util/err.h"

#define KLOG_KMSG_PATH "/dev/kmsg"
#define KLOG_RECORD_MAX 16384 /* a record is at most 8 KiB (CONSOLE_EXT_LOG_MAX) */

struct klog_read {
	struct buf data;   /* the records read, in /dev/kmsg's format */
	uint64_t records;  /* records read (at or above the cursor) */
	uint64_t lost;	   /* records gone before they could be read (sequence gaps) */
	uint64_t overruns; /* EPIPE: the ring buffer overtook the reader */
	bool has_seq;
	uint64_t first_seq; /* of the first record read */
	uint64_t next_seq;  /* last record read + 1: the cursor for next time */
	bool restarted;	    /* the cursor was past the log's end: read from the start */
};

/*
 * Reads path (NULL: /dev/kmsg) from the oldest record, skipping records
 * whose sequence number is below cursor (0: none), to the end; the read
 * never blocks. A cursor beyond the newest record (the machine rebooted,
 * its numbers started again) reads everything and sets `restarted`.
 * Returns 0, or a negative errno with e filled ("/dev/kmsg: Operation not
 * permitted (needs root, or kernel.dmesg_restrict=0)").
 */
int klog_read_kmsg(const char *path, uint64_t cursor, struct klog_read *out, struct kerr *e);
void klog_read_free(struct klog_read *r);

/*
 * The kernel log as a source of samples (source/procfs.h's reader): reads
 * path from st->kmsg_cursor (NULL st: from the oldest) into out and adds
 * the reader's counters to the sample's meta as key=value lines:
 *
 *   kmsg_cursor=1200      the cursor asked for
 *   kmsg_first_seq=1200   the first record read (absent when none)
 *   kmsg_next_seq=1234    the last record read + 1 (the cursor for next time)
 *   kmsg_records=34  kmsg_lost=0  kmsg_overruns=0  kmsg_restarted=0
 */
int klog_read_live(const char *path, struct buf *out, struct source_live *st, struct kerr *e);

/* A saved log, whole ("-": standard input), at most BUF_FILE_CAP bytes. */
int klog_read_file(const char *path, struct buf *out, struct kerr *e);

#endif

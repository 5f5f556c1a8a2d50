/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A sample: the raw sources of one moment, as bytes, and where they came
 * from: the live kernel, a snapshot directory (`kleak snapshot`, or a cp
 * of the /proc files), or one sample of a recording (`kleak record`;
 * source/recording.h reads those). Every command starts from samples:
 * check reads one, watch and record one per interval, report one per
 * recorded sample; model/snapshot.h parses one.
 *
 * Nothing here parses. The metadata (kernel release, hostname, clocks,
 * page size) is kept as the key=value text of a snapshot's `meta` file
 * (parse/meta.h): the file's bytes for a directory or a recording,
 * rendered by the one live reader for the live kernel. So one parser
 * reads all three, and a live sample is written out (snapshot, record)
 * exactly as it was read. Buffers are reused from one read to the next:
 * steady-state sampling allocates little.
 */
#ifndef KLEAK_SOURCE_SAMPLE_H
#define KLEAK_SOURCE_SAMPLE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source/procfs.h"
#include "util/buf.h"
#include "util/err.h"

enum sample_origin {
	SAMPLE_LIVE,
	SAMPLE_DIR,
	SAMPLE_RECORDING,
};

struct sample {
	enum sample_origin origin;
	char path[PATH_MAX]; /* the directory or recording; "" live */
	uint64_t seq;	     /* recording: the sample's number, from 1 */
	uint64_t offset;     /* recording: byte offset of its gzip member */
	struct buf meta;     /* key=value lines (parse/meta.h) */
	bool have_meta;	     /* a snapshot copied with cp has none */
	struct buf raw[SRC_COUNT];
	bool have[SRC_COUNT];	    /* raw[i] holds this sample's source i */
	struct kerr err[SRC_COUNT]; /* why a wanted source is missing */
	struct kerr bad;	    /* a file of DIR refused (util/input.h): fatal */
	/* The live readers' state: the kernel log's cursor (set by the
	 * caller, kept by sample_reset). */
	struct source_live live;
	/* The kernel log came from this saved file (--dmesg), not the sample. */
	char kmsg_file[PATH_MAX];
};

#define SAMPLE_META_CAP (1u << 20)

/*
 * Reads the live sources in mask (SRC_BIT()s) and the live metadata into
 * s, reusing its buffers. A missing source is noted in s->err, not fatal.
 * The composed sources (the cgroups) are left to model/sample_live.h,
 * which the commands call instead. The kernel log is read from
 * s->live.kmsg_cursor.
 */
void sample_read_live(struct sample *s, unsigned mask);
/*
 * Replaces the sample's kernel log with a saved one (`--dmesg FILE`: dmesg,
 * journalctl -k or /dev/kmsg records; "-" standard input). 0 or -errno
 * with e filled.
 */
int sample_read_kmsg_file(struct sample *s, const char *path, struct kerr *e);
/* Adds one live source to a sample already read (module symbols, later). */
void sample_add_live(struct sample *s, enum source_id id);
/*
 * Reads DIR/<name> for the sources in mask, and DIR/meta, into s: files
 * of the directory only, as util/input.h reads users' files. One that is
 * refused (a FIFO, a symlink out of DIR ...) is kept in s->bad, and
 * snapshot_parse() fails with it.
 */
void sample_read_dir(struct sample *s, const char *dir, unsigned mask);
/* Forgets what s holds (keeping its buffers): before a recording's sample. */
void sample_reset(struct sample *s, enum sample_origin origin, const char *path);
void sample_free(struct sample *s);

/*
 * Where a source of s is, for error locations: "/proc/meminfo",
 * "DIR/meminfo", "rec.kleak:sample-000003/meminfo". id SRC_COUNT names
 * the sample itself ("/proc", "DIR", "rec.kleak:sample-000003").
 */
const char *sample_src(const struct sample *s, enum source_id id, char *buf, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recordings of `kleak record` (docs/watch.md has the details): the codec,
 * the appending writer, and the readers of `kleak report` and `kleak check
 * --from/--baseline FILE`.
 *
 * A recording is a concatenation of gzip members (RFC 1952), one per
 * sample; each member holds a tar stream (POSIX ustar) of one directory
 * per sample, the same layout as a `kleak snapshot` directory:
 *
 *   sample-000001/meta          key=value (parse/meta.h): the sample's
 *                               meta, plus kleak_recording=1, interval_ns
 *                               and sample
 *   sample-000001/meminfo       raw /proc/meminfo
 *   sample-000001/slabinfo      raw /proc/slabinfo
 *   sample-000001/vmallocinfo   raw /proc/vmallocinfo
 *   sample-000001/modules       raw /proc/modules
 *   sample-000001/slab_aliases  first sample only (reclaim flags)
 *   sample-000001/kallsyms      module symbols: first sample, and when a
 *                               module appeared
 *   sample-000001/kmemleak      kmemleak's report where it can be read (a
 *                               test kernel, debugfs mounted): kept only
 *                               when it changed (RECORDING_WHEN_CHANGED)
 *
 * `gzip -dc rec.kleak | tar x` (or `tar xzf rec.kleak`) unpacks it into
 * snapshot directories. Each sample is complete in itself and written with
 * one append, so a crash or `kill -9` mid-write leaves at most the last
 * member incomplete: its gzip trailer (CRC-32 and length) is missing or
 * wrong, and the reader stops there and reports on the samples before it.
 * A member that is damaged *before* the end of the file is corruption, an
 * error naming the byte offset. A closed recording ends with a member
 * holding the tar end-of-archive blocks.
 *
 * The decoder hands out samples with their meta unparsed, like every
 * source: model/snapshot.c checks the format version it holds. It inflates
 * each member as a stream straight into the sample's buffers, every size
 * checked against its cap first (recording_codec.c).
 *
 * The writer creates the file (never overwrites one), appends each sample
 * as one gzip member with a single write() and fdatasync()s it, so a crash,
 * a `kill -9` or a power cut loses at most the sample being written. A
 * write that fails half-way (disk full) is cut back off the file. The size
 * limit is checked before each append: a sample that would take the file
 * past it is not written and recording stops (no rotation).
 */
#ifndef KLEAK_SOURCE_RECORDING_H
#define KLEAK_SOURCE_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source/sample.h"
#include "util/buf.h"
#include "util/err.h"

#define RECORDING_VERSION 1

/*
 * Sources the writer keeps only when they differ from the copy it kept
 * last: a sample without one had the same as the sample that last had it
 * (recording_sample() hands it on; `kleak report` uses the last one kept).
 * kmemleak's report changes at its scans, not at every interval.
 */
#define RECORDING_WHEN_CHANGED SRC_BIT(SRC_KMEMLEAK)

/* ---- the codec (recording_codec.c): no I/O ---- */

/* What a recording adds to a sample's meta. */
struct recording_meta {
	uint64_t seq;		 /* sample number, from 1 */
	uint64_t interval_ns;	 /* the recorder's interval, 0 when unknown */
	uint64_t leak_window_ns; /* record --leak-window, for report; 0: not given */
	int64_t time_s;		 /* wall clock: the tar entries' mtime */
};

/* Reused state of the encoder (zlib stream, tar scratch). */
struct recording_encoder {
	void *z; /* z_stream */
	struct buf tar;
	int level; /* zlib level: 1, fast (sampling cost matters) */
};

/*
 * Encodes one sample as a gzip member, appended to out. Sources with
 * s->have[i] false are left out.
 */
int recording_encode(struct recording_encoder *enc, const struct sample *s,
		     const struct recording_meta *m, struct buf *out, struct kerr *e);
/* The member that closes a recording: tar end-of-archive blocks. */
int recording_encode_end(struct recording_encoder *enc, struct buf *out, struct kerr *e);
void recording_encoder_free(struct recording_encoder *enc);

/*
 * Called per complete sample (origin SAMPLE_RECORDING, path the src given
 * to recording_decode, seq and offset set); non-zero stops the walk and is
 * returned. The callback may keep the sample by swapping it with its own
 * (the walk goes on with the buffers it gets back).
 */
typedef int (*recording_cb)(struct sample *s, void *ctx);

struct recording_status {
	uint64_t samples;      /* complete samples seen */
	bool truncated;	       /* the data ends inside a sample */
	uint64_t truncated_at; /* offset of that incomplete member */
	bool closed;	       /* the end-of-archive member was seen */
};

/*
 * Walks a recording held in memory. src names it in errors, which carry
 * the byte offset ("rec.kleak: offset 81234: sample 7: CRC mismatch").
 * A truncated tail is not an error (see st). Returns 0 or a negative errno.
 */
int recording_decode(const char *buf, size_t len, const char *src, recording_cb cb, void *ctx,
		     struct recording_status *st, struct kerr *e);

/*
 * What a recording may cost, inflated (a recording can be anyone's file:
 * zlib inflates up to 1032 times what it is given). Each is checked
 * before the bytes are allocated, and a recording past one is an error
 * naming it and the offset. 0 in a field: the default.
 */
#define RECORDING_MEMBER_CAP (BUF_FILE_CAP + (1u << 20)) /* one sample, headers included */
#define RECORDING_TOTAL_CAP (64ULL << 30)		 /* all samples, inflated */
#define RECORDING_MAX_SAMPLES 1000000ULL		 /* a week at -i 1 is 604800 */

struct recording_limits {
	size_t source[SRC_COUNT]; /* one source of a sample: source_cap() */
	size_t meta;		  /* a sample's meta: SAMPLE_META_CAP */
	uint64_t member;	  /* one sample inflated: RECORDING_MEMBER_CAP */
	uint64_t total;		  /* all of it inflated: RECORDING_TOTAL_CAP */
	uint64_t samples;	  /* complete samples: RECORDING_MAX_SAMPLES */
};

/* recording_decode with limits other than the defaults (tests, fuzzing). */
int recording_decode_limited(const char *buf, size_t len, const char *src,
			     const struct recording_limits *lim, recording_cb cb, void *ctx,
			     struct recording_status *st, struct kerr *e);

/* Whether buf starts like a recording (a gzip member). */
bool recording_sniff(const char *buf, size_t len);

/* ---- files (recording.c) ---- */

struct recording_writer {
	int fd;
	char path[4096];
	uint64_t size;	   /* bytes in the file */
	uint64_t max_size; /* 0: no limit */
	uint64_t samples;  /* samples written */
	uint64_t interval_ns;
	uint64_t leak_window_ns; /* written to each sample's meta when set */
	struct recording_encoder enc;
	struct buf member;	    /* reused */
	struct buf kept[SRC_COUNT]; /* RECORDING_WHEN_CHANGED: the copy kept last */
	bool have_kept[SRC_COUNT];
};

int recording_create(struct recording_writer *w, const char *path, uint64_t max_size,
		     uint64_t interval_ns, struct kerr *e);
/*
 * Appends one sample. Returns 0, 1 when the size limit stopped it (nothing
 * written), or a negative errno.
 */
int recording_append(struct recording_writer *w, const struct sample *s, struct kerr *e);
/* Writes the closing member (when it fits), syncs and closes. */
int recording_close(struct recording_writer *w, struct kerr *e);

/*
 * A recording opened for reading: a regular file only (util/input.h: a
 * FIFO or a device is refused), mapped (a 256 MB recording costs no
 * 256 MB of heap).
 */
struct recording_file {
	const char *data;
	size_t len;
	void *map; /* the mapping, or NULL */
	size_t map_len;
	struct buf buf; /* the bytes when not mapped */
};

int recording_open(const char *path, struct recording_file *f, struct kerr *e);
void recording_file_close(struct recording_file *f);

/* recording_sample's nth for the last complete sample. */
#define RECORDING_LAST 0

/*
 * Reads sample nth (from 1; RECORDING_LAST for the last complete one) of
 * the recording at path into s, with the RECORDING_WHEN_CHANGED sources
 * the samples up to it kept last. Returns 0, or a negative errno: a damaged
 * recording, none or too few complete samples (-ENODATA, saying how many
 * there are). st tells whether the file ends inside a sample.
 */
int recording_sample(const char *path, uint64_t nth, struct sample *s, struct recording_status *st,
		     struct kerr *e);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recording format of `kleak record` (docs/watch.md has the details).
 *
 * A recording is a concatenation of gzip members (RFC 1952), one per
 * sample; each member holds a tar stream (POSIX ustar) of one directory
 * per sample, the same layout as a `kleak snapshot` directory:
 *
 *   sample-000001/meta          key=value: kleak_recording=1, release,
 *                               hostname, time, page_size, mono_ns,
 *                               interval_ns, sample
 *   sample-000001/meminfo       raw /proc/meminfo
 *   sample-000001/slabinfo      raw /proc/slabinfo
 *   sample-000001/vmallocinfo   raw /proc/vmallocinfo
 *   sample-000001/modules       raw /proc/modules
 *   sample-000001/slab_aliases  first sample only (reclaim flags)
 *   sample-000001/kallsyms      module symbols: first sample, and when a
 *                               module appeared
 *
 * `gzip -dc rec.kleak | tar x` (or `tar xzf rec.kleak`) unpacks it into
 * snapshot directories. Each sample is complete in itself and written with
 * one append, so a crash or `kill -9` mid-write leaves at most the last
 * member incomplete: its gzip trailer (CRC-32 and length) is missing or
 * wrong, and the reader stops there and reports on the samples before it.
 * A member that is damaged *before* the end of the file is corruption, an
 * error naming the byte offset. A closed recording ends with a member
 * holding the tar end-of-archive blocks.
 */
#ifndef KLEAK_PARSE_RECORDING_H
#define KLEAK_PARSE_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/series.h"
#include "util/buf.h"
#include "util/err.h"

#define RECORDING_VERSION 1

/* Per-sample metadata beyond struct sample. */
struct recording_meta {
	uint64_t seq;	      /* sample number, from 1 */
	uint64_t interval_ns; /* the recorder's interval, 0 when unknown */
	uint64_t offset;      /* byte offset of the sample's member */
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
		     const struct recording_meta *m, struct buf *out,
		     struct kerr *e);
/* The member that closes a recording: tar end-of-archive blocks. */
int recording_encode_end(struct recording_encoder *enc, struct buf *out,
			 struct kerr *e);
void recording_encoder_free(struct recording_encoder *enc);

/* Called per complete sample; non-zero stops the walk and is returned. */
typedef int (*recording_cb)(struct sample *s, const struct recording_meta *m,
			    void *ctx);

struct recording_status {
	uint64_t samples;	 /* complete samples seen */
	bool truncated;		 /* the data ends inside a sample */
	uint64_t truncated_at;	 /* offset of that incomplete member */
	bool closed;		 /* the end-of-archive member was seen */
};

/*
 * Walks a recording held in memory. src names it in errors, which carry
 * the byte offset ("rec.kleak: offset 81234: sample 7: CRC mismatch").
 * A truncated tail is not an error (see st). Returns 0 or a negative errno.
 */
int recording_parse(const char *buf, size_t len, const char *src,
		    recording_cb cb, void *ctx, struct recording_status *st,
		    struct kerr *e);

/* Whether buf starts like a recording (a gzip member). */
bool recording_sniff(const char *buf, size_t len);

#endif

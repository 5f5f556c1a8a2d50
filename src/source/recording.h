/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recording files: the appending writer of `kleak record` and the reader
 * of `kleak report` (the format is in parse/recording.h).
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
#include <stdint.h>

#include "model/series.h"
#include "model/snapshot.h"
#include "parse/recording.h"
#include "util/buf.h"
#include "util/err.h"

struct recording_writer {
	int fd;
	char path[4096];
	uint64_t size;	   /* bytes in the file */
	uint64_t max_size; /* 0: no limit */
	uint64_t samples;  /* samples written */
	uint64_t interval_ns;
	struct recording_encoder enc;
	struct buf member; /* reused */
};

int recording_create(struct recording_writer *w, const char *path,
		     uint64_t max_size, uint64_t interval_ns, struct kerr *e);
/*
 * Appends one sample. Returns 0, 1 when the size limit stopped it (nothing
 * written), or a negative errno.
 */
int recording_append(struct recording_writer *w, const struct sample *s,
		     struct kerr *e);
/* Writes the closing member (when it fits), syncs and closes. */
int recording_close(struct recording_writer *w, struct kerr *e);

/* Reads a whole recording file into b (capped at 1 GiB). */
int recording_read_file(const char *path, struct buf *b, struct kerr *e);

/*
 * A recording opened for reading: a regular file is mapped (a 256 MB
 * recording costs no 256 MB of heap), anything else (a pipe) is read.
 */
struct recording_file {
	const char *data;
	size_t len;
	void *map;	 /* the mapping, or NULL */
	size_t map_len;
	struct buf buf;	 /* the bytes when not mapped */
};

int recording_open(const char *path, struct recording_file *f, struct kerr *e);
void recording_file_close(struct recording_file *f);

/*
 * The first complete sample of a recording as a snapshot (raw sources and
 * their parsed forms, per-source status, meta), for `kleak check
 * --baseline FILE`. s->dir is left NULL. Returns 0 or a negative errno
 * (no complete sample is -ENODATA).
 */
int recording_first_snapshot(const char *path, struct snapshot *s,
			     struct kerr *e);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to source/recording*.c: the members of a recording, inflated
 * in file order. Inflating (zlib's inflate and CRC-32) is half of reading
 * a recording, and the members are independent gzip streams, so it runs
 * on a second thread, a batch of members ahead of the caller, who untars,
 * parses and ingests them meanwhile; without a second thread (it cannot
 * be started) the caller inflates each batch itself. Either way the
 * members, errors and torn tail are the same.
 */
#ifndef KLEAK_SOURCE_RECORDING_INFLATE_H
#define KLEAK_SOURCE_RECORDING_INFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Where the decoder is, for its errors. */
struct recording_walk {
	const char *src;
	struct kerr *e;
	uint64_t off; /* of the current member */
	uint64_t seq; /* members seen, from 1 */
};

/* "src: offset N: sample N: what: detail (corrupt recording)"; -EINVAL. */
int recording_corrupt(const struct recording_walk *w, const char *what, const char *detail);

/* One inflated member: its tar stream, valid until the next call. */
struct recording_member {
	const char *tar;
	size_t len;
	uint64_t off; /* of its gzip member in the recording */
	uint64_t seq; /* members from 1 (the end-of-archive one counts) */
};

struct recording_inflater;

/*
 * Starts inflating buf (len > 0 bytes, starting like a recording). src
 * names it in errors. Returns 0, or -ENOMEM with e set.
 */
int recording_inflater_start(struct recording_inflater **in, const char *buf, size_t len,
			     const char *src, struct kerr *e);
/*
 * The next member: 1 with *m set; 0 at the end of the data, with *torn set
 * when it ends inside a member (at *torn_off: a torn tail); or an error
 * (a damaged member), with e set.
 */
int recording_inflater_next(struct recording_inflater *in, struct recording_member *m, bool *torn,
			    uint64_t *torn_off, struct kerr *e);
/* Stops the thread (wherever it is) and frees everything; NULL-safe. */
void recording_inflater_stop(struct recording_inflater *in);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loop every line-per-record parser shares: walk the lines with the
 * line cap, let the format's function turn one line into one record, and
 * append it to a growable array; on any error, free the array and keep
 * the error with its line.
 */
#ifndef KLEAK_PARSE_RECORDS_H
#define KLEAK_PARSE_RECORDS_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define RECORD_SKIP 1 /* the line holds no record (blank, comment) */

/* Fills *rec from one line; 0, RECORD_SKIP, or a negative errno with e set. */
typedef int (*record_line_fn)(const char *line, size_t len, const char *src, long lineno, void *rec,
			      struct kerr *e);

/*
 * Parses the rest of it's lines into the array *vecp of *n records of
 * rec_size bytes. Returns 0, or a negative errno (array freed, *n = 0).
 */
int records_parse(struct line_iter *it, const char *src, size_t rec_size, record_line_fn fn,
		  void *vecp, size_t *n, struct kerr *e);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Growable byte buffers, capped file reading, and line iteration.
 *
 * /proc files report size 0 and can be huge (a 100 MB vmallocinfo is
 * legitimate), so files are read to EOF into a buffer that grows up to a
 * cap; lines are then walked in place with a per-line cap, so a 10 MB line
 * is an error with its line number, not an allocation.
 */
#ifndef KLEAK_UTIL_BUF_H
#define KLEAK_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define BUF_FILE_CAP (1ULL << 30) /* a whole source: 1 GiB */
#define BUF_LINE_CAP (1U << 20)	  /* a single line: 1 MiB */

struct buf {
	char *data; /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
};

int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *p, size_t n);
__attribute__((format(printf, 2, 3))) int buf_printf(struct buf *b, const char *fmt, ...);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/*
 * Reads the whole of path (regular file, /proc, /sys) into b, at most cap
 * bytes. Returns 0 or a negative errno with e filled ("Permission denied
 * (needs root)", "larger than 1 GiB").
 */
int buf_read_file(struct buf *b, const char *path, size_t cap, struct kerr *e);
int buf_read_fd(struct buf *b, int fd, const char *name, size_t cap, struct kerr *e);

/* Walks the lines of a buffer without copying. */
struct line_iter {
	const char *p, *end;
	long lineno; /* number of the line last returned, 1-based */
};

void line_iter_init(struct line_iter *it, const char *data, size_t len);
/*
 * Returns true and sets line and len (without the newline, nor the CR of a
 * CRLF) for the next line; false at the end. A last line without a
 * newline is returned too.
 */
bool line_next(struct line_iter *it, const char **line, size_t *len);

/*
 * line_next for parsers: 1 with the next line, 0 at the end, or -E2BIG
 * with e set ("src:N: line longer than 1048576 bytes"), or -EINVAL for a
 * line holding a NUL byte (no kernel text file has one: it would cut a
 * name short, "dentry\0x" passing for "dentry").
 */
int line_next_capped(struct line_iter *it, const char **line, size_t *len, const char *src,
		     struct kerr *e);

/* Splits a line into whitespace-separated fields, in place. */
struct field {
	const char *s;
	size_t len;
};
/* Returns the number of fields found; stops storing at max (count goes on). */
int fields_split(const char *line, size_t len, struct field *out, int max);
bool field_eq(const struct field *f, const char *s);
/* Copies a field into dst (NUL-terminated, truncated to dstlen-1). */
void field_copy(char *dst, size_t dstlen, const struct field *f);

#endif

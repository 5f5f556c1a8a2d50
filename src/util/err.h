/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An error as kleak reports it: where (source name and line) and what.
 * Parsers fill one and return a negative errno; only cmd/ prints it, as
 * "kleak: /proc/slabinfo:3: expected 16 fields, got 5".
 */
#ifndef KLEAK_UTIL_ERR_H
#define KLEAK_UTIL_ERR_H

#include <stdio.h>

struct kerr {
	int code;      /* negative errno, 0 when no error */
	long line;     /* 1-based line in src, 0 when not about a line */
	char src[256]; /* file or source name */
	char msg[512];
};

__attribute__((format(printf, 5, 6))) int kerr_set(struct kerr *e, int code, const char *src,
						   long line, const char *fmt, ...);
void kerr_clear(struct kerr *e);
/* "src:line: msg" (line omitted when 0) into buf. */
const char *kerr_str(const struct kerr *e, char *buf, size_t len);
/* Prints "kleak: src:line: msg" on stderr. */
void kerr_print(const struct kerr *e);

#endif

// SPDX-License-Identifier: GPL-2.0
/* The shared record loop of the line-per-record parsers; see records.h. */
#include "records.h"

#include <errno.h>
#include <stdlib.h>

#include "util/vec.h"

int records_parse(struct line_iter *it, const char *src, size_t rec_size, record_line_fn fn,
		  void *vecp, size_t *n, struct kerr *e)
{
	unsigned char rec[512];
	const char *line;
	size_t len, cap = 0;
	int r;

	if (rec_size > sizeof(rec))
		return kerr_set(e, -EINVAL, src, 0, "record too large");
	while ((r = line_next_capped(it, &line, &len, src, e)) > 0) {
		r = len ? fn(line, len, src, it->lineno, rec, e) : RECORD_SKIP;
		if (r == RECORD_SKIP)
			continue;
		if (r)
			break;
		if (vec_push(vecp, n, &cap, rec_size, rec)) {
			r = kerr_set(e, -ENOMEM, src, it->lineno, "out of memory");
			break;
		}
	}
	if (r) {
		free(*(void **)vecp);
		*(void **)vecp = NULL;
		*n = 0;
	}
	return r;
}

// SPDX-License-Identifier: GPL-2.0
/* Parser for /proc/zoneinfo's per-CPU page lists; see zoneinfo.h. */
#include "zoneinfo.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

/* "count: N" or "vm stats threshold: N": the number after the colon. */
static int number_after_colon(const char *line, size_t len, const char *src, long lineno,
			      uint64_t *v, struct kerr *e)
{
	const char *colon = memchr(line, ':', len);
	struct field f[2];

	if (!colon || fields_split(colon + 1, len - (size_t)(colon + 1 - line), f, 2) != 1 ||
	    num_u64(f[0].s, f[0].len, v))
		return kerr_set(e, -EINVAL, src, lineno, "expected a number after ':'");
	return 0;
}

static bool sum(uint64_t *total, uint64_t v)
{
	return num_add_u64(*total, v, total);
}

/* One line; 0 or a negative errno. Other lines of the file are skipped. */
static int zone_line(struct zoneinfo *z, const char *line, size_t len, const char *src, long lineno,
		     struct kerr *e)
{
	struct field f[4];
	int nf = fields_split(line, len, f, 4);
	uint64_t v;
	int r;

	if (nf >= 3 && field_eq(&f[0], "Node")) {
		z->zones++;
		return 0;
	}
	if (nf >= 1 && field_eq(&f[0], "cpu:")) {
		z->pagesets++;
		return 0;
	}
	if (nf >= 1 && field_eq(&f[0], "count:")) {
		r = number_after_colon(line, len, src, lineno, &v, e);
		if (!r && !sum(&z->pcp_pages, v))
			r = kerr_set(e, -ERANGE, src, lineno, "page count overflows");
		return r;
	}
	if (nf >= 3 && field_eq(&f[0], "vm") && field_eq(&f[1], "stats") &&
	    field_eq(&f[2], "threshold:")) {
		r = number_after_colon(line, len, src, lineno, &v, e);
		if (!r && !sum(&z->drift_pages, v))
			r = kerr_set(e, -ERANGE, src, lineno, "threshold overflows");
		return r;
	}
	return 0;
}

int zoneinfo_parse(const char *buf, size_t len, const char *src, struct zoneinfo *out,
		   struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t n;
	int r;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	while ((r = line_next_capped(&it, &line, &n, src, e)) > 0)
		if ((r = zone_line(out, line, n, src, it.lineno, e)))
			return r;
	if (!r && !out->zones)
		r = kerr_set(e, -ENODATA, src, 0, "no 'Node N, zone NAME' line");
	return r;
}

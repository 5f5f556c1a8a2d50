// SPDX-License-Identifier: GPL-2.0
/* Parser for /proc/vmstat: "name value" per line; see vmstat.h. */
#include "vmstat.h"

#include <errno.h>
#include <string.h>

#include "parse/records.h"
#include "util/buf.h"
#include "util/num.h"

static int parse_line(const char *line, size_t len, const char *src, long lineno, void *rec,
		      struct kerr *e)
{
	struct meminfo_field *f = rec;
	struct field fl[3];
	int nf = fields_split(line, len, fl, 3);

	if (!nf)
		return RECORD_SKIP;
	if (nf != 2)
		return kerr_set(e, -EINVAL, src, lineno, "expected 'name value', got %d fields",
				nf);
	if (fl[0].len >= sizeof(f->name))
		return kerr_set(e, -EINVAL, src, lineno, "counter name too long");
	memset(f, 0, sizeof(*f));
	field_copy(f->name, sizeof(f->name), &fl[0]);
	f->line = lineno;
	if (num_u64(fl[1].s, fl[1].len, &f->value))
		return kerr_set(e, -EINVAL, src, lineno, "%s: '%.*s' is not a valid number",
				f->name, (int)(fl[1].len > 40 ? 40 : fl[1].len), fl[1].s);
	return 0;
}

int vmstat_parse(const char *buf, size_t len, const char *src, struct meminfo *out, struct kerr *e)
{
	struct line_iter it;
	int r;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	r = records_parse(&it, src, sizeof(*out->v), parse_line, &out->v, &out->n, e);
	if (!r && !out->n)
		r = kerr_set(e, -ENODATA, src, 0, "empty: no counters");
	return r;
}

// SPDX-License-Identifier: GPL-2.0
/* Parser for /proc/meminfo: "Name: <value>[ kB]" per line; see meminfo.h. */
#include "meminfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"
#include "parse/records.h"

static int parse_line(const char *line, size_t len, const char *src,
		      long lineno, void *rec, struct kerr *e)
{
	struct meminfo_field *f = rec;
	const char *colon = memchr(line, ':', len);
	struct field fl[3];
	int nf;

	if (!colon || colon == line)
		return kerr_set(e, -EINVAL, src, lineno,
				"expected 'Name: value', got no name");
	if ((size_t)(colon - line) >= sizeof(f->name))
		return kerr_set(e, -EINVAL, src, lineno, "field name too long");
	memset(f, 0, sizeof(*f));
	memcpy(f->name, line, (size_t)(colon - line));
	f->line = lineno;
	nf = fields_split(colon + 1, len - (size_t)(colon + 1 - line), fl, 3);
	if (nf < 1 || nf > 2)
		return kerr_set(e, -EINVAL, src, lineno,
				"%s: expected a number and an optional unit",
				f->name);
	if (num_u64(fl[0].s, fl[0].len, &f->value))
		return kerr_set(e, -EINVAL, src, lineno,
				"%s: '%.*s' is not a valid number", f->name,
				(int)(fl[0].len > 40 ? 40 : fl[0].len), fl[0].s);
	if (nf == 2) {
		if (!field_eq(&fl[1], "kB"))
			return kerr_set(e, -EINVAL, src, lineno,
					"%s: unknown unit '%.*s'", f->name,
					(int)(fl[1].len > 20 ? 20 : fl[1].len),
					fl[1].s);
		if (!num_mul_u64(f->value, 1024, &f->value))
			return kerr_set(e, -ERANGE, src, lineno,
					"%s: value overflows", f->name);
		f->is_bytes = true;
	}
	return 0;
}

int meminfo_parse(const char *buf, size_t len, const char *src,
		  struct meminfo *out, struct kerr *e)
{
	struct line_iter it;
	int r;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	r = records_parse(&it, src, sizeof(*out->v), parse_line, &out->v,
			  &out->n, e);
	if (!r && out->n == 0)
		r = kerr_set(e, -ENODATA, src, 0, "empty: no fields");
	return r;
}

bool meminfo_get(const struct meminfo *mi, const char *name, uint64_t *val)
{
	for (size_t i = 0; i < mi->n; i++)
		if (!strcmp(mi->v[i].name, name)) {
			*val = mi->v[i].value;
			return true;
		}
	return false;
}

void meminfo_free(struct meminfo *mi)
{
	if (!mi)
		return;
	free(mi->v);
	mi->v = NULL;
	mi->n = 0;
}

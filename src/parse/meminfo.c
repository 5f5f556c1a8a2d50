// SPDX-License-Identifier: GPL-2.0
/* Parser for /proc/meminfo: "Name: <value>[ kB]" per line; see meminfo.h. */
#include "meminfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"
#include "parse/records.h"

/* Field names are printable words ("MemTotal", "Hugepagesize", "DirectMap4k"). */
static bool valid_name(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static int parse_line(const char *line, size_t len, const char *src, long lineno, void *rec,
		      struct kerr *e)
{
	struct meminfo_field *f = rec;
	const char *colon = memchr(line, ':', len);
	struct field fl[3];
	int nf;

	if (!colon || colon == line)
		return kerr_set(e, -EINVAL, src, lineno,
				"not a meminfo line (expected 'Name: value [kB]')");
	if ((size_t)(colon - line) >= sizeof(f->name))
		return kerr_set(e, -EINVAL, src, lineno, "field name too long");
	memset(f, 0, sizeof(*f));
	memcpy(f->name, line, (size_t)(colon - line));
	f->line = lineno;
	nf = fields_split(colon + 1, len - (size_t)(colon + 1 - line), fl, 3);
	/* No byte of the line is quoted: it may be a secret's (a file kleak,
	 * as root, was pointed at), and the line number says where. */
	if (nf < 1 || nf > 2 || !valid_name(f->name))
		return kerr_set(e, -EINVAL, src, lineno,
				"not a meminfo line (expected 'Name: value [kB]')");
	if (num_u64(fl[0].s, fl[0].len, &f->value))
		return kerr_set(e, -EINVAL, src, lineno, "the value is not a valid number");
	if (nf == 2) {
		if (!field_eq(&fl[1], "kB"))
			return kerr_set(e, -EINVAL, src, lineno,
					"unknown unit (meminfo has kB only)");
		if (!num_mul_u64(f->value, 1024, &f->value))
			return kerr_set(e, -ERANGE, src, lineno, "the value overflows");
		f->is_bytes = true;
	}
	return 0;
}

static int cmp_field(const void *a, const void *b)
{
	const struct meminfo_field *x = *(const struct meminfo_field *const *)a;
	const struct meminfo_field *y = *(const struct meminfo_field *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/*
 * A field given twice: /proc/meminfo never does, and which value would be
 * right? (JSON would carry the key twice.) Sorted, so n log n.
 */
static int check_repeated(const struct meminfo *mi, const char *src, struct kerr *e)
{
	const struct meminfo_field **p = malloc((mi->n ? mi->n : 1) * sizeof(*p));
	const struct meminfo_field *dup = NULL, *first = NULL;

	if (!p)
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	for (size_t i = 0; i < mi->n; i++)
		p[i] = &mi->v[i];
	qsort(p, mi->n, sizeof(*p), cmp_field);
	for (size_t i = 1; i < mi->n; i++)
		if (!strcmp(p[i]->name, p[i - 1]->name) && (!dup || p[i]->line < dup->line)) {
			dup = p[i];
			first = p[i - 1];
		}
	free(p);
	if (dup)
		return kerr_set(e, -EINVAL, src, dup->line, "a field repeated (first on line %ld)",
				first->line);
	return 0;
}

int meminfo_parse(const char *buf, size_t len, const char *src, struct meminfo *out, struct kerr *e)
{
	struct line_iter it;
	int r;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	r = records_parse(&it, src, sizeof(*out->v), parse_line, &out->v, &out->n, e);
	if (!r && out->n == 0)
		r = kerr_set(e, -ENODATA, src, 0, "empty: no fields");
	if (!r)
		r = check_repeated(out, src, e);
	if (r)
		meminfo_free(out);
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

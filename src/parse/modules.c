// SPDX-License-Identifier: GPL-2.0
/* Parser for /proc/modules; the format is in modules.h. */
#include "modules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"
#include "parse/records.h"

static int parse_line(const char *line, size_t len, const char *src, long lineno, void *rec,
		      struct kerr *e)
{
	struct kmodule *m = rec;
	struct field f[8];
	int nf = fields_split(line, len, f, 8);

	if (nf < 6 || nf > 7)
		return kerr_set(e, -EINVAL, src, lineno, "expected 6 or 7 fields, got %d", nf);
	if (f[0].len >= sizeof(m->name) || f[4].len >= sizeof(m->state))
		return kerr_set(e, -EINVAL, src, lineno, "name too long");
	memset(m, 0, sizeof(*m));
	m->line = lineno;
	field_copy(m->name, sizeof(m->name), &f[0]);
	field_copy(m->state, sizeof(m->state), &f[4]);
	if (num_u64(f[1].s, f[1].len, &m->size))
		return kerr_set(e, -EINVAL, src, lineno, "bad size (field 2)");
	/* "-" without unload support; negative while the module unloads
	 * (the kernel subtracts its base count before it frees it) */
	if (field_eq(&f[2], "-"))
		m->refcount = -1;
	else if (num_i64(f[2].s, f[2].len, &m->refcount))
		return kerr_set(e, -EINVAL, src, lineno, "bad refcount (field 3)");
	if (num_hex_u64(f[5].s, f[5].len, &m->addr))
		return kerr_set(e, -EINVAL, src, lineno, "bad address (field 6)");
	if (nf == 7) {
		if (f[6].len < 2 || f[6].s[0] != '(' || f[6].s[f[6].len - 1] != ')' ||
		    f[6].len - 2 >= sizeof(m->taints))
			return kerr_set(e, -EINVAL, src, lineno, "bad taint flags (field 7)");
		memcpy(m->taints, f[6].s + 1, f[6].len - 2);
	}
	return 0;
}

/* Ties: the first line wins, as the scan modules_find replaced did. */
static int cmp_name(const void *a, const void *b, void *arg)
{
	const struct kmodule *v = arg;
	const struct kmodule *x = &v[*(const uint32_t *)a], *y = &v[*(const uint32_t *)b];
	int c = strcmp(x->name, y->name);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

int modules_parse(const char *buf, size_t len, const char *src, struct modules *out, struct kerr *e)
{
	struct line_iter it;
	int r;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	r = records_parse(&it, src, sizeof(*out->v), parse_line, &out->v, &out->n, e);
	if (r || !out->n)
		return r;
	if (out->n > UINT32_MAX) {
		modules_free(out);
		return kerr_set(e, -E2BIG, src, 0, "too many modules");
	}
	/* by name: modules_find is asked per vmalloc caller and per site */
	out->by_name = malloc(out->n * sizeof(*out->by_name));
	if (!out->by_name) {
		modules_free(out);
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	}
	for (size_t i = 0; i < out->n; i++)
		out->by_name[i] = (uint32_t)i;
	qsort_r(out->by_name, out->n, sizeof(*out->by_name), cmp_name, out->v);
	return 0;
}

const struct kmodule *modules_find(const struct modules *m, const char *name)
{
	size_t lo = 0, hi = m->n;

	if (!m->by_name) { /* a copy made without the index */
		for (size_t i = 0; i < m->n; i++)
			if (!strcmp(m->v[i].name, name))
				return &m->v[i];
		return NULL;
	}
	while (lo < hi) { /* the first name not below name */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(m->v[m->by_name[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->n && !strcmp(m->v[m->by_name[lo]].name, name))
		return &m->v[m->by_name[lo]];
	return NULL;
}

int modules_copy(struct modules *dst, const struct modules *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->n)
		return 0;
	dst->v = malloc(src->n * sizeof(*dst->v));
	dst->by_name = src->by_name ? malloc(src->n * sizeof(*dst->by_name)) : NULL;
	if (!dst->v || (src->by_name && !dst->by_name)) {
		modules_free(dst);
		return -ENOMEM;
	}
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	if (src->by_name)
		memcpy(dst->by_name, src->by_name, src->n * sizeof(*dst->by_name));
	dst->n = src->n;
	return 0;
}

void modules_free(struct modules *m)
{
	if (!m)
		return;
	free(m->v);
	free(m->by_name);
	m->v = NULL;
	m->by_name = NULL;
	m->n = 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Parser and lookups for SLUB merged-cache aliases; see slab_aliases.h. */
#include "slab_aliases.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "parse/records.h"

/*
 * By target; within a target the group's own ":A-0000080" entries last
 * (they are directories, not cache names), then by name: a group's names
 * are one contiguous run, counted without a walk.
 */
static int cmp_alias(const void *a, const void *b)
{
	const struct slab_alias *x = a, *y = b;
	int c = strcmp(x->target, y->target);

	if (c)
		return c;
	if ((x->name[0] == ':') != (y->name[0] == ':'))
		return x->name[0] == ':' ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int cmp_by_name(const void *a, const void *b, void *arg)
{
	const struct slab_alias *v = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(v[i].name, v[j].name);

	return c ? c : (i > j) - (i < j);
}

static int parse_alias(const char *line, size_t len, const char *src,
		       long lineno, void *rec, struct kerr *e)
{
	struct slab_alias *al = rec;
	struct field f[4];
	int nf = fields_split(line, len, f, 4);

	if (nf < 2 || nf > 3 || f[0].len >= sizeof(al->name) ||
	    f[1].len >= sizeof(al->target))
		return kerr_set(e, -EINVAL, src, lineno,
				"expected 'name target [0|1]', got %d fields", nf);
	field_copy(al->name, sizeof(al->name), &f[0]);
	field_copy(al->target, sizeof(al->target), &f[1]);
	al->reclaimable = -1;
	if (nf == 3 && (field_eq(&f[2], "0") || field_eq(&f[2], "1")))
		al->reclaimable = f[2].s[0] == '1';
	else if (nf == 3)
		return kerr_set(e, -EINVAL, src, lineno, "reclaim flag must be 0 or 1");
	return 0;
}

int slab_aliases_parse(const char *buf, size_t len, const char *src,
		       struct slab_aliases *out, struct kerr *e)
{
	struct line_iter it;
	int r;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	r = records_parse(&it, src, sizeof(*out->v), parse_alias, &out->v,
			  &out->n, e);
	if (r || !out->n)
		return r;
	qsort(out->v, out->n, sizeof(*out->v), cmp_alias);
	out->by_name = malloc(out->n * sizeof(*out->by_name));
	if (!out->by_name) {
		slab_aliases_free(out);
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	}
	for (size_t i = 0; i < out->n; i++)
		out->by_name[i] = i;
	qsort_r(out->by_name, out->n, sizeof(*out->by_name), cmp_by_name, out->v);
	return 0;
}

int slab_aliases_copy(struct slab_aliases *dst, const struct slab_aliases *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->n)
		return 0;
	dst->v = malloc(src->n * sizeof(*dst->v));
	dst->by_name = src->by_name ? malloc(src->n * sizeof(*dst->by_name)) : NULL;
	if (!dst->v || (src->by_name && !dst->by_name)) {
		slab_aliases_free(dst);
		return -ENOMEM;
	}
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	if (src->by_name)
		memcpy(dst->by_name, src->by_name, src->n * sizeof(*dst->by_name));
	dst->n = src->n;
	return 0;
}

void slab_aliases_free(struct slab_aliases *a)
{
	if (!a)
		return;
	free(a->v);
	free(a->by_name);
	a->v = NULL;
	a->by_name = NULL;
	a->n = 0;
}

static const struct slab_alias *find_name(const struct slab_aliases *a,
					  const char *name)
{
	size_t lo = 0, hi = a->n;

	if (!a->by_name) { /* a copy without the index */
		for (size_t i = 0; i < a->n; i++)
			if (!strcmp(a->v[i].name, name))
				return &a->v[i];
		return NULL;
	}
	while (lo < hi) { /* the first name not below name */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(a->v[a->by_name[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < a->n && !strcmp(a->v[a->by_name[lo]].name, name))
		return &a->v[a->by_name[lo]];
	return NULL;
}

int slab_alias_reclaimable(const struct slab_aliases *a, const char *name)
{
	const struct slab_alias *me = a ? find_name(a, name) : NULL;

	return me ? me->reclaimable : -1;
}

/*
 * The first index in [lo, hi) whose entry is not before key (target,
 * then whether a ':' name, then name; NULL name: any name of its kind).
 */
static size_t bound(const struct slab_aliases *a, size_t lo, size_t hi,
		    const char *target, int colon, const char *name, bool upper)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct slab_alias *x = &a->v[mid];
		int c = strcmp(x->target, target);

		if (!c)
			c = (x->name[0] == ':') - colon;
		if (!c && name)
			c = strcmp(x->name, name);
		if (c < 0 || (upper && !c))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t slab_aliases_of(const struct slab_aliases *a, const char *name,
		       const char **out, size_t max)
{
	const struct slab_alias *me = a ? find_name(a, name) : NULL;
	size_t lo, end, self_lo, self_hi, n = 0;

	if (!me)
		return 0;
	/* the group's cache names: [lo, end); name itself: [self_lo, self_hi) */
	lo = bound(a, 0, a->n, me->target, 0, NULL, false);
	end = bound(a, lo, a->n, me->target, 0, NULL, true);
	self_lo = bound(a, lo, end, me->target, 0, name, false);
	self_hi = bound(a, self_lo, end, me->target, 0, name, true);
	for (size_t i = lo; i < end && n < max; i++) {
		if (i == self_lo)
			i = self_hi;
		if (i < end)
			out[n++] = a->v[i].name;
		else
			break;
	}
	return (end - lo) - (self_hi - self_lo);
}

static const struct slab_cache *slabinfo_find(const struct slabinfo *si,
					      const char *name)
{
	for (size_t i = 0; si && i < si->n; i++)
		if (!strcmp(si->v[i].name, name))
			return &si->v[i];
	return NULL;
}

int slab_alias_resolve(const struct slab_aliases *a, const struct slabinfo *si,
		       const char *user, const char **cache)
{
	const struct slab_cache *c = slabinfo_find(si, user);
	const struct slab_alias *me;

	if (c) {
		*cache = c->name;
		return 0;
	}
	me = a ? find_name(a, user) : NULL;
	if (!me)
		return -ENOENT;
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].target, me->target))
			continue;
		c = slabinfo_find(si, a->v[i].name);
		if (c) {
			*cache = c->name;
			return 0;
		}
	}
	return -ENOENT;
}

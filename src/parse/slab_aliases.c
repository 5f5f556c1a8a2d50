// SPDX-License-Identifier: GPL-2.0
/*
 * Parser and lookups for SLUB merged-cache aliases; see slab_aliases.h.
 * Names live in one pool (no larger than the input), the records are
 * three small numbers: a hostile file of short lines costs a few times
 * its size, not 33 times (two 64-byte arrays per 4-byte line).
 */
#include "slab_aliases.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define NAME_MAX_LEN 63 /* as /sys/kernel/slab and slabinfo have them */

const char *slab_alias_name(const struct slab_aliases *a, const struct slab_alias *x)
{
	return a->pool + x->name;
}

const char *slab_alias_target(const struct slab_aliases *a, const struct slab_alias *x)
{
	return a->pool + x->target;
}

static bool colon(const struct slab_aliases *a, const struct slab_alias *x)
{
	return a->pool[x->name] == ':';
}

/*
 * By target; within a target the group's own ":A-0000080" entries last
 * (they are directories, not cache names), then by name: a group's names
 * are one contiguous run, counted without a walk.
 */
static int cmp_alias(const void *p, const void *q, void *arg)
{
	const struct slab_aliases *a = arg;
	const struct slab_alias *x = p, *y = q;
	int c = strcmp(slab_alias_target(a, x), slab_alias_target(a, y));

	if (c)
		return c;
	if (colon(a, x) != colon(a, y))
		return colon(a, x) ? 1 : -1;
	return strcmp(slab_alias_name(a, x), slab_alias_name(a, y));
}

static int cmp_by_name(const void *p, const void *q, void *arg)
{
	const struct slab_aliases *a = arg;
	uint32_t i = *(const uint32_t *)p, j = *(const uint32_t *)q;
	int c = strcmp(slab_alias_name(a, &a->v[i]), slab_alias_name(a, &a->v[j]));

	return c ? c : (i > j) - (i < j);
}

static uint32_t pool_put(struct slab_aliases *a, const struct field *f)
{
	uint32_t off = (uint32_t)a->pool_len;

	memcpy(a->pool + a->pool_len, f->s, f->len);
	a->pool[a->pool_len + f->len] = '\0';
	a->pool_len += f->len + 1;
	return off;
}

static int parse_alias(struct slab_aliases *a, const char *line, size_t len, const char *src,
		       long lineno, struct kerr *e)
{
	struct slab_alias *al = &a->v[a->n];
	struct field f[4];
	int nf = fields_split(line, len, f, 4);

	if (nf < 2 || nf > 3 || f[0].len > NAME_MAX_LEN || f[1].len > NAME_MAX_LEN)
		return kerr_set(e, -EINVAL, src, lineno,
				"expected 'name target [0|1]', got %d fields", nf);
	al->reclaimable = -1;
	if (nf == 3 && (field_eq(&f[2], "0") || field_eq(&f[2], "1")))
		al->reclaimable = f[2].s[0] == '1';
	else if (nf == 3)
		return kerr_set(e, -EINVAL, src, lineno, "reclaim flag must be 0 or 1");
	al->name = pool_put(a, &f[0]);
	al->target = pool_put(a, &f[1]);
	a->n++;
	return 0;
}

/* Lines and bytes bound records and names: one allocation each, never grown. */
static int alloc_for(struct slab_aliases *a, const char *buf, size_t len)
{
	size_t lines = 1;

	for (const char *p = buf; p && (p = memchr(p, '\n', (size_t)(buf + len - p))); p++)
		lines++;
	a->v = malloc(lines * sizeof(*a->v));
	a->pool = malloc(len + 2);
	return a->v && a->pool ? 0 : -ENOMEM;
}

static int index_names(struct slab_aliases *a, const char *src, struct kerr *e)
{
	qsort_r(a->v, a->n, sizeof(*a->v), cmp_alias, a);
	a->by_name = malloc(a->n * sizeof(*a->by_name));
	if (!a->by_name)
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	for (size_t i = 0; i < a->n; i++)
		a->by_name[i] = (uint32_t)i;
	qsort_r(a->by_name, a->n, sizeof(*a->by_name), cmp_by_name, a);
	return 0;
}

int slab_aliases_parse(const char *buf, size_t len, const char *src, struct slab_aliases *out,
		       struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t llen;
	int r;

	memset(out, 0, sizeof(*out));
	if (len > UINT32_MAX) /* offsets are 32 bits; the source cap is far below */
		return kerr_set(e, -EFBIG, src, 0, "larger than 4 GiB");
	if (alloc_for(out, buf, len)) {
		slab_aliases_free(out);
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	}
	line_iter_init(&it, buf, len);
	while ((r = line_next_capped(&it, &line, &llen, src, e)) > 0)
		if (fields_split(line, llen, NULL, 0) &&
		    (r = parse_alias(out, line, llen, src, it.lineno, e)))
			break;
	if (!r && out->n)
		r = index_names(out, src, e);
	if (r)
		slab_aliases_free(out);
	return r;
}

int slab_aliases_copy(struct slab_aliases *dst, const struct slab_aliases *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->n)
		return 0;
	dst->v = malloc(src->n * sizeof(*dst->v));
	dst->by_name = malloc(src->n * sizeof(*dst->by_name));
	dst->pool = malloc(src->pool_len ? src->pool_len : 1);
	if (!dst->v || !dst->by_name || !dst->pool) {
		slab_aliases_free(dst);
		return -ENOMEM;
	}
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	memcpy(dst->by_name, src->by_name, src->n * sizeof(*dst->by_name));
	memcpy(dst->pool, src->pool, src->pool_len);
	dst->n = src->n;
	dst->pool_len = src->pool_len;
	return 0;
}

void slab_aliases_free(struct slab_aliases *a)
{
	if (!a)
		return;
	free(a->v);
	free(a->by_name);
	free(a->pool);
	memset(a, 0, sizeof(*a));
}

static const struct slab_alias *find_name(const struct slab_aliases *a, const char *name)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) { /* the first name not below name */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(slab_alias_name(a, &a->v[a->by_name[mid]]), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < a->n && !strcmp(slab_alias_name(a, &a->v[a->by_name[lo]]), name))
		return &a->v[a->by_name[lo]];
	return NULL;
}

int slab_alias_reclaimable(const struct slab_aliases *a, const char *name)
{
	const struct slab_alias *me = a ? find_name(a, name) : NULL;

	return me ? me->reclaimable : -1;
}

/*
 * The first index in [lo, hi) whose entry is not before the key (target,
 * then whether a ':' name, then name; NULL name: any name of its kind);
 * with upper, the first one after it.
 */
static size_t bound(const struct slab_aliases *a, size_t lo, size_t hi, const char *target,
		    const char *name, bool upper)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct slab_alias *x = &a->v[mid];
		int c = strcmp(slab_alias_target(a, x), target);

		if (!c)
			c = colon(a, x); /* the key is never a ':' name */
		if (!c && name)
			c = strcmp(slab_alias_name(a, x), name);
		if (c < 0 || (upper && !c))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t slab_aliases_of(const struct slab_aliases *a, const char *name, const char **out, size_t max)
{
	const struct slab_alias *me = a ? find_name(a, name) : NULL;
	const char *target;
	size_t lo, end, self_lo, self_hi, n = 0;

	if (!me)
		return 0;
	target = slab_alias_target(a, me);
	/* the group's cache names: [lo, end); name itself: [self_lo, self_hi) */
	lo = bound(a, 0, a->n, target, NULL, false);
	end = bound(a, lo, a->n, target, NULL, true);
	self_lo = bound(a, lo, end, target, name, false);
	self_hi = bound(a, self_lo, end, target, name, true);
	for (size_t i = lo; i < end && n < max; i++) {
		if (i == self_lo)
			i = self_hi;
		if (i >= end)
			break;
		out[n++] = slab_alias_name(a, &a->v[i]);
	}
	return (end - lo) - (self_hi - self_lo);
}

static const struct slab_cache *slabinfo_find(const struct slabinfo *si, const char *name)
{
	for (size_t i = 0; si && i < si->n; i++)
		if (!strcmp(si->v[i].name, name))
			return &si->v[i];
	return NULL;
}

int slab_alias_resolve(const struct slab_aliases *a, const struct slabinfo *si, const char *user,
		       const char **cache)
{
	const struct slab_cache *c = slabinfo_find(si, user);
	const struct slab_alias *me;
	const char *target;
	size_t lo, end;

	if (c) {
		*cache = c->name;
		return 0;
	}
	me = a ? find_name(a, user) : NULL;
	if (!me)
		return -ENOENT;
	/* the first name of the group that slabinfo lists (one user name: a scan) */
	target = slab_alias_target(a, me);
	lo = bound(a, 0, a->n, target, NULL, false);
	end = lo;
	while (end < a->n && !strcmp(slab_alias_target(a, &a->v[end]), target))
		end++;
	for (size_t i = lo; i < end; i++) {
		c = slabinfo_find(si, slab_alias_name(a, &a->v[i]));
		if (c) {
			*cache = c->name;
			return 0;
		}
	}
	return -ENOENT;
}

// SPDX-License-Identifier: GPL-2.0
/* Parser and lookups for SLUB merged-cache aliases; see slab_aliases.h. */
#include "slab_aliases.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "parse/records.h"

static int cmp_alias(const void *a, const void *b)
{
	const struct slab_alias *x = a, *y = b;
	int c = strcmp(x->target, y->target);

	return c ? c : strcmp(x->name, y->name);
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
	if (!r && out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_alias);
	return r;
}

void slab_aliases_free(struct slab_aliases *a)
{
	if (!a)
		return;
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

static const struct slab_alias *find_name(const struct slab_aliases *a,
					  const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].name, name))
			return &a->v[i];
	return NULL;
}

int slab_alias_reclaimable(const struct slab_aliases *a, const char *name)
{
	const struct slab_alias *me = a ? find_name(a, name) : NULL;

	return me ? me->reclaimable : -1;
}

size_t slab_aliases_of(const struct slab_aliases *a, const char *name,
		       const char **out, size_t max)
{
	const struct slab_alias *me = a ? find_name(a, name) : NULL;
	size_t n = 0;

	if (!me)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		/* ":a-0000104" is the group's own directory, not a cache name. */
		if (strcmp(a->v[i].target, me->target) ||
		    !strcmp(a->v[i].name, name) || a->v[i].name[0] == ':')
			continue;
		if (n < max)
			out[n] = a->v[i].name;
		n++;
	}
	return n;
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

// SPDX-License-Identifier: GPL-2.0
/* Parser and lookups for SLUB merged-cache aliases; see slab_aliases.h. */
#include "slab_aliases.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/vec.h"

static int cmp_alias(const void *a, const void *b)
{
	const struct slab_alias *x = a, *y = b;
	int c = strcmp(x->target, y->target);

	return c ? c : strcmp(x->name, y->name);
}

int slab_aliases_parse(const char *buf, size_t len, const char *src,
		       struct slab_aliases *out, struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t llen, cap = 0;
	int r;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	while ((r = line_next_capped(&it, &line, &llen, src, e)) > 0) {
		struct field f[4];
		struct slab_alias al;
		int nf;

		if (llen == 0)
			continue;
		nf = fields_split(line, llen, f, 4);
		if (nf < 2 || nf > 3 || f[0].len >= sizeof(al.name) ||
		    f[1].len >= sizeof(al.target)) {
			r = kerr_set(e, -EINVAL, src, it.lineno,
				     "expected 'name target [0|1]', got %d fields",
				     nf);
			goto fail;
		}
		field_copy(al.name, sizeof(al.name), &f[0]);
		field_copy(al.target, sizeof(al.target), &f[1]);
		al.reclaimable = -1;
		if (nf == 3 && (field_eq(&f[2], "0") || field_eq(&f[2], "1")))
			al.reclaimable = f[2].s[0] == '1';
		else if (nf == 3) {
			r = kerr_set(e, -EINVAL, src, it.lineno,
				     "reclaim flag must be 0 or 1");
			goto fail;
		}
		if (vec_push(&out->v, &out->n, &cap, sizeof(al), &al)) {
			r = kerr_set(e, -ENOMEM, src, it.lineno, "out of memory");
			goto fail;
		}
	}
	if (r)
		goto fail;
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_alias);
	return 0;
fail:
	slab_aliases_free(out);
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

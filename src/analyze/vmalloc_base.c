// SPDX-License-Identifier: GPL-2.0
/* The baseline's modules and module symbols, sorted once; see vmalloc_base.h. */
#include "vmalloc_base.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/vmalloc_group.h"
#include "util/buf.h"
#include "util/num.h"

void vmalloc_base_init(struct vmalloc_base_index *x)
{
	memset(x, 0, sizeof(*x));
	pthread_mutex_init(&x->lock, NULL);
}

static void drop(struct vmalloc_base_index *x)
{
	free(x->mods);
	free(x->syms);
	strmap_free(&x->mod_ids);
	x->mods = NULL;
	x->syms = NULL;
	x->nmods = x->nsyms = 0;
	x->built = false;
	x->err = 0;
}

void vmalloc_base_reset(struct vmalloc_base_index *x)
{
	drop(x);
}

void vmalloc_base_free(struct vmalloc_base_index *x)
{
	if (!x)
		return;
	drop(x);
	pthread_mutex_destroy(&x->lock);
}

static int cmp_mod(const void *a, const void *b)
{
	const struct kmodule *x = *(const struct kmodule *const *)a;
	const struct kmodule *y = *(const struct kmodule *const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static int cmp_sym(const void *a, const void *b)
{
	const struct vmalloc_base_sym *x = a, *y = b;

	if (x->module != y->module)
		return x->module < y->module ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static int build_mods(struct vmalloc_base_index *x, const struct modules *m)
{
	x->mods = malloc((m && m->n ? m->n : 1) * sizeof(*x->mods));
	if (!x->mods)
		return -ENOMEM;
	for (size_t i = 0; m && i < m->n; i++)
		if (m->v[i].addr)
			x->mods[x->nmods++] = &m->v[i];
	qsort(x->mods, x->nmods, sizeof(*x->mods), cmp_mod);
	return 0;
}

/* One "addr type name [module]" line, as the scan it replaces read it. */
static int add_sym(struct vmalloc_base_index *x, const char *line, size_t len,
		   size_t *cap)
{
	struct field f[4];
	struct vmalloc_base_sym s;
	size_t id;

	if (fields_split(line, len, f, 4) != 4 || num_hex_u64(f[0].s, f[0].len, &s.addr) ||
	    f[3].len < 3 || f[3].len - 2 >= 80 || f[2].len > UINT32_MAX)
		return 0;
	id = strmap_intern(&x->mod_ids, f[3].s + 1, f[3].len - 2, x->mod_ids.count);
	if (id == STRMAP_NONE)
		return -ENOMEM;
	if (x->nsyms == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct vmalloc_base_sym *p = realloc(x->syms, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		x->syms = p;
		*cap = ncap;
	}
	s.name = f[2].s;
	s.name_len = (uint32_t)f[2].len;
	s.module = (uint32_t)id;
	s.order = x->nsyms;
	x->syms[x->nsyms++] = s;
	return 0;
}

static int build(struct vmalloc_base_index *x, const struct vmalloc_baseline *b)
{
	struct line_iter it;
	const char *line;
	size_t len, cap = 0;
	int r = build_mods(x, b->modules);

	line_iter_init(&it, b->kallsyms, b->kallsyms ? b->kallsyms_len : 0);
	while (!r && line_next(&it, &line, &len))
		r = add_sym(x, line, len, &cap);
	if (!r && x->nsyms)
		qsort(x->syms, x->nsyms, sizeof(*x->syms), cmp_sym);
	return r;
}

/* Built once per baseline; the lock makes the two parsing threads share it. */
static bool ready(struct vmalloc_base_index *x, const struct vmalloc_baseline *b)
{
	pthread_mutex_lock(&x->lock);
	if (x->built && (x->for_modules != b->modules || x->for_kallsyms != b->kallsyms ||
			 x->for_len != b->kallsyms_len))
		drop(x);
	if (!x->built) {
		x->built = true;
		x->for_modules = b->modules;
		x->for_kallsyms = b->kallsyms;
		x->for_len = b->kallsyms_len;
		x->err = build(x, b);
	}
	pthread_mutex_unlock(&x->lock);
	return !x->err;
}

const struct kmodule *vmalloc_base_module(struct vmalloc_base_index *x,
					  const struct vmalloc_baseline *b,
					  uint64_t addr)
{
	size_t lo = 0, hi;

	if (!b->modules || !ready(x, b))
		return NULL;
	hi = x->nmods;
	while (lo < hi) { /* the first module starting above addr */
		size_t mid = lo + (hi - lo) / 2;

		if (x->mods[mid]->addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr - x->mods[lo - 1]->addr < x->mods[lo - 1]->size)
		return x->mods[lo - 1];
	return NULL;
}

bool vmalloc_base_symbol(struct vmalloc_base_index *x,
			 const struct vmalloc_baseline *b, uint64_t addr,
			 const char *mod, char *out, size_t outlen)
{
	size_t id, lo = 0, hi;
	const struct vmalloc_base_sym *s;

	if (!b->kallsyms || !ready(x, b))
		return false;
	id = strmap_get(&x->mod_ids, mod, strlen(mod));
	if (id == STRMAP_NONE)
		return false;
	hi = x->nsyms;
	while (lo < hi) { /* the first entry past (id, addr) */
		size_t mid = lo + (hi - lo) / 2;

		s = &x->syms[mid];
		if (s->module < id || (s->module == id && s->addr <= addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || x->syms[lo - 1].module != id)
		return false;
	s = &x->syms[lo - 1];
	field_copy(out, outlen, &(struct field){ s->name, s->name_len });
	return true;
}

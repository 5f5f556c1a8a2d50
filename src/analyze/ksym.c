// SPDX-License-Identifier: GPL-2.0
/* Address -> symbol lookup over a sorted kallsyms; see ksym.h. */
#include "ksym.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/modules.h"

/* Which of several symbols at one address names it: lower is better. */
static int sym_rank(const struct kallsyms *ks, const struct kallsym *s)
{
	const char *name = kallsyms_name(ks, s);
	int r;

	switch (s->type) {
	case 'T': r = 0; break;
	case 't': r = 1; break;
	case 'W': case 'w': r = 2; break;
	default: r = 3; break;
	}
	/* CONFIG_FUNCTION_PADDING_ALIGNMENT / kCFI emit these before functions. */
	if (!strncmp(name, "__pfx_", 6) || !strncmp(name, "__cfi_", 6))
		r += 10;
	return r;
}

static int cmp_sym(const void *a, const void *b, void *arg)
{
	const struct kallsyms *ks = arg;
	const struct kallsym *x = &ks->v[*(const uint32_t *)a];
	const struct kallsym *y = &ks->v[*(const uint32_t *)b];
	int rx, ry;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	rx = sym_rank(ks, x);
	ry = sym_rank(ks, y);
	if (rx != ry)
		return rx - ry;
	return x->line < y->line ? -1 : x->line > y->line;
}

int ksym_table_init(struct ksym_table *t, struct kallsyms *ks, struct kerr *e)
{
	size_t k = 0;

	memset(t, 0, sizeof(*t));
	if (ks->zero_addrs) {
		kallsyms_free(ks);
		return kerr_set(e, -EPERM, "kallsyms", 0,
				"every address is 0: reading kallsyms needs root (kernel.kptr_restrict)");
	}
	if (ks->n > UINT32_MAX) {
		kallsyms_free(ks);
		return kerr_set(e, -E2BIG, "kallsyms", 0, "too many symbols");
	}
	t->ks = *ks;
	memset(ks, 0, sizeof(*ks));
	t->order = malloc((t->ks.n ? t->ks.n : 1) * sizeof(*t->order));
	t->next = malloc((t->ks.n ? t->ks.n : 1) * sizeof(*t->next));
	if (!t->order || !t->next) {
		ksym_table_free(t);
		return kerr_set(e, -ENOMEM, "kallsyms", 0, "out of memory");
	}
	for (size_t i = 0; i < t->ks.n; i++)
		t->order[i] = (uint32_t)i;
	qsort_r(t->order, t->ks.n, sizeof(*t->order), cmp_sym, &t->ks);
	for (size_t i = 0; i < t->ks.n; i++) /* one entry per address */
		if (k == 0 || t->ks.v[t->order[i]].addr !=
				      t->ks.v[t->order[k - 1]].addr)
			t->order[k++] = t->order[i];
	t->n = k;
	for (size_t i = 0; i < k; i++) {
		const struct kallsym *s = &t->ks.v[t->order[i]];
		const struct kallsym *nx =
			i + 1 < k ? &t->ks.v[t->order[i + 1]] : NULL;

		/* Sizes across a module boundary are unknown. */
		t->next[i] = nx && nx->module == s->module ? nx->addr : 0;
	}
	return 0;
}

static int cmp_mod(const void *a, const void *b)
{
	const struct ksym_module *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int ksym_table_add_module(struct ksym_table *t, const char *name,
			  uint64_t addr, uint64_t size)
{
	struct ksym_module *p;

	if (!addr)
		return 0;
	p = realloc(t->mods, (t->nmods + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	t->mods = p;
	memset(&p[t->nmods], 0, sizeof(*p));
	snprintf(p[t->nmods].name, sizeof(p->name), "%s", name);
	p[t->nmods].addr = addr;
	p[t->nmods].size = size;
	t->nmods++;
	qsort(t->mods, t->nmods, sizeof(*t->mods), cmp_mod);
	return 0;
}

int ksym_table_add_modules(struct ksym_table *t, const struct modules *m)
{
	for (size_t i = 0; i < m->n; i++) {
		int r = ksym_table_add_module(t, m->v[i].name, m->v[i].addr,
					      m->v[i].size);

		if (r)
			return r;
	}
	return 0;
}

const struct ksym_module *ksym_module_at(const struct ksym_table *t,
					 uint64_t addr)
{
	size_t lo = 0, hi = t->nmods;

	while (lo < hi) { /* first module with addr > target */
		size_t mid = lo + (hi - lo) / 2;

		if (t->mods[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (addr - t->mods[lo - 1].addr < t->mods[lo - 1].size)
		return &t->mods[lo - 1];
	return NULL;
}

static const struct ksym_module *module_named(const struct ksym_table *t,
					      const char *name)
{
	for (size_t i = 0; i < t->nmods; i++)
		if (!strcmp(t->mods[i].name, name))
			return &t->mods[i];
	return NULL;
}

/* Index of the last table entry at or below addr, or SIZE_MAX. */
static size_t find_floor(const struct ksym_table *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->ks.v[t->order[mid]].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? SIZE_MAX : lo - 1;
}

/* The end of symbol i: the next symbol or its module's range end, or 0. */
static uint64_t sym_end(const struct ksym_table *t, size_t i)
{
	const struct kallsym *s = &t->ks.v[t->order[i]];
	const char *mname = kallsyms_module(&t->ks, s);
	const struct ksym_module *m;

	uint64_t end = t->next[i];

	if (!mname || !(m = module_named(t, mname)))
		return end;
	/* Within the module's range, the range also bounds the symbol. */
	if (s->addr >= m->addr && s->addr - m->addr < m->size &&
	    (!end || end > m->addr + m->size))
		end = m->addr + m->size;
	return end;
}

bool ksym_lookup(const struct ksym_table *t, uint64_t addr,
		 struct ksym_loc *loc)
{
	size_t i = find_floor(t, addr);
	const struct ksym_module *m;

	memset(loc, 0, sizeof(*loc));
	if (i != SIZE_MAX) {
		const struct kallsym *s = &t->ks.v[t->order[i]];
		uint64_t end = sym_end(t, i);
		uint64_t off = addr - s->addr;

		if (end ? addr < end : off < KSYM_MAX_UNBOUNDED_OFFSET) {
			loc->name = kallsyms_name(&t->ks, s);
			loc->offset = off;
			loc->size = end ? end - s->addr : 0;
			loc->module = kallsyms_module(&t->ks, s);
			return true;
		}
	}
	m = ksym_module_at(t, addr);
	if (m) {
		loc->module = m->name;
		loc->offset = addr - m->addr;
		return true;
	}
	return false;
}

const char *ksym_format(const struct ksym_loc *loc, char *buf, size_t len)
{
	int n;

	if (!loc->name)
		n = snprintf(buf, len, "(unknown)");
	else if (loc->size)
		n = snprintf(buf, len, "%s+0x%" PRIx64 "/0x%" PRIx64, loc->name,
			     loc->offset, loc->size);
	else
		n = snprintf(buf, len, "%s+0x%" PRIx64, loc->name, loc->offset);
	if (loc->module && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " [%s]", loc->module);
	return buf;
}

void ksym_table_free(struct ksym_table *t)
{
	if (!t)
		return;
	kallsyms_free(&t->ks);
	free(t->order);
	free(t->next);
	free(t->mods);
	memset(t, 0, sizeof(*t));
}

// SPDX-License-Identifier: GPL-2.0
/* Address -> symbol lookup over a sorted kallsyms; see ksym.h. */
#include "ksym.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/module_sections.h"
#include "parse/modules.h"
#include "util/strmap.h"

/* Module memory is allocated in pages: regions are whole pages (see ksym.h). */
#define KSYM_PAGE 4096ULL

/* Which of several symbols at one address names it: lower is better. */
static int sym_rank(const struct kallsyms *ks, const struct kallsym *s)
{
	const char *name = kallsyms_name(ks, s);
	int r;

	switch (s->type) {
	case 'T':
		r = 0;
		break;
	case 't':
		r = 1;
		break;
	case 'W':
	case 'w':
		r = 2;
		break;
	default:
		r = 3;
		break;
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

static int rebuild_regions(struct ksym_table *t);

int ksym_table_init(struct ksym_table *t, struct kallsyms *ks, struct kerr *e)
{
	size_t k = 0;

	memset(t, 0, sizeof(*t));
	if (ks->zero_addrs) {
		kallsyms_free(ks);
		return kerr_set(
			e, -EPERM, "kallsyms", 0,
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
		if (k == 0 || t->ks.v[t->order[i]].addr != t->ks.v[t->order[k - 1]].addr)
			t->order[k++] = t->order[i];
	t->n = k;
	for (size_t i = 0; i < k; i++) {
		const struct kallsym *s = &t->ks.v[t->order[i]];
		const struct kallsym *nx = i + 1 < k ? &t->ks.v[t->order[i + 1]] : NULL;

		/* Sizes across a module boundary are unknown. */
		t->next[i] = nx && nx->module == s->module ? nx->addr : 0;
	}
	return rebuild_regions(t);
}

static int cmp_mod(const void *a, const void *b)
{
	const struct ksym_module *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* ---- module regions ---- */

/* What memory a symbol type letter names; -1: not an address (a, A, U ...). */
static int kind_of_type(char type)
{
	switch (type) {
	case 't':
	case 'T':
	case 'w':
	case 'W':
		return KSYM_TEXT;
	case 'd':
	case 'D':
	case 'b':
	case 'B':
	case 'g':
	case 'G':
	case 's':
	case 'S':
		return KSYM_DATA;
	case 'r':
	case 'R':
	case 'n':
	case 'N':
		return KSYM_RODATA;
	default:
		return -1;
	}
}

static bool starts_with(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* What memory a module section is in (struct module_memory's types). */
static int kind_of_section(const char *name)
{
	if (starts_with(name, ".init") || starts_with(name, ".exit.data"))
		return KSYM_INIT;
	if (starts_with(name, ".text") || starts_with(name, ".exit.text") ||
	    starts_with(name, ".noinstr") || starts_with(name, ".altinstr") ||
	    starts_with(name, ".static_call") || starts_with(name, ".entry.text"))
		return KSYM_TEXT;
	if (starts_with(name, ".rodata") || starts_with(name, "__ksymtab") ||
	    starts_with(name, "__kcrctab") || starts_with(name, ".orc_"))
		return KSYM_RODATA;
	if (starts_with(name, ".data") || starts_with(name, ".bss") ||
	    starts_with(name, ".gnu.linkonce") || starts_with(name, "__param"))
		return KSYM_DATA;
	return -1;
}

/* A point of a module's memory: a symbol or a section start. */
struct point {
	uint64_t addr;
	const char *module;
	int kind;
};

static int cmp_point(const void *a, const void *b)
{
	const struct point *x = a, *y = b;
	int c = strcmp(x->module, y->module);

	if (c)
		return c;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static uint64_t page_floor(uint64_t a)
{
	return a & ~(KSYM_PAGE - 1);
}

static uint64_t page_after(uint64_t a)
{
	return page_floor(a) + KSYM_PAGE;
}

static struct point *collect_points(const struct ksym_table *t, size_t *n)
{
	struct point *p = malloc((t->ks.n + t->nanchors + 1) * sizeof(*p));

	*n = 0;
	if (!p)
		return NULL;
	for (size_t i = 0; i < t->ks.n; i++) {
		const struct kallsym *s = &t->ks.v[i];
		int k = kind_of_type(s->type);

		if (s->module >= 0 && k >= 0 && s->addr)
			p[(*n)++] = (struct point){ s->addr, kallsyms_module(&t->ks, s), k };
	}
	for (size_t i = 0; i < t->nanchors; i++)
		p[(*n)++] = (struct point){ t->anchors[i].addr, t->anchors[i].module,
					    t->anchors[i].kind };
	qsort(p, *n, sizeof(*p), cmp_point);
	return p;
}

static int push_region(struct ksym_table *t, size_t *cap, const struct point *p)
{
	struct ksym_region *r;

	if (t->nregions == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;

		r = realloc(t->regions, nc * sizeof(*r));
		if (!r)
			return -ENOMEM;
		t->regions = r;
		*cap = nc;
	}
	r = &t->regions[t->nregions++];
	memset(r, 0, sizeof(*r));
	r->start = page_floor(p->addr);
	r->end = page_after(p->addr);
	r->kind = p->kind;
	snprintf(r->module, sizeof(r->module), "%s", p->module);
	return 0;
}

/*
 * Runs of one module's points of one kind, no further apart than any
 * function is long, are one region; text after an init section start is
 * init text.
 */
static int build_runs(struct ksym_table *t, const struct point *p, size_t n, size_t *cap)
{
	struct ksym_region *open = NULL;

	for (size_t i = 0; i < n; i++) {
		bool same = open && !strcmp(open->module, p[i].module) &&
			    (p[i].kind == open->kind ||
			     (open->kind == KSYM_INIT && p[i].kind == KSYM_TEXT)) &&
			    p[i].addr < open->end + KSYM_MAX_UNBOUNDED_OFFSET;

		if (same) {
			if (page_after(p[i].addr) > open->end)
				open->end = page_after(p[i].addr);
			continue;
		}
		if (push_region(t, cap, &p[i]))
			return -ENOMEM;
		open = &t->regions[t->nregions - 1];
	}
	return 0;
}

/* Per module: whether it has data regions, all inside its /proc/modules range. */
struct range_check {
	bool any, single;
};

static size_t module_of(const struct strmap *idx, const char *name)
{
	return strmap_get(idx, name, strlen(name));
}

/* A region merge_ranges drops: one of a merged module's, inside its range. */
static bool merged_away(const struct ksym_table *t, const struct ksym_region *r, size_t m,
			const struct range_check *rc)
{
	const struct ksym_module *km;

	if (m == STRMAP_NONE || !rc[m].any || !rc[m].single || r->kind == KSYM_INIT)
		return false;
	km = &t->mods[m];
	return r->start >= page_floor(km->addr) && r->start < km->addr + km->size;
}

/*
 * Before 6.4 a module is one allocation: when all its data and rodata lie
 * in its /proc/modules range, that range is its region (exact), replacing
 * the guessed ones inside it. One pass over the regions with the modules
 * indexed by name (a user's baseline may hold tens of thousands of both:
 * no modules x regions).
 */
static int merge_ranges(struct ksym_table *t)
{
	struct strmap idx = { 0 };
	struct range_check *rc = calloc(t->nmods + 1, sizeof(*rc));
	size_t *mod_of = malloc((t->nregions + 1) * sizeof(*mod_of));
	size_t w = 0, n0 = t->nregions;
	int r = 0;

	for (size_t m = 0; rc && mod_of && m < t->nmods && !r; m++) {
		rc[m].single = true;
		if (strmap_intern(&idx, t->mods[m].name, strlen(t->mods[m].name), m) == STRMAP_NONE)
			r = -ENOMEM;
	}
	if (!rc || !mod_of || r) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n0; i++) {
		const struct ksym_region *g = &t->regions[i];
		size_t m = mod_of[i] = module_of(&idx, g->module);
		const struct ksym_module *km;

		if (m == STRMAP_NONE || g->kind == KSYM_INIT || g->kind == KSYM_TEXT)
			continue;
		km = &t->mods[m];
		rc[m].any = true;
		rc[m].single &= g->start >= page_floor(km->addr) && g->start < km->addr + km->size;
	}
	for (size_t i = 0; i < n0; i++)
		if (!merged_away(t, &t->regions[i], mod_of[i], rc))
			t->regions[w++] = t->regions[i];
	/* each merged module dropped at least one region: room for its range */
	for (size_t m = 0; m < t->nmods; m++) {
		const struct ksym_module *km = &t->mods[m];

		if (!rc[m].any || !rc[m].single || module_of(&idx, km->name) != m)
			continue;
		t->regions[w] = (struct ksym_region){ .start = km->addr,
						      .end = km->addr + km->size,
						      .kind = KSYM_RANGE,
						      .exact = true };
		snprintf(t->regions[w].module, sizeof(t->regions[w].module), "%s", km->name);
		w++;
	}
	t->nregions = w;
out:
	strmap_free(&idx);
	free(rc);
	free(mod_of);
	return r;
}

static int cmp_region(const void *a, const void *b)
{
	const struct ksym_region *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* An init region reaches as far as an init function may, up to the next region. */
static void extend_init(struct ksym_table *t)
{
	for (size_t i = 0; i < t->nregions; i++) {
		struct ksym_region *r = &t->regions[i];
		uint64_t end = r->start + KSYM_MAX_UNBOUNDED_OFFSET;

		if (r->kind != KSYM_INIT)
			continue;
		if (i + 1 < t->nregions && t->regions[i + 1].start < end)
			end = t->regions[i + 1].start;
		if (end > r->end)
			r->end = end;
	}
}

static int rebuild_regions(struct ksym_table *t)
{
	size_t n, cap = 0;
	struct point *p = collect_points(t, &n);
	int r;

	free(t->regions);
	t->regions = NULL;
	t->nregions = 0;
	if (!p)
		return -ENOMEM;
	r = build_runs(t, p, n, &cap);
	free(p);
	if (r)
		return r;
	r = merge_ranges(t);
	if (r)
		return r;
	if (t->nregions)
		qsort(t->regions, t->nregions, sizeof(*t->regions), cmp_region);
	extend_init(t);
	return 0;
}

static int add_module(struct ksym_table *t, const char *name, uint64_t addr, uint64_t size)
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
	return 0;
}

int ksym_table_add_module(struct ksym_table *t, const char *name, uint64_t addr, uint64_t size)
{
	int r = add_module(t, name, addr, size);

	if (r || !addr)
		return r;
	qsort(t->mods, t->nmods, sizeof(*t->mods), cmp_mod);
	return rebuild_regions(t);
}

int ksym_table_add_modules(struct ksym_table *t, const struct modules *m)
{
	for (size_t i = 0; i < m->n; i++) {
		int r = add_module(t, m->v[i].name, m->v[i].addr, m->v[i].size);

		if (r)
			return r;
	}
	if (t->nmods)
		qsort(t->mods, t->nmods, sizeof(*t->mods), cmp_mod);
	return rebuild_regions(t);
}

int ksym_table_add_sections(struct ksym_table *t, const struct module_sections *s)
{
	struct ksym_anchor *a = realloc(t->anchors, (t->nanchors + s->n + 1) * sizeof(*a));

	if (!a)
		return -ENOMEM;
	t->anchors = a;
	for (size_t i = 0; i < s->n; i++) {
		int k = kind_of_section(s->v[i].name);

		if (!s->v[i].addr || k < 0)
			continue;
		a = &t->anchors[t->nanchors++];
		a->addr = s->v[i].addr;
		a->kind = k;
		snprintf(a->module, sizeof(a->module), "%s", s->v[i].module);
	}
	return rebuild_regions(t);
}

const struct ksym_region *ksym_region_at(const struct ksym_table *t, uint64_t addr)
{
	size_t lo = 0, hi = t->nregions;

	while (lo < hi) { /* first region starting after addr */
		size_t mid = lo + (hi - lo) / 2;

		if (t->regions[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Regions may nest (a guessed one inside another module's range): look back a little. */
	for (size_t i = lo; i > 0 && lo - i < 8; i--)
		if (addr < t->regions[i - 1].end)
			return &t->regions[i - 1];
	return NULL;
}

const struct ksym_module *ksym_module_at(const struct ksym_table *t, uint64_t addr)
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

static bool has_regions(const struct ksym_table *t, const char *module)
{
	for (size_t i = 0; i < t->nregions; i++)
		if (!strcmp(t->regions[i].module, module))
			return true;
	return false;
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

static void set_loc(struct ksym_loc *loc, const struct ksym_table *t, const struct kallsym *s,
		    uint64_t addr, uint64_t end)
{
	loc->name = kallsyms_name(&t->ks, s);
	loc->offset = addr - s->addr;
	loc->size = end ? end - s->addr : 0;
	loc->module = kallsyms_module(&t->ks, s);
}

/*
 * A module symbol names addr only within the region that holds both; its
 * size is the distance to the next symbol there, or the region's end when
 * that is exact (a pre-6.4 range), else unknown.
 */
static bool module_symbol(const struct ksym_table *t, size_t i, uint64_t addr, struct ksym_loc *loc)
{
	const struct kallsym *s = &t->ks.v[t->order[i]];
	const struct ksym_region *r = ksym_region_at(t, addr);
	uint64_t end = t->next[i];

	if (!r || strcmp(r->module, kallsyms_module(&t->ks, s)) || s->addr < r->start)
		return false;
	if (!end || end > r->end)
		end = r->exact ? r->end : 0;
	set_loc(loc, t, s, addr, end);
	loc->init = r->kind == KSYM_INIT;
	return true;
}

bool ksym_lookup(const struct ksym_table *t, uint64_t addr, struct ksym_loc *loc)
{
	size_t i = find_floor(t, addr);
	const struct ksym_region *r;
	const struct ksym_module *m;

	memset(loc, 0, sizeof(*loc));
	if (i != SIZE_MAX) {
		const struct kallsym *s = &t->ks.v[t->order[i]];
		uint64_t end = t->next[i];

		/* absolute module symbols (a: percpu offsets) are not in its memory */
		if (s->module >= 0 && kind_of_type(s->type) >= 0) {
			if (module_symbol(t, i, addr, loc))
				return true;
		} else if (end ? addr < end : addr - s->addr < KSYM_MAX_UNBOUNDED_OFFSET) {
			set_loc(loc, t, s, addr, end);
			return true;
		}
	}
	r = ksym_region_at(t, addr);
	if (r) { /* a module's memory, no symbol for it */
		loc->module = r->module;
		loc->offset = addr - r->start;
		loc->init = r->kind == KSYM_INIT;
		return true;
	}
	m = ksym_module_at(t, addr);
	if (m && !has_regions(t, m->name)) { /* a range, and nothing better known */
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
		n = snprintf(buf, len, "%s+0x%" PRIx64 "/0x%" PRIx64, loc->name, loc->offset,
			     loc->size);
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
	free(t->anchors);
	free(t->regions);
	memset(t, 0, sizeof(*t));
}

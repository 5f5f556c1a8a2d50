// SPDX-License-Identifier: GPL-2.0
/* Aggregation of /proc/vmallocinfo by caller and by module; see the header. */
#include "vmalloc_group.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/ksym.h"
#include "parse/kallsyms.h"
#include "parse/module_sections.h"
#include "parse/vmallocinfo.h"
#include "util/buf.h"
#include "util/num.h"

struct ctx {
	struct vmalloc_groups *g;
	/* The last line's caller: runs of one caller skip the hash lookup. */
	const char *last_caller, *last_module;
	size_t last_clen, last_mlen, last_slot;
	uint64_t page_size;
	const struct modules *loaded;
	const struct vmalloc_baseline *base;
	struct kerr *e;
	const char *src;
	/* Built at the first bare caller address: most samples have none. */
	struct ksym_table base_syms, loaded_syms;
	bool have_base_syms, have_loaded_syms, tried_syms;
};

static bool module_tainted(const struct modules *m, const char *name)
{
	const struct kmodule *k = m ? modules_find(m, name) : NULL;

	return k && (strchr(k->taints, 'O') || strchr(k->taints, 'E'));
}

/* A table of section regions only (no symbols): where modules loaded now had init code. */
static bool sections_table(struct ksym_table *t, const struct module_sections *s)
{
	struct kallsyms none = { 0 };
	struct kerr e;

	return s && !ksym_table_init(t, &none, &e) && !ksym_table_add_sections(t, s);
}

/* The baseline's module symbols, module list and sections as one table. */
static bool baseline_table(struct ksym_table *t, const struct vmalloc_baseline *b)
{
	struct kallsyms ks;
	struct kerr e;

	if (!b->kallsyms || !b->kallsyms_len ||
	    kallsyms_parse(b->kallsyms, b->kallsyms_len, "baseline", &ks, &e))
		return false;
	if (ksym_table_init(t, &ks, &e))
		return false;
	if ((b->modules && ksym_table_add_modules(t, b->modules)) ||
	    (b->sections && ksym_table_add_sections(t, b->sections))) {
		ksym_table_free(t);
		return false;
	}
	return true;
}

static void build_tables(struct ctx *c)
{
	c->tried_syms = true;
	if (!c->base)
		return;
	c->have_loaded_syms = sections_table(&c->loaded_syms, c->base->loaded_sections);
	if (!c->have_loaded_syms && c->base->loaded_sections)
		ksym_table_free(&c->loaded_syms);
	c->have_base_syms = baseline_table(&c->base_syms, c->base);
}

static void free_tables(struct ctx *c)
{
	if (c->have_loaded_syms)
		ksym_table_free(&c->loaded_syms);
	if (c->have_base_syms)
		ksym_table_free(&c->base_syms);
	c->have_loaded_syms = c->have_base_syms = c->tried_syms = false;
}

static void name_caller(struct vmalloc_caller *vc, const char *caller, const char *module)
{
	snprintf(vc->caller, sizeof(vc->caller), "%s", caller);
	snprintf(vc->module, sizeof(vc->module), "%s", module ? module : "");
}

/*
 * Places a bare caller address: the freed init code of a module loaded
 * now, else a module the baseline knew (its function when the symbols
 * say), else nothing known. Returns whether the code is unloaded.
 */
static bool attribute_unloaded(struct ctx *c, uint64_t addr, struct vmalloc_caller *vc)
{
	struct ksym_loc loc;

	memset(vc, 0, sizeof(*vc));
	name_caller(vc, VMALLOC_UNLOADED, NULL);
	if (!c->tried_syms)
		build_tables(c);
	/*
	 * A module the baseline knew, gone now, first: freed init code is
	 * reused by the modules loaded after it (6.1 placed kmem_test where
	 * virtio's init text had been), so the baseline's own code says more.
	 */
	if (c->have_base_syms && ksym_lookup(&c->base_syms, addr, &loc) && loc.module &&
	    !loc.init && c->loaded && !modules_find(c->loaded, loc.module)) {
		name_caller(vc, loc.name ? loc.name : VMALLOC_UNLOADED, loc.module);
		return true;
	}
	if (c->have_loaded_syms && ksym_lookup(&c->loaded_syms, addr, &loc) && loc.init &&
	    loc.module && (!c->loaded || modules_find(c->loaded, loc.module))) {
		name_caller(vc, VMALLOC_INIT, loc.module);
		return false;
	}
	if (!c->have_base_syms || !ksym_lookup(&c->base_syms, addr, &loc) || !loc.module)
		return true;
	name_caller(vc, loc.name ? loc.name : VMALLOC_UNLOADED, loc.module);
	if (loc.init && c->loaded && modules_find(c->loaded, loc.module)) {
		name_caller(vc, VMALLOC_INIT, loc.module);
		return false;
	}
	return true;
}

/*
 * The slot for (module, caller), found by a key built with memcpy: this
 * runs once per vmallocinfo line, so no snprintf and no struct clearing
 * unless the pair is new.
 */
static struct vmalloc_caller *slot(struct ctx *c, const char *mod, size_t mlen, const char *caller,
				   size_t clen)
{
	struct vmalloc_groups *g = c->g;
	struct vmalloc_caller *vc;
	char k[256];
	size_t i;

	if (mlen > 63)
		mlen = 63;
	if (clen > 127)
		clen = 127;
	memcpy(k, mod, mlen);
	k[mlen] = '\t';
	memcpy(k + mlen + 1, caller, clen);
	/*
	 * Past VMALLOC_MAX_CALLERS pairs (a real kernel has hundreds), new
	 * ones are counted in one VMALLOC_OTHER row: memory stays bounded
	 * whatever a file handed in holds, the totals stay whole.
	 */
	i = g->ncallers >= VMALLOC_MAX_CALLERS
		    ? strmap_get(&g->index, k, mlen + 1 + clen)
		    : strmap_intern(&g->index, k, mlen + 1 + clen, g->ncallers);
	if (i == STRMAP_NONE && g->ncallers >= VMALLOC_MAX_CALLERS) {
		mod = "";
		mlen = 0;
		caller = VMALLOC_OTHER;
		clen = strlen(VMALLOC_OTHER);
		i = strmap_intern(&g->index, "\t" VMALLOC_OTHER, clen + 1, g->ncallers);
	}
	if (i == STRMAP_NONE)
		return NULL;
	if (i < g->ncallers)
		return &g->callers[i];
	if (g->ncallers == g->cap) {
		size_t ncap = g->cap ? g->cap * 2 : 256;
		struct vmalloc_caller *p = realloc(g->callers, ncap * sizeof(*p));

		if (!p)
			return NULL;
		g->callers = p;
		g->cap = ncap;
	}
	vc = &g->callers[g->ncallers++];
	memset(vc, 0, sizeof(*vc));
	memcpy(vc->module, mod, mlen);
	memcpy(vc->caller, caller, clen);
	return vc;
}

/* Hostile input must not wrap a total into a small, plausible number. */
static inline void sat_add(uint64_t *sum, uint64_t v)
{
	if (!num_add_u64(*sum, v, sum))
		*sum = UINT64_MAX;
}

static int on_area(const struct vmalloc_area *a, void *arg)
{
	struct ctx *c = arg;
	struct vmalloc_caller *vc, unl;
	uint64_t bytes = vmalloc_area_bytes(a, c->page_size);

	if (a->types & VMA_UNPURGED) {
		sat_add(&c->g->unpurged_bytes, a->size);
		c->g->unpurged_areas++;
		return 0;
	}
	if (a->caller_is_addr) {
		bool gone = attribute_unloaded(c, a->caller_addr, &unl);

		vc = slot(c, unl.module, strlen(unl.module), unl.caller, strlen(unl.caller));
		if (vc) {
			vc->unloaded = gone;
			vc->addr = a->caller_addr;
		}
	} else if (a->caller) {
		const char *m = a->module ? a->module : "";
		size_t ml = a->module ? a->module_len : 0;

		if (c->last_caller && c->last_clen == a->caller_len && c->last_mlen == ml &&
		    !memcmp(c->last_caller, a->caller, a->caller_len) &&
		    !memcmp(c->last_module, m, ml)) {
			vc = &c->g->callers[c->last_slot];
		} else {
			vc = slot(c, m, ml, a->caller, a->caller_len);
			if (vc) {
				c->last_caller = a->caller;
				c->last_clen = a->caller_len;
				c->last_module = m;
				c->last_mlen = ml;
				c->last_slot = (size_t)(vc - c->g->callers);
			}
		}
	} else {
		vc = slot(c, "", 0, "(no caller)", 11);
	}
	if (!vc)
		return kerr_set(c->e, -ENOMEM, c->src, a->line, "out of memory");
	if (!vc->areas)
		vc->first_line = a->line;
	sat_add(&vc->bytes, bytes);
	sat_add(&vc->size_bytes, a->size);
	vc->areas++;
	sat_add(&c->g->total_bytes, bytes);
	c->g->areas++;
	if (!vc->module[0] && !vc->unloaded)
		sat_add(&c->g->builtin_bytes, bytes);
	return 0;
}

static int cmp_caller(const void *a, const void *b)
{
	const struct vmalloc_caller *x = a, *y = b;
	bool xm = x->module[0] || x->unloaded, ym = y->module[0] || y->unloaded;

	if (xm != ym)
		return xm ? -1 : 1; /* the lesson: suspect modules first */
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return strcmp(x->caller, y->caller);
}

static int cmp_module(const void *a, const void *b)
{
	const struct vmalloc_module *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return strcmp(x->module, y->module);
}

/* by_module: every module-attributed caller, and unloaded code apart. */
static int build_modules(struct ctx *c)
{
	struct vmalloc_groups *g = c->g;
	struct strmap idx = { 0 }; /* module name -> modules[] row */

	g->modules = calloc(g->ncallers ? g->ncallers : 1, sizeof(*g->modules));
	if (!g->modules)
		return -ENOMEM;
	for (size_t i = 0; i < g->ncallers; i++) {
		struct vmalloc_caller *vc = &g->callers[i];
		const char *name = vc->module[0] ? vc->module : VMALLOC_UNLOADED;
		size_t j;

		if (!vc->module[0] && !vc->unloaded)
			continue;
		vc->tainted = vc->module[0] && module_tainted(c->loaded, vc->module);
		j = strmap_intern(&idx, name, strlen(name), g->nmodules);
		if (j == STRMAP_NONE) {
			strmap_free(&idx);
			return -ENOMEM;
		}
		if (j == g->nmodules) {
			snprintf(g->modules[j].module, sizeof(g->modules[j].module), "%s", name);
			g->nmodules++;
		}
		sat_add(&g->modules[j].bytes, vc->bytes);
		g->modules[j].areas += vc->areas;
		g->modules[j].unloaded |= vc->unloaded;
		g->modules[j].tainted |= vc->tainted;
	}
	strmap_free(&idx);
	return 0;
}

/* Below this a second thread costs more than it saves. */
#define PARALLEL_MIN_BYTES (4u << 20)

struct part {
	struct ctx c;
	struct vmalloc_groups g;
	struct kerr e;
	const char *buf;
	size_t len;
	long nlines;
	int rc;
};

static void *run_part(void *arg)
{
	struct part *p = arg;

	p->c.g = &p->g;
	p->c.e = &p->e;
	p->rc = vmallocinfo_parse_part(p->buf, p->len, p->c.src, 0, &p->nlines, on_area, &p->c,
				       &p->e);
	return NULL;
}

/* Adds part b's callers and totals into a (a's context). */
static int merge(struct ctx *c, const struct vmalloc_groups *b, long line_base)
{
	for (size_t i = 0; i < b->ncallers; i++) {
		const struct vmalloc_caller *x = &b->callers[i];
		struct vmalloc_caller *y =
			slot(c, x->module, strlen(x->module), x->caller, strlen(x->caller));

		if (!y)
			return -ENOMEM;
		if (!y->areas) {
			y->first_line = x->first_line + line_base;
			y->unloaded = x->unloaded;
			y->addr = x->addr;
		}
		sat_add(&y->bytes, x->bytes);
		sat_add(&y->size_bytes, x->size_bytes);
		y->areas += x->areas;
	}
	sat_add(&c->g->total_bytes, b->total_bytes);
	sat_add(&c->g->builtin_bytes, b->builtin_bytes);
	sat_add(&c->g->unpurged_bytes, b->unpurged_bytes);
	c->g->unpurged_areas += b->unpurged_areas;
	c->g->areas += b->areas;
	return 0;
}

/*
 * Large inputs (a busy host's vmallocinfo, a recording replayed) are cut
 * at a newline and the halves parsed on two threads; the result is the
 * same as one pass, line numbers included.
 */
static int group_parallel(struct ctx *c, const char *buf, size_t len)
{
	const char *mid = memchr(buf + len / 2, '\n', len - len / 2);
	struct part p = { .c = *c, .rc = 0 };
	pthread_t t;
	long n1 = 0;
	int r;

	if (!mid)
		return vmallocinfo_parse(buf, len, c->src, on_area, c, c->e);
	p.buf = mid + 1;
	p.len = len - (size_t)(mid + 1 - buf);
	if (pthread_create(&t, NULL, run_part, &p))
		return vmallocinfo_parse(buf, len, c->src, on_area, c, c->e);
	r = vmallocinfo_parse_part(buf, (size_t)(mid + 1 - buf), c->src, 0, &n1, on_area, c, c->e);
	pthread_join(t, NULL);
	free_tables(&p.c);
	if (!r && p.rc) {
		*c->e = p.e;
		c->e->line += n1;
		r = p.rc;
	}
	if (!r && merge(c, &p.g, n1))
		r = kerr_set(c->e, -ENOMEM, c->src, 0, "out of memory");
	vmalloc_groups_free(&p.g);
	return r;
}

int vmalloc_group(const char *buf, size_t len, const char *src, uint64_t page_size,
		  const struct modules *loaded, const struct vmalloc_baseline *baseline,
		  struct vmalloc_groups *out, struct kerr *e)
{
	struct ctx c = { .g = out,
			 .page_size = page_size,
			 .loaded = loaded,
			 .base = baseline,
			 .e = e,
			 .src = src };
	int r;

	memset(out, 0, sizeof(*out));
	if (len >= PARALLEL_MIN_BYTES)
		r = group_parallel(&c, buf, len);
	else
		r = vmallocinfo_parse(buf, len, src, on_area, &c, e);
	free_tables(&c);
	if (!r && build_modules(&c))
		r = kerr_set(e, -ENOMEM, src, 0, "out of memory");
	if (r) {
		vmalloc_groups_free(out);
		return r;
	}
	if (out->ncallers)
		qsort(out->callers, out->ncallers, sizeof(*out->callers), cmp_caller);
	if (out->nmodules)
		qsort(out->modules, out->nmodules, sizeof(*out->modules), cmp_module);
	strmap_free(&out->index); /* slots moved by the sort */
	return 0;
}

void vmalloc_groups_free(struct vmalloc_groups *g)
{
	if (!g)
		return;
	free(g->callers);
	free(g->modules);
	strmap_free(&g->index);
	memset(g, 0, sizeof(*g));
}

bool vmalloc_groups_vmap_stacks(const struct vmalloc_groups *g)
{
	static const char *const stack_callers[] = {
		"kernel_clone",
		"alloc_thread_stack_node",
		"copy_process",
		"dup_task_struct",
	};

	for (size_t i = 0; i < g->ncallers; i++)
		for (size_t k = 0; k < sizeof(stack_callers) / sizeof(stack_callers[0]); k++)
			if (!strcmp(g->callers[i].caller, stack_callers[k]))
				return true;
	return false;
}

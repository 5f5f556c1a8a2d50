// SPDX-License-Identifier: GPL-2.0
/*
 * From raw per-call-site sums to the rows the user reads. Outstanding is
 * objects tracked - frees - repaired: it goes down only for frees kleak saw
 * or for entries repaired when their address was handed out again, never
 * for missed events (those stay in their own counters); a call site where
 * frees were seen to be missed has its outstanding objects marked
 * unconfirmed.
 *
 * --sample N: a live object is tracked when its address is drawn (1 in N,
 * independently, by the run's seeded hash), so k tracked objects of a
 * population of n are binomial(n, 1/N): outstanding counts carry exact
 * binomial bounds (analyze/binom.h). Allocation events are drawn 1 in N
 * on their own, so allocs are binomial too. Frees come from the identity
 * allocs = frees + repaired + outstanding, each part at a third of the
 * error. Bytes scale the count bounds by the call site's object size.
 * Pure: every kernel fact (stacks, cache names, comms) comes in the
 * trace_read.
 */
#include "trace/trace_report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "trace/target.h"
#include "util/compiler.h"

const char *trace_kind_name(uint32_t kind)
{
	static const char *const names[] = { "kmalloc", "kmem_cache", "page", "percpu", "vmalloc" };

	return kind < TRACE_KIND_NR ? names[kind] : "unknown";
}

const char *trace_ctx_comm(uint32_t ctx)
{
	return ctx == KLEAK_CTX_TASK ? NULL : "[irq]";
}

const char *trace_sym_format(const struct trace_ksyms *ks, uint64_t addr, char *buf, size_t len,
			     const char **module)
{
	const char *name;
	uint64_t off;

	if (!trace_ksyms_lookup(ks, addr, &name, &off, module)) {
		snprintf(buf, len, "(unknown)");
		return buf;
	}
	snprintf(buf, len, "%s+0x%llx", name, (unsigned long long)off);
	return buf;
}

/* Frames that belong to the allocator or to tracing, skipped when a call
 * site is derived from a stack. */
static bool allocator_frame(const char *fn)
{
	static const char *const pfx[] = {
		"__alloc_pages",
		"alloc_pages",
		"__get_free_pages",
		"get_zeroed_page",
		"__folio_alloc",
		"folio_alloc",
		"alloc_frozen_pages",
		"__alloc_frozen_pages",
		"post_alloc_hook",
		"prep_new_page",
		"get_page_from_freelist",
		"rmqueue",
		"__rmqueue",
		"alloc_slab_page",
		"allocate_slab",
		"new_slab",
		"___slab_alloc",
		"__slab_alloc",
		"kmalloc_large",
		"__kmalloc",
		"___kmalloc",
		"kmalloc",
		"kmem_cache_alloc",
		"slab_alloc",
		"__vmalloc",
		"vmalloc",
		"vzalloc",
		"__get_vm_area",
		"get_vm_area",
		"alloc_vmap_area",
		"__vmap",
		"vmap",
		"kvmalloc",
		"__kvmalloc",
		"vm_area_alloc_pages",
		"pcpu_",
		"__alloc_percpu",
		"alloc_percpu",
		"bpf_",
		"__bpf_",
		"trace_",
		"__traceiter_",
		"perf_",
		"__trace_",
		"kasan_",
		"alloc_pages_bulk",
		"__alloc_pages_bulk",
		"vm_map_ram",
		"__vmalloc_node",
		"kvzalloc",
		"kvcalloc",
	};

	for (size_t i = 0; i < ARRAY_SIZE(pfx); i++)
		if (!strncmp(fn, pfx[i], strlen(pfx[i])))
			return true;
	return false;
}

static uint64_t derive_site(const struct trace_read *r, const struct trace_ksyms *ks,
			    int32_t stack_id)
{
	const uint64_t *frames;
	size_t n = trace_read_stack(r, stack_id, &frames);

	for (size_t i = 0; i < n; i++) {
		const char *name, *mod;
		uint64_t off;

		/* unknown frames at the top: the BPF program itself */
		if (trace_ksyms_lookup(ks, frames[i], &name, &off, &mod) && !allocator_frame(name))
			return frames[i];
	}
	return 0;
}

static int cs_id_cmp(const void *a, const void *b)
{
	const struct trace_callsite *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (x->cache > y->cache) - (x->cache < y->cache);
}

static void name_cache(const struct trace_read *r, struct trace_callsite *c)
{
	const char *name;

	c->cache_name[0] = 0;
	if (c->kind == TRACE_CACHE && c->cache) {
		name = trace_read_cache_name(r, c->cache);
		if (name)
			snprintf(c->cache_name, sizeof(c->cache_name), "%s", name);
	} else if (c->kind == TRACE_PAGE)
		snprintf(c->cache_name, sizeof(c->cache_name), "order-%llu",
			 (unsigned long long)c->cache);
	else if (c->kind == TRACE_KMALLOC && (c->cache & 0xffffff)) {
		/* the cache slabinfo lists: flavour from the gfp flags, size class */
		struct target_kmalloc k = {
			.size = target_kmalloc_class(c->cache & 0xffffff),
			.type = (enum kleak_kmalloc_type)(c->cache >> 24),
			.rnd = -1,
		};

		if (k.size && k.type < KLEAK_KMALLOC_TYPES)
			target_kmalloc_name(&k, true, c->cache_name, sizeof(c->cache_name));
	}
}

/*
 * The function as its source names it: GCC's clones (getname_flags.part.0,
 * .isra.0, .constprop.0, .cold) are named after the function they were cut
 * from, their suffix kept in clone; callsite keeps the symbol as kallsyms
 * has it, which its offset is relative to.
 */
static void symbolize(struct trace_callsite *c, const struct trace_ksyms *ks)
{
	const char *mod;
	char *cut;

	trace_sym_format(ks, c->addr, c->callsite, sizeof(c->callsite), &mod);
	snprintf(c->function, sizeof(c->function), "%.127s", c->callsite);
	cut = strchr(c->function, '+');
	if (cut)
		*cut = 0;
	c->clone[0] = 0;
	cut = c->function[0] != '(' ? strchr(c->function, '.') : NULL;
	if (cut && cut != c->function) {
		snprintf(c->clone, sizeof(c->clone), "%s", cut);
		*cut = 0;
	}
	snprintf(c->module, sizeof(c->module), "%s", mod ? mod : "");
}

/* (callsite index, stack id) pairs, counted, top few kept per call site. */
struct cs_stack {
	size_t cs;
	int32_t id;
};

static int cs_stack_cmp(const void *a, const void *b)
{
	const struct cs_stack *x = a, *y = b;

	if (x->cs != y->cs)
		return x->cs < y->cs ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* The frames of a stack from the caller of the allocator on: the BPF
 * trampoline and allocator frames at its top say nothing. */
static size_t stack_frames(const struct trace_read *r, const struct trace_ksyms *ks, int32_t id,
			   uint64_t *out, size_t max)
{
	const uint64_t *frames;
	size_t n = trace_read_stack(r, id, &frames), i = 0, k = 0;
	const char *name, *mod;
	uint64_t off;

	while (i < n &&
	       (!trace_ksyms_lookup(ks, frames[i], &name, &off, &mod) || allocator_frame(name)))
		i++;
	if (i == n) /* nothing but allocator frames: keep them all */
		i = 0;
	for (; i < n && k < max; i++)
		out[k++] = frames[i];
	return k;
}

static void add_stack(const struct trace_read *r, const struct trace_ksyms *ks,
		      struct trace_callsite *c, int32_t id, uint64_t count)
{
	struct trace_stack_summary *t;
	size_t i = c->nstacks;

	if (i == TRACE_REPORT_STACKS) {
		/* replace the smallest if this one is larger */
		size_t min = 0;

		for (size_t j = 1; j < i; j++)
			if (c->stacks[j].count < c->stacks[min].count)
				min = j;
		if (c->stacks[min].count >= count)
			return;
		i = min;
	} else {
		c->nstacks++;
	}
	t = &c->stacks[i];
	t->count = count;
	t->nframes = stack_frames(r, ks, id, t->frames, TRACE_STACK_FRAMES);
}

static int stack_count_cmp(const void *a, const void *b)
{
	const struct trace_stack_summary *x = a, *y = b;

	return (x->count < y->count) - (x->count > y->count);
}

static int group_stacks(const struct trace_ksyms *ks, const struct trace_read *r,
			const size_t *row_cs, struct trace_report *rep)
{
	struct cs_stack *v;
	size_t i, j;

	if (!r->nstack_refs)
		return 0;
	v = malloc(r->nstack_refs * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < r->nstack_refs; i++) {
		v[i].cs = row_cs[r->stack_refs[i].row];
		v[i].id = r->stack_refs[i].val;
	}
	qsort(v, r->nstack_refs, sizeof(*v), cs_stack_cmp);
	for (i = 0; i < r->nstack_refs; i = j) {
		for (j = i; j < r->nstack_refs && !cs_stack_cmp(&v[i], &v[j]); j++)
			;
		add_stack(r, ks, &rep->cs[v[i].cs], v[i].id, j - i);
	}
	free(v);
	for (i = 0; i < rep->ncs; i++)
		qsort(rep->cs[i].stacks, rep->cs[i].nstacks, sizeof(rep->cs[i].stacks[0]),
		      stack_count_cmp);
	return 0;
}

/* The memo of bounds at alpha / div (div 1, 2, 3, 6), allocated on first use. */
static struct binom_memo *memo_of(struct trace_report_state *st, int div)
{
	int i = div == 1 ? 0 : div == 2 ? 1 : div == 3 ? 2 : 3;

	if (!st->memo[i])
		st->memo[i] = calloc(1, sizeof(*st->memo[i]));
	return st->memo[i]; /* NULL (no memo) is fine */
}

/* n * k and the bounds of the population k was drawn 1 in n from, at alpha / div. */
static struct trace_est est_count(struct trace_report_state *st, uint32_t n, int div, uint64_t k)
{
	struct trace_est e = { .v = k * n, .lo = k * n, .hi = k * n };

	if (n > 1)
		binom_pop_bounds(k, 1.0 / n, TRACE_ALPHA / div, memo_of(st, div), &e.lo, &e.hi);
	return e;
}

/* Bytes v, with the count's bounds at size bytes an object. */
static struct trace_est est_bytes(const struct trace_est *count, uint64_t v, uint64_t size)
{
	struct trace_est e = { .v = v, .lo = count->lo * size, .hi = count->hi * size };

	if (e.lo > v)
		e.lo = v;
	if (e.hi < v)
		e.hi = v;
	if (count->lo == count->hi && count->lo == count->v) /* exact */
		e.lo = e.hi = v;
	return e;
}

static int pid_count_cmp(const void *a, const void *b)
{
	const struct trace_pid_summary *x = a, *y = b;

	return (x->count.v < y->count.v) - (x->count.v > y->count.v);
}

/* Names and scales a call site's processes (interrupt context: pid 0). */
static void pids_finish(const struct trace_read *r, struct trace_report_state *st, uint32_t n,
			struct trace_callsite *c)
{
	for (size_t j = 0; j < c->npids; j++) {
		struct trace_pid_summary *p = &c->pids[j];
		int32_t who = (int32_t)p->pid;
		const char *comm = who < 0 ? trace_ctx_comm((uint32_t)-who)
					   : trace_read_comm(r, (uint32_t)who);

		p->pid = who < 0 ? 0 : (uint32_t)who;
		snprintf(p->comm, sizeof(p->comm), "%s", comm ? comm : "");
		p->count = est_count(st, n, 1, p->count.v);
	}
	qsort(c->pids, c->npids, sizeof(c->pids[0]), pid_count_cmp);
}

/* The processes that allocated the most outstanding objects per call site. */
static int group_pids(const struct trace_read *r, const size_t *row_cs,
		      struct trace_report_state *st, struct trace_report *rep)
{
	struct cs_stack *v;
	size_t i, j;

	if (!r->npid_refs)
		return 0;
	v = malloc(r->npid_refs * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < r->npid_refs; i++) {
		v[i].cs = row_cs[r->pid_refs[i].row];
		v[i].id = r->pid_refs[i].val;
	}
	qsort(v, r->npid_refs, sizeof(*v), cs_stack_cmp);
	for (i = 0; i < r->npid_refs; i = j) {
		struct trace_callsite *c = &rep->cs[v[i].cs];
		size_t k = c->npids;

		for (j = i; j < r->npid_refs && !cs_stack_cmp(&v[i], &v[j]); j++)
			;
		if (k == TRACE_REPORT_PIDS) {
			size_t min = 0;

			for (size_t m = 1; m < k; m++)
				if (c->pids[m].count.v < c->pids[min].count.v)
					min = m;
			if (c->pids[min].count.v >= j - i)
				continue;
			k = min;
		} else {
			c->npids++;
		}
		/* raw for now: the who value, the sampled count */
		c->pids[k].pid = (uint32_t)v[i].id;
		c->pids[k].count.v = j - i;
	}
	free(v);
	for (i = 0; i < rep->ncs; i++)
		pids_finish(r, st, rep->sample, &rep->cs[i]);
	return 0;
}

static void sampled_add(struct trace_sampled *d, const struct trace_sampled *s)
{
	d->objs += s->objs;
	d->obj_bytes += s->obj_bytes;
	d->frees += s->frees;
	d->free_bytes += s->free_bytes;
	d->repaired += s->repaired;
	d->repaired_bytes += s->repaired_bytes;
	d->missed_deletes += s->missed_deletes;
	d->allocs += s->allocs;
	d->alloc_bytes += s->alloc_bytes;
	d->live += s->live;
	d->live_bytes += s->live_bytes;
	d->aged += s->aged;
	d->aged_bytes += s->aged_bytes;
}

static void merge(struct trace_callsite *dst, const struct trace_callsite *src)
{
	sampled_add(&dst->s, &src->s);
	if (src->oldest_age_ns > dst->oldest_age_ns)
		dst->oldest_age_ns = src->oldest_age_ns;
}

static void row_to_cs(const struct trace_ksyms *ks, const struct trace_read *r,
		      const struct trace_site_row *row, struct trace_callsite *c)
{
	const struct trace_site_val *v = &row->sum;
	struct trace_sampled *s = &c->s;

	memset(c, 0, sizeof(*c));
	c->kind = trace_tag_kind(row->key.tag);
	c->cache = c->kind == TRACE_CACHE ? trace_tag_cache(row->key.tag)
					  : trace_tag_extra(row->key.tag);
	c->addr = row->key.call_site;
	if (!c->addr && trace_tag_stack(row->key.tag) >= 0)
		c->addr = derive_site(r, ks, trace_tag_stack(row->key.tag));
	s->objs = v->objs;
	s->obj_bytes = v->obj_bytes;
	s->frees = v->frees;
	s->free_bytes = v->free_bytes;
	s->repaired = v->repaired;
	s->repaired_bytes = v->repaired_bytes;
	s->missed_deletes = v->missed_deletes;
	s->allocs = v->allocs;
	s->alloc_bytes = v->alloc_bytes;
	/* never negative: a sum can only lag behind under races */
	if (v->objs > v->frees + v->repaired)
		s->live = v->objs - v->frees - v->repaired;
	if (v->obj_bytes > v->free_bytes + v->repaired_bytes)
		s->live_bytes = v->obj_bytes - v->free_bytes - v->repaired_bytes;
	s->aged = row->aged_count;
	s->aged_bytes = row->aged_bytes;
	if (row->oldest_ts_ns && row->oldest_ts_ns < r->now_ns)
		c->oldest_age_ns = r->now_ns - row->oldest_ts_ns;
}

/* The call site's object size: of what is live, else of what it allocated. */
static uint64_t cs_size(const struct trace_sampled *s)
{
	if (s->live)
		return s->live_bytes / s->live;
	if (s->objs)
		return s->obj_bytes / s->objs;
	return s->allocs ? s->alloc_bytes / s->allocs : 0;
}

/*
 * Frees under --sample, from allocs = frees + repaired + outstanding (all
 * ages): the three estimates at alpha/(3 div) each, so that the bounds of
 * the difference hold at alpha/div.
 */
static void est_frees(struct trace_report_state *st, uint32_t n, int div,
		      const struct trace_sampled *s, uint64_t *v, uint64_t *lo, uint64_t *hi)
{
	struct trace_est a = est_count(st, n, 3 * div, s->allocs);
	struct trace_est rp = est_count(st, n, 3 * div, s->repaired);
	struct trace_est o = est_count(st, n, 3 * div, s->live);
	int64_t pv = (int64_t)a.v - (int64_t)rp.v - (int64_t)o.v;
	int64_t pl = (int64_t)a.lo - (int64_t)rp.hi - (int64_t)o.hi;
	int64_t ph = (int64_t)a.hi - (int64_t)rp.lo - (int64_t)o.lo;

	*v = pv > 0 ? (uint64_t)pv : 0;
	*lo = pl > 0 ? (uint64_t)pl : 0;
	*hi = ph > 0 ? (uint64_t)ph : 0;
	if (*lo > *v)
		*lo = *v;
	if (*hi < *v)
		*hi = *v;
}

/* Every figure of a call site from what was tracked (and drawn). */
static void estimate(struct trace_report_state *st, uint32_t n, bool aged, struct trace_callsite *c)
{
	const struct trace_sampled *s = &c->s;
	uint64_t shown = aged ? s->aged : s->live, shown_b = aged ? s->aged_bytes : s->live_bytes;

	c->size = cs_size(s);
	c->outstanding_count = est_count(st, n, 1, shown);
	c->outstanding_bytes = est_bytes(&c->outstanding_count, shown_b * n, c->size);
	c->repaired = est_count(st, n, 1, s->repaired);
	if (n <= 1) { /* exact: every tracked allocation is the count */
		c->allocs = est_count(st, 1, 1, s->objs);
		c->alloc_bytes = est_bytes(&c->allocs, s->obj_bytes, c->size);
		c->frees = est_count(st, 1, 1, s->frees);
		c->free_bytes = est_bytes(&c->frees, s->free_bytes, c->size);
		c->frees_lo2 = c->frees_hi2 = c->frees.v;
	} else {
		c->allocs = est_count(st, n, 1, s->allocs);
		c->alloc_bytes = est_bytes(&c->allocs, s->alloc_bytes * n, c->size);
		est_frees(st, n, 1, s, &c->frees.v, &c->frees.lo, &c->frees.hi);
		c->free_bytes = (struct trace_est){ c->frees.v * c->size, c->frees.lo * c->size,
						    c->frees.hi * c->size };
		est_frees(st, n, 2, s, &c->frees.v, &c->frees_lo2, &c->frees_hi2);
	}
	if (s->repaired || s->missed_deletes) {
		c->unconfirmed_count = c->outstanding_count;
		c->unconfirmed_bytes = c->outstanding_bytes;
	}
}

static struct trace_rate rate_of(uint64_t v, uint64_t lo, uint64_t hi, double secs)
{
	struct trace_rate r = { v / secs, lo / secs, hi / secs };

	return r;
}

static void rates(struct trace_report *rep, struct trace_report_state *st, uint64_t now)
{
	double secs = now > st->prev_ns ? (now - st->prev_ns) / 1e9 : 0;
	uint32_t n = rep->sample;

	for (size_t i = 0; i < rep->ncs && secs > 0; i++) {
		struct trace_callsite *c = &rep->cs[i];
		const struct trace_callsite *p =
			st->nprev ? bsearch(c, st->prev, st->nprev, sizeof(*c), cs_id_cmp) : NULL;
		uint64_t a0 = p ? (n > 1 ? p->s.allocs : p->s.objs) : 0;
		uint64_t a1 = n > 1 ? c->s.allocs : c->s.objs;
		uint64_t fv0 = p ? p->frees.v : 0, fl0 = p ? p->frees_lo2 : 0;
		uint64_t fh0 = p ? p->frees_hi2 : 0;
		struct trace_est da = est_count(st, n, 1, a1 > a0 ? a1 - a0 : 0);

		c->alloc_rate = rate_of(da.v, da.lo, da.hi, secs);
		/* frees: the change between two bounded totals, each at alpha/2 */
		c->free_rate = rate_of(c->frees.v > fv0 ? c->frees.v - fv0 : 0,
				       c->frees_lo2 > fh0 ? c->frees_lo2 - fh0 : 0,
				       c->frees_hi2 > fl0 ? c->frees_hi2 - fl0 : 0, secs);
		if (c->free_rate.lo > c->free_rate.v)
			c->free_rate.lo = c->free_rate.v;
		if (c->free_rate.hi < c->free_rate.v)
			c->free_rate.hi = c->free_rate.v;
	}
}

static int save_state(struct trace_report *rep, struct trace_report_state *st, uint64_t now)
{
	struct trace_callsite *copy = NULL;

	if (rep->ncs) {
		copy = malloc(rep->ncs * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, rep->cs, rep->ncs * sizeof(*copy));
	}
	free(st->prev);
	st->prev = copy;
	st->nprev = rep->ncs;
	st->prev_ns = now;
	return 0;
}

/* What the report copies from the read as it is. */
static void report_head(const struct trace_read *r, const struct trace_ksyms *ks,
			struct trace_report_state *st, struct trace_report *rep)
{
	const struct trace_info *in = r->info;

	memset(rep, 0, sizeof(*rep));
	rep->info = in;
	rep->ksyms = ks;
	rep->min_age_ns = st->min_age_ns;
	rep->sample = in->sample > 1 ? in->sample : 1;
	rep->elapsed_ns = r->now_ns > in->start_ns ? r->now_ns - in->start_ns : 0;
	if (!st->prev_ns)
		st->prev_ns = in->start_ns; /* the first interval starts at attach */
	rep->interval_ns = r->now_ns > st->prev_ns ? r->now_ns - st->prev_ns : 0;
	memcpy(rep->counters, r->counters, sizeof(rep->counters));
	rep->recursion_misses = r->recursion_misses;
	memcpy(rep->progs, r->progs, sizeof(rep->progs));
	rep->nprogs = r->nprogs;
	rep->objects = r->objects;
}

/* A new call site: its names. */
static void cs_name(const struct trace_read *r, const struct trace_ksyms *ks,
		    const struct trace_report_state *st, struct trace_callsite *c)
{
	name_cache(r, c);
	if (st->aliases && c->kind == TRACE_CACHE && c->cache_name[0])
		c->naliases = slab_aliases_of(st->aliases, c->cache_name, c->aliases,
					      ARRAY_SIZE(c->aliases));
	if (c->naliases > ARRAY_SIZE(c->aliases))
		c->naliases = ARRAY_SIZE(c->aliases);
	symbolize(c, ks);
}

/*
 * One call site per (kind, call site, cache): rows whose sites derive from
 * stacks meet here. row_cs[i] is the call site of row i.
 */
static int group_rows(const struct trace_read *r, const struct trace_ksyms *ks,
		      const struct trace_report_state *st, size_t *row_cs, struct trace_report *rep)
{
	struct trace_callsite *all = calloc(r->nrows ? r->nrows : 1, sizeof(*all));
	size_t n = 0;

	rep->cs = calloc(r->nrows ? r->nrows : 1, sizeof(*rep->cs));
	if (!all || !rep->cs) {
		free(all);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->nrows; i++) {
		row_to_cs(ks, r, &r->rows[i], &all[i]);
		all[i].src_row = i;
	}
	qsort(all, r->nrows, sizeof(*all), cs_id_cmp);
	for (size_t i = 0; i < r->nrows; i++) {
		if (n && !cs_id_cmp(&rep->cs[n - 1], &all[i])) {
			merge(&rep->cs[n - 1], &all[i]);
		} else {
			rep->cs[n] = all[i];
			cs_name(r, ks, st, &rep->cs[n]);
			n++;
		}
		row_cs[all[i].src_row] = n - 1;
	}
	rep->ncs = n;
	free(all);
	return 0;
}

/* A total of a few call sites' sampled counts and bytes, with its bounds. */
static void est_total(struct trace_report_state *st, uint32_t n, uint64_t k, uint64_t bytes,
		      uint64_t max_size, struct trace_est *count, struct trace_est *b)
{
	*count = est_count(st, n, 1, k);
	*b = est_bytes(count, bytes * n, k ? bytes / k : max_size);
}

/* Estimates every call site (--min-age: the aged objects), sums the totals. */
static void estimate_all(struct trace_report *rep, struct trace_report_state *st)
{
	uint64_t k = 0, b = 0, uk = 0, ub = 0, max_size = 0;
	bool aged = rep->min_age_ns > 0;

	for (size_t i = 0; i < rep->ncs; i++) {
		struct trace_callsite *c = &rep->cs[i];
		uint64_t ck = aged ? c->s.aged : c->s.live;
		uint64_t cb = aged ? c->s.aged_bytes : c->s.live_bytes;

		estimate(st, rep->sample, aged, c);
		k += ck;
		b += cb;
		if (c->unconfirmed_count.v) {
			uk += ck;
			ub += cb;
		}
		if (c->size > max_size)
			max_size = c->size;
	}
	est_total(st, rep->sample, k, b, max_size, &rep->outstanding_count,
		  &rep->outstanding_bytes);
	est_total(st, rep->sample, uk, ub, max_size, &rep->unconfirmed_count,
		  &rep->unconfirmed_bytes);
}

static int cs_bytes_cmp(const void *a, const void *b)
{
	const struct trace_callsite *x = a, *y = b;

	if (x->outstanding_bytes.v != y->outstanding_bytes.v)
		return x->outstanding_bytes.v > y->outstanding_bytes.v ? -1 : 1;
	if (x->outstanding_count.v != y->outstanding_count.v)
		return x->outstanding_count.v > y->outstanding_count.v ? -1 : 1;
	return cs_id_cmp(a, b);
}

/* --min-age: confirmed old objects lead; unconfirmed ones come after. */
static int cs_confirmed_cmp(const void *a, const void *b)
{
	const struct trace_callsite *x = a, *y = b;
	uint64_t cx = x->outstanding_bytes.v - x->unconfirmed_bytes.v;
	uint64_t cy = y->outstanding_bytes.v - y->unconfirmed_bytes.v;

	if (cx != cy)
		return cx > cy ? -1 : 1;
	return cs_bytes_cmp(a, b);
}

int trace_report_build(const struct trace_read *r, const struct trace_ksyms *ks,
		       struct trace_report_state *st, struct trace_report *rep)
{
	size_t *row_cs;
	int ret = -ENOMEM;

	report_head(r, ks, st, rep);
	row_cs = calloc(r->nrows ? r->nrows : 1, sizeof(*row_cs));
	if (!row_cs)
		goto out;
	ret = group_rows(r, ks, st, row_cs, rep);
	if (!ret)
		ret = group_stacks(ks, r, row_cs, rep);
	if (!ret)
		ret = group_pids(r, row_cs, st, rep);
	if (ret)
		goto out;
	estimate_all(rep, st);
	rates(rep, st, r->now_ns); /* rep->cs still in identity order */
	ret = save_state(rep, st, r->now_ns);
	if (!ret)
		qsort(rep->cs, rep->ncs, sizeof(*rep->cs),
		      rep->min_age_ns ? cs_confirmed_cmp : cs_bytes_cmp);
out:
	free(row_cs);
	if (ret)
		trace_report_free(rep);
	return ret;
}

void trace_report_free(struct trace_report *rep)
{
	if (!rep)
		return;
	free(rep->cs);
	memset(rep, 0, sizeof(*rep));
}

void trace_report_state_free(struct trace_report_state *st)
{
	if (!st)
		return;
	free(st->prev);
	for (size_t i = 0; i < ARRAY_SIZE(st->memo); i++)
		free(st->memo[i]);
	memset(st, 0, sizeof(*st));
}

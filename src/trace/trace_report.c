// SPDX-License-Identifier: GPL-2.0
/*
 * From raw per-call-site sums to the rows the user reads. Outstanding is
 * allocs - frees - repaired: it goes down only for frees kleak saw or for
 * entries repaired when their address was handed out again, never for
 * missed events (those stay in their own counters). With --sample N the
 * counts are scaled by N and carry a 95% error from the binomial variance
 * of the objects actually tracked (N * 1.96 * sqrt(k)). Pure: every kernel
 * fact (stacks, cache names, comms) comes in the trace_read.
 */
#include "trace/trace_report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util/compiler.h"

const char *trace_kind_name(uint32_t kind)
{
	static const char *const names[] = { "kmalloc", "kmem_cache", "page", "percpu",
					     "vmalloc" };

	return kind < TRACE_KIND_NR ? names[kind] : "unknown";
}

const char *trace_sym_format(const struct trace_ksyms *ks, uint64_t addr, char *buf,
			     size_t len, const char **module)
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
		"__alloc_pages", "alloc_pages", "__get_free_pages", "get_zeroed_page",
		"__folio_alloc", "folio_alloc", "alloc_frozen_pages", "__alloc_frozen_pages",
		"post_alloc_hook", "prep_new_page", "get_page_from_freelist", "rmqueue",
		"__rmqueue", "alloc_slab_page", "allocate_slab", "new_slab", "___slab_alloc",
		"__slab_alloc", "kmalloc_large", "__kmalloc", "___kmalloc", "kmalloc",
		"kmem_cache_alloc", "slab_alloc", "__vmalloc", "vmalloc", "vzalloc",
		"__get_vm_area", "get_vm_area", "alloc_vmap_area", "__vmap", "vmap",
		"kvmalloc", "__kvmalloc", "vm_area_alloc_pages", "pcpu_", "__alloc_percpu",
		"alloc_percpu", "bpf_", "__bpf_", "trace_", "__traceiter_", "perf_",
		"__trace_", "kasan_", "alloc_pages_bulk", "__alloc_pages_bulk", "vm_map_ram",
		"__vmalloc_node", "kvzalloc", "kvcalloc",
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
		if (trace_ksyms_lookup(ks, frames[i], &name, &off, &mod) &&
		    !allocator_frame(name))
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

static int cs_bytes_cmp(const void *a, const void *b)
{
	const struct trace_callsite *x = a, *y = b;

	if (x->outstanding_bytes != y->outstanding_bytes)
		return x->outstanding_bytes > y->outstanding_bytes ? -1 : 1;
	if (x->outstanding_count != y->outstanding_count)
		return x->outstanding_count > y->outstanding_count ? -1 : 1;
	return cs_id_cmp(a, b);
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
	else if (c->kind == TRACE_KMALLOC && c->cache)
		snprintf(c->cache_name, sizeof(c->cache_name), "kmalloc-%llu",
			 (unsigned long long)c->cache);
}

static void symbolize(struct trace_callsite *c, const struct trace_ksyms *ks)
{
	const char *mod;
	char *plus;

	trace_sym_format(ks, c->addr, c->callsite, sizeof(c->callsite), &mod);
	snprintf(c->function, sizeof(c->function), "%.127s", c->callsite);
	plus = strchr(c->function, '+');
	if (plus)
		*plus = 0;
	snprintf(c->module, sizeof(c->module), "%s", mod ? mod : "");
}

/* (callsite index, stack id) pairs, counted, top few kept per call site. */
struct cs_stack { size_t cs; int32_t id; };

static int cs_stack_cmp(const void *a, const void *b)
{
	const struct cs_stack *x = a, *y = b;

	if (x->cs != y->cs)
		return x->cs < y->cs ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* The frames of a stack from the caller of the allocator on: the BPF
 * trampoline and allocator frames at its top say nothing. */
static size_t stack_frames(const struct trace_read *r, const struct trace_ksyms *ks,
			   int32_t id, uint64_t *out, size_t max)
{
	const uint64_t *frames;
	size_t n = trace_read_stack(r, id, &frames), i = 0, k = 0;
	const char *name, *mod;
	uint64_t off;

	while (i < n && (!trace_ksyms_lookup(ks, frames[i], &name, &off, &mod) ||
			 allocator_frame(name)))
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

static int pid_count_cmp(const void *a, const void *b)
{
	const struct trace_pid_summary *x = a, *y = b;

	return (x->count < y->count) - (x->count > y->count);
}

/* The processes that allocated the most outstanding objects per call site. */
static int group_pids(const struct trace_read *r, const size_t *row_cs,
		      struct trace_report *rep)
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
				if (c->pids[m].count < c->pids[min].count)
					min = m;
			if (c->pids[min].count >= j - i)
				continue;
			k = min;
		} else {
			c->npids++;
		}
		c->pids[k].pid = (uint32_t)v[i].id;
		c->pids[k].count = j - i;
	}
	free(v);
	for (i = 0; i < rep->ncs; i++) {
		struct trace_callsite *c = &rep->cs[i];

		qsort(c->pids, c->npids, sizeof(c->pids[0]), pid_count_cmp);
		for (j = 0; j < c->npids; j++) {
			const char *comm = trace_read_comm(r, c->pids[j].pid);

			c->pids[j].count *= rep->sample;
			snprintf(c->pids[j].comm, sizeof(c->pids[j].comm), "%s", comm ? comm : "");
		}
	}
	return 0;
}

static void merge(struct trace_callsite *dst, const struct trace_callsite *src)
{
	dst->allocs += src->allocs;
	dst->frees += src->frees;
	dst->repaired += src->repaired;
	dst->alloc_bytes += src->alloc_bytes;
	dst->free_bytes += src->free_bytes;
	dst->outstanding_count += src->outstanding_count;
	dst->outstanding_bytes += src->outstanding_bytes;
	dst->aged_count += src->aged_count;
	dst->aged_bytes += src->aged_bytes;
	dst->sampled_objects += src->sampled_objects;
	if (src->oldest_age_ns > dst->oldest_age_ns)
		dst->oldest_age_ns = src->oldest_age_ns;
}

static void row_to_cs(const struct trace_ksyms *ks, const struct trace_read *r,
		      const struct trace_site_row *row, struct trace_callsite *c)
{
	const struct trace_site_val *v = &row->sum;
	uint64_t out_n = 0, out_b = 0;

	memset(c, 0, sizeof(*c));
	c->kind = trace_tag_kind(row->key.tag);
	c->cache = c->kind == TRACE_CACHE ? trace_tag_cache(row->key.tag)
					  : trace_tag_extra(row->key.tag);
	c->addr = row->key.call_site;
	if (!c->addr && trace_tag_stack(row->key.tag) >= 0)
		c->addr = derive_site(r, ks, trace_tag_stack(row->key.tag));
	/* never negative: a sum can only lag behind under races */
	if (v->allocs > v->frees + v->repaired)
		out_n = v->allocs - v->frees - v->repaired;
	if (v->alloc_bytes > v->free_bytes + v->repaired_bytes)
		out_b = v->alloc_bytes - v->free_bytes - v->repaired_bytes;
	c->allocs = v->allocs;
	c->frees = v->frees;
	c->repaired = v->repaired;
	c->alloc_bytes = v->alloc_bytes;
	c->free_bytes = v->free_bytes;
	c->outstanding_count = out_n;
	c->outstanding_bytes = out_b;
	c->aged_count = row->aged_count;
	c->aged_bytes = row->aged_bytes;
	c->sampled_objects = out_n;
	if (row->oldest_ts_ns && row->oldest_ts_ns < r->now_ns)
		c->oldest_age_ns = r->now_ns - row->oldest_ts_ns;
}

static void scale(struct trace_callsite *c, uint32_t n)
{
	c->count_error = n > 1 ? 1.96 * n * sqrt((double)c->sampled_objects) : 0;
	c->allocs *= n;
	c->frees *= n;
	c->repaired *= n;
	c->alloc_bytes *= n;
	c->free_bytes *= n;
	c->outstanding_count *= n;
	c->outstanding_bytes *= n;
	c->aged_count *= n;
	c->aged_bytes *= n;
}

static void rates(struct trace_report *rep, struct trace_report_state *st, uint64_t now)
{
	double secs = now > st->prev_ns ? (now - st->prev_ns) / 1e9 : 0;

	for (size_t i = 0; i < rep->ncs && secs > 0; i++) {
		struct trace_callsite *c = &rep->cs[i];
		const struct trace_callsite *p =
			st->nprev ? bsearch(c, st->prev, st->nprev, sizeof(*c), cs_id_cmp) : NULL;
		uint64_t a0 = p ? p->allocs : 0, f0 = p ? p->frees : 0;

		c->alloc_rate = c->allocs > a0 ? (c->allocs - a0) / secs : 0;
		c->free_rate = c->frees > f0 ? (c->frees - f0) / secs : 0;
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
		      const struct trace_report_state *st, size_t *row_cs,
		      struct trace_report *rep)
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

/* Scales by the sample rate, applies --min-age, sums the totals. */
static void scale_all(struct trace_report *rep)
{
	for (size_t i = 0; i < rep->ncs; i++) {
		struct trace_callsite *c = &rep->cs[i];

		scale(c, rep->sample);
		if (rep->min_age_ns) { /* --min-age: only objects at least that old */
			c->outstanding_count = c->aged_count;
			c->outstanding_bytes = c->aged_bytes;
		}
		rep->outstanding_count += c->outstanding_count;
		rep->outstanding_bytes += c->outstanding_bytes;
	}
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
		ret = group_pids(r, row_cs, rep);
	if (ret)
		goto out;
	scale_all(rep);
	rates(rep, st, r->now_ns); /* rep->cs still in identity order */
	ret = save_state(rep, st, r->now_ns);
	if (!ret)
		qsort(rep->cs, rep->ncs, sizeof(*rep->cs), cs_bytes_cmp);
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
	memset(st, 0, sizeof(*st));
}

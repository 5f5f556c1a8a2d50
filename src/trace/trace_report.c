// SPDX-License-Identifier: GPL-2.0
/*
 * From raw per-call-site sums to the rows the user reads. Outstanding is
 * allocs - frees - repaired: it goes down only for frees kleak saw or for
 * entries repaired when their address was handed out again, never for
 * missed events (those stay in their own counters). With --sample N the
 * counts are scaled by N and carry a 95% error from the binomial variance
 * of the objects actually tracked (N * 1.96 * sqrt(k)).
 */
#include "trace/trace_report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

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

	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (!strncmp(fn, pfx[i], strlen(pfx[i])))
			return true;
	return false;
}

static uint64_t derive_site(struct trace_session *s, const struct trace_ksyms *ks,
			    int32_t stack_id)
{
	uint64_t frames[127];
	size_t n = trace_session_stack(s, stack_id, frames, 127);

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

static void name_cache(struct trace_session *s, struct trace_callsite *c)
{
	c->cache_name[0] = 0;
	if (c->kind == TRACE_CACHE && c->cache)
		trace_session_cache_name(s, c->cache, c->cache_name, sizeof(c->cache_name));
	else if (c->kind == TRACE_PAGE)
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
static size_t stack_frames(struct trace_session *s, const struct trace_ksyms *ks,
			   int32_t id, uint64_t *out, size_t max)
{
	uint64_t frames[127];
	size_t n = trace_session_stack(s, id, frames, 127), i = 0, k = 0;
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

static void add_stack(struct trace_session *s, const struct trace_ksyms *ks,
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
	t->nframes = stack_frames(s, ks, id, t->frames, TRACE_STACK_FRAMES);
}

static int stack_count_cmp(const void *a, const void *b)
{
	const struct trace_stack_summary *x = a, *y = b;

	return (x->count < y->count) - (x->count > y->count);
}

static int group_stacks(struct trace_session *s, const struct trace_ksyms *ks,
			const struct trace_read *r, const size_t *row_cs,
			struct trace_report *rep)
{
	struct cs_stack *v;
	size_t i, j;

	if (!r->nstacks)
		return 0;
	v = malloc(r->nstacks * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < r->nstacks; i++) {
		v[i].cs = row_cs[r->stacks[i].row];
		v[i].id = r->stacks[i].stack_id;
	}
	qsort(v, r->nstacks, sizeof(*v), cs_stack_cmp);
	for (i = 0; i < r->nstacks; i = j) {
		for (j = i; j < r->nstacks && !cs_stack_cmp(&v[i], &v[j]); j++)
			;
		add_stack(s, ks, &rep->cs[v[i].cs], v[i].id, j - i);
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

static void read_comm(uint32_t pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	comm[0] = 0;
	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(comm, (int)len, f))
		comm[strcspn(comm, "\n")] = 0;
	fclose(f);
}

/* The processes that allocated the most outstanding objects per call site. */
static int group_pids(const struct trace_read *r, const size_t *row_cs,
		      struct trace_report *rep)
{
	struct cs_stack *v;
	size_t i, j;

	if (!r->npids)
		return 0;
	v = malloc(r->npids * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < r->npids; i++) {
		v[i].cs = row_cs[r->pids[i].row];
		v[i].id = r->pids[i].stack_id;
	}
	qsort(v, r->npids, sizeof(*v), cs_stack_cmp);
	for (i = 0; i < r->npids; i = j) {
		struct trace_callsite *c = &rep->cs[v[i].cs];
		size_t k = c->npids;

		for (j = i; j < r->npids && !cs_stack_cmp(&v[i], &v[j]); j++)
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
			c->pids[j].count *= rep->sample;
			read_comm(c->pids[j].pid, c->pids[j].comm, sizeof(c->pids[j].comm));
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

static void row_to_cs(struct trace_session *s, const struct trace_ksyms *ks,
		      const struct trace_read *r, const struct trace_site_row *row,
		      struct trace_callsite *c)
{
	const struct trace_site_val *v = &row->sum;
	uint64_t out_n = 0, out_b = 0;

	memset(c, 0, sizeof(*c));
	c->kind = trace_tag_kind(row->key.tag);
	c->cache = c->kind == TRACE_CACHE ? trace_tag_cache(row->key.tag)
					  : trace_tag_extra(row->key.tag);
	c->addr = row->key.call_site;
	if (!c->addr && trace_tag_stack(row->key.tag) >= 0)
		c->addr = derive_site(s, ks, trace_tag_stack(row->key.tag));
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

int trace_report_build(struct trace_session *s, const struct trace_read *r,
		       const struct trace_ksyms *ks, struct trace_report_state *st,
		       struct trace_report *rep)
{
	size_t *row_cs = NULL, i, n = 0;
	uint32_t sample = s->opts.sample > 1 ? s->opts.sample : 1;
	struct trace_callsite *all;
	int ret = -ENOMEM;

	memset(rep, 0, sizeof(*rep));
	rep->sample = sample;
	rep->elapsed_ns = r->now_ns - s->start_ns;
	if (!st->prev_ns)
		st->prev_ns = s->start_ns; /* the first interval starts at attach */
	rep->interval_ns = r->now_ns - st->prev_ns;
	memcpy(rep->counters, r->counters, sizeof(rep->counters));
	rep->recursion_misses = r->recursion_misses;
	memcpy(rep->progs, r->progs, sizeof(rep->progs));
	rep->nprogs = r->nprogs;
	rep->objects = r->objects;
	all = calloc(r->nrows ? r->nrows : 1, sizeof(*all));
	row_cs = calloc(r->nrows ? r->nrows : 1, sizeof(*row_cs));
	if (!all || !row_cs)
		goto out;
	for (i = 0; i < r->nrows; i++)
		row_to_cs(s, ks, r, &r->rows[i], &all[i]);
	/* group rows that share (kind, call site, cache): derived sites meet */
	for (i = 0; i < r->nrows; i++)
		all[i].src_row = i;
	qsort(all, r->nrows, sizeof(*all), cs_id_cmp);
	rep->cs = calloc(r->nrows ? r->nrows : 1, sizeof(*rep->cs));
	if (!rep->cs)
		goto out;
	for (i = 0; i < r->nrows; i++) {
		struct trace_callsite *c = &all[i];

		if (n && !cs_id_cmp(&rep->cs[n - 1], c)) {
			merge(&rep->cs[n - 1], c);
		} else {
			rep->cs[n] = *c;
			name_cache(s, &rep->cs[n]);
			if (st->aliases && rep->cs[n].kind == TRACE_CACHE && rep->cs[n].cache_name[0])
				rep->cs[n].naliases = slab_aliases_of(st->aliases, rep->cs[n].cache_name,
								      rep->cs[n].aliases, 8);
			symbolize(&rep->cs[n], ks);
			n++;
		}
		row_cs[c->src_row] = n - 1;
	}
	rep->ncs = n;
	ret = group_stacks(s, ks, r, row_cs, rep);
	if (!ret)
		ret = group_pids(r, row_cs, rep);
	if (ret)
		goto out;
	for (i = 0; i < n; i++) {
		scale(&rep->cs[i], sample);
		if (st->min_age_ns) { /* --min-age: only objects at least that old */
			rep->cs[i].outstanding_count = rep->cs[i].aged_count;
			rep->cs[i].outstanding_bytes = rep->cs[i].aged_bytes;
		}
		rep->outstanding_count += rep->cs[i].outstanding_count;
		rep->outstanding_bytes += rep->cs[i].outstanding_bytes;
	}
	rates(rep, st, r->now_ns); /* rep->cs still in identity order */
	ret = save_state(rep, st, r->now_ns);
	if (ret)
		goto out;
	qsort(rep->cs, n, sizeof(*rep->cs), cs_bytes_cmp);
out:
	free(all);
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

// SPDX-License-Identifier: GPL-2.0
/* Lookups in one reading of trace's kernel state (see trace_read.h). */
#include "trace/trace_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/vec.h"

int trace_site_key_cmp(const struct trace_site_key *a, const struct trace_site_key *b)
{
	if (a->call_site != b->call_site)
		return a->call_site < b->call_site ? -1 : 1;
	if (a->tag != b->tag)
		return a->tag < b->tag ? -1 : 1;
	return 0;
}

long trace_read_find(const struct trace_read *r, const struct trace_site_key *k)
{
	size_t lo = 0, hi = r->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = trace_site_key_cmp(&r->rows[mid].key, k);

		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int trace_ref_cmp(const void *a, const void *b)
{
	const struct trace_ref *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return (x->val > y->val) - (x->val < y->val);
}

static int stack_cmp(const void *a, const void *b)
{
	const struct trace_stack *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

const struct trace_stack *trace_stack_table_find(const struct trace_stack_table *t, int32_t id)
{
	struct trace_stack key = { .id = id };

	if (!t || !t->n)
		return NULL;
	return bsearch(&key, t->v, t->n, sizeof(*t->v), stack_cmp);
}

size_t trace_read_stack(const struct trace_read *r, int32_t id, const uint64_t **frames)
{
	const struct trace_stack *st = id < 0 ? NULL : trace_stack_table_find(r->stacks, id);

	*frames = NULL;
	if (!st)
		return 0;
	*frames = r->stacks->frames + st->off;
	return st->nframes;
}

static int cache_name_cmp(const void *a, const void *b)
{
	const struct trace_cache_name *x = a, *y = b;

	return (x->cache > y->cache) - (x->cache < y->cache);
}

const char *trace_read_cache_name(const struct trace_read *r, uint64_t cache)
{
	struct trace_cache_name key = { .cache = cache }, *c;

	if (!r->ncaches)
		return NULL;
	c = bsearch(&key, r->caches, r->ncaches, sizeof(*r->caches), cache_name_cmp);
	return c ? c->name : NULL;
}

static int comm_cmp(const void *a, const void *b)
{
	const struct trace_comm *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

const char *trace_read_comm(const struct trace_read *r, uint32_t pid)
{
	struct trace_comm key = { .pid = pid }, *c;

	if (!r->ncomms)
		return NULL;
	c = bsearch(&key, r->comms, r->ncomms, sizeof(*r->comms), comm_cmp);
	return c ? c->comm : NULL;
}

void trace_read_free(struct trace_read *r)
{
	if (!r)
		return;
	free(r->rows);
	free(r->stack_refs);
	free(r->pid_refs);
	free(r->caches);
	free(r->comms);
	memset(r, 0, sizeof(*r));
}

int trace_stack_table_add(struct trace_stack_table *t, int32_t id, const uint64_t *frames, size_t n)
{
	struct trace_stack st = { .id = id, .nframes = (uint32_t)n, .off = t->nframes };

	for (size_t i = 0; i < n; i++)
		if (vec_push(&t->frames, &t->nframes, &t->frames_cap, sizeof(*frames), &frames[i]))
			return -ENOMEM;
	return vec_push(&t->v, &t->n, &t->cap, sizeof(st), &st);
}

void trace_stack_table_sort(struct trace_stack_table *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), stack_cmp);
}

void trace_stack_table_free(struct trace_stack_table *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->frames);
	memset(t, 0, sizeof(*t));
}

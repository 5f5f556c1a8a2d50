// SPDX-License-Identifier: GPL-2.0
/* Parsers of the memory controller's files, v2 and v1; formats in memcg.h. */
#include "memcg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse/slabinfo.h"
#include "util/buf.h"
#include "util/num.h"

#define V1 1u
#define V2 2u

const struct memcg_file_desc memcg_files[MEMCG_F_COUNT] = {
	[MEMCG_F_STAT] = { "memory.stat", V1 | V2 },
	[MEMCG_F_CURRENT] = { "memory.current", V2 },
	[MEMCG_F_MAX] = { "memory.max", V2 },
	[MEMCG_F_EVENTS] = { "memory.events", V2 },
	[MEMCG_F_KMEM_USAGE] = { "memory.kmem.usage_in_bytes", V1 },
	[MEMCG_F_KMEM_TCP_USAGE] = { "memory.kmem.tcp.usage_in_bytes", V1 },
	[MEMCG_F_KMEM_FAILCNT] = { "memory.kmem.failcnt", V1 },
	[MEMCG_F_USAGE] = { "memory.usage_in_bytes", V1 },
	[MEMCG_F_LIMIT] = { "memory.limit_in_bytes", V1 },
	[MEMCG_F_FAILCNT] = { "memory.failcnt", V1 },
	[MEMCG_F_KMEM_SLABINFO] = { "memory.kmem.slabinfo", V1 },
};

/* memory.stat and memory.events names kleak keeps, per version. */
struct kv_name {
	const char *name;
	unsigned versions;
	enum memcg_value value;
};

static const struct kv_name stat_names[] = {
	{ "kernel", V2, MEMCG_KERNEL },
	{ "slab_reclaimable", V2, MEMCG_SLAB_RECLAIMABLE },
	{ "slab_unreclaimable", V2, MEMCG_SLAB_UNRECLAIMABLE },
	{ "slab", V2, MEMCG_SLAB },
	{ "kernel_stack", V2, MEMCG_KERNEL_STACK },
	{ "pagetables", V2, MEMCG_PAGETABLES },
	{ "sec_pagetables", V2, MEMCG_SEC_PAGETABLES },
	{ "percpu", V2, MEMCG_PERCPU },
	{ "sock", V2, MEMCG_SOCK },
	{ "vmalloc", V2, MEMCG_VMALLOC },
	{ "anon", V2, MEMCG_ANON },
	{ "file", V2, MEMCG_FILE },
	{ "rss", V1, MEMCG_ANON },
	{ "cache", V1, MEMCG_FILE },
	{ "hierarchical_memory_limit", V1, MEMCG_HIER_LIMIT },
};

static const struct kv_name event_names[] = {
	{ "max", V2, MEMCG_EV_MAX },
	{ "oom", V2, MEMCG_EV_OOM },
	{ "oom_kill", V2, MEMCG_EV_OOM_KILL },
};

bool memcg_get(const struct memcg *m, enum memcg_value i, uint64_t *v)
{
	if (!memcg_has(m, i))
		return false;
	*v = m->v[i];
	return true;
}

void memcg_set(struct memcg *m, enum memcg_value i, uint64_t v)
{
	m->v[i] = v;
	m->present |= 1u << i;
}

/* "name value" lines; names not in the table are skipped. */
static int kv_parse(const char *buf, size_t len, const char *src, int version,
		    const struct kv_name *names, size_t nnames, struct memcg *m, struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t llen;
	int r;

	line_iter_init(&it, buf, len);
	while ((r = line_next_capped(&it, &line, &llen, src, e)) > 0) {
		struct field f[3];
		uint64_t v;
		int nf = fields_split(line, llen, f, 3);

		if (nf == 0)
			continue;
		if (nf != 2)
			return kerr_set(e, -EINVAL, src, it.lineno,
					"expected 'name value', got %d fields", nf);
		if (num_u64(f[1].s, f[1].len, &v))
			return kerr_set(e, -EINVAL, src, it.lineno,
					"the value (field 2) is not a valid number");
		for (size_t i = 0; i < nnames; i++)
			if ((names[i].versions & (1u << (version - 1))) &&
			    field_eq(&f[0], names[i].name))
				memcg_set(m, names[i].value, v);
	}
	return r;
}

int memcg_stat_parse(const char *buf, size_t len, const char *src, int version, struct memcg *m,
		     struct kerr *e)
{
	return kv_parse(buf, len, src, version, stat_names,
			sizeof(stat_names) / sizeof(stat_names[0]), m, e);
}

int memcg_events_parse(const char *buf, size_t len, const char *src, struct memcg *m,
		       struct kerr *e)
{
	return kv_parse(buf, len, src, 2, event_names, sizeof(event_names) / sizeof(event_names[0]),
			m, e);
}

/* The one word of a single-value file: exactly one line, one field. */
static int one_word(const char *buf, size_t len, const char *src, struct field *w, struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t llen;
	int r, nf;

	line_iter_init(&it, buf, len);
	r = line_next_capped(&it, &line, &llen, src, e);
	if (r < 0)
		return r;
	if (r == 0)
		return kerr_set(e, -ENODATA, src, 0, "empty: expected one value");
	nf = fields_split(line, llen, w, 1);
	if (nf != 1)
		return kerr_set(e, -EINVAL, src, 1, "expected one value, got %d fields", nf);
	while ((r = line_next_capped(&it, &line, &llen, src, e)) > 0)
		if (llen)
			return kerr_set(e, -EINVAL, src, it.lineno,
					"expected one value, got another line");
	return r;
}

static int word_number(const struct field *w, const char *src, uint64_t *v, struct kerr *e)
{
	if (num_u64(w->s, w->len, v))
		return kerr_set(e, -EINVAL, src, 1, "not a valid number");
	return 0;
}

int memcg_number_parse(const char *buf, size_t len, const char *src, uint64_t *v, struct kerr *e)
{
	struct field w;
	int r = one_word(buf, len, src, &w, e);

	return r ? r : word_number(&w, src, v, e);
}

int memcg_max_parse(const char *buf, size_t len, const char *src, uint64_t *v, bool *limited,
		    struct kerr *e)
{
	struct field w;
	int r = one_word(buf, len, src, &w, e);

	if (r)
		return r;
	*limited = !field_eq(&w, "max");
	*v = 0;
	return *limited ? word_number(&w, src, v, e) : 0;
}

/*
 * PAGE_COUNTER_MAX is LONG_MAX / PAGE_SIZE pages, printed in bytes: the
 * largest such value for pages up to 64 KiB is at least this.
 */
bool memcg_v1_unlimited(uint64_t v)
{
	return v >= ((uint64_t)INT64_MAX & ~(uint64_t)0xffff);
}

int memcg_v1_limit_parse(const char *buf, size_t len, const char *src, uint64_t *v, bool *limited,
			 struct kerr *e)
{
	int r = memcg_number_parse(buf, len, src, v, e);

	if (!r)
		*limited = !memcg_v1_unlimited(*v);
	return r;
}

int memcg_slabinfo_parse(const char *buf, size_t len, const char *src, uint64_t page_size,
			 struct memcg *m, bool *filled, struct kerr *e)
{
	struct slabinfo si;
	uint64_t sum = 0;
	int r;

	*filled = false;
	for (size_t i = 0; i < len; i++)
		if (buf[i] != '\n' && buf[i] != ' ')
			goto parse;
	return 0; /* 5.9+: the file exists and says nothing */
parse:
	r = slabinfo_parse(buf, len, src, &si, e);
	if (r)
		return r;
	m->top_cache[0] = '\0';
	m->top_cache_bytes = 0;
	for (size_t i = 0; i < si.n; i++) {
		uint64_t b = slab_cache_bytes(&si.v[i], page_size);

		if (!num_add_u64(sum, b, &sum))
			sum = UINT64_MAX;
		if (b > m->top_cache_bytes || !m->top_cache[0]) {
			m->top_cache_bytes = b;
			snprintf(m->top_cache, sizeof(m->top_cache), "%s", si.v[i].name);
		}
	}
	slabinfo_free(&si);
	memcg_set(m, MEMCG_SLAB, sum);
	*filled = true;
	return 0;
}

static int parse_number_into(const struct memcg_raw *raw, enum memcg_value i, struct memcg *m,
			     struct kerr *e)
{
	uint64_t v;
	int r;

	if (!raw->data)
		return 0;
	r = memcg_number_parse(raw->data, raw->len, raw->src, &v, e);
	if (!r)
		memcg_set(m, i, v);
	return r;
}

static int parse_limit(int version, const struct memcg_raw *raw, struct memcg *m, struct kerr *e)
{
	uint64_t v;
	bool limited;
	int r;

	if (!raw->data)
		return 0;
	r = version == 2 ? memcg_max_parse(raw->data, raw->len, raw->src, &v, &limited, e)
			 : memcg_v1_limit_parse(raw->data, raw->len, raw->src, &v, &limited, e);
	if (!r && limited)
		memcg_set(m, MEMCG_LIMIT, v);
	return r;
}

static int parse_v1(const struct memcg_raw raw[MEMCG_F_COUNT], uint64_t page_size, struct memcg *m,
		    struct kerr *e)
{
	static const struct {
		enum memcg_file f;
		enum memcg_value v;
	} nums[] = {
		{ MEMCG_F_KMEM_USAGE, MEMCG_KERNEL },
		{ MEMCG_F_KMEM_TCP_USAGE, MEMCG_SOCK },
		{ MEMCG_F_KMEM_FAILCNT, MEMCG_KMEM_FAILCNT },
		{ MEMCG_F_USAGE, MEMCG_MEMORY },
		{ MEMCG_F_FAILCNT, MEMCG_FAILCNT },
	};
	const struct memcg_raw *si = &raw[MEMCG_F_KMEM_SLABINFO];
	bool filled;
	int r = 0;

	for (size_t i = 0; !r && i < sizeof(nums) / sizeof(nums[0]); i++)
		r = parse_number_into(&raw[nums[i].f], nums[i].v, m, e);
	if (!r)
		r = parse_limit(1, &raw[MEMCG_F_LIMIT], m, e);
	if (!r && si->data)
		r = memcg_slabinfo_parse(si->data, si->len, si->src, page_size, m, &filled, e);
	/* "no limit" in a parent is the same page-rounded LONG_MAX */
	if (!r && memcg_has(m, MEMCG_HIER_LIMIT) && memcg_v1_unlimited(m->v[MEMCG_HIER_LIMIT]))
		m->present &= ~(1u << MEMCG_HIER_LIMIT);
	return r;
}

int memcg_parse(int version, const struct memcg_raw raw[MEMCG_F_COUNT], uint64_t page_size,
		struct memcg *m, struct kerr *e)
{
	const struct memcg_raw *st = &raw[MEMCG_F_STAT];
	int r = 0;

	memset(m, 0, sizeof(*m));
	if (version != 1 && version != 2)
		return kerr_set(e, -EINVAL, st->src ? st->src : "cgroup", 0,
				"unknown cgroup version %d", version);
	m->version = version;
	if (st->data)
		r = memcg_stat_parse(st->data, st->len, st->src, version, m, e);
	if (r || version == 1)
		return r ? r : parse_v1(raw, page_size, m, e);
	r = parse_number_into(&raw[MEMCG_F_CURRENT], MEMCG_MEMORY, m, e);
	if (!r)
		r = parse_limit(2, &raw[MEMCG_F_MAX], m, e);
	if (!r && raw[MEMCG_F_EVENTS].data)
		r = memcg_events_parse(raw[MEMCG_F_EVENTS].data, raw[MEMCG_F_EVENTS].len,
				       raw[MEMCG_F_EVENTS].src, m, e);
	return r;
}

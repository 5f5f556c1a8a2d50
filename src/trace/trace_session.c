// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle and map reads of trace.bpf.c. What the kernel offers is probed
 * in its BTF (a raw tracepoint NAME exists when the type btf_trace_NAME
 * does), so neither tracefs nor debugfs is needed; programs for absent or
 * unrequested tracepoints are not loaded (bpf_program__set_autoload).
 * Links are held only by this process's file descriptors and nothing is
 * pinned: when the process dies, by any signal, the kernel detaches all.
 */
#include "trace/trace_session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "parse/slab_aliases.h"
#include "source/procfs.h"
#include "trace/count_target.h"
#include "util/num.h"
#include "trace.skel.h"


#define READ_CHUNK 4096u

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's messages only on request; kleak says what failed itself */
	(void)level;
	return getenv("KLEAK_BPF_DEBUG") ? vfprintf(stderr, fmt, ap) : 0;
}

/* The func proto behind btf_trace_NAME, or NULL when the kernel lacks it. */
static const struct btf_type *tp_proto(const struct btf *btf, const char *tp)
{
	char name[96];
	const struct btf_type *t;
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return NULL;
	t = btf__type_by_id(btf, id);
	t = btf__type_by_id(btf, t->type); /* pointer */
	if (!t || !btf_is_ptr(t))
		return NULL;
	t = btf__type_by_id(btf, t->type);
	return t && btf_is_func_proto(t) ? t : NULL;
}

/* Kind of parameter i of a proto, modifiers and typedefs skipped. */
static bool param_is_ptr(const struct btf *btf, const struct btf_type *proto, int i)
{
	const struct btf_param *p = btf_params(proto);
	const struct btf_type *t;

	if (i >= btf_vlen(proto))
		return false;
	t = btf__type_by_id(btf, p[i].type);
	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_ptr(t);
}

enum family { FAM_SLAB, FAM_PAGE, FAM_PERCPU, FAM_VMALLOC };

static enum family prog_family(const char *tp)
{
	if (!strncmp(tp, "mm_page_", 8))
		return FAM_PAGE;
	if (!strncmp(tp, "percpu_", 7))
		return FAM_PERCPU;
	if (strstr(tp, "vmap_area"))
		return FAM_VMALLOC;
	return FAM_SLAB;
}

/* Old-kernel variants: absent on 6.1+, and not worth a message there. */
static bool is_variant(const char *tp)
{
	return !strcmp(tp, "kmalloc_node") || !strcmp(tp, "kmem_cache_alloc_node") ||
	       !strcmp(tp, "mm_page_free_batched");
}

/*
 * --cache NAME: the names SLUB merged with NAME share one struct
 * kmem_cache whose name is one of them; match any. kmalloc-N (and its
 * -cg-, -rcl-, dma- flavours) also selects kmalloc events of that size.
 */
static int cache_filter(struct trace_bpf *skel, const char *cache, struct kerr *e)
{
	struct slab_aliases a = { 0 };
	struct buf b = { 0 };
	const char *target = NULL, *p;
	size_t n = 0;
	uint64_t sz;
	int ret;

	skel->rodata->cache_filter_on = true;
	p = strrchr(cache, '-');
	if (strstr(cache, "kmalloc-") && p && !num_parse_u64(p + 1, &sz))
		skel->rodata->kmalloc_filter_size = sz;
	ret = source_read(NULL, SRC_SLAB_ALIASES, &b, e);
	if (!ret)
		ret = slab_aliases_parse(b.data, b.len, "/sys/kernel/slab", &a, e);
	if (ret) {
		/* without sysfs: the name as given */
		kerr_clear(e);
		snprintf((char *)skel->rodata->cache_filter[0], TRACE_CACHE_NAME_LEN, "%s", cache);
		buf_free(&b);
		return 0;
	}
	for (size_t i = 0; i < a.n; i++)
		if (!strcmp(a.v[i].name, cache))
			target = a.v[i].target;
	if (!target) {
		ret = kerr_set(e, -ENOENT, "/sys/kernel/slab", 0, "no slab cache named '%s'", cache);
		goto out;
	}
	snprintf((char *)skel->rodata->cache_filter[n++], TRACE_CACHE_NAME_LEN, "%s", cache);
	for (size_t i = 0; i < a.n && n < TRACE_MAX_CACHE_FILTER; i++)
		if (!strcmp(a.v[i].target, target) && strcmp(a.v[i].name, cache))
			snprintf((char *)skel->rodata->cache_filter[n++], TRACE_CACHE_NAME_LEN,
				 "%.31s", a.v[i].name);
out:
	slab_aliases_free(&a);
	buf_free(&b);
	return ret;
}

static int configure(struct trace_session *s, const struct btf *btf, struct kerr *e)
{
	struct trace_bpf *skel = s->skel;
	const struct trace_opts *o = &s->opts;
	const struct btf_type *proto;
	struct bpf_program *p;
	bool need_stacks = o->stack_every > 0;
	int ret;

	skel->rodata->targ_tgid = o->pid;
	if (o->comm) {
		skel->rodata->targ_comm_on = true;
		strncpy((char *)skel->rodata->targ_comm, o->comm, TRACE_COMM_LEN - 1);
	}
	if (o->cgroup) {
		/* the same resolution as `kleak count --cgroup` (count_target.h) */
		struct count_cgroup cg;

		ret = count_cgroup_resolve(o->cgroup, &cg, e);
		if (ret)
			return ret;
		skel->rodata->targ_cgroup = cg.id;
		skel->rodata->targ_cgroup_v1 = cg.version == 1;
	}
	if (o->cache && (ret = cache_filter(skel, o->cache, e)))
		return ret;
	skel->rodata->min_size = o->min_size;
	skel->rodata->sample_every = o->sample ? o->sample : 1;
	skel->rodata->sample_below = (1ull << 32) / skel->rodata->sample_every;
	skel->rodata->stack_every = o->stack_every;
	if (o->stack_every)
		skel->rodata->stack_below = (1ull << 16) / o->stack_every;
	proto = tp_proto(btf, "kmem_cache_alloc");
	skel->rodata->cache_alloc_has_s = proto && param_is_ptr(btf, proto, 3);
	proto = tp_proto(btf, "percpu_alloc_percpu");
	skel->rodata->percpu_has_site = proto && btf_vlen(proto) >= 10;

	bpf_object__for_each_program(p, skel->obj) {
		const char *tp = strchr(bpf_program__section_name(p), '/') + 1;
		enum family f = prog_family(tp);
		bool want = f == FAM_SLAB || (f == FAM_PAGE && o->pages) ||
			    (f == FAM_PERCPU && o->percpu) || (f == FAM_VMALLOC && o->vmalloc);

		if (want && !tp_proto(btf, tp)) {
			if (!is_variant(tp) && s->nmissing < TRACE_PROGS_MAX)
				snprintf(s->missing[s->nmissing++], 32, "%s", tp);
			want = false;
		}
		bpf_program__set_autoload(p, want);
		if (want && s->nattached < TRACE_PROGS_MAX)
			snprintf(s->attached[s->nattached++], 32, "%s", tp);
		if (want && (f == FAM_PAGE || f == FAM_VMALLOC ||
			     (f == FAM_PERCPU && !skel->rodata->percpu_has_site)))
			need_stacks = true;
	}
	if (!s->nattached)
		return kerr_set(e, -ENOENT, "kleak trace", 0,
				"none of the kmem tracepoints exists in this kernel");
	bpf_map__set_max_entries(skel->maps.objs, o->max_entries);
	bpf_map__set_max_entries(skel->maps.sites, TRACE_SITES_MAX);
	bpf_map__set_max_entries(skel->maps.stacks, need_stacks ? TRACE_STACKS_MAX : 1);
	return 0;
}

/* "memlock:" in a map fd's fdinfo: the bytes the kernel charges for it. */
static uint64_t map_memlock(int fd)
{
	char path[64], line[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

static int load_error(int err, struct kerr *e)
{
	if (err == -EPERM || err == -EACCES)
		return kerr_set(e, err, "kleak trace", 0,
				"loading BPF programs was refused: run as root (CAP_BPF and "
				"CAP_PERFMON)%s", geteuid() ? "" : "; a security policy may forbid BPF");
	return kerr_set(e, err, "kleak trace", 0,
			"loading the BPF programs failed: %s (set KLEAK_BPF_DEBUG=1 for "
			"the verifier's log)", strerror(-err));
}

int trace_session_open(struct trace_session *s, const struct trace_opts *o,
		       struct kerr *e)
{
	struct btf *btf = NULL;
	struct bpf_map *m;
	int ret;

	memset(s, 0, sizeof(*s));
	s->opts = *o;
	if (!s->opts.max_entries)
		s->opts.max_entries = TRACE_DEFAULT_MAX_ENTRIES;
	libbpf_set_print(quiet_print);
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return kerr_set(e, -ENOENT, "/sys/kernel/btf/vmlinux", 0,
				"the kernel has no BTF (CONFIG_DEBUG_INFO_BTF=y is needed "
				"for kleak trace)");
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return kerr_set(e, -errno, "/sys/kernel/btf/vmlinux", 0, "cannot load BTF: %s",
				strerror(errno));
	s->ncpus = libbpf_num_possible_cpus();
	s->skel = trace_bpf__open();
	if (!s->skel || s->ncpus <= 0) {
		ret = kerr_set(e, -ENOMEM, "kleak trace", 0, "cannot open the BPF object");
		goto out;
	}
	ret = configure(s, btf, e);
	if (ret)
		goto out;
	ret = trace_bpf__load(s->skel);
	if (ret) {
		ret = load_error(ret, e);
		goto out;
	}
	ret = trace_bpf__attach(s->skel);
	if (ret) {
		ret = kerr_set(e, ret, "kleak trace", 0, "attaching to the tracepoints failed: %s",
			       strerror(-ret));
		goto out;
	}
	s->start_ns = mono_ns();
	bpf_object__for_each_map(m, s->skel->obj)
		if (bpf_map__fd(m) >= 0)
			s->memlock_bytes += map_memlock(bpf_map__fd(m));
	/* one chunk of a batch read: objects, or per-CPU call-site sums */
	s->buf_entries = READ_CHUNK;
	s->keys = malloc(READ_CHUNK * sizeof(struct trace_site_key));
	s->vals = malloc(READ_CHUNK * (sizeof(struct trace_obj) +
				       sizeof(struct trace_site_val) * (size_t)s->ncpus));
	if (!s->keys || !s->vals)
		ret = kerr_set(e, -ENOMEM, "kleak trace", 0, "out of memory");
out:
	btf__free(btf);
	if (ret)
		trace_session_close(s);
	return ret;
}

void trace_session_close(struct trace_session *s)
{
	if (!s)
		return;
	trace_bpf__destroy(s->skel);
	free(s->keys);
	free(s->vals);
	s->skel = NULL;
	s->keys = s->vals = NULL;
}

typedef void (*entry_fn)(void *ctx, const void *key, const void *val);

/*
 * Every entry of a map, in batches (one syscall per READ_CHUNK entries);
 * kernels without batch ops on this map type fall back to one lookup per key.
 */
static int map_each(struct trace_session *s, int fd, size_t ksz, size_t vsz,
		    entry_fn fn, void *ctx)
{
	uint64_t in = 0, out = 0;
	bool first = true;
	char *k = s->keys, *v = s->vals;
	int ret;

	for (;;) {
		__u32 n = READ_CHUNK;

		ret = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, k, v, &n, NULL);
		if (ret && ret != -ENOENT) {
			if (first && (ret == -EINVAL || ret == -ENOTSUP || ret == -524))
				break;
			return ret;
		}
		for (__u32 i = 0; i < n; i++)
			fn(ctx, k + i * ksz, v + i * vsz);
		if (ret == -ENOENT)
			return 0;
		in = out;
		first = false;
	}
	/* fallback: get_next_key */
	void *prev = NULL;
	char *key = k, *next = k + ksz;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, ksz);
		prev = key;
		if (!bpf_map_lookup_elem(fd, key, v))
			fn(ctx, key, v);
	}
	return 0;
}

int trace_site_key_cmp(const struct trace_site_key *a, const struct trace_site_key *b)
{
	if (a->call_site != b->call_site)
		return a->call_site < b->call_site ? -1 : 1;
	if (a->tag != b->tag)
		return a->tag < b->tag ? -1 : 1;
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	return trace_site_key_cmp(&((const struct trace_site_row *)a)->key,
				  &((const struct trace_site_row *)b)->key);
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

struct read_ctx {
	struct trace_session *s;
	struct trace_read *r;
	size_t cap, pid_cap;
	uint64_t min_age_ns;
	int err;
};

static void site_entry(void *vctx, const void *key, const void *val)
{
	struct read_ctx *c = vctx;
	struct trace_read *r = c->r;
	const struct trace_site_val *pc = val;
	struct trace_site_row *row;

	if (r->nrows == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 256;
		void *nv = realloc(r->rows, ncap * sizeof(*r->rows));

		if (!nv) {
			c->err = -ENOMEM;
			return;
		}
		r->rows = nv;
		c->cap = ncap;
	}
	row = &r->rows[r->nrows++];
	memset(row, 0, sizeof(*row));
	memcpy(&row->key, key, sizeof(row->key));
	for (int i = 0; i < c->s->ncpus; i++) {
		row->sum.allocs += pc[i].allocs;
		row->sum.frees += pc[i].frees;
		row->sum.repaired += pc[i].repaired;
		row->sum.alloc_bytes += pc[i].alloc_bytes;
		row->sum.free_bytes += pc[i].free_bytes;
		row->sum.repaired_bytes += pc[i].repaired_bytes;
	}
}

static int ref_push(struct trace_stack_ref **v, size_t *n, size_t *cap, uint32_t row,
		    int32_t val)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		void *nv = realloc(*v, ncap * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[*n].row = row;
	(*v)[(*n)++].stack_id = val;
	return 0;
}

static void obj_entry(void *vctx, const void *key, const void *val)
{
	struct read_ctx *c = vctx;
	struct trace_read *r = c->r;
	const struct trace_obj *o = val;
	struct trace_site_row *row;
	long i;

	r->objects++;
	i = trace_read_find(r, &o->site);
	if (i < 0)
		return;
	row = &r->rows[i];
	row->objects++;
	if (!row->oldest_ts_ns || o->ts_ns < row->oldest_ts_ns)
		row->oldest_ts_ns = o->ts_ns;
	if (o->ts_ns + c->min_age_ns <= r->now_ns) {
		row->aged_count++;
		row->aged_bytes += o->size;
	}
	if (o->stack_id >= 0 &&
	    ref_push(&r->stacks, &r->nstacks, &c->cap, (uint32_t)i, o->stack_id))
		c->err = -ENOMEM;
	if (ref_push(&r->pids, &r->npids, &c->pid_cap, (uint32_t)i, (int32_t)o->pid))
		c->err = -ENOMEM;
}

static int stack_ref_cmp(const void *a, const void *b)
{
	const struct trace_stack_ref *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return (x->stack_id > y->stack_id) - (x->stack_id < y->stack_id);
}

static void read_progs(struct trace_session *s, struct trace_read *r)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, s->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		struct trace_prog_stat *ps;

		if (bpf_program__fd(p) < 0 || r->nprogs == TRACE_PROGS_MAX)
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
			continue;
		ps = &r->progs[r->nprogs++];
		snprintf(ps->name, sizeof(ps->name), "%s",
			 strchr(bpf_program__section_name(p), '/') + 1);
		ps->run_count = info.run_cnt;
		ps->run_time_ns = info.run_time_ns;
		ps->recursion_misses = info.recursion_misses;
		r->recursion_misses += info.recursion_misses;
	}
}

int trace_session_read(struct trace_session *s, uint64_t min_age_ns,
		       struct trace_read *r, struct kerr *e)
{
	struct read_ctx c = { .s = s, .r = r, .min_age_ns = min_age_ns };
	size_t vsz = sizeof(struct trace_site_val) * (size_t)s->ncpus;
	__u64 *pc = s->vals;
	int ret;

	memset(r, 0, sizeof(*r));
	r->now_ns = mono_ns();
	for (__u32 i = 0; i < TC_NR; i++) {
		if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.counters), &i, pc))
			continue;
		for (int cpu = 0; cpu < s->ncpus; cpu++)
			r->counters[i] += pc[cpu];
	}
	ret = map_each(s, bpf_map__fd(s->skel->maps.sites), sizeof(struct trace_site_key),
		       vsz, site_entry, &c);
	if (!ret && c.err)
		ret = c.err;
	if (ret)
		goto fail;
	if (r->nrows)
		qsort(r->rows, r->nrows, sizeof(*r->rows), row_cmp);
	c.cap = 0;
	ret = map_each(s, bpf_map__fd(s->skel->maps.objs), sizeof(__u64),
		       sizeof(struct trace_obj), obj_entry, &c);
	if (!ret && c.err)
		ret = c.err;
	if (ret)
		goto fail;
	if (r->nstacks)
		qsort(r->stacks, r->nstacks, sizeof(*r->stacks), stack_ref_cmp);
	if (r->npids)
		qsort(r->pids, r->npids, sizeof(*r->pids), stack_ref_cmp);
	read_progs(s, r);
	return 0;
fail:
	trace_read_free(r);
	return kerr_set(e, ret, "kleak trace", 0, "reading the BPF maps failed: %s",
			strerror(-ret));
}

void trace_read_free(struct trace_read *r)
{
	if (!r)
		return;
	free(r->rows);
	free(r->stacks);
	free(r->pids);
	memset(r, 0, sizeof(*r));
}

int trace_session_cache_name(struct trace_session *s, uint64_t cache, char *name,
			     size_t len)
{
	char buf[TRACE_CACHE_NAME_LEN];

	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.cache_names), &cache, buf))
		return -ENOENT;
	buf[sizeof(buf) - 1] = 0;
	snprintf(name, len, "%s", buf);
	return 0;
}

size_t trace_session_stack(struct trace_session *s, int32_t id, uint64_t *frames,
			   size_t max)
{
	__u64 ips[127];
	size_t n = 0;

	if (id < 0 || bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.stacks), &id, ips))
		return 0;
	while (n < max && n < 127 && ips[n]) {
		frames[n] = ips[n];
		n++;
	}
	return n;
}

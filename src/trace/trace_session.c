// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle and reads of trace.bpf.c. What the kernel offers is probed
 * in its BTF (a raw tracepoint NAME exists when the type btf_trace_NAME
 * does), so neither tracefs nor debugfs is needed; programs for absent or
 * unrequested tracepoints are not loaded (bpf_program__set_autoload).
 * Links are held only by this process's file descriptors and nothing is
 * pinned: when the process dies, by any signal, the kernel detaches all.
 * A read fetches every kernel fact the report needs (maps, stacks, cache
 * names, comms), so that building the report touches nothing.
 */
#include "trace/trace_session.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "trace/map_mem.h"
#include "util/clock.h"
#include "util/compiler.h"
#include "util/vec.h"
#include "trace.skel.h"

#define READ_CHUNK 4096u

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
	return !strcmp(tp, "kmalloc_node") || !strcmp(tp, "kmem_cache_alloc_node");
}

/*
 * --cache: the merged cache's name, what s->name says in the tracepoints
 * whichever alias the user gave; a kmalloc-N cache also selects the
 * kmalloc events of its size whose gfp flags pick its flavour.
 */
static void cache_filter(struct trace_bpf *skel, const struct target_cache *c)
{
	skel->rodata->cache_filter_on = true;
	skel->rodata->kmalloc_filter_size = c->kmalloc_size;
	skel->rodata->kmalloc_filter_types = 1u << c->kmalloc_type;
	snprintf((char *)skel->rodata->cache_filter, TRACE_CACHE_NAME_LEN, "%s", c->cache);
}

uint32_t trace_sites_entries(int ncpus)
{
	uint64_t n = TRACE_SITES_BUDGET /
		     ((uint64_t)(ncpus > 0 ? ncpus : 1) * sizeof(struct trace_site_val));

	return n > TRACE_SITES_MAX ? TRACE_SITES_MAX : n < TRACE_SITES_MIN ? TRACE_SITES_MIN : n;
}

/* --sample: the run's seed, from the kernel's random pool unless given. */
static uint64_t seed_pick(const struct trace_opts *o)
{
	uint64_t seed = 0;

	if (o->seed_given)
		return o->sample_seed;
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = clock_mono_ns() ^ ((uint64_t)getpid() << 32);
	return seed & TRACE_SEED_MAX;
}

/* What the running kernel's tracepoints look like, in rodata. */
static void configure_kernel(struct trace_bpf *skel, const struct btf *btf)
{
	const struct btf_type *proto;

	proto = tp_proto(btf, "kmem_cache_alloc");
	skel->rodata->cache_alloc_has_s = proto && param_is_ptr(btf, proto, 3);
	proto = tp_proto(btf, "percpu_alloc_percpu");
	skel->rodata->percpu_has_site = proto && btf_vlen(proto) >= 10;
}

/* Programs of the asked-for families that this kernel has; true when a
 * loaded one needs stacks (events without a call site). */
static bool choose_programs(struct trace_session *s, const struct btf *btf)
{
	const struct trace_opts *o = &s->opts;
	struct trace_info *in = &s->info;
	struct bpf_program *p;
	bool need_stacks = false;

	bpf_object__for_each_program(p, s->skel->obj) {
		const char *tp = strchr(bpf_program__section_name(p), '/') + 1;
		enum family f = prog_family(tp);
		bool want = (f == FAM_SLAB && !o->no_slab) || (f == FAM_PAGE && o->pages) ||
			    (f == FAM_PERCPU && o->percpu) || (f == FAM_VMALLOC && o->vmalloc);

		if (want && !tp_proto(btf, tp)) {
			if (!is_variant(tp) && in->nmissing < TRACE_PROGS_MAX)
				snprintf(in->missing[in->nmissing++], sizeof(*in->missing), "%s",
					 tp);
			want = false;
		}
		bpf_program__set_autoload(p, want);
		if (want && in->nattached < TRACE_PROGS_MAX)
			snprintf(in->attached[in->nattached++], sizeof(*in->attached), "%s", tp);
		if (want && (f == FAM_PAGE || f == FAM_VMALLOC ||
			     (f == FAM_PERCPU && !s->skel->rodata->percpu_has_site)))
			need_stacks = true;
	}
	return need_stacks;
}

static int configure(struct trace_session *s, const struct target *t, const struct btf *btf,
		     struct kerr *e)
{
	struct trace_bpf *skel = s->skel;
	const struct trace_opts *o = &s->opts;
	bool need_stacks;

	target_scope(t, &skel->rodata->scope);
	skel->rodata->kmalloc_gfp_bits = t->kmalloc_gfp_bits;
	if (t->thread_size)
		skel->rodata->kleak_thread_size = t->thread_size;
	skel->rodata->kmalloc_noobj_gfp = t->kmalloc_noobj_gfp;
	if (t->has_cache)
		cache_filter(skel, &t->cache);
	skel->rodata->min_size = o->min_size;
	skel->rodata->sample_every = s->info.sample;
	skel->rodata->sample_below = (1ull << 32) / skel->rodata->sample_every;
	skel->rodata->sample_seed = s->info.sample_seed;
	skel->rodata->stack_every = o->stack_every;
	if (o->stack_every)
		skel->rodata->stack_below = (1ull << 16) / o->stack_every;
	configure_kernel(skel, btf);
	need_stacks = choose_programs(s, btf) || o->stack_every > 0;
	if (!s->info.nattached)
		return kerr_set(e, -ENOENT, "kleak trace", 0,
				"none of the kmem tracepoints exists in this kernel");
	bpf_map__set_max_entries(skel->maps.objs, o->max_entries);
	s->info.max_callsites = trace_sites_entries(s->ncpus);
	bpf_map__set_max_entries(skel->maps.sites, s->info.max_callsites);
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
	char why[400];

	if (err == -EPERM || err == -EACCES)
		return kerr_set(e, err, "kleak trace", 0,
				"loading BPF programs was refused: run as root (CAP_BPF and "
				"CAP_PERFMON)%s",
				geteuid() ? "" : "; a security policy may forbid BPF");
	return kerr_set(e, err, "kleak trace", 0,
			"loading the BPF programs failed: %s (set KLEAK_DEBUG=1 for the "
			"verifier's log)",
			loader_why(err, why, sizeof(why)));
}

/*
 * What the maps hold: fdinfo's memlock from 6.4, where it is the kernel's
 * own ->map_mem_usage; before, computed the same way (map_mem.h), since
 * memlock there leaves out elements' headers, buckets and per-CPU copies.
 */
static void map_bytes(struct trace_session *s, const struct btf *btf)
{
	struct map_mem_sizes z;
	char release[128] = "";
	uint64_t computed = 0;
	struct bpf_map *m;
	FILE *f;

	map_mem_sizes_btf(btf, &z);
	z.page_size = (uint32_t)sysconf(_SC_PAGESIZE);
	bpf_object__for_each_map(m, s->skel->obj) {
		struct map_mem_shape sh = {
			.type = bpf_map__type(m),
			.key_size = bpf_map__key_size(m),
			.value_size = bpf_map__value_size(m),
			.max_entries = bpf_map__max_entries(m),
			.flags = bpf_map__map_flags(m),
		};
		uint64_t fd_bytes, mine;

		if (bpf_map__fd(m) < 0)
			continue;
		fd_bytes = map_memlock(bpf_map__fd(m));
		mine = map_mem_usage(&z, &sh, s->ncpus);
		s->info.map_bytes_fdinfo += fd_bytes;
		computed += mine;
		if (getenv("KLEAK_DEBUG"))
			fprintf(stderr, "kleak trace: map %s: fdinfo memlock %llu, computed %llu\n",
				bpf_map__name(m), (unsigned long long)fd_bytes,
				(unsigned long long)mine);
	}
	s->info.map_bytes = s->info.map_bytes_fdinfo;
	f = fopen("/proc/sys/kernel/osrelease", "r");
	if (f && fgets(release, sizeof(release), f) && map_mem_fdinfo_understates(release))
		s->info.map_bytes = computed;
	if (f)
		fclose(f);
	if (getenv("KLEAK_DEBUG"))
		fprintf(stderr, "kleak trace: maps: fdinfo memlock %llu, computed %llu\n",
			(unsigned long long)s->info.map_bytes_fdinfo, (unsigned long long)computed);
}

/*
 * The programs stamp each object with kleak_clock_ns, which this thread
 * writes every KLEAK_CLOCK_TICK_NS (a helper call to read the clock in
 * every allocation cost more than the rest of its bookkeeping: see
 * kleak.bpf.h). Signals stay with the main thread: this one blocks them.
 */
static void *clock_main(void *arg)
{
	struct trace_session *s = arg;
	const struct timespec tick = { 0, (long)KLEAK_CLOCK_TICK_NS };

	while (!s->clock_stop) {
		__atomic_store_n(&s->skel->bss->kleak_clock_ns, clock_mono_ns(), __ATOMIC_RELAXED);
		nanosleep(&tick, NULL);
	}
	return NULL;
}

static int clock_start(struct trace_session *s, struct kerr *e)
{
	sigset_t all, old;
	int ret;

	s->skel->bss->kleak_clock_ns = clock_mono_ns(); /* before the first event */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&s->clock_thread, NULL, clock_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return kerr_set(e, -ret, "kleak trace", 0, "cannot start the clock thread: %s",
				strerror(ret));
	s->clock_running = true;
	return 0;
}

static void clock_stop(struct trace_session *s)
{
	if (!s->clock_running)
		return;
	s->clock_stop = true;
	pthread_join(s->clock_thread, NULL);
	s->clock_running = false;
}

/* After attaching: the buffers of batch reads. */
static int attached(struct trace_session *s, struct kerr *e)
{
	s->info.start_ns = clock_mono_ns();
	/* one chunk of a batch read: objects, or per-CPU call-site sums */
	s->buf_entries = READ_CHUNK;
	s->keys = malloc(READ_CHUNK * sizeof(struct trace_site_key));
	s->vals = malloc(READ_CHUNK * (sizeof(struct trace_obj) +
				       sizeof(struct trace_site_val) * (size_t)s->ncpus));
	if (!s->keys || !s->vals)
		return kerr_set(e, -ENOMEM, "kleak trace", 0, "out of memory");
	return 0;
}

int trace_session_open(struct trace_session *s, const struct trace_opts *o, const struct target *t,
		       struct kerr *e)
{
	struct btf *btf = NULL;
	int ret;

	memset(s, 0, sizeof(*s));
	s->opts = *o;
	if (!s->opts.max_entries)
		s->opts.max_entries = TRACE_DEFAULT_MAX_ENTRIES;
	s->info.max_entries = s->opts.max_entries;
	s->info.sample = s->opts.sample > 1 ? s->opts.sample : 1;
	s->info.sample_seed = seed_pick(&s->opts);
	loader_log_init();
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
	ret = configure(s, t, btf, e);
	if (ret)
		goto out;
	ret = trace_bpf__load(s->skel);
	if (ret) {
		ret = load_error(ret, e);
		goto out;
	}
	ret = clock_start(s, e);
	if (ret)
		goto out;
	ret = trace_bpf__attach(s->skel);
	if (ret) {
		ret = kerr_set(e, ret, "kleak trace", 0, "attaching to the tracepoints failed: %s",
			       strerror(-ret));
		goto out;
	}
	map_bytes(s, btf);
	ret = attached(s, e);
out:
	btf__free(btf);
	if (ret)
		trace_session_close(s);
	return ret;
}

bool trace_kernel_has(const char *tp)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool has = btf && tp_proto(btf, tp);

	btf__free(btf);
	return has;
}

void trace_session_close(struct trace_session *s)
{
	if (!s)
		return;
	clock_stop(s);
	trace_bpf__destroy(s->skel);
	trace_stack_table_free(&s->stacks);
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
static int map_each(struct trace_session *s, int fd, size_t ksz, size_t vsz, entry_fn fn, void *ctx)
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

static int row_cmp(const void *a, const void *b)
{
	return trace_site_key_cmp(&((const struct trace_site_row *)a)->key,
				  &((const struct trace_site_row *)b)->key);
}

struct read_ctx {
	struct trace_session *s;
	struct trace_read *r;
	size_t cap, stack_cap, pid_cap;
	uint64_t min_age_ns;
	int err;
};

static void site_entry(void *vctx, const void *key, const void *val)
{
	struct read_ctx *c = vctx;
	const struct trace_site_val *pc = val;
	struct trace_site_row row = { 0 };

	memcpy(&row.key, key, sizeof(row.key));
	for (int i = 0; i < c->s->ncpus; i++) {
		row.sum.objs += pc[i].objs;
		row.sum.obj_bytes += pc[i].obj_bytes;
		row.sum.frees += pc[i].frees;
		row.sum.free_bytes += pc[i].free_bytes;
		row.sum.repaired += pc[i].repaired;
		row.sum.repaired_bytes += pc[i].repaired_bytes;
		row.sum.missed_deletes += pc[i].missed_deletes;
		row.sum.allocs += pc[i].allocs;
		row.sum.alloc_bytes += pc[i].alloc_bytes;
	}
	if (vec_push(&c->r->rows, &c->r->nrows, &c->cap, sizeof(row), &row))
		c->err = -ENOMEM;
}

static void obj_entry(void *vctx, const void *key, const void *val)
{
	struct read_ctx *c = vctx;
	struct trace_read *r = c->r;
	const struct trace_obj *o = val;
	struct trace_site_row *row;
	struct trace_ref ref;
	long i;

	r->objects++;
	i = trace_read_find(r, &o->site);
	if (i < 0)
		return;
	row = &r->rows[i];
	row->objects++;
	if (!row->oldest_ts_ns || o->origin.alloc_ns < row->oldest_ts_ns)
		row->oldest_ts_ns = o->origin.alloc_ns;
	/* stamped up to a tick before it was made: aged only when surely old enough */
	if (!c->min_age_ns ||
	    o->origin.alloc_ns + KLEAK_CLOCK_TICK_NS + c->min_age_ns <= r->now_ns) {
		row->aged_count++;
		row->aged_bytes += o->size;
	}
	ref.row = (uint32_t)i;
	ref.val = o->stack_id;
	if (o->stack_id >= 0 &&
	    vec_push(&r->stack_refs, &r->nstack_refs, &c->stack_cap, sizeof(ref), &ref))
		c->err = -ENOMEM;
	ref.val = trace_ref_who(o->origin.tgid, o->origin.ctx);
	if (vec_push(&r->pid_refs, &r->npid_refs, &c->pid_cap, sizeof(ref), &ref))
		c->err = -ENOMEM;
}

static void read_counters(struct trace_session *s, struct trace_read *r)
{
	__u64 *pc = s->vals;

	for (__u32 i = 0; i < TC_NR; i++) {
		if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.counters), &i, pc))
			continue;
		for (int cpu = 0; cpu < s->ncpus; cpu++)
			r->counters[i] += pc[cpu];
	}
}

/* Call-site sums, then the object scan that fills ages and references. */
static int read_maps(struct trace_session *s, uint64_t min_age_ns, struct trace_read *r)
{
	struct read_ctx c = { .s = s, .r = r, .min_age_ns = min_age_ns };
	size_t vsz = sizeof(struct trace_site_val) * (size_t)s->ncpus;
	int ret;

	ret = map_each(s, bpf_map__fd(s->skel->maps.sites), sizeof(struct trace_site_key), vsz,
		       site_entry, &c);
	if (ret || c.err)
		return ret ? ret : c.err;
	if (r->nrows)
		qsort(r->rows, r->nrows, sizeof(*r->rows), row_cmp);
	ret = map_each(s, bpf_map__fd(s->skel->maps.objs), sizeof(__u64), sizeof(struct trace_obj),
		       obj_entry, &c);
	if (ret || c.err)
		return ret ? ret : c.err;
	if (r->nstack_refs)
		qsort(r->stack_refs, r->nstack_refs, sizeof(*r->stack_refs), trace_ref_cmp);
	if (r->npid_refs)
		qsort(r->pid_refs, r->npid_refs, sizeof(*r->pid_refs), trace_ref_cmp);
	return 0;
}

static int id_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* The stack ids the rows (events without a call site) and objects name,
 * sorted, each once. */
static int stack_ids(const struct trace_read *r, int32_t **ids, size_t *n)
{
	size_t cap = 0, k = 0;
	int32_t id;

	for (size_t i = 0; i < r->nrows; i++)
		if ((id = trace_tag_stack(r->rows[i].key.tag)) >= 0 &&
		    vec_push(ids, n, &cap, sizeof(id), &id))
			return -ENOMEM;
	for (size_t i = 0; i < r->nstack_refs; i++)
		if (vec_push(ids, n, &cap, sizeof(id), &r->stack_refs[i].val))
			return -ENOMEM;
	if (!*n)
		return 0;
	qsort(*ids, *n, sizeof(**ids), id_cmp);
	for (size_t i = 0; i < *n; i++)
		if (!k || (*ids)[i] != (*ids)[k - 1])
			(*ids)[k++] = (*ids)[i];
	*n = k;
	return 0;
}

/* Reads the stacks the session's table lacks (an id's frames never change). */
static int read_stacks(struct trace_session *s, struct trace_read *r)
{
	int fd = bpf_map__fd(s->skel->maps.stacks);
	int32_t *ids = NULL;
	size_t n = 0, k = 0;
	int ret = stack_ids(r, &ids, &n);

	for (size_t i = 0; i < n && !ret; i++)
		if (!trace_stack_table_find(&s->stacks, ids[i]))
			ids[k++] = ids[i];
	for (size_t i = 0; i < k && !ret; i++) {
		uint64_t ips[TRACE_STACK_DEPTH];
		size_t nf = 0;

		if (bpf_map_lookup_elem(fd, &ids[i], ips))
			continue; /* not there: shown without frames */
		while (nf < TRACE_STACK_DEPTH && ips[nf])
			nf++;
		ret = trace_stack_table_add(&s->stacks, ids[i], ips, nf);
	}
	trace_stack_table_sort(&s->stacks);
	r->stacks = &s->stacks;
	free(ids);
	return ret;
}

struct cache_ctx {
	struct trace_read *r;
	size_t cap;
	int err;
};

static void cache_entry(void *vctx, const void *key, const void *val)
{
	struct cache_ctx *c = vctx;
	struct trace_cache_name cn;

	memcpy(&cn.cache, key, sizeof(cn.cache));
	memcpy(cn.name, val, sizeof(cn.name));
	cn.name[sizeof(cn.name) - 1] = 0;
	if (vec_push(&c->r->caches, &c->r->ncaches, &c->cap, sizeof(cn), &cn))
		c->err = -ENOMEM;
}

static int cache_cmp(const void *a, const void *b)
{
	const struct trace_cache_name *x = a, *y = b;

	return (x->cache > y->cache) - (x->cache < y->cache);
}

/* The names of the kmem_caches the programs saw (filled on first use). */
static int read_cache_names(struct trace_session *s, struct trace_read *r)
{
	struct cache_ctx c = { .r = r };
	int ret = map_each(s, bpf_map__fd(s->skel->maps.cache_names), sizeof(__u64),
			   TRACE_CACHE_NAME_LEN, cache_entry, &c);

	if (ret || c.err)
		return ret ? ret : c.err;
	if (r->ncaches)
		qsort(r->caches, r->ncaches, sizeof(*r->caches), cache_cmp);
	return 0;
}

static void comm_read(uint32_t pid, char *comm, size_t len)
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

static int pid_cmp(const void *a, const void *b)
{
	const struct trace_comm *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The comm of every process that holds objects, from /proc (gone: ""). */
static int read_comms(struct trace_read *r)
{
	size_t cap = 0, n = 0;

	for (size_t i = 0; i < r->npid_refs; i++) {
		struct trace_comm c = { .pid = (uint32_t)r->pid_refs[i].val };

		if (r->pid_refs[i].val <= 0) /* interrupt context: no process */
			continue;
		if (vec_push(&r->comms, &r->ncomms, &cap, sizeof(c), &c))
			return -ENOMEM;
	}
	if (!r->ncomms)
		return 0;
	qsort(r->comms, r->ncomms, sizeof(*r->comms), pid_cmp);
	for (size_t i = 0; i < r->ncomms; i++)
		if (!n || r->comms[i].pid != r->comms[n - 1].pid)
			r->comms[n++] = r->comms[i];
	r->ncomms = n;
	for (size_t i = 0; i < n; i++)
		comm_read(r->comms[i].pid, r->comms[i].comm, sizeof(r->comms[i].comm));
	return 0;
}

int trace_session_read(struct trace_session *s, uint64_t min_age_ns, struct trace_read *r,
		       struct kerr *e)
{
	int ret;

	memset(r, 0, sizeof(*r));
	r->info = &s->info;
	r->now_ns = clock_mono_ns();
	read_counters(s, r);
	ret = read_maps(s, min_age_ns, r);
	if (!ret)
		ret = read_stacks(s, r);
	if (!ret)
		ret = read_cache_names(s, r);
	if (!ret)
		ret = read_comms(r);
	if (ret) {
		trace_read_free(r);
		return kerr_set(e, ret, "kleak trace", 0, "reading the BPF maps failed: %s",
				strerror(-ret));
	}
	r->nprogs = loader_prog_stats(s->skel->obj, r->progs, ARRAY_SIZE(r->progs));
	for (size_t i = 0; i < r->nprogs; i++)
		r->recursion_misses += r->progs[i].recursion_misses;
	return 0;
}

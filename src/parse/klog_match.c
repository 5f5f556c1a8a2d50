// SPDX-License-Identifier: GPL-2.0
/*
 * One message line of a memory report, read. The lines, as 6.1 and 6.12
 * print them (mm/oom_kill.c, mm/page_alloc.c warn_alloc(), mm/vmalloc.c,
 * mm/slub.c slab_out_of_memory(), mm/show_mem.c, mm/slab_common.c
 * dump_unreclaimable_slab(), lib/alloc_tag.c, mm/kmemleak.c):
 *
 *   awk invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0
 *   CPU: 0 UID: 0 PID: 105 Comm: awk Tainted: G O 6.12.117-kmemtest #2   (6.1: no UID)
 *   memory: usage 16384kB, limit 16384kB, failcnt 46
 *   Memory cgroup stats for /kleak-test/oom-victim:   then "anon 16732160" ...
 *   Mem-Info:   then "active_anon:515 inactive_anon:1738 isolated_anon:0" ...
 *   524158 pages RAM / 23234 pages reserved / Free swap  = 0kB
 *   Memory allocations:   then "1.80 GiB  460 mm/x.c:38 [mod] func:f"
 *   Unreclaimable slab info:   then "kleak_oom_cache  237696KB  237696KB"
 *   oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,
 *     mems_allowed=0,oom_memcg=/a/b,task_memcg=/a/b,task=awk,pid=105,uid=0
 *   Memory cgroup out of memory: Killed process 105 (awk) total-vm:25560kB,
 *     anon-rss:16312kB, file-rss:0kB, shmem-rss:1580kB, UID:0 pgtables:80kB
 *     oom_score_adj:0
 *   tests/x.c:34 module kleak_kmalloc_leak func:leak_kmalloc_work has
 *     1098240 allocated at module unload
 *   kmemleak: 199 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
 *   insmod: page allocation failure: order:10, mode:0x10cc0(GFP_KERNEL|
 *     __GFP_NORETRY), nodemask=(null),cpuset=/,mems_allowed=0
 *   insmod: vmalloc error: size 1099511627776, exceeds total pages,
 *     mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0
 *   SLUB: Unable to allocate memory on node -1, gfp=0x10cc0(GFP_KERNEL|...)
 *     (6.12: "... on CPU 0 (of node 0) on node -1, gfp=...")
 *   cache: kleak_oom_cache, object size: 8192, buffer size: 8192,
 *     default order: 3, min order: 1
 *   node 0: slabs: 8199, objs: 32784, free: 0
 *
 * (Wrapped here; each is one line.) Every number goes through the strict
 * helpers; a line that does not fit its pattern in every part is not
 * taken, and the event is left as it was.
 */
#include "klog_int.h"

#include <string.h>

#include "util/buf.h"
#include "util/num.h"

bool klog_starts(const char *s, size_t n, const char *pfx)
{
	size_t k = strlen(pfx);

	return n >= k && !memcmp(s, pfx, k);
}

const char *klog_find(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle));
}

static const char *find_last(const char *s, size_t n, const char *needle)
{
	const char *last = NULL, *p = s, *end = s + n;

	while ((p = klog_find(p, (size_t)(end - p), needle))) {
		last = p;
		p++;
	}
	return last;
}

void klog_copy(char *dst, size_t dstlen, const char *s, size_t n)
{
	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* A decimal number at *p: advances *p past it. */
static bool u64_at(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;

	while (*p < end && is_digit(**p))
		(*p)++;
	return *p > s && !num_u64(s, (size_t)(*p - s), v);
}

static bool i64_at(const char **p, const char *end, int64_t *v)
{
	const char *s = *p;

	if (*p < end && **p == '-')
		(*p)++;
	while (*p < end && is_digit(**p))
		(*p)++;
	return *p > s && !num_i64(s, (size_t)(*p - s), v);
}

static bool int_at(const char **p, const char *end, int *v)
{
	int64_t x;

	if (!i64_at(p, end, &x) || x < -1000000000 || x > 1000000000)
		return false;
	*v = (int)x;
	return true;
}

static bool lit(const char **p, const char *end, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(end - *p) < n || memcmp(*p, s, n))
		return false;
	*p += n;
	return true;
}

/* "1234kB" */
static bool kb_at(const char **p, const char *end, uint64_t *bytes)
{
	uint64_t kb;

	return u64_at(p, end, &kb) && lit(p, end, "kB") && num_mul_u64(kb, 1024, bytes);
}

/* "0x10cc0(GFP_KERNEL|__GFP_NORETRY)": the flags in parentheses may be empty. */
static bool gfp_at(const char **p, const char *end, uint32_t *mask, char *flags, size_t flen)
{
	const char *s = *p, *close;
	uint64_t v;

	if (!lit(p, end, "0x"))
		return false;
	s = *p;
	while (*p < end && ((**p >= '0' && **p <= '9') || (**p >= 'a' && **p <= 'f')))
		(*p)++;
	if (*p == s || num_hex_u64(s, (size_t)(*p - s), &v) || v > UINT32_MAX)
		return false;
	*mask = (uint32_t)v;
	flags[0] = '\0';
	if (*p < end && **p == '(') {
		close = memchr(*p, ')', (size_t)(end - *p));
		if (!close)
			return false;
		klog_copy(flags, flen, *p + 1, (size_t)(close - *p - 1));
		*p = close + 1;
	}
	return true;
}

/* The text before a marker, as the comm of the task that printed it. */
static bool comm_before(const char *t, const char *marker, char *comm)
{
	if (marker == t)
		return false;
	klog_copy(comm, KLOG_COMM_LEN, t, (size_t)(marker - t));
	return true;
}

bool klog_match_oom_start(const char *t, size_t n, struct klog_event *ev, struct klog_oom *oom)
{
	static const char mk[] = " invoked oom-killer: gfp_mask=";
	const char *m = klog_find(t, n, mk), *end = t + n, *p, *q;

	if (!m)
		return false;
	p = m + sizeof(mk) - 1;
	if (!gfp_at(&p, end, &oom->gfp_mask, oom->gfp_flags, sizeof(oom->gfp_flags)))
		return false;
	/* 4.x has ", nodemask=..." before the order */
	q = klog_find(p, (size_t)(end - p), ", order=");
	if (!q)
		return false;
	p = q + 8;
	if (!int_at(&p, end, &oom->order) || !lit(&p, end, ", oom_score_adj=") ||
	    !int_at(&p, end, &oom->oom_score_adj))
		return false;
	return comm_before(t, m, ev->comm);
}

bool klog_match_unload(const char *t, size_t n, struct klog_event *ev)
{
	static const char tail[] = " allocated at module unload";
	const char *end = t + n, *mod, *fn, *has, *p;
	struct klog_unload *u = &ev->unload;
	uint64_t bytes;

	if (n < sizeof(tail) || memcmp(end - (sizeof(tail) - 1), tail, sizeof(tail) - 1))
		return false;
	end -= sizeof(tail) - 1;
	mod = klog_find(t, (size_t)(end - t), " module ");
	fn = mod ? klog_find(mod, (size_t)(end - mod), " func:") : NULL;
	has = fn ? find_last(fn, (size_t)(end - fn), " has ") : NULL;
	if (!has || mod == t || memchr(t, ' ', (size_t)(mod - t)) ||
	    !memchr(t, ':', (size_t)(mod - t)) || fn == mod + 8 || has == fn + 6)
		return false;
	p = has + 5;
	if (!u64_at(&p, end, &bytes) || p != end)
		return false;
	klog_copy(u->site, sizeof(u->site), t, (size_t)(mod - t));
	klog_copy(u->module, sizeof(u->module), mod + 8, (size_t)(fn - mod - 8));
	klog_copy(u->function, sizeof(u->function), fn + 6, (size_t)(has - fn - 6));
	u->bytes = bytes;
	return true;
}

bool klog_match_kmemleak(const char *t, size_t n, struct klog_event *ev)
{
	const char *p = t, *end = t + n;
	uint64_t v;

	if (!lit(&p, end, "kmemleak: ") || !u64_at(&p, end, &v) ||
	    !lit(&p, end, " new suspected memory leak"))
		return false;
	ev->count = v;
	return true;
}

/* ", nodemask=(null)" up to the next ',' (cpuset_print_current_mems_allowed) */
static void nodemask(const char *p, const char *end, char *dst, size_t dlen)
{
	const char *q = klog_find(p, (size_t)(end - p), "nodemask=");
	const char *c;

	if (!q)
		return;
	q += 9;
	c = memchr(q, ',', (size_t)(end - q));
	klog_copy(dst, dlen, q, (size_t)((c ? c : end) - q));
}

bool klog_match_page_failure(const char *t, size_t n, struct klog_event *ev)
{
	static const char mk[] = ": page allocation failure: order:";
	const char *m = klog_find(t, n, mk), *end = t + n, *p;
	struct klog_alloc_failure *f = &ev->fail;
	uint64_t order;

	if (!m)
		return false;
	p = m + sizeof(mk) - 1;
	if (!u64_at(&p, end, &order) || order > 64 || !lit(&p, end, ", mode:") ||
	    !gfp_at(&p, end, &f->gfp_mask, f->gfp_flags, sizeof(f->gfp_flags)))
		return false;
	f->order = (unsigned)order;
	nodemask(p, end, f->nodemask, sizeof(f->nodemask));
	return comm_before(t, m, ev->comm);
}

bool klog_match_vmalloc_error(const char *t, size_t n, struct klog_event *ev)
{
	static const char mk[] = ": vmalloc error: size ";
	const char *m = klog_find(t, n, mk), *end = t + n, *p, *mode;
	struct klog_alloc_failure *f = &ev->fail;

	if (!m)
		return false;
	p = m + sizeof(mk) - 1;
	if (!u64_at(&p, end, &f->size))
		return false;
	mode = find_last(p, (size_t)(end - p), ", mode:");
	if (!mode)
		return false;
	if (lit(&p, mode, ", "))
		klog_copy(f->reason, sizeof(f->reason), p, (size_t)(mode - p));
	p = mode + 7;
	if (!gfp_at(&p, end, &f->gfp_mask, f->gfp_flags, sizeof(f->gfp_flags)))
		return false;
	nodemask(p, end, f->nodemask, sizeof(f->nodemask));
	return comm_before(t, m, ev->comm);
}

bool klog_match_slub_start(const char *t, size_t n, struct klog_event *ev)
{
	const char *p = t, *end = t + n, *q;
	struct klog_slub *s = &ev->slub;

	if (!lit(&p, end, "SLUB: Unable to allocate memory on "))
		return false;
	q = find_last(p, (size_t)(end - p), "on node ");
	if (!q && lit(&p, end, "node "))
		q = p - 8;
	if (!q)
		return false;
	p = q + 8;
	return int_at(&p, end, &s->node) && lit(&p, end, ", gfp=") &&
	       gfp_at(&p, end, &s->gfp_mask, s->gfp_flags, sizeof(s->gfp_flags));
}

bool klog_match_slub_cache(const char *t, size_t n, struct klog_slub *s)
{
	const char *p = t, *end = t + n, *q;
	uint64_t dord, mord;

	if (!lit(&p, end, "cache: "))
		return false;
	q = klog_find(p, (size_t)(end - p), ", object size: ");
	if (!q || q == p)
		return false;
	klog_copy(s->cache, sizeof(s->cache), p, (size_t)(q - p));
	p = q + 15;
	if (!u64_at(&p, end, &s->object_size) || !lit(&p, end, ", buffer size: ") ||
	    !u64_at(&p, end, &s->buffer_size) || !lit(&p, end, ", default order: ") ||
	    !u64_at(&p, end, &dord) || !lit(&p, end, ", min order: ") || !u64_at(&p, end, &mord) ||
	    dord > 64 || mord > 64)
		return false;
	s->default_order = (unsigned)dord;
	s->min_order = (unsigned)mord;
	return true;
}

bool klog_match_slub_node(const char *t, size_t n, struct klog_slub *s)
{
	const char *p = t, *end = t + n;
	uint64_t node, slabs, objs, nfree;

	if (!lit(&p, end, "node ") || !u64_at(&p, end, &node) || !lit(&p, end, ": slabs: ") ||
	    !u64_at(&p, end, &slabs) || !lit(&p, end, ", objs: ") || !u64_at(&p, end, &objs) ||
	    !lit(&p, end, ", free: ") || !u64_at(&p, end, &nfree) || p != end)
		return false;
	if (!num_add_u64(s->slabs, slabs, &s->slabs) || !num_add_u64(s->objs, objs, &s->objs) ||
	    !num_add_u64(s->free, nfree, &s->free))
		return false;
	return true;
}

bool klog_match_cpu(const char *t, size_t n, int64_t *pid, char *comm, size_t commlen)
{
	const char *p = t, *end = t + n, *c, *tail;

	if (!lit(&p, end, "CPU: ") || !(p = klog_find(p, (size_t)(end - p), " PID: ")))
		return false;
	p += 6;
	if (!i64_at(&p, end, pid) || !lit(&p, end, " Comm: "))
		return false;
	c = p;
	tail = find_last(c, (size_t)(end - c), " Tainted: ");
	if (!tail)
		tail = find_last(c, (size_t)(end - c), " Not tainted");
	klog_copy(comm, commlen, c, (size_t)((tail ? tail : end) - c));
	return true;
}

struct key_field {
	const char *key;
	size_t off;
};

#define MI(f)                                         \
	{                                             \
#f, offsetof(struct klog_mem_info, f) \
	}
static const struct key_field meminfo_keys[] = {
	MI(active_anon),
	MI(inactive_anon),
	MI(isolated_anon),
	MI(active_file),
	MI(inactive_file),
	MI(isolated_file),
	MI(unevictable),
	MI(dirty),
	MI(writeback),
	MI(slab_reclaimable),
	MI(slab_unreclaimable),
	MI(mapped),
	MI(shmem),
	MI(pagetables),
	MI(free),
};

static bool set_key(const struct key_field *keys, size_t nkeys, void *base, const char *k,
		    size_t klen, uint64_t v)
{
	for (size_t i = 0; i < nkeys; i++)
		if (strlen(keys[i].key) == klen && !memcmp(keys[i].key, k, klen)) {
			memcpy((char *)base + keys[i].off, &v, sizeof(v));
			return true;
		}
	return false;
}

/* "N pages RAM", "N pages reserved", "N total pagecache pages" */
static bool meminfo_counts(struct field *f, int nf, struct klog_mem_info *m)
{
	uint64_t v;

	if (nf < 3 || num_u64(f[0].s, f[0].len, &v))
		return false;
	if (nf == 3 && field_eq(&f[1], "pages") && field_eq(&f[2], "RAM")) {
		m->ram_pages = v;
		m->have_ram = true;
	} else if (nf == 3 && field_eq(&f[1], "pages") && field_eq(&f[2], "reserved")) {
		m->reserved_pages = v;
		m->have_reserved = true;
	} else if (nf == 4 && field_eq(&f[1], "total") && field_eq(&f[2], "pagecache")) {
		m->pagecache_pages = v;
	} else {
		return false;
	}
	return true;
}

/* "Free swap  = 0kB", "Total swap = 0kB" */
static bool meminfo_swap(struct field *f, int nf, struct klog_mem_info *m)
{
	const char *p;
	uint64_t b;

	if (nf != 4 || !field_eq(&f[1], "swap") || !field_eq(&f[2], "="))
		return false;
	p = f[3].s;
	if (!kb_at(&p, f[3].s + f[3].len, &b) || p != f[3].s + f[3].len)
		return false;
	if (field_eq(&f[0], "Free"))
		m->free_swap_bytes = b;
	else if (field_eq(&f[0], "Total"))
		m->total_swap_bytes = b;
	else
		return false;
	return true;
}

bool klog_match_meminfo(const char *t, size_t n, struct klog_mem_info *m)
{
	struct field f[12];
	int nf = fields_split(t, n, f, 12);
	bool any = false;

	if (nf > 12)
		nf = 12;
	if (meminfo_counts(f, nf, m) || meminfo_swap(f, nf, m))
		return true;
	for (int i = 0; i < nf; i++) { /* "key:N" pairs; Node lines have "kB" */
		const char *c = memchr(f[i].s, ':', f[i].len);
		size_t vl;
		uint64_t v;

		if (!c || c == f[i].s)
			return false;
		vl = f[i].len - (size_t)(c + 1 - f[i].s);
		if (num_u64(c + 1, vl, &v))
			return false;
		any |= set_key(meminfo_keys, sizeof(meminfo_keys) / sizeof(*meminfo_keys), m,
			       f[i].s, (size_t)(c - f[i].s), v);
	}
	return any;
}

/* "1.80 GiB" (string_get_size, units of 1024): rounded bytes. */
static bool human_bytes(const struct field *num, const struct field *unit, uint64_t *out)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v;

	if (num_double(num->s, num->len, &v))
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++)
		if (field_eq(unit, units[i])) {
			double b = v * (double)(1ULL << (10 * i));

			if (b >= 18446744073709551616.0)
				return false;
			*out = (uint64_t)(b + 0.5);
			return true;
		}
	return false;
}

bool klog_match_alloc_site(const char *t, size_t n, struct klog_alloc_site *s)
{
	struct field f[7];
	int nf = fields_split(t, n, f, 7), k = 4;

	if (nf < 5 || nf > 6 || !human_bytes(&f[0], &f[1], &s->bytes) ||
	    num_u64(f[2].s, f[2].len, &s->calls) || !memchr(f[3].s, ':', f[3].len))
		return false;
	s->module[0] = '\0';
	if (nf == 6) {
		if (f[4].len < 3 || f[4].s[0] != '[' || f[4].s[f[4].len - 1] != ']')
			return false;
		klog_copy(s->module, sizeof(s->module), f[4].s + 1, f[4].len - 2);
		k = 5;
	}
	if (!klog_starts(f[k].s, f[k].len, "func:") || f[k].len == 5)
		return false;
	field_copy(s->site, sizeof(s->site), &f[3]);
	klog_copy(s->function, sizeof(s->function), f[k].s + 5, f[k].len - 5);
	return true;
}

static bool kb_field(const struct field *f, uint64_t *bytes)
{
	const char *p = f->s, *end = f->s + f->len;
	uint64_t kb;

	if (f->len < 3 || memcmp(end - 2, "KB", 2))
		return false;
	return u64_at(&p, end - 2, &kb) && p == end - 2 && num_mul_u64(kb, 1024, bytes);
}

/* "%-17s %10luKB %10luKB": the name is all before the two sizes. */
bool klog_match_slab_row(const char *t, size_t n, struct klog_slab_row *r)
{
	const char *end = t + n, *p = end;
	struct field used, total;
	int k;

	for (k = 0; k < 2; k++) { /* the last two fields, from the right */
		const char *fe;

		while (p > t && p[-1] == ' ')
			p--;
		fe = p;
		while (p > t && p[-1] != ' ')
			p--;
		if (k == 0)
			total = (struct field){ p, (size_t)(fe - p) };
		else
			used = (struct field){ p, (size_t)(fe - p) };
	}
	if (!kb_field(&used, &r->used_bytes) || !kb_field(&total, &r->total_bytes))
		return false;
	while (p > t && p[-1] == ' ')
		p--;
	if (p == t)
		return false;
	klog_copy(r->cache, sizeof(r->cache), t, (size_t)(p - t));
	return true;
}

/* "memory: usage 16384kB, limit 16384kB, failcnt 46" (and kmem:, swap:) */
bool klog_match_memcg_usage(const char *t, size_t n, struct klog_oom *oom)
{
	const char *p = t, *end = t + n;
	uint64_t usage, limit, failcnt;
	bool mem = lit(&p, end, "memory: usage "), kmem = false;

	if (!mem && !(kmem = lit(&p, end, "kmem: usage ")) && !lit(&p, end, "swap: usage ") &&
	    !lit(&p, end, "memory+swap: usage "))
		return false;
	if (!kb_at(&p, end, &usage) || !lit(&p, end, ", limit ") || !kb_at(&p, end, &limit) ||
	    !lit(&p, end, ", failcnt ") || !u64_at(&p, end, &failcnt))
		return false;
	if (mem) {
		oom->memcg_usage_bytes = usage;
		oom->memcg_limit_bytes = limit;
		oom->memcg_failcnt = failcnt;
		oom->have_memcg_usage = true;
	} else if (kmem) {
		oom->memcg_kmem_bytes = usage;
	}
	return true;
}

#define MS(k, f)                                \
	{                                       \
		k, offsetof(struct klog_oom, f) \
	}
static const struct key_field memcg_keys[] = {
	MS("anon", memcg_anon),
	MS("file", memcg_file),
	MS("kernel", memcg_kernel),
	MS("shmem", memcg_shmem),
	MS("slab_unreclaimable", memcg_slab_unreclaimable),
	MS("percpu", memcg_percpu),
	MS("vmalloc", memcg_vmalloc),
	MS("sock", memcg_sock),
};

/* "anon 16732160": a memory.stat line (cgroup v2), bytes. */
bool klog_match_memcg_stat(const char *t, size_t n, struct klog_oom *oom)
{
	struct field f[3];
	uint64_t v;

	if (fields_split(t, n, f, 3) != 2 || num_u64(f[1].s, f[1].len, &v))
		return false;
	if (set_key(memcg_keys, sizeof(memcg_keys) / sizeof(*memcg_keys), oom, f[0].s, f[0].len, v))
		oom->have_memcg_stats = true;
	return true;
}

/* The value of ",key=" up to the next marker (or ',' when next is NULL). */
static bool kv(const char *t, const char *end, const char *key, const char *next, char *dst,
	       size_t dlen)
{
	const char *p = klog_find(t, (size_t)(end - t), key), *q;

	if (!p)
		return false;
	p += strlen(key);
	q = next ? klog_find(p, (size_t)(end - p), next) : memchr(p, ',', (size_t)(end - p));
	klog_copy(dst, dlen, p, (size_t)((q ? q : end) - p));
	return true;
}

bool klog_match_constraint(const char *t, size_t n, struct klog_oom *oom)
{
	const char *end = t + n;

	if (!klog_starts(t, n, "oom-kill:constraint=") ||
	    !kv(t, end, "oom-kill:constraint=", NULL, oom->constraint, sizeof(oom->constraint)))
		return false;
	/* cgroup paths may hold commas: each ends at the next key */
	oom->memcg =
		kv(t, end, ",oom_memcg=", ",task_memcg=", oom->oom_memcg, sizeof(oom->oom_memcg));
	kv(t, end, ",task_memcg=", ",task=", oom->task_memcg, sizeof(oom->task_memcg));
	oom->global = klog_find(t, n, ",global_oom,") != NULL;
	return true;
}

/* "...: Killed process 90 (awk) total-vm:48856kB, anon-rss:32444kB, ..." */
bool klog_match_killed(const char *t, size_t n, struct klog_oom *oom)
{
	const char *end = t + n, *p = klog_find(t, n, "Killed process "), *c;
	int64_t pid;

	if (!p)
		return false;
	p += 15;
	if (!i64_at(&p, end, &pid) || !lit(&p, end, " ("))
		return false;
	c = klog_find(p, (size_t)(end - p), ") total-vm:");
	if (!c)
		c = find_last(p, (size_t)(end - p), ")");
	if (!c)
		return false;
	klog_copy(oom->killed_comm, sizeof(oom->killed_comm), p, (size_t)(c - p));
	oom->killed_pid = pid;
	for (p = c + 1; p < end; p++) { /* "key:NkB" and oom_score_adj:N */
		const char *q = p;

		if (lit(&q, end, "total-vm:"))
			kb_at(&q, end, &oom->killed_total_vm_bytes);
		else if (lit(&q, end, "anon-rss:"))
			kb_at(&q, end, &oom->killed_anon_rss_bytes);
		else if (lit(&q, end, "file-rss:"))
			kb_at(&q, end, &oom->killed_file_rss_bytes);
		else if (lit(&q, end, "shmem-rss:"))
			kb_at(&q, end, &oom->killed_shmem_rss_bytes);
		else if (lit(&q, end, "oom_score_adj:"))
			int_at(&q, end, &oom->killed_oom_score_adj);
	}
	oom->killed = true;
	return true;
}

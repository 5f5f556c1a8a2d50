// SPDX-License-Identifier: GPL-2.0
/*
 * The one resolver of what trace and count follow (see target.h): slab
 * caches through SLUB merging and the kmalloc spellings, cgroups in either
 * hierarchy, processes. /sys/kernel/slab is read once per run, here.
 */
#include "trace/target.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "parse/meminfo.h"
#include "source/procfs.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/num.h"
#include "util/suggest.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* Name prefixes of the kmalloc flavours; the longer prefixes first. */
static const struct {
	const char *prefix;
	enum kleak_kmalloc_type type;
	bool rnd; /* followed by "NN-": a random copy (6.6+) */
} kmalloc_flavours[] = {
	{ "dma-kmalloc-", KLEAK_KMALLOC_DMA, false },
	{ "kmalloc-cg-", KLEAK_KMALLOC_CGROUP, false },
	{ "kmalloc-rcl-", KLEAK_KMALLOC_RECLAIM, false },
	{ "kmalloc-rnd-", KLEAK_KMALLOC_NORMAL, true },
	{ "kmalloc-no-objext-", KLEAK_KMALLOC_NO_OBJ_EXT, false },
	{ "kmalloc-", KLEAK_KMALLOC_NORMAL, false },
};

/* "96", "1k", "1K", "1024", "2M": a size without leading zero. */
static bool kmalloc_size_parse(const char *p, uint64_t *size)
{
	unsigned long long n;
	char *end;

	if (*p < '1' || *p > '9')
		return false;
	errno = 0;
	n = strtoull(p, &end, 10);
	if (errno || n > (1ull << 32))
		return false;
	if ((*end == 'k' || *end == 'K') && !end[1])
		n <<= 10;
	else if (*end == 'M' && !end[1])
		n <<= 20;
	else if (*end)
		return false;
	*size = n;
	return true;
}

bool target_kmalloc_parse(const char *name, struct target_kmalloc *k)
{
	const char *p = NULL;
	size_t i;

	k->rnd = -1;
	for (i = 0; i < ARRAY_SIZE(kmalloc_flavours); i++) {
		size_t n = strlen(kmalloc_flavours[i].prefix);

		if (!strncmp(name, kmalloc_flavours[i].prefix, n)) {
			p = name + n;
			break;
		}
	}
	if (!p)
		return false;
	k->type = kmalloc_flavours[i].type;
	if (kmalloc_flavours[i].rnd) {
		char *end;
		unsigned long idx = strtoul(p, &end, 10);

		if (end == p || end - p > 2 || *end != '-')
			return false;
		k->rnd = (int)idx;
		p = end + 1;
	}
	return kmalloc_size_parse(p, &k->size);
}

const char *target_kmalloc_name(const struct target_kmalloc *k, bool short_size, char *buf,
				size_t len)
{
	const char *prefix = "kmalloc-";
	unsigned long long n = k->size;
	const char *unit = "";
	char rnd[16] = "";

	for (size_t i = 0; i < ARRAY_SIZE(kmalloc_flavours); i++)
		if (kmalloc_flavours[i].type == k->type && !kmalloc_flavours[i].rnd) {
			prefix = kmalloc_flavours[i].prefix;
			break;
		}
	if (k->rnd >= 0)
		snprintf(rnd, sizeof(rnd), "rnd-%02d-", k->rnd);
	if (short_size && n >= (1ull << 20) && !(n & ((1ull << 20) - 1))) {
		n >>= 20;
		unit = "M";
	} else if (short_size && n >= 1024 && !(n & 1023)) {
		n >>= 10;
		unit = "k";
	}
	snprintf(buf, len, "%s%s%llu%s", prefix, rnd, n, unit);
	return buf;
}

uint64_t target_kmalloc_class(uint64_t bytes_alloc)
{
	/* mm/slab_common.c kmalloc_info[] with 4 KiB pages, ascending */
	static const uint64_t classes[] = { 8,	 16,  32,   64,	  96,	128, 192,
					    256, 512, 1024, 2048, 4096, 8192 };
	uint64_t c = 0;

	if (bytes_alloc >= 16384) /* kmalloc_large: PAGE_SIZE << order, order >= 2 */
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(classes) && classes[i] <= bytes_alloc; i++)
		c = classes[i];
	return c;
}

uint32_t target_kmalloc_types(const struct slabinfo *si)
{
	uint32_t types = 0;
	struct target_kmalloc k;

	for (size_t i = 0; si && i < si->n; i++)
		if (target_kmalloc_parse(si->v[i].name, &k))
			types |= 1u << k.type;
	return types;
}

uint32_t target_kmalloc_gfp_bits(uint32_t types)
{
	uint32_t bits = 0;

	if (types & (1u << KLEAK_KMALLOC_DMA))
		bits |= 0x01u; /* __GFP_DMA */
	if (types & (1u << KLEAK_KMALLOC_RECLAIM))
		bits |= 0x10u; /* __GFP_RECLAIMABLE */
	if (types & (1u << KLEAK_KMALLOC_CGROUP))
		bits |= 0x400000u; /* __GFP_ACCOUNT */
	return bits;
}

static const struct slab_cache *slabinfo_find(const struct slabinfo *si, const char *name)
{
	for (size_t i = 0; si && i < si->n; i++)
		if (!strcmp(si->v[i].name, name))
			return &si->v[i];
	return NULL;
}

static int cache_unknown(const struct slabinfo *si, const struct slab_aliases *al, const char *user,
			 struct kerr *e)
{
	struct suggest s;
	char list[512];

	suggest_init(&s, user);
	for (size_t i = 0; si && i < si->n; i++)
		suggest_add(&s, si->v[i].name);
	for (size_t i = 0; al && i < al->n; i++)
		if (slab_alias_name(al, &al->v[i])[0] != ':')
			suggest_add(&s, slab_alias_name(al, &al->v[i]));
	return kerr_set(e, -ENOENT, "--cache", 0,
			"no slab cache '%s' on this kernel (not in /proc/slabinfo or "
			"/sys/kernel/slab); close names: %s",
			user, suggest_str(&s, list, sizeof(list)));
}

/* The name as typed, then a kmalloc-N name in the kernel's two spellings. */
static int cache_lookup(const struct slabinfo *si, const struct slab_aliases *al, const char *user,
			const char **cache)
{
	struct target_kmalloc k;
	char name[TARGET_NAME_LEN];

	if (!slab_alias_resolve(al, si, user, cache))
		return 0;
	if (!target_kmalloc_parse(user, &k))
		return -ENOENT;
	target_kmalloc_name(&k, true, name, sizeof(name));
	if (!slab_alias_resolve(al, si, name, cache))
		return 0;
	target_kmalloc_name(&k, false, name, sizeof(name));
	return slab_alias_resolve(al, si, name, cache);
}

int target_cache_pick(const struct slabinfo *si, const struct slab_aliases *al, const char *user,
		      struct target_cache *c, struct kerr *e)
{
	const char *cache, *names[TARGET_MAX_ALIASES];
	const struct slab_cache *sc;
	struct target_kmalloc k;

	memset(c, 0, sizeof(*c));
	if (strlen(user) >= TARGET_NAME_LEN)
		return kerr_set(e, -ENAMETOOLONG, "--cache", 0, "cache name longer than %d bytes",
				TARGET_NAME_LEN - 1);
	snprintf(c->user, sizeof(c->user), "%s", user);
	if (cache_lookup(si, al, user, &cache))
		return cache_unknown(si, al, user, e);
	snprintf(c->cache, sizeof(c->cache), "%s", cache);
	c->naliases = slab_aliases_of(al, c->cache, names, TARGET_MAX_ALIASES);
	if (c->naliases > TARGET_MAX_ALIASES)
		c->naliases = TARGET_MAX_ALIASES;
	for (size_t i = 0; i < c->naliases; i++)
		snprintf(c->aliases[i], TARGET_NAME_LEN, "%s", names[i]);
	if (target_kmalloc_parse(c->cache, &k)) {
		/* slabinfo's objsize is s->size: what kmalloc events carry
		 * as bytes_alloc, debug red zones included */
		sc = slabinfo_find(si, c->cache);
		c->kmalloc_size = sc && sc->objsize ? sc->objsize : k.size;
		c->kmalloc_type = k.type;
	}
	return 0;
}

/* /proc/slabinfo, parsed; its kmalloc flavours into t. */
static int slabinfo_read(struct target *t, struct slabinfo *si, struct kerr *e)
{
	struct buf b = { 0 };
	int r;

	r = source_read(NULL, SRC_SLABINFO, &b, e);
	if (!r)
		r = slabinfo_parse(b.data, b.len, "/proc/slabinfo", si, e);
	buf_free(&b);
	if (!r)
		t->kmalloc_types = target_kmalloc_types(si);
	return r;
}

/*
 * The bit of __GFP_NO_OBJ_EXT, from the kernel's BTF (an enumerator of
 * gfp_types.h since 6.10; where it is depends on the config), or -1.
 */
static int gfp_bit(const char *enumerator)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int bit = -1;

	for (__u32 id = 1; btf && id < btf__type_cnt(btf) && bit < 0; id++) {
		const struct btf_type *ty = btf__type_by_id(btf, id);
		const struct btf_enum *v = btf_enum(ty);

		if (!btf_is_enum(ty))
			continue;
		for (int i = 0; i < btf_vlen(ty); i++)
			if (!strcmp(btf__name_by_offset(btf, v[i].name_off), enumerator) &&
			    v[i].val >= 0 && v[i].val < 32)
				bit = v[i].val;
	}
	btf__free(btf);
	return bit;
}

/* The kmalloc flavours of this kernel: the gfp bits the programs use. */
static void kmalloc_config(struct target *t)
{
	int bit;

	if (!t->kmalloc_types) /* no slabinfo: the flavours every config has */
		t->kmalloc_types = (1u << KLEAK_KMALLOC_NORMAL) | (1u << KLEAK_KMALLOC_RECLAIM) |
				   (1u << KLEAK_KMALLOC_CGROUP) | (1u << KLEAK_KMALLOC_DMA);
	t->kmalloc_gfp_bits = target_kmalloc_gfp_bits(t->kmalloc_types);
	if ((t->kmalloc_types & (1u << KLEAK_KMALLOC_NO_OBJ_EXT)) &&
	    (bit = gfp_bit("___GFP_NO_OBJ_EXT_BIT")) >= 0)
		t->kmalloc_noobj_gfp = 1u << bit;
}

uint64_t target_thread_size(uint64_t kernel_stack_kb, uint64_t threads, uint64_t cpus)
{
	uint64_t n = threads + (cpus ? cpus - 1 : 0), size = 4096;
	double mean;

	if (!kernel_stack_kb || !threads)
		return 16384;
	mean = (double)kernel_stack_kb * 1024 / (double)n;
	/* the nearest on a log scale: the next power up once past 1.5 x this one */
	while (size < (1u << 20) && mean >= size * 1.5)
		size *= 2;
	return size >= 8192 && size <= 65536 ? size : 16384;
}

/* meminfo's KernelStack in kB, or 0 when unreadable. */
static uint64_t kernel_stack_kb(void)
{
	struct buf b = { 0 };
	struct meminfo mi = { 0 };
	struct kerr e;
	uint64_t v = 0;

	if (!buf_read_file(&b, "/proc/meminfo", 1 << 20, &e) &&
	    !meminfo_parse(b.data, b.len, "/proc/meminfo", &mi, &e))
		meminfo_get(&mi, "KernelStack", &v); /* v stays 0 without it */
	meminfo_free(&mi);
	buf_free(&b);
	return v / 1024; /* the parser gives bytes */
}

/* THREAD_SIZE on the live kernel (target_thread_size). */
static uint64_t thread_size_live(void)
{
	uint64_t threads = 0;
	FILE *f = fopen("/proc/loadavg", "re");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	/* "0.90 0.86 0.79 4/89 14102": running/threads */
	if (!f || fscanf(f, "%*s %*s %*s %*u/%" SCNu64, &threads) != 1)
		threads = 0;
	if (f)
		fclose(f);
	return target_thread_size(kernel_stack_kb(), threads, cpus > 0 ? (uint64_t)cpus : 1);
}

/* The process of pid (its tgid: a thread id counts its whole process). */
static int pid_resolve(uint32_t pid, uint32_t *tgid, struct kerr *e)
{
	char path[64];
	struct buf b = { 0 };
	struct line_iter it;
	const char *line;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	r = buf_read_file(&b, path, 1 << 16, e);
	if (r == -ENOENT)
		r = kerr_set(e, r, "-p", 0, "no process with pid %u", pid);
	if (r)
		goto out;
	r = kerr_set(e, -EINVAL, path, 0, "no Tgid line");
	line_iter_init(&it, b.data, b.len);
	while (line_next(&it, &line, &len)) {
		struct field f[3];
		uint64_t v;

		if (fields_split(line, len, f, 3) != 2 || !field_eq(&f[0], "Tgid:"))
			continue;
		if (!num_u64(f[1].s, f[1].len, &v) && v && v <= UINT32_MAX) {
			*tgid = (uint32_t)v;
			r = 0;
		}
		break;
	}
out:
	buf_free(&b);
	return r;
}

/*
 * A path as /proc/PID/cgroup prints it ("/docker/abc", relative to a
 * hierarchy's root): found under the unified, the v1 memory or the v2
 * mount. On failure errno is ENOENT, as for the path itself.
 */
static bool cgroup_relative(const char *path, char *out)
{
	static const char *const roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup/memory",
					     "/sys/fs/cgroup" };
	char p[PATH_MAX];

	if (path[0] != '/' || !strncmp(path, "/sys/fs/cgroup", 14))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		if (snprintf(p, sizeof(p), "%s%s", roots[i], path) >= (int)sizeof(p))
			continue;
		if (realpath(p, out))
			return true;
	}
	errno = ENOENT;
	return false;
}

/* The subdirectories of dir close to name, into s. */
static void suggest_subdirs(struct suggest *s, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.')
			suggest_add(s, de->d_name);
	if (d)
		closedir(d);
}

/*
 * A cgroup path that does not exist: the close names its parent holds (in
 * each hierarchy, for a path as /proc/PID/cgroup prints it).
 */
static int cgroup_unknown(const char *path, struct kerr *e)
{
	static const char *const roots[] = { "", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/memory",
					     "/sys/fs/cgroup" };
	char parent[PATH_MAX], dir[PATH_MAX + 64], list[512], *slash;
	struct suggest s;
	size_t n;

	snprintf(parent, sizeof(parent), "%s", path);
	while ((n = strlen(parent)) > 1 && parent[n - 1] == '/')
		parent[n - 1] = 0;
	slash = strrchr(parent, '/');
	suggest_init(&s, slash ? slash + 1 : parent);
	if (slash)
		*slash = 0;
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		if (i && (!slash || !strncmp(path, "/sys/fs/cgroup", 14)))
			break; /* a relative path, or already under the mount */
		snprintf(dir, sizeof(dir), "%s%s", roots[i],
			 slash ? (*parent ? parent : "/") : ".");
		suggest_subdirs(&s, dir);
	}
	return kerr_set(e, -ENOENT, path, 0, "no such cgroup directory; close names: %s",
			suggest_str(&s, list, sizeof(list)));
}

int target_cgroup_resolve(const char *path, struct target_cgroup *cg, struct kerr *e)
{
	struct statfs sfs;
	struct stat st;
	char probe[PATH_MAX + 32];

	memset(cg, 0, sizeof(*cg));
	if (!realpath(path, cg->path) && !cgroup_relative(path, cg->path))
		return errno == ENOENT ? cgroup_unknown(path, e)
				       : kerr_set(e, -errno, path, 0, "%s", strerror(errno));
	if (statfs(cg->path, &sfs) || stat(cg->path, &st))
		return kerr_set(e, -errno, path, 0, "%s", strerror(errno));
	cg->id = st.st_ino;
	if ((unsigned long)sfs.f_type == CGROUP2_SUPER_MAGIC) {
		cg->version = 2;
		return 0;
	}
	if ((unsigned long)sfs.f_type != CGROUP_SUPER_MAGIC || !S_ISDIR(st.st_mode))
		return kerr_set(e, -EINVAL, path, 0,
				"not a cgroup directory (give one under /sys/fs/cgroup)");
	/* cgroup v1: only the memory hierarchy, matched via the task's memory css. */
	snprintf(probe, sizeof(probe), "%s/memory.usage_in_bytes", cg->path);
	if (access(probe, F_OK))
		return kerr_set(e, -EINVAL, path, 0,
				"a cgroup v1 hierarchy without the memory controller; give the cgroup's "
				"directory in the memory hierarchy (/sys/fs/cgroup/memory/...) or in "
				"the unified (v2) one");
	cg->version = 1;
	return 0;
}

/* /sys/kernel/slab, optional: without it names resolve through slabinfo alone. */
static void aliases_read(struct slab_aliases *al)
{
	struct buf b = { 0 };
	struct kerr e;

	if (source_read(NULL, SRC_SLAB_ALIASES, &b, &e) ||
	    slab_aliases_parse(b.data, b.len, "/sys/kernel/slab", al, &e))
		memset(al, 0, sizeof(*al));
	buf_free(&b);
}

int target_resolve(const struct target_request *rq, struct target *t, struct kerr *e)
{
	struct slabinfo si = { 0 };
	struct kerr se = { 0 };
	int r;

	memset(t, 0, sizeof(*t));
	t->pid = rq->pid;
	if (rq->pid && (r = pid_resolve(rq->pid, &t->tgid, e)))
		return r;
	if (rq->comm) {
		if (!*rq->comm || strlen(rq->comm) >= sizeof(t->comm))
			return kerr_set(e, -EINVAL, "--comm", 0,
					"a task name has 1 to %zu characters", sizeof(t->comm) - 1);
		snprintf(t->comm, sizeof(t->comm), "%s", rq->comm);
	}
	if (rq->cgroup) {
		if ((r = target_cgroup_resolve(rq->cgroup, &t->cgroup, e)))
			return r;
		t->has_cgroup = true;
	}
	aliases_read(&t->aliases);
	r = slabinfo_read(t, &si, &se);
	if (r && rq->cache) {
		*e = se;
		goto out;
	}
	r = 0;
	kmalloc_config(t);
	t->thread_size = thread_size_live();
	if (rq->cache) {
		r = target_cache_pick(&si, &t->aliases, rq->cache, &t->cache, e);
		t->has_cache = !r;
	}
out:
	slabinfo_free(&si);
	if (r)
		target_free(t);
	return r;
}

void target_free(struct target *t)
{
	if (t)
		slab_aliases_free(&t->aliases);
}

void target_scope(const struct target *t, struct kleak_scope *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->tgid = t->tgid;
	if (t->has_cgroup) {
		sc->cgroup_id = t->cgroup.id;
		sc->cgroup_v1 = t->cgroup.version == 1;
	}
	if (t->comm[0]) {
		sc->comm_on = 1;
		memcpy(sc->comm, t->comm, sizeof(sc->comm));
	}
}

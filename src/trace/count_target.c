// SPDX-License-Identifier: GPL-2.0
/*
 * Resolves what `kleak count` counts (a slab cache, an alloc/free function
 * pair) and the cgroup it counts for, on the live kernel; see
 * count_target.h. Unknown names are errors that list the close names the
 * kernel does have.
 */
#include "count_target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "parse/slab_aliases.h"
#include "parse/slabinfo.h"
#include "source/procfs.h"
#include "util/buf.h"
#include "util/num.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

size_t count_edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), row[130];

	if (la > 128 || lb > 128)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], best;

		row[0] = i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], v = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb] > cap ? cap + 1 : row[lb];
}

/* The few names closest to what the user typed, best first. */
#define SUGGEST_MAX 6
struct suggest {
	const char *want;
	size_t cap;
	char name[SUGGEST_MAX][128];
	size_t score[SUGGEST_MAX];
	size_t n;
};

static void suggest_init(struct suggest *s, const char *want)
{
	memset(s, 0, sizeof(*s));
	s->want = want;
	s->cap = strlen(want) / 3 + 1;
}

static void suggest_add(struct suggest *s, const char *cand)
{
	size_t d = count_edit_distance(s->want, cand, s->cap), i;

	if (d > s->cap && strstr(cand, s->want))
		d = s->cap; /* "d_alloc" -> d_alloc_parallel: worth showing */
	if (d > s->cap || !strcmp(cand, s->want) || strlen(cand) >= 128)
		return;
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], cand))
			return;
	for (i = s->n; i > 0 && s->score[i - 1] > d; i--) {
		if (i < SUGGEST_MAX) {
			s->score[i] = s->score[i - 1];
			memcpy(s->name[i], s->name[i - 1], 128);
		}
	}
	if (i >= SUGGEST_MAX)
		return;
	s->score[i] = d;
	snprintf(s->name[i], 128, "%s", cand);
	if (s->n < SUGGEST_MAX)
		s->n++;
}

static const char *suggest_str(const struct suggest *s, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < s->n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				s->name[i]);
	return s->n ? buf : "none";
}

bool count_kmalloc_parse(const char *name, uint64_t *size,
			 enum count_kmalloc_type *type)
{
	const char *p;
	char *end;
	unsigned long n;

	*type = COUNT_KMALLOC_NORMAL;
	if (!strncmp(name, "dma-kmalloc-", 12)) {
		*type = COUNT_KMALLOC_DMA;
		p = name + 12;
	} else if (!strncmp(name, "kmalloc-cg-", 11)) {
		*type = COUNT_KMALLOC_CGROUP;
		p = name + 11;
	} else if (!strncmp(name, "kmalloc-rcl-", 12)) {
		*type = COUNT_KMALLOC_RECLAIM;
		p = name + 12;
	} else if (!strncmp(name, "kmalloc-rnd-", 12)) {
		/* CONFIG_RANDOM_KMALLOC_CACHES copies: "kmalloc-rnd-03-64" */
		p = strchr(name + 12, '-');
		if (!p)
			return false;
		p++;
	} else if (!strncmp(name, "kmalloc-", 8)) {
		p = name + 8;
	} else {
		return false;
	}
	if (*p < '1' || *p > '9')
		return false;
	errno = 0;
	n = strtoul(p, &end, 10);
	if (errno || n == 0)
		return false;
	if (*end == 'k' && end[1] == 0)
		n *= 1024;
	else if (*end)
		return false;
	*size = n;
	return true;
}

/* slab_size of a cache: the bytes_alloc its kmalloc events carry. */
static uint64_t slab_size_of(const char *cache, uint64_t fallback)
{
	char path[256];
	struct buf b = { 0 };
	struct kerr e;
	uint64_t v;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/slab_size", cache);
	if (buf_read_file(&b, path, 64, &e) || !b.len)
		v = fallback;
	else if (num_u64(b.data, b.len - (b.data[b.len - 1] == '\n'), &v))
		v = fallback;
	buf_free(&b);
	return v;
}

static int read_slab_sources(struct slabinfo *si, struct slab_aliases *al,
			     struct kerr *e)
{
	struct buf b = { 0 };
	struct kerr ae;
	int r;

	memset(al, 0, sizeof(*al));
	r = source_read(NULL, SRC_SLABINFO, &b, e);
	if (!r)
		r = slabinfo_parse(b.data, b.len, "/proc/slabinfo", si, e);
	buf_reset(&b);
	/* Without /sys/kernel/slab there are no aliases: names still work. */
	if (!r && !source_read(NULL, SRC_SLAB_ALIASES, &b, &ae) &&
	    slab_aliases_parse(b.data, b.len, "/sys/kernel/slab", al, &ae))
		memset(al, 0, sizeof(*al));
	buf_free(&b);
	return r;
}

int count_cache_resolve(const char *user, struct count_cache *c,
			struct kerr *e)
{
	struct slabinfo si = { 0 };
	struct slab_aliases al;
	const char *cache, *names[COUNT_MAX_ALIASES];
	uint64_t n;
	int r;

	memset(c, 0, sizeof(*c));
	if (strlen(user) >= COUNT_NAME_LEN)
		return kerr_set(e, -ENAMETOOLONG, "--cache", 0,
				"cache name longer than %d bytes",
				COUNT_NAME_LEN - 1);
	snprintf(c->user, sizeof(c->user), "%s", user);
	r = read_slab_sources(&si, &al, e);
	if (r)
		goto out;
	if (slab_alias_resolve(&al, &si, user, &cache)) {
		struct suggest s;
		char list[512];

		suggest_init(&s, user);
		for (size_t i = 0; i < si.n; i++)
			suggest_add(&s, si.v[i].name);
		for (size_t i = 0; i < al.n; i++)
			suggest_add(&s, al.v[i].name);
		r = kerr_set(e, -ENOENT, "--cache", 0,
			     "no slab cache '%s' on this kernel (not in /proc/slabinfo or /sys/kernel/slab); close names: %s",
			     user, suggest_str(&s, list, sizeof(list)));
		goto out;
	}
	snprintf(c->cache, sizeof(c->cache), "%s", cache);
	c->naliases = slab_aliases_of(&al, c->cache, names, COUNT_MAX_ALIASES);
	if (c->naliases > COUNT_MAX_ALIASES)
		c->naliases = COUNT_MAX_ALIASES;
	for (size_t i = 0; i < c->naliases; i++)
		snprintf(c->aliases[i], COUNT_NAME_LEN, "%s", names[i]);
	if (count_kmalloc_parse(c->cache, &n, &c->kmalloc_type))
		c->kmalloc_size = slab_size_of(c->cache, n);
out:
	slabinfo_free(&si);
	slab_aliases_free(&al);
	return r;
}

/* Follows typedefs and qualifiers to the type itself. */
static __u32 skip_mods(const struct btf *btf, __u32 id)
{
	for (int i = 0; i < 32 && id; i++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t || !(btf_is_typedef(t) || btf_is_mod(t)))
			break;
		id = t->type;
	}
	return id;
}

/* The pointee of a pointer type id (0 for void *), or -1 if not a pointer. */
static long pointee(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods(btf, id));

	if (!t || !btf_is_ptr(t))
		return -1;
	return skip_mods(btf, t->type);
}

static void type_name(const struct btf *btf, long id, char *buf, size_t len)
{
	const struct btf_type *t;
	const char *kind = "";

	if (id <= 0) {
		snprintf(buf, len, id ? "(not a pointer)" : "void");
		return;
	}
	t = btf__type_by_id(btf, id);
	if (btf_is_struct(t))
		kind = "struct ";
	else if (btf_is_union(t))
		kind = "union ";
	snprintf(buf, len, "%s%s", kind, btf__name_by_offset(btf, t->name_off));
}

static const struct btf_type *func_proto(const struct btf *btf,
					 const char *name)
{
	__s32 id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	const struct btf_type *t;

	if (id <= 0)
		return NULL;
	t = btf__type_by_id(btf, id);
	t = btf__type_by_id(btf, t->type);
	return t && btf_is_func_proto(t) ? t : NULL;
}

/*
 * Index of the argument of proto that points to obj (an exact type first,
 * else a void *, as kfree takes); -1 if none.
 */
static int obj_arg(const struct btf *btf, const struct btf_type *proto,
		   long obj)
{
	const struct btf_param *p = btf_params(proto);
	int vlen = btf_vlen(proto) < 5 ? btf_vlen(proto) : 5;

	for (int i = 0; i < vlen; i++)
		if (pointee(btf, p[i].type) == obj)
			return i;
	for (int i = 0; i < vlen; i++)
		if (pointee(btf, p[i].type) == 0)
			return i;
	return -1;
}

/* true when /proc/kallsyms has a text symbol `name` (no BTF needed). */
static bool in_kallsyms(const char *name)
{
	struct buf b = { 0 };
	struct line_iter it;
	const char *line;
	size_t len;
	struct kerr e;
	bool found = false;

	if (buf_read_file(&b, "/proc/kallsyms", BUF_FILE_CAP, &e))
		return false;
	line_iter_init(&it, b.data, b.len);
	while (!found && line_next(&it, &line, &len)) {
		struct field f[4];

		if (fields_split(line, len, f, 4) >= 3 &&
		    (field_eq(&f[1], "t") || field_eq(&f[1], "T")) &&
		    field_eq(&f[2], name))
			found = true;
	}
	buf_free(&b);
	return found;
}

static int func_missing(const struct btf *btf, const char *opt,
			const char *name, struct kerr *e)
{
	struct suggest s;
	char list[1024];
	__u32 n = btf ? btf__type_cnt(btf) : 0;

	suggest_init(&s, name);
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_func(t))
			suggest_add(&s, btf__name_by_offset(btf, t->name_off));
	}
	return kerr_set(e, -ENOENT, opt, 0,
			"no kernel function '%s' (not in BTF or /proc/kallsyms); close names: %s",
			name, suggest_str(&s, list, sizeof(list)));
}

/*
 * Functions that take a pointer to obj and look like they free it, best
 * first: "free" in the name, then the struct's own name (dentry_free
 * before debugfs_file_put), LSM hooks last.
 */
static int free_score(const char *name, const char *objname)
{
	int score = 0;

	if (!strstr(name, "free"))
		score += strstr(name, "put") || strstr(name, "release") ||
				 strstr(name, "destroy") ? 1 : 8;
	if (!objname[0] || !strstr(name, objname))
		score += 2;
	if (!strncmp(name, "bpf_lsm_", 8) || !strncmp(name, "security_", 9) ||
	    strstr(name, "_lsm_"))
		score += 4;
	return score;
}

static const char *free_candidates(const struct btf *btf, long obj, char *buf,
				   size_t len)
{
	const char *best[8], *objname = "";
	int bscore[8];
	size_t n = 0, off = 0;
	__u32 cnt = btf__type_cnt(btf);

	if (obj > 0)
		objname = btf__name_by_offset(btf, btf__type_by_id(btf, obj)->name_off);
	for (__u32 id = 1; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id), *pr;
		const char *name;
		int sc;
		size_t i;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		sc = free_score(name, objname);
		pr = btf__type_by_id(btf, t->type);
		if (sc >= 8 || !pr || !btf_is_func_proto(pr) ||
		    obj_arg(btf, pr, obj) < 0)
			continue;
		for (i = n; i > 0 && bscore[i - 1] > sc; i--)
			if (i < 8) {
				best[i] = best[i - 1];
				bscore[i] = bscore[i - 1];
			}
		if (i >= 8)
			continue;
		best[i] = name;
		bscore[i] = sc;
		if (n < 8)
			n++;
	}
	buf[0] = 0;
	for (size_t i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				best[i]);
	return n ? buf : "none found";
}

static int funcs_check_btf(const struct btf *btf, struct count_funcs *f,
			   const struct btf_type *pa, const struct btf_type *pf,
			   struct kerr *e)
{
	long obj = pointee(btf, pa->type);
	char tf[128], list[1024];

	if (obj < 0)
		return kerr_set(e, -EINVAL, "--alloc", 0,
				"%s does not return a pointer: nothing to pair with a free",
				f->alloc);
	type_name(btf, obj, f->obj_type, sizeof(f->obj_type));
	f->free_arg = obj_arg(btf, pf, obj);
	if (f->free_arg >= 0)
		return 0;
	type_name(btf, btf_vlen(pf) ? pointee(btf, btf_params(pf)[0].type) : -1,
		  tf, sizeof(tf));
	return kerr_set(e, -EINVAL, "--free", 0,
			"%s takes no %s * (its first argument is %s%s), so it never receives what %s returns; functions that take a %s *: %s",
			f->free, f->obj_type, tf, strcmp(tf, "(not a pointer)") ? " *" : "",
			f->alloc, f->obj_type,
			free_candidates(btf, obj, list, sizeof(list)));
}

int count_funcs_check(const char *alloc, const char *free,
		      struct count_funcs *f, struct kerr *e)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_type *pa = NULL, *pf = NULL;
	int r = 0;

	memset(f, 0, sizeof(*f));
	if (strlen(alloc) >= sizeof(f->alloc) || strlen(free) >= sizeof(f->free))
		return kerr_set(e, -ENAMETOOLONG, "--alloc", 0,
				"function name too long");
	snprintf(f->alloc, sizeof(f->alloc), "%s", alloc);
	snprintf(f->free, sizeof(f->free), "%s", free);
	if (btf) { /* NULL: no BTF (libbpf 1.x), kallsyms alone then */
		pa = func_proto(btf, alloc);
		pf = func_proto(btf, free);
	}
	if (!pa && !in_kallsyms(alloc)) {
		r = func_missing(btf, "--alloc", alloc, e);
		goto out;
	}
	if (!pf && !in_kallsyms(free)) {
		r = func_missing(btf, "--free", free, e);
		goto out;
	}
	f->in_btf = pa && pf;
	if (f->in_btf) {
		r = funcs_check_btf(btf, f, pa, pf, e);
		goto out;
	}
	/* No BTF for one of them: kprobes only, and no type check. */
	snprintf(f->note, sizeof(f->note),
		 "%s has no BTF: cannot check that %s takes what %s returns; assuming its first argument",
		 pa ? free : alloc, free, alloc);
out:
	btf__free(btf);
	return r;
}

/*
 * A path as /proc/PID/cgroup prints it ("/docker/abc", relative to a
 * hierarchy's root): found under the unified, the v1 memory or the v2
 * mount. On failure errno is ENOENT, as for the path itself.
 */
static bool cgroup_relative(const char *path, char *out)
{
	static const char *const roots[] = { "/sys/fs/cgroup/unified",
					     "/sys/fs/cgroup/memory",
					     "/sys/fs/cgroup" };
	char p[PATH_MAX];

	if (path[0] != '/' || !strncmp(path, "/sys/fs/cgroup", 14))
		return false;
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		if (snprintf(p, sizeof(p), "%s%s", roots[i], path) >= (int)sizeof(p))
			continue;
		if (realpath(p, out))
			return true;
	}
	errno = ENOENT;
	return false;
}

int count_cgroup_resolve(const char *path, struct count_cgroup *cg,
			 struct kerr *e)
{
	struct statfs sfs;
	struct stat st;
	char probe[PATH_MAX + 32];

	memset(cg, 0, sizeof(*cg));
	if (!realpath(path, cg->path) && !cgroup_relative(path, cg->path))
		return kerr_set(e, -errno, path, 0, "%s", strerror(errno));
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
				"a cgroup v1 hierarchy without the memory controller; give the cgroup's directory in the memory hierarchy (/sys/fs/cgroup/memory/...) or in the unified (v2) one");
	cg->version = 1;
	return 0;
}

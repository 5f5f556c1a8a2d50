// SPDX-License-Identifier: GPL-2.0
/*
 * Checks `kleak count`'s alloc/free function pair in the kernel's BTF (see
 * count_funcs.h). Unknown names are errors that list the close names the
 * kernel does have; a free function that cannot receive what the
 * allocator returns is refused with the functions that can.
 */
#include "trace/count_funcs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "util/buf.h"
#include "util/suggest.h"

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

static const struct btf_type *func_proto(const struct btf *btf, const char *name)
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
static int obj_arg(const struct btf *btf, const struct btf_type *proto, long obj)
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
		    (field_eq(&f[1], "t") || field_eq(&f[1], "T")) && field_eq(&f[2], name))
			found = true;
	}
	buf_free(&b);
	return found;
}

static int func_missing(const struct btf *btf, const char *opt, const char *name, struct kerr *e)
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
		score += strstr(name, "put") || strstr(name, "release") || strstr(name, "destroy")
				 ? 1
				 : 8;
	if (!objname[0] || !strstr(name, objname))
		score += 2;
	if (!strncmp(name, "bpf_lsm_", 8) || !strncmp(name, "security_", 9) ||
	    strstr(name, "_lsm_"))
		score += 4;
	return score;
}

static const char *free_candidates(const struct btf *btf, long obj, char *buf, size_t len)
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
		if (sc >= 8 || !pr || !btf_is_func_proto(pr) || obj_arg(btf, pr, obj) < 0)
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
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", best[i]);
	return n ? buf : "none found";
}

static int funcs_check_btf(const struct btf *btf, struct count_funcs *f, const struct btf_type *pa,
			   const struct btf_type *pf, struct kerr *e)
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
	type_name(btf, btf_vlen(pf) ? pointee(btf, btf_params(pf)[0].type) : -1, tf, sizeof(tf));
	return kerr_set(
		e, -EINVAL, "--free", 0,
		"%s takes no %s * (its first argument is %s%s), so it never receives what %s returns; functions that take a %s *: %s",
		f->free, f->obj_type, tf, strcmp(tf, "(not a pointer)") ? " *" : "", f->alloc,
		f->obj_type, free_candidates(btf, obj, list, sizeof(list)));
}

int count_funcs_check(const char *alloc, const char *free, struct count_funcs *f, struct kerr *e)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_type *pa = NULL, *pf = NULL;
	int r = 0;

	memset(f, 0, sizeof(*f));
	if (strlen(alloc) >= sizeof(f->alloc) || strlen(free) >= sizeof(f->free))
		return kerr_set(e, -ENAMETOOLONG, "--alloc", 0, "function name too long");
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

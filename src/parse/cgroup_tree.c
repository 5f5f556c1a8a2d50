// SPDX-License-Identifier: GPL-2.0
/* Parser for the cgroups source's text; the format is in cgroup_tree.h. */
#include "cgroup_tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

struct cursor {
	const char *p, *end;
	long line; /* of the line last read */
	const char *src;
	struct kerr *e;
};

/* The next line (without "\n"); false at the end. */
static bool next_line(struct cursor *c, const char **line, size_t *len)
{
	const char *nl;

	if (c->p >= c->end)
		return false;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	*line = c->p;
	*len = nl ? (size_t)(nl - c->p) : (size_t)(c->end - c->p);
	c->p = nl ? nl + 1 : c->end;
	c->line++;
	return true;
}

static int bad(const struct cursor *c, const char *what)
{
	return kerr_set(c->e, -EINVAL, c->src, c->line, "%s", what);
}

/* Undoes mountinfo's \ooo escapes; false on a NUL or an overflow. */
static bool unescape(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		}
		if (c == '\0' || o + 1 >= outlen)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

/* "WORD REST": the first word and what follows one space. */
static bool split(const char *line, size_t len, const char **rest, size_t *restlen,
		  const char *word)
{
	size_t wl = strlen(word);

	if (len < wl + 1 || memcmp(line, word, wl) || line[wl] != ' ')
		return false;
	*rest = line + wl + 1;
	*restlen = len - wl - 1;
	return true;
}

/* A small decimal field at the start of s, then one space. */
static bool take_num(const char **s, size_t *n, uint64_t max, uint64_t *out)
{
	const char *sp = memchr(*s, ' ', *n);
	size_t fl = sp ? (size_t)(sp - *s) : *n;

	if (num_u64(*s, fl, out) || *out > max)
		return false;
	*s += fl + (sp ? 1 : 0);
	*n -= fl + (sp ? 1 : 0);
	return true;
}

static int parse_hier(struct cursor *c, const char *s, size_t n, struct cgroup_tree_info *info)
{
	struct cgroup_tree_hier *h;
	const char *sp;
	uint64_t v;

	if (info->nhiers == CGROUP_TREE_MAX_HIERS)
		return bad(c, "more than 4 hierarchies");
	h = &info->hiers[info->nhiers];
	if (!take_num(&s, &n, 2, &v) || v < 1 || !(sp = memchr(s, ' ', n)))
		return bad(c, "expected 'hierarchy VERSION ROOT DIR'");
	h->version = (int)v;
	if (!unescape(s, (size_t)(sp - s), h->root, sizeof(h->root)) || h->root[0] != '/' ||
	    !unescape(sp + 1, n - (size_t)(sp - s) - 1, h->dir, sizeof(h->dir)) || !h->dir[0])
		return bad(c, "bad hierarchy root or directory");
	info->nhiers++;
	return 0;
}

static const struct cgroup_tree_hier *hier_of(const struct cgroup_tree_info *info, int version)
{
	for (size_t i = 0; i < info->nhiers; i++)
		if (info->hiers[i].version == version)
			return &info->hiers[i];
	return NULL;
}

static int parse_cgroup(struct cursor *c, const char *s, size_t n,
			const struct cgroup_tree_info *info, struct cgroup_tree_node *node)
{
	uint64_t v, d;

	if (!take_num(&s, &n, 2, &v) || v < 1 || !take_num(&s, &n, CGROUP_TREE_MAX_DEPTH, &d))
		return bad(c, "expected 'cgroup VERSION DEPTH PATH'");
	node->version = (int)v;
	node->depth = (int)d;
	node->nfiles = 0;
	node->line = c->line;
	if (!unescape(s, n, node->path, sizeof(node->path)) || node->path[0] != '/')
		return bad(c, "bad cgroup path");
	if (!(node->hier = hier_of(info, node->version)))
		return bad(c, "a cgroup of a version no hierarchy line gave");
	return 0;
}

/* LEN bytes and a newline: the blob's data, lines counted through it. */
static int take_blob(struct cursor *c, uint64_t len, const char **data)
{
	const char *p;

	if (len >= (uint64_t)(c->end - c->p))
		return bad(c, "length runs past the end");
	*data = c->p;
	if (c->p[len] != '\n')
		return bad(c, "length does not end at a newline");
	for (p = c->p; (p = memchr(p, '\n', (size_t)(c->p + len - p))); p++)
		c->line++;
	c->p += len + 1;
	c->line++; /* the newline closing the blob ends its last line */
	return 0;
}

static int parse_file(struct cursor *c, const char *s, size_t n, struct cgroup_tree_node *node)
{
	struct cgroup_tree_file *f;
	const char *sp = memchr(s, ' ', n);
	uint64_t len;

	if (!node)
		return bad(c, "a file before any cgroup");
	if (node->nfiles == CGROUP_TREE_MAX_FILES)
		return bad(c, "more than 16 files in one cgroup");
	f = &node->files[node->nfiles];
	if (!sp || sp == s || (size_t)(sp - s) >= sizeof(f->name) ||
	    memchr(s, '/', (size_t)(sp - s)) || num_u64(sp + 1, n - (size_t)(sp - s) - 1, &len))
		return bad(c, "expected 'file NAME LENGTH'");
	memcpy(f->name, s, (size_t)(sp - s));
	f->name[sp - s] = '\0';
	f->len = len;
	node->nfiles++;
	return take_blob(c, len, &f->data);
}

static int parse_walk(struct cursor *c, const char *s, size_t n, struct cgroup_tree_info *info)
{
	static const char *const keys[] = { "visited=", "capped=", "too_deep=", "unreadable=",
					    "max=" };
	uint64_t v[5];

	for (int i = 0; i < 5; i++) {
		size_t kl = strlen(keys[i]);

		if (n < kl || memcmp(s, keys[i], kl))
			return bad(c,
				   "expected 'walk visited=N capped=0|1 too_deep=N unreadable=N max=N'");
		s += kl;
		n -= kl;
		if (!take_num(&s, &n, UINT64_MAX, &v[i]))
			return bad(c, "a walk counter is not a number");
	}
	if (n || v[1] > 1)
		return bad(c, "expected 'walk visited=N capped=0|1 too_deep=N unreadable=N max=N'");
	info->have_walk = true;
	info->visited = v[0];
	info->capped = v[1];
	info->too_deep = v[2];
	info->unreadable = v[3];
	info->max = v[4];
	return 0;
}

static int parse_names(struct cursor *c, const char *s, size_t n, struct cgroup_tree_info *info)
{
	uint64_t len;

	if (info->names)
		return bad(c, "a second containers section");
	if (num_u64(s, n, &len))
		return bad(c, "expected 'containers LENGTH'");
	info->names_line = c->line + 1;
	info->names_len = len;
	return take_blob(c, len, &info->names);
}

/* The cgroup read so far goes to the visitor. */
static int flush(struct cgroup_tree_node *node, bool *pending, cgroup_tree_fn fn, void *ctx,
		 struct cgroup_tree_info *info)
{
	if (!*pending)
		return 0;
	*pending = false;
	info->cgroups++;
	return fn ? fn(node, ctx) : 0;
}

static int parse_header(struct cursor *c)
{
	const char *line, *s;
	size_t len, n;
	uint64_t v;

	if (!next_line(c, &line, &len) || !split(line, len, &s, &n, "kleak-cgroups") ||
	    num_u64(s, n, &v) || !v)
		return bad(c, "not the cgroups source (expected 'kleak-cgroups 1')");
	if (v > CGROUP_TREE_VERSION)
		return kerr_set(c->e, -EPROTONOSUPPORT, c->src, c->line,
				"cgroups format version %llu is newer than this kleak's (%d)",
				(unsigned long long)v, CGROUP_TREE_VERSION);
	return 0;
}

static int parse_body(struct cursor *c, struct cgroup_tree_node *node, cgroup_tree_fn fn, void *ctx,
		      struct cgroup_tree_info *info)
{
	const char *line, *s;
	size_t len, n;
	bool pending = false;
	int r = 0;

	while (!r && next_line(c, &line, &len)) {
		if (split(line, len, &s, &n, "file")) {
			r = parse_file(c, s, n, pending ? node : NULL);
			continue;
		}
		r = flush(node, &pending, fn, ctx, info);
		if (r)
			break;
		if (split(line, len, &s, &n, "hierarchy")) {
			r = info->cgroups ? bad(c, "a hierarchy after the cgroups")
					  : parse_hier(c, s, n, info);
		} else if (split(line, len, &s, &n, "cgroup")) {
			r = parse_cgroup(c, s, n, info, node);
			pending = !r;
		} else if (split(line, len, &s, &n, "walk")) {
			r = parse_walk(c, s, n, info);
		} else if (split(line, len, &s, &n, "unreadable")) {
			if (!unescape(s, n, info->first_unreadable, sizeof(info->first_unreadable)))
				r = bad(c, "bad unreadable line");
		} else if (split(line, len, &s, &n, "names_error")) {
			if (!unescape(s, n, info->names_error, sizeof(info->names_error)))
				r = bad(c, "bad names_error line");
		} else if (split(line, len, &s, &n, "containers")) {
			r = parse_names(c, s, n, info);
		} else {
			r = bad(c,
				"unknown line (expected hierarchy, cgroup, file, walk, unreadable, containers or names_error)");
		}
	}
	return r ? r : flush(node, &pending, fn, ctx, info);
}

int cgroup_tree_parse(const char *buf, size_t len, const char *src, cgroup_tree_fn fn, void *ctx,
		      struct cgroup_tree_info *info, struct kerr *e)
{
	struct cursor c = { buf, buf + len, 0, src, e };
	struct cgroup_tree_node *node = malloc(sizeof(*node));
	int r;

	memset(info, 0, sizeof(*info));
	if (!node)
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	r = parse_header(&c);
	if (!r)
		r = parse_body(&c, node, fn, ctx, info);
	free(node);
	return r;
}

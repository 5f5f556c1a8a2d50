// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the memory cgroup hierarchies and walking them, live or from a
 * snapshot directory, handing each cgroup's raw files to a visitor; and
 * copying them into a snapshot. Layout and bounds in cgroups.h.
 */
#include "cgroups.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse/mountinfo.h"
#include "util/input.h"

/* Whether a cgroup2 mount's root lists the memory controller. */
static bool v2_has_memory(const char *point)
{
	char path[PATH_MAX + 32];
	struct buf b = { 0 };
	struct kerr e;
	struct line_iter it;
	const char *line;
	size_t len;
	bool found = false;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", point);
	if (buf_read_file(&b, path, 4096, &e)) {
		buf_free(&b);
		return false;
	}
	line_iter_init(&it, b.data, b.len);
	while (!found && line_next(&it, &line, &len)) {
		struct field f[32];
		int nf = fields_split(line, len, f, 32);

		for (int i = 0; i < nf && i < 32; i++)
			found |= field_eq(&f[i], "memory");
	}
	buf_free(&b);
	return found;
}

/* One hierarchy may be mounted twice (a bind mount): keep the widest root. */
static void add_hier(struct cgroup_hiers *out, const struct cgroup_mount *m,
		     const char **devs)
{
	size_t i;

	for (i = 0; i < out->n; i++)
		if (!strcmp(devs[i], m->dev)) {
			if (strlen(m->root) < strlen(out->v[i].prefix))
				break;
			return;
		}
	if (i == out->n) {
		if (out->n == sizeof(out->v) / sizeof(out->v[0]))
			return;
		out->n++;
	}
	devs[i] = m->dev;
	out->v[i].version = m->version;
	out->v[i].snapshot = false;
	snprintf(out->v[i].dir, sizeof(out->v[i].dir), "%s", m->point);
	snprintf(out->v[i].prefix, sizeof(out->v[i].prefix), "%s", m->root);
}

int cgroups_find_mountinfo(const char *buf, size_t len, const char *src,
			   struct cgroup_hiers *out, struct kerr *e)
{
	struct cgroup_mounts mounts;
	const char *devs[4];
	int r;

	memset(out, 0, sizeof(*out));
	r = mountinfo_parse(buf, len, src, &mounts, e);
	if (r)
		return r;
	for (size_t i = 0; i < mounts.n; i++) {
		const struct cgroup_mount *m = &mounts.v[i];

		if ((m->version == 1 && m->memory) ||
		    (m->version == 2 && v2_has_memory(m->point)))
			add_hier(out, m, devs);
	}
	mountinfo_free(&mounts);
	if (!out->n)
		return kerr_set(e, -ENOENT, src, 0,
				"no memory cgroup hierarchy is mounted (no cgroup mount with the memory controller, no cgroup2 mount listing it in cgroup.controllers)");
	return 0;
}

static int find_snapshot(const char *dir, struct cgroup_hiers *out,
			 struct kerr *e)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	for (int v = 1; v <= 2; v++) {
		struct cgroup_hier *h = &out->v[out->n];

		if (snprintf(h->dir, sizeof(h->dir), "%s/cgroup/v%d", dir, v) >=
		    (int)sizeof(h->dir))
			return kerr_set(e, -ENAMETOOLONG, dir, 0, "path too long");
		if (lstat(h->dir, &st) || !S_ISDIR(st.st_mode))
			continue;
		h->version = v;
		h->snapshot = true;
		snprintf(h->prefix, sizeof(h->prefix), "/");
		out->n++;
	}
	if (!out->n)
		return kerr_set(e, -ENOENT, dir, 0,
				"no cgroup/v1 or cgroup/v2 directory in this snapshot (taken before kleak read cgroups?)");
	return 0;
}

int cgroups_find(const char *dir, struct cgroup_hiers *out, struct kerr *e)
{
	static const char mi[] = "/proc/self/mountinfo";
	struct buf b = { 0 };
	int r;

	if (dir)
		return find_snapshot(dir, out, e);
	memset(out, 0, sizeof(*out));
	r = buf_read_file(&b, mi, BUF_FILE_CAP, e);
	if (!r)
		r = cgroups_find_mountinfo(b.data, b.len, mi, out, e);
	buf_free(&b);
	return r;
}

/* The walk's state: one buffer per file kind, reused for every cgroup. */
struct walker {
	const struct cgroup_hier *h;
	size_t max;
	cgroup_visit_fn fn;
	void *ctx;
	struct cgroup_walk_stats *st;
	dev_t dev;
	char path[PATH_MAX];	/* the cgroup path being visited */
	char fpath[MEMCG_F_COUNT][PATH_MAX * 2 + 64]; /* file names for errors */
	struct buf bufs[MEMCG_F_COUNT];
};

static void note_unreadable(struct walker *w, const char *what, int err)
{
	w->st->unreadable++;
	if (!w->st->first.code)
		kerr_set(&w->st->first, -err, what, 0, "%s", strerror(err));
}

/* Reads the cgroup's files; returns how many exist. */
static int read_files(struct walker *w, int dfd, struct cgroup_visit *v)
{
	unsigned vbit = 1u << (w->h->version - 1);
	int found = 0;

	for (int i = 0; i < MEMCG_F_COUNT; i++) {
		struct kerr e;
		int fd;

		v->raw[i] = (struct memcg_raw){ NULL, 0, w->fpath[i] };
		if (!(memcg_files[i].versions & vbit))
			continue;
		if (snprintf(w->fpath[i], sizeof(w->fpath[i]), "%s/%s%s", w->h->dir,
			     w->path, memcg_files[i].name) >= (int)sizeof(w->fpath[i]))
			continue;
		/* a snapshot is a user's: regular files beneath it only */
		fd = w->h->snapshot ? input_open_at(dfd, w->h->dir, memcg_files[i].name, &e)
				    : openat(dfd, memcg_files[i].name,
					     O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			int err = w->h->snapshot ? -fd : errno;

			if (err != ENOENT)
				note_unreadable(w, w->fpath[i], err);
			continue;
		}
		found++;
		buf_reset(&w->bufs[i]);
		if (buf_read_fd(&w->bufs[i], fd, w->fpath[i], CGROUPS_FILE_CAP, &e)) {
			note_unreadable(w, w->fpath[i], -e.code);
		} else {
			v->raw[i].data = w->bufs[i].data;
			v->raw[i].len = w->bufs[i].len;
		}
		close(fd);
	}
	return found;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The subdirectory names of dfd, sorted (a stable order for snapshots). */
static int list_dirs(int dfd, char ***names, size_t *n)
{
	int fd = dup(dfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		if (*n == cap) {
			char **p = realloc(*names, (cap = cap ? cap * 2 : 16) * sizeof(*p));

			if (!p)
				break;
			*names = p;
		}
		if (!((*names)[*n] = strdup(de->d_name)))
			break;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

static int walk_dir(struct walker *w, int dfd, int depth);

/* Opens name below dfd as a directory of the same filesystem, no symlink. */
static int open_child(struct walker *w, int dfd, const char *name)
{
	struct stat st;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || st.st_dev != w->dev) {
		close(fd);
		return -1;
	}
	return fd;
}

static int walk_children(struct walker *w, int dfd, int depth)
{
	size_t plen = strlen(w->path), n;
	char **names;
	int r = list_dirs(dfd, &names, &n);

	if (r) {
		note_unreadable(w, w->path, -r);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		int fd;

		if (!r && plen + strlen(names[i]) + 2 < sizeof(w->path) &&
		    (fd = open_child(w, dfd, names[i])) >= 0) {
			snprintf(w->path + plen, sizeof(w->path) - plen, "%s/", names[i]);
			r = walk_dir(w, fd, depth + 1);
			w->path[plen] = '\0';
			close(fd);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

static int walk_dir(struct walker *w, int dfd, int depth)
{
	struct cgroup_visit v = { 0 };
	char cgpath[PATH_MAX * 2];
	size_t pl = strlen(w->h->prefix), l;
	int r = 0, found;

	if (depth > CGROUPS_MAX_DEPTH) {
		w->st->too_deep++;
		return 0;
	}
	found = read_files(w, dfd, &v);
	if (found || !w->h->snapshot) {
		if (w->st->visited >= w->max) {
			w->st->capped = true;
			return 1;
		}
		/* prefix "/" + path "a/b/" -> "/a/b"; prefix "/x" -> "/x/a/b" */
		snprintf(cgpath, sizeof(cgpath), "%s%s%s",
			 pl > 1 ? w->h->prefix : "", "/", w->path);
		l = strlen(cgpath);
		if (l > 1 && cgpath[l - 1] == '/')
			cgpath[l - 1] = '\0';
		v.path = cgpath;
		v.version = w->h->version;
		v.depth = depth;
		w->st->visited++;
		r = w->fn(&v, w->ctx);
		if (r)
			return r;
	}
	return walk_children(w, dfd, depth);
}

int cgroups_walk(const struct cgroup_hier *h, size_t max_cgroups,
		 cgroup_visit_fn fn, void *ctx, struct cgroup_walk_stats *st,
		 struct kerr *e)
{
	struct walker *w = calloc(1, sizeof(*w));
	struct stat sb;
	int fd, r;

	memset(st, 0, sizeof(*st));
	if (!w)
		return kerr_set(e, -ENOMEM, h->dir, 0, "out of memory");
	fd = open(h->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb)) {
		r = kerr_set(e, -errno, h->dir, 0, "%s", strerror(errno));
		goto out;
	}
	*w = (struct walker){ .h = h, .fn = fn, .ctx = ctx, .st = st,
			      .dev = sb.st_dev,
			      .max = max_cgroups ? max_cgroups : CGROUPS_DEFAULT_MAX };
	r = walk_dir(w, fd, 0);
	if (r == 1 && st->capped)
		r = 0;
out:
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < MEMCG_F_COUNT; i++)
		buf_free(&w->bufs[i]);
	free(w);
	return r;
}

/* Removes an older copy of DIR/cgroup/vN: its files must not pass for ours. */
static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	return remove(path) && errno != ENOENT ? -1 : 0;
}

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return mkdir(path, 0700) && errno != EEXIST ? -errno : 0;
}

struct copier {
	char base[PATH_MAX]; /* DIR/cgroup/vN */
	struct kerr *e;
};

static int write_all(const char *path, const struct memcg_raw *raw,
		     struct kerr *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	size_t off = 0;

	if (fd < 0)
		return kerr_set(e, -errno, path, 0, "%s", strerror(errno));
	while (off < raw->len) {
		ssize_t n = write(fd, raw->data + off, raw->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;

			close(fd);
			return kerr_set(e, -err, path, 0, "write failed: %s",
					strerror(err));
		}
		off += (size_t)n;
	}
	if (close(fd))
		return kerr_set(e, -errno, path, 0, "write failed: %s",
				strerror(errno));
	return 0;
}

static int copy_visit(const struct cgroup_visit *v, void *ctx)
{
	struct copier *c = ctx;
	char dir[PATH_MAX * 2], file[PATH_MAX * 2 + 64];
	int r;

	if (snprintf(dir, sizeof(dir), "%s%s", c->base,
		     strcmp(v->path, "/") ? v->path : "") >= (int)sizeof(dir))
		return kerr_set(c->e, -ENAMETOOLONG, v->path, 0, "path too long");
	r = mkdirs(dir);
	if (r)
		return kerr_set(c->e, r, dir, 0, "%s", strerror(-r));
	for (int i = 0; i < MEMCG_F_COUNT; i++) {
		if (!v->raw[i].data)
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, memcg_files[i].name);
		r = write_all(file, &v->raw[i], c->e);
		if (r)
			return r;
	}
	return 0;
}

int cgroups_copy(const char *dir, size_t max_cgroups,
		 struct cgroup_walk_stats *st, struct kerr *e)
{
	struct cgroup_hiers hs;
	struct copier *c = calloc(1, sizeof(*c));
	int r;

	memset(st, 0, sizeof(*st));
	if (!c)
		return kerr_set(e, -ENOMEM, dir, 0, "out of memory");
	c->e = e;
	for (int v = 1; v <= 2; v++) {
		snprintf(c->base, sizeof(c->base), "%s/cgroup/v%d", dir, v);
		if (nftw(c->base, rm_entry, 16, FTW_DEPTH | FTW_PHYS) &&
		    errno != ENOENT) {
			r = kerr_set(e, -errno, c->base, 0, "stale copy: %s",
				     strerror(errno));
			goto out;
		}
	}
	r = cgroups_find(NULL, &hs, e);
	for (size_t i = 0; !r && i < hs.n; i++) {
		struct cgroup_walk_stats one;

		snprintf(c->base, sizeof(c->base), "%s/cgroup/v%d", dir,
			 hs.v[i].version);
		r = cgroups_walk(&hs.v[i], max_cgroups, copy_visit, c, &one, e);
		st->visited += one.visited;
		st->capped |= one.capped;
		st->too_deep += one.too_deep;
		st->unreadable += one.unreadable;
		if (!st->first.code && one.first.code)
			st->first = one.first;
	}
out:
	free(c);
	return r;
}

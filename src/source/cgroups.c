// SPDX-License-Identifier: GPL-2.0
/*
 * Walking the memory cgroup hierarchies, live or from a snapshot
 * directory, and rendering each cgroup's raw files as the cgroups source's
 * text; writing a snapshot's copy of them. Format, layout and bounds in
 * cgroups.h.
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

#define V1 1u
#define V2 2u

/* What parse/memcg.h reads, as the kernel names the files. */
const struct cgroup_file_desc cgroup_files[] = {
	{ "memory.stat", V1 | V2 },
	{ "memory.current", V2 },
	{ "memory.max", V2 },
	{ "memory.events", V2 },
	{ "memory.kmem.usage_in_bytes", V1 },
	{ "memory.kmem.tcp.usage_in_bytes", V1 },
	{ "memory.kmem.failcnt", V1 },
	{ "memory.usage_in_bytes", V1 },
	{ "memory.limit_in_bytes", V1 },
	{ "memory.failcnt", V1 },
	{ "memory.kmem.slabinfo", V1 },
};
const size_t cgroup_nfiles = sizeof(cgroup_files) / sizeof(cgroup_files[0]);

/* mountinfo's escapes for a path in the text. */
static int cgroups_escape(struct buf *out, const char *s)
{
	for (; *s; s++) {
		int r = (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
				? buf_printf(out, "\\%03o", (unsigned char)*s)
				: buf_append(out, s, 1);

		if (r)
			return r;
	}
	return 0;
}

struct walk_stats {
	size_t visited;
	bool capped;		    /* stopped at max */
	size_t too_deep;	    /* directories below CGROUPS_MAX_DEPTH skipped */
	size_t unreadable;	    /* files or directories present but not readable */
	char first[PATH_MAX + 128]; /* the first of them, and why */
};

/* The walk's state: one file buffer, reused for every file. */
struct walker {
	const struct cgroup_hier *h;
	size_t max;
	struct walk_stats *st;
	struct buf *out;
	struct buf file;
	dev_t dev;
	char path[PATH_MAX]; /* below dir, "a/b/" */
	char fpath[PATH_MAX * 2 + 64];
};

static void note(struct walk_stats *st, const char *what, int err)
{
	st->unreadable++;
	if (!st->first[0])
		if (snprintf(st->first, sizeof(st->first), "%s: %s", what, strerror(err)) < 0)
			st->first[0] = '\0';
}

/* Opens a regular file below dfd, no symlink, no FIFO; -errno. */
static int open_file(int dfd, const char *name)
{
	struct stat sb;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* One file: "file NAME LEN\n" + its bytes + "\n". 1 when present. */
static int render_file(struct walker *w, int dfd, const char *name, int *found)
{
	struct kerr e;
	int fd = open_file(dfd, name);

	snprintf(w->fpath, sizeof(w->fpath), "%s/%s%s", w->h->dir, w->path, name);
	if (fd < 0) {
		if (fd != -ENOENT)
			note(w->st, w->fpath, -fd);
		return 0;
	}
	(*found)++;
	buf_reset(&w->file);
	if (buf_read_fd(&w->file, fd, w->fpath, CGROUPS_FILE_CAP, &e)) {
		note(w->st, w->fpath, -e.code);
		close(fd);
		return 0;
	}
	close(fd);
	if (buf_printf(w->out, "file %s %zu\n", name, w->file.len) ||
	    buf_append(w->out, w->file.data, w->file.len) || buf_append(w->out, "\n", 1))
		return -ENOMEM;
	return 0;
}

/*
 * The cgroup's header and files. In a snapshot a directory holding none
 * of the files is a parent only: its header is taken back.
 */
static int render_cgroup(struct walker *w, int dfd, int depth, bool *listed)
{
	size_t mark = w->out->len, pl = strlen(w->h->prefix);
	unsigned vbit = 1u << (w->h->version - 1);
	int found = 0, r;

	*listed = false;
	r = buf_printf(w->out, "cgroup %d %d ", w->h->version, depth);
	/* prefix "/" + path "a/b/" -> "/a/b"; prefix "/x" -> "/x/a/b" */
	if (!r && pl > 1)
		r = cgroups_escape(w->out, w->h->prefix);
	if (!r && (pl <= 1 || w->path[0]))
		r = buf_append(w->out, "/", 1);
	if (!r && w->path[0]) {
		size_t l = strlen(w->path);

		w->path[l - 1] = '\0'; /* the trailing '/' */
		r = cgroups_escape(w->out, w->path);
		w->path[l - 1] = '/';
	}
	if (!r)
		r = buf_append(w->out, "\n", 1);
	for (size_t i = 0; !r && i < cgroup_nfiles; i++)
		if (cgroup_files[i].versions & vbit)
			r = render_file(w, dfd, cgroup_files[i].name, &found);
	if (r)
		return r;
	if (!found && w->h->snapshot) {
		w->out->len = mark;
		w->out->data[mark] = '\0';
		return 0;
	}
	*listed = true;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The subdirectory names of dfd, sorted (a stable order for snapshots).
 * A name with a newline is no cgroup (the kernel refuses them).
 */
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
		if (de->d_name[0] == '.' || strchr(de->d_name, '\n') ||
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
		note(w->st, w->h->dir, -r);
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

/* Returns 0, 1 when the cap stopped the walk, or -ENOMEM. */
static int walk_dir(struct walker *w, int dfd, int depth)
{
	bool listed;
	int r;

	if (depth > CGROUPS_MAX_DEPTH) {
		w->st->too_deep++;
		return 0;
	}
	if (w->st->visited >= w->max) {
		w->st->capped = true;
		return 1;
	}
	r = render_cgroup(w, dfd, depth, &listed);
	if (r)
		return r;
	w->st->visited += listed;
	return walk_children(w, dfd, depth);
}

static int walk_one(const struct cgroup_hier *h, size_t max, struct walk_stats *st, struct buf *out)
{
	struct walker *w = calloc(1, sizeof(*w));
	struct stat sb;
	int fd, r;

	if (!w)
		return -ENOMEM;
	fd = open(h->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb)) {
		r = -errno;
		free(w);
		if (fd >= 0)
			close(fd);
		return r;
	}
	w->h = h;
	w->max = max;
	w->st = st;
	w->out = out;
	w->dev = sb.st_dev;
	r = walk_dir(w, fd, 0);
	close(fd);
	buf_free(&w->file);
	free(w);
	return r == 1 ? 0 : r;
}

static int render_hiers(const struct cgroup_hiers *hs, struct buf *out)
{
	int r = buf_printf(out, "kleak-cgroups 1\n");

	for (size_t i = 0; !r && i < hs->n; i++) {
		r = buf_printf(out, "hierarchy %d ", hs->v[i].version);
		if (!r)
			r = cgroups_escape(out, hs->v[i].prefix);
		if (!r)
			r = buf_append(out, " ", 1);
		if (!r)
			r = cgroups_escape(out, hs->v[i].dir);
		if (!r)
			r = buf_append(out, "\n", 1);
	}
	return r;
}

int cgroups_render(const struct cgroup_hiers *hs, size_t max, struct buf *out, struct kerr *e)
{
	struct walk_stats st = { 0 };
	size_t opened = 0;
	int r = render_hiers(hs, out), err = 0;

	max = max ? max : CGROUPS_DEFAULT_MAX;
	for (size_t i = 0; !r && i < hs->n; i++) {
		if (st.visited >= max) {
			st.capped = true;
			break;
		}
		r = walk_one(&hs->v[i], max, &st, out);
		if (r && r != -ENOMEM) {
			err = r; /* this hierarchy cannot be opened: the others may */
			note(&st, hs->v[i].dir, -r);
			r = 0;
			continue;
		}
		opened += !r;
	}
	if (r == -ENOMEM)
		return kerr_set(e, r, "cgroups", 0, "out of memory");
	if (!opened && hs->n)
		return kerr_set(e, err, hs->v[0].dir, 0, "%s", strerror(-err));
	r = buf_printf(out, "walk visited=%zu capped=%d too_deep=%zu unreadable=%zu max=%zu\n",
		       st.visited, st.capped, st.too_deep, st.unreadable, max);
	if (!r && st.first[0]) {
		r = buf_append(out, "unreadable ", 11);
		if (!r) /* a message is one line: its own newlines are escaped */
			r = cgroups_escape(out, st.first);
		if (!r)
			r = buf_append(out, "\n", 1);
	}
	return r ? kerr_set(e, r, "cgroups", 0, "out of memory") : 0;
}

int cgroups_render_names(struct buf *out, const char *names, size_t len, const char *error)
{
	int r = buf_printf(out, "containers %zu\n", len);

	if (!r)
		r = buf_append(out, names, len);
	if (!r)
		r = buf_append(out, "\n", 1);
	if (!r && error) {
		r = buf_append(out, "names_error ", 12);
		if (!r)
			r = cgroups_escape(out, error);
		if (!r)
			r = buf_append(out, "\n", 1);
	}
	return r;
}

/* DIR/cgroup/containers, appended when the snapshot has one. */
static int read_dir_names(const char *dir, struct buf *out, struct kerr *e)
{
	char path[PATH_MAX + 32];
	struct buf b = { 0 };
	struct kerr ignored;
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/cgroup/containers", dir);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0; /* no containers, or an older snapshot */
	if (!buf_read_fd(&b, fd, path, BUF_FILE_CAP, &ignored) &&
	    cgroups_render_names(out, b.data, b.len, NULL))
		r = kerr_set(e, -ENOMEM, path, 0, "out of memory");
	close(fd);
	buf_free(&b);
	return r;
}

int cgroups_read_dir(const char *dir, struct buf *out, struct kerr *e)
{
	struct cgroup_hiers hs = { .n = 0 };
	char path[PATH_MAX + 16];
	struct stat st;
	int r;

	for (int v = 1; v <= 2; v++) {
		struct cgroup_hier *h = &hs.v[hs.n];

		if (snprintf(h->dir, sizeof(h->dir), "%s/cgroup/v%d", dir, v) >=
		    (int)sizeof(h->dir))
			return kerr_set(e, -ENAMETOOLONG, dir, 0, "path too long");
		if (lstat(h->dir, &st) || !S_ISDIR(st.st_mode))
			continue;
		h->version = v;
		h->snapshot = true;
		snprintf(h->prefix, sizeof(h->prefix), "/");
		hs.n++;
	}
	buf_reset(out);
	if (hs.n) {
		r = cgroups_render(&hs, CGROUPS_SNAPSHOT_MAX, out, e);
		return r ? r : read_dir_names(dir, out, e);
	}
	/* an unpacked recording's sample: the text itself */
	snprintf(path, sizeof(path), "%s/cgroups", dir);
	if (!lstat(path, &st) && S_ISREG(st.st_mode))
		return buf_read_file(out, path, BUF_FILE_CAP, e);
	return kerr_set(
		e, -ENOENT, dir, 0,
		"no cgroup/v1 or cgroup/v2 directory in this snapshot (taken before kleak read cgroups?)");
}

int cgroups_read_mountinfo(struct buf *b, struct kerr *e)
{
	buf_reset(b);
	return buf_read_file(b, "/proc/self/mountinfo", BUF_FILE_CAP, e);
}

int cgroups_read_controllers(const char *point, struct buf *b, struct kerr *e)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/cgroup.controllers", point);
	buf_reset(b);
	return buf_read_file(b, path, 4096, e);
}

/* ---- a snapshot's copy ---- */

/* Removes an older copy: its files must not pass for this machine's. */
static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path) && errno != ENOENT ? -1 : 0;
}

int cgroups_copy_clear(const char *dir, struct kerr *e)
{
	char path[PATH_MAX + 32];

	for (int v = 1; v <= 2; v++) {
		snprintf(path, sizeof(path), "%s/cgroup/v%d", dir, v);
		if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) && errno != ENOENT)
			return kerr_set(e, -errno, path, 0, "stale copy: %s", strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/cgroup/containers", dir);
	if (unlink(path) && errno != ENOENT)
		return kerr_set(e, -errno, path, 0, "stale copy: %s", strerror(errno));
	return 0;
}

/* mkdir -p of path below base (which exists), no symlink followed. */
static int mkdirs(char *path, size_t base)
{
	for (char *p = path + base + 1; *p; p++) {
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

static int write_all(const char *path, const char *data, size_t len, struct kerr *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	size_t off = 0;

	if (fd < 0)
		return kerr_set(e, -errno, path, 0, "%s", strerror(errno));
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;

			close(fd);
			return kerr_set(e, -err, path, 0, "write failed: %s", strerror(err));
		}
		off += (size_t)n;
	}
	if (close(fd))
		return kerr_set(e, -errno, path, 0, "write failed: %s", strerror(errno));
	return 0;
}

/* ".." or "." as a component would leave DIR/cgroup/vN. */
static bool safe_path(const char *path)
{
	const char *p = path;

	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
	}
	return true;
}

int cgroups_copy_file(const char *dir, int version, const char *path, const char *name,
		      const char *data, size_t len, struct kerr *e)
{
	char d[PATH_MAX * 2], f[PATH_MAX * 2 + 64];
	size_t base = strlen(dir);
	int r;

	if (!safe_path(path) || strchr(name, '/') || name[0] == '.')
		return kerr_set(e, -EINVAL, path, 0, "not a cgroup path");
	if (snprintf(d, sizeof(d), "%s/cgroup/v%d%s", dir, version,
		     strcmp(path, "/") ? path : "") >= (int)sizeof(d))
		return kerr_set(e, -ENAMETOOLONG, path, 0, "path too long");
	r = mkdirs(d, base);
	if (r)
		return kerr_set(e, r, d, 0, "%s", strerror(-r));
	snprintf(f, sizeof(f), "%s/%s", d, name);
	return write_all(f, data, len, e);
}

int cgroups_copy_names(const char *dir, const char *data, size_t len, struct kerr *e)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/cgroup", dir);
	if (mkdir(path, 0700) && errno != EEXIST)
		return kerr_set(e, -errno, path, 0, "%s", strerror(errno));
	snprintf(path, sizeof(path), "%s/cgroup/containers", dir);
	return write_all(path, data, len, e);
}

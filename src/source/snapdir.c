// SPDX-License-Identifier: GPL-2.0
/* A snapshot directory written beside its place and renamed in; see snapdir.h. */
#include "snapdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether the directory at path (not a symlink) has no entry. */
static int empty_dir(const char *path, bool *empty)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	if (!d) {
		int r = -errno;

		if (fd >= 0)
			close(fd);
		return r;
	}
	*empty = true;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			*empty = false;
	closedir(d);
	return 0;
}

/* The target: absent, or an empty directory; never a symlink. */
static int check_target(const char *path, struct kerr *e)
{
	struct stat st;
	bool empty = false;
	int r;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : kerr_set(e, -errno, path, 0, "%s", strerror(errno));
	if (S_ISLNK(st.st_mode))
		return kerr_set(e, -EEXIST, path, 0,
				"is a symlink: refused (kleak snapshot makes a new directory)");
	if (!S_ISDIR(st.st_mode))
		return kerr_set(e, -EEXIST, path, 0, "exists and is not a directory");
	r = empty_dir(path, &empty);
	if (r)
		return kerr_set(e, r, path, 0, "%s", strerror(-r));
	if (!empty)
		return kerr_set(
			e, -ENOTEMPTY, path, 0,
			"exists and is not empty: kleak snapshot writes a new directory (remove it, or choose another name)");
	return 0;
}

int snapdir_begin(struct snapdir *w, const char *path, struct kerr *e)
{
	const char *slash;
	int n, r;

	memset(w, 0, sizeof(*w));
	w->dfd = -1;
	if (!path[0] || snprintf(w->path, sizeof(w->path), "%s", path) >= (int)sizeof(w->path))
		return kerr_set(e, -ENAMETOOLONG, path, 0, "path too long");
	while (strlen(w->path) > 1 && w->path[strlen(w->path) - 1] == '/')
		w->path[strlen(w->path) - 1] = '\0';
	r = check_target(w->path, e);
	if (r)
		return r;
	slash = strrchr(w->path, '/');
	n = slash ? snprintf(w->tmp, sizeof(w->tmp), "%.*s/.%s.kleak-XXXXXX",
			     (int)(slash - w->path), w->path, slash + 1)
		  : snprintf(w->tmp, sizeof(w->tmp), ".%s.kleak-XXXXXX", w->path);
	if (n >= (int)sizeof(w->tmp))
		return kerr_set(e, -ENAMETOOLONG, path, 0, "path too long");
	if (!mkdtemp(w->tmp)) { /* mode 0700 */
		r = -errno;
		w->tmp[0] = '\0';
		return kerr_set(e, r, path, 0, "cannot make a directory beside it: %s",
				strerror(-r));
	}
	w->dfd = open(w->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w->dfd < 0) {
		r = kerr_set(e, -errno, w->tmp, 0, "%s", strerror(errno));
		snapdir_abort(w);
		return r;
	}
	return 0;
}

int snapdir_mkdir(struct snapdir *w, const char *name, struct kerr *e)
{
	if (mkdirat(w->dfd, name, 0700))
		return kerr_set(e, -errno, w->path, 0, "%s: %s", name, strerror(errno));
	return 0;
}

int snapdir_write(struct snapdir *w, const char *name, const void *data, size_t len, struct kerr *e)
{
	int fd = openat(w->dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	size_t off = 0;
	int err = 0;

	if (fd < 0)
		return kerr_set(e, -errno, w->path, 0, "%s: %s", name, strerror(errno));
	while (off < len && !err) {
		ssize_t n = write(fd, (const char *)data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			err = n < 0 ? errno : EIO;
		else
			off += (size_t)n;
	}
	if (!err && fsync(fd))
		err = errno;
	if (close(fd) && !err)
		err = errno;
	if (err)
		return kerr_set(e, -err, w->path, 0, "%s: write failed: %s", name, strerror(err));
	return 0;
}

/* Removes the entries of the directory dfd, depth first, by descriptor. */
static void remove_all(int dfd)
{
	int fd = dup(dfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		int sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!unlinkat(dfd, de->d_name, 0))
			continue;
		sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		remove_all(sub);
		close(sub);
		unlinkat(dfd, de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

void snapdir_abort(struct snapdir *w)
{
	if (w->dfd >= 0) {
		remove_all(w->dfd);
		close(w->dfd);
		w->dfd = -1;
	}
	if (w->tmp[0])
		rmdir(w->tmp); /* only ever an empty directory */
	w->tmp[0] = '\0';
}

/* Into place: where nothing is, or over an empty directory (never a symlink). */
static int place(struct snapdir *w, struct kerr *e)
{
	int r;

	if (!renameat2(AT_FDCWD, w->tmp, AT_FDCWD, w->path, RENAME_NOREPLACE))
		return 0;
	if (errno != EEXIST && errno != EINVAL && errno != ENOSYS)
		return kerr_set(e, -errno, w->path, 0, "%s", strerror(errno));
	r = check_target(w->path, e); /* made meanwhile: as at the start */
	if (r)
		return r;
	if (rename(w->tmp, w->path))
		return kerr_set(e, -errno, w->path, 0, "%s", strerror(errno));
	return 0;
}

int snapdir_commit(struct snapdir *w, struct kerr *e)
{
	int r = 0;

	if (fsync(w->dfd))
		r = kerr_set(e, -errno, w->tmp, 0, "sync: %s", strerror(errno));
	if (!r)
		r = place(w, e);
	if (r) {
		snapdir_abort(w);
		return r;
	}
	close(w->dfd);
	w->dfd = -1;
	w->tmp[0] = '\0';
	return 0;
}

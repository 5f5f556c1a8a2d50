// SPDX-License-Identifier: GPL-2.0
/* Atomic replacement of a metrics file; see textfile.h. */
#include "textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w, n -= (size_t)w;
	}
	return 0;
}

/* The directory of path, for the temporary file and its fsync. */
static void dir_of(const char *path, char *dir, size_t len)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(dir, len, "%s", dirname(tmp));
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		r = -errno;
	close(fd);
	return r;
}

int textfile_write(const char *path, const char *data, size_t len, struct kerr *e)
{
	char dir[4096], base[1024], tmp[4096 + 1100];
	int fd, r;

	if (strlen(path) >= sizeof(dir))
		return kerr_set(e, -ENAMETOOLONG, path, 0, "path too long");
	dir_of(path, dir, sizeof(dir));
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(base, sizeof(base), "%s", basename(tmp));
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return kerr_set(e, -errno, path, 0, "cannot create a file in %s: %s", dir,
				strerror(errno));
	r = write_all(fd, data, len);
	if (!r && fchmod(fd, 0644)) /* readable by node_exporter's user */
		r = -errno;
	if (!r && fsync(fd))
		r = -errno;
	if (close(fd) && !r)
		r = -errno;
	if (!r && rename(tmp, path))
		r = -errno;
	if (r) {
		unlink(tmp);
		return kerr_set(e, r, path, 0, "cannot write: %s", strerror(-r));
	}
	r = sync_dir(dir);
	if (r)
		return kerr_set(e, r, dir, 0, "cannot sync the directory: %s", strerror(-r));
	return 0;
}

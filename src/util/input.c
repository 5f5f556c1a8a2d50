// SPDX-License-Identifier: GPL-2.0
/* Opening and reading files users hand kleak, safely as root; see input.h. */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

/*
 * The kernel tables kleak reads live, which a user may also name (kleak
 * kmemleak report --kallsyms /proc/kallsyms): reading them has no effect.
 */
static const char *const kernel_tables[] = {
	"/proc/meminfo",  "/proc/slabinfo",  "/proc/vmallocinfo",	   "/proc/modules",
	"/proc/kallsyms", "/proc/allocinfo", "/sys/kernel/debug/kmemleak",
};

static bool kernel_fs(long type)
{
	switch (type) {
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC:
	case SECURITYFS_MAGIC:
	case BPF_FS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
		return true;
	default:
		return false;
	}
}

static bool kernel_table(int fd)
{
	char link[64], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	for (size_t i = 0; i < sizeof(kernel_tables) / sizeof(kernel_tables[0]); i++)
		if (!strcmp(target, kernel_tables[i]))
			return true;
	return false;
}

static const char *kind_of(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISLNK(m))
		return "a symlink";
	return "not a regular file";
}

/* What was opened must be a regular file, and no kernel file but a table. */
static int vet(int fd, const char *name, struct kerr *e)
{
	struct stat st;
	struct statfs sf;

	if (fstat(fd, &st))
		return kerr_set(e, -errno, name, 0, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return kerr_set(e, -EINVAL, name, 0, "%s, not a regular file: refused",
				kind_of(st.st_mode));
	if (!fstatfs(fd, &sf) && kernel_fs((long)sf.f_type) && !kernel_table(fd))
		return kerr_set(
			e, -EINVAL, name, 0,
			"a kernel interface file, not a saved one: refused (reading it can take data away from others)");
	return 0;
}

static int open_err(int err, const char *name, struct kerr *e)
{
	if (err == EXDEV)
		return kerr_set(e, -EXDEV, name, 0,
				"leads out of its directory (a symlink or ..): refused");
	if (err == ELOOP)
		return kerr_set(e, -ELOOP, name, 0, "a symlink: refused");
	return kerr_set(e, -err, name, 0, "%s%s", strerror(err),
			(err == EACCES || err == EPERM) && geteuid() ? " (needs root)" : "");
}

/*
 * The file is first opened as a path only (O_PATH: opening a device can
 * arm a watchdog or rewind a tape; a FIFO would block), vetted, and only
 * then opened for reading through its /proc/self/fd link: the same inode,
 * never another file put in its place meanwhile.
 */
static int reopen(int pfd, const char *name, struct kerr *e)
{
	char link[64];
	int fd, r = vet(pfd, name, e);

	if (!r) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
		fd = open(link, OPEN_FLAGS);
		r = fd >= 0 ? fd : open_err(errno, name, e);
	}
	close(pfd);
	return r;
}

int input_open(const char *path, struct kerr *e)
{
	int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0)
		return open_err(errno, path, e);
	return reopen(fd, path, e);
}

int input_open_dir(const char *path, struct kerr *e)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return open_err(errno, path, e);
	return fd;
}

int input_join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int input_open_at(int dirfd, const char *dirpath, const char *name, struct kerr *e)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	char path[4096];
	int fd;

	input_join(path, sizeof(path), dirpath, name); /* for messages only */
	fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM)) /* before 5.6, or seccomp */
		fd = openat(dirfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return open_err(errno, path, e);
	return reopen(fd, path, e);
}

static int read_fd(struct buf *b, int fd, const char *name, size_t cap, struct kerr *e)
{
	int r;

	if (fd < 0)
		return fd;
	r = buf_read_fd(b, fd, name, cap, e);
	close(fd);
	return r;
}

int input_read(struct buf *b, const char *path, size_t cap, struct kerr *e)
{
	return read_fd(b, input_open(path, e), path, cap, e);
}

int input_read_at(struct buf *b, int dirfd, const char *dirpath, const char *name, size_t cap,
		  struct kerr *e)
{
	char path[4096];

	input_join(path, sizeof(path), dirpath, name); /* for messages only */
	return read_fd(b, input_open_at(dirfd, dirpath, name, e), path, cap, e);
}

bool input_refused(int code)
{
	return code == -EINVAL || code == -EXDEV || code == -ELOOP || code == -EFBIG ||
	       code == -ENAMETOOLONG;
}

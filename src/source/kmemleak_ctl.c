// SPDX-License-Identifier: GPL-2.0
/* Reading and driving /sys/kernel/debug/kmemleak; see kmemleak_ctl.h. */
#include "kmemleak_ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util/num.h"

#define DEBUGFS_DIR "/sys/kernel/debug"
#define DEBUGFS_MAGIC_NR 0x64626720

const char *kmemleak_ctl_path(void)
{
	const char *p = getenv("KLEAK_KMEMLEAK");

	return p && *p ? p : KMEMLEAK_PATH;
}

/* Mounts debugfs when the default path is used and it is not mounted. */
static int ensure_debugfs(bool mount_it, enum kmemleak_avail *avail, struct kerr *e)
{
	struct statfs st;

	if (getenv("KLEAK_KMEMLEAK") && *getenv("KLEAK_KMEMLEAK"))
		return 0;
	if (statfs(DEBUGFS_DIR, &st) == 0 && st.f_type == DEBUGFS_MAGIC_NR)
		return 0;
	if (!mount_it) {
		*avail = KMEMLEAK_NO_DEBUGFS;
		return kerr_set(e, -ENOENT, DEBUGFS_DIR, 0, "debugfs is not mounted");
	}
	if (mount("debugfs", DEBUGFS_DIR, "debugfs", 0, NULL) == 0)
		return 0;
	*avail = KMEMLEAK_NO_DEBUGFS;
	return kerr_set(e, -errno, DEBUGFS_DIR, 0,
			"debugfs is not mounted and mounting it failed: %s%s", strerror(errno),
			errno == EPERM ? " (needs root)" : "");
}

static int classify(int err, const char *what, enum kmemleak_avail *avail, struct kerr *e)
{
	const char *path = kmemleak_ctl_path();

	switch (err) {
	case ENOENT:
		*avail = KMEMLEAK_ABSENT;
		return kerr_set(
			e, -err, path, 0,
			"absent: this kernel is built without kmemleak (CONFIG_DEBUG_KMEMLEAK)");
	case EPERM:
	case EBUSY:
		if (geteuid() == 0 || err == EBUSY) {
			*avail = KMEMLEAK_DISABLED;
			return kerr_set(
				e, -err, path, 0,
				"%s refused (%s): kmemleak is disabled (booted with kmemleak=off, or it turned itself off: see the kernel log)",
				what, strerror(err));
		}
		/* fall through */
	case EACCES:
		*avail = KMEMLEAK_NO_ACCESS;
		return kerr_set(e, -err, path, 0, "%s: %s (needs root)", what, strerror(err));
	default:
		*avail = KMEMLEAK_ERROR;
		return kerr_set(e, -err, path, 0, "%s: %s", what, strerror(err));
	}
}

int kmemleak_ctl_read(struct buf *out, bool mount_it, enum kmemleak_avail *avail, struct kerr *e)
{
	const char *path = kmemleak_ctl_path();
	int fd, r;

	*avail = KMEMLEAK_AVAILABLE;
	r = ensure_debugfs(mount_it, avail, e);
	if (r)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return classify(errno, "open", avail, e);
	r = buf_read_fd(out, fd, path, BUF_FILE_CAP, e);
	close(fd);
	if (r && (r == -EBUSY || r == -EPERM))
		return classify(-r, "read", avail, e);
	if (r)
		*avail = KMEMLEAK_ERROR;
	return r;
}

int kmemleak_ctl_write(const char *cmd, enum kmemleak_avail *avail, struct kerr *e)
{
	const char *path = kmemleak_ctl_path();
	size_t n = strlen(cmd);
	ssize_t w;
	int fd, r;

	*avail = KMEMLEAK_AVAILABLE;
	r = ensure_debugfs(true, avail, e);
	if (r)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return classify(errno, "open for writing", avail, e);
	do
		w = write(fd, cmd, n);
	while (w < 0 && errno == EINTR);
	r = w < 0 ? errno : 0;
	close(fd);
	if (r)
		return classify(r, cmd, avail, e);
	if ((size_t)w != n) {
		*avail = KMEMLEAK_ERROR;
		return kerr_set(e, -EIO, path, 0, "%s: short write", cmd);
	}
	return 0;
}

uint64_t kmemleak_ctl_jiffies(void)
{
	struct buf b = { 0 };
	struct kerr e = { 0 };
	struct line_iter it;
	const char *l;
	size_t len;
	uint64_t v = 0;

	/* "jiffies: 4294937296" once per CPU in the tick device section */
	if (buf_read_file(&b, "/proc/timer_list", 64u << 20, &e))
		return 0;
	line_iter_init(&it, b.data, b.len);
	while (line_next(&it, &l, &len)) {
		struct field f[3];

		if (fields_split(l, len, f, 3) == 2 && field_eq(&f[0], "jiffies:") &&
		    !num_u64(f[1].s, f[1].len, &v))
			break;
		v = 0;
	}
	buf_free(&b);
	return v;
}

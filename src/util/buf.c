// SPDX-License-Identifier: GPL-2.0
/* Growable buffers, capped reads of whole files, in-place line walking. */
#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

int buf_reserve(struct buf *b, size_t extra)
{
	size_t want, ncap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return -ENOMEM;
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 4096;
	while (ncap < want)
		ncap = ncap > SIZE_MAX / 2 ? want : ncap * 2;
	p = realloc(b->data, ncap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = ncap;
	return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	int r = buf_reserve(b, n);

	if (r)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	r = buf_reserve(b, (size_t)n);
	if (r)
		return r;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static const char *errno_hint(int err)
{
	if (err == EACCES || err == EPERM)
		return geteuid() ? " (needs root)" : "";
	return "";
}

static int too_big(struct kerr *e, const char *name, size_t cap)
{
	return kerr_set(e, -EFBIG, name, 0, "larger than the %zu-byte limit", cap);
}

/*
 * Whether fd is on a kernel pseudo filesystem, whose files give no true
 * size: a sysfs attribute says 4096 whatever it holds, /proc says 0.
 */
static bool pseudo_fs(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf))
		return false;
	switch ((unsigned long)sf.f_type) {
	case SYSFS_MAGIC:
	case PROC_SUPER_MAGIC:
	case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case SECURITYFS_MAGIC:
		return true;
	default:
		return false;
	}
}

int buf_read_fd(struct buf *b, int fd, const char *name, size_t cap, struct kerr *e)
{
	size_t start = b->len;
	struct stat st;

	/*
	 * A regular file says its size: checked against the cap before
	 * reading anything (a 2 GiB sparse file costs nothing), and read with
	 * one allocation instead of doubling. Not a kernel pseudo file's
	 * (sysfs says 4096 for a flag of two bytes): the read below keeps
	 * its cap.
	 */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 && !pseudo_fs(fd)) {
		if ((uint64_t)st.st_size > cap)
			return too_big(e, name, cap);
		if (buf_reserve(b, (size_t)st.st_size + 1))
			return kerr_set(e, -ENOMEM, name, 0, "out of memory");
	}
	for (;;) {
		size_t used = b->len - start, room;
		/* never more than one byte past the cap: that says "over" */
		size_t want = cap - used < SIZE_MAX ? cap - used + 1 : SIZE_MAX;
		ssize_t n;
		int r = b->cap - b->len > 65536 ? 0 : buf_reserve(b, 65536);

		if (r)
			return kerr_set(e, r, name, 0, "out of memory");
		room = b->cap - b->len - 1;
		n = read(fd, b->data + b->len, room < want ? room : want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			return kerr_set(e, r, name, 0, "%s%s", strerror(-r), errno_hint(-r));
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->data[b->len] = '\0';
		if (b->len - start > cap)
			return too_big(e, name, cap);
	}
	if (!b->data && buf_reserve(b, 0))
		return kerr_set(e, -ENOMEM, name, 0, "out of memory");
	b->data[b->len] = '\0';
	return 0;
}

int buf_read_file(struct buf *b, const char *path, size_t cap, struct kerr *e)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		return kerr_set(e, r, path, 0, "%s%s", strerror(-r), errno_hint(-r));
	}
	r = buf_read_fd(b, fd, path, cap, e);
	close(fd);
	return r;
}

void line_iter_init(struct line_iter *it, const char *data, size_t len)
{
	it->p = data;
	it->end = data ? data + len : data;
	it->lineno = 0;
}

bool line_next(struct line_iter *it, const char **line, size_t *len)
{
	const char *nl;

	if (!it->p || it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	*line = it->p;
	if (nl) {
		*len = (size_t)(nl - it->p);
		it->p = nl + 1;
		/* CRLF (a file saved on Windows): the same line, in every parser */
		if (*len && (*line)[*len - 1] == '\r')
			(*len)--;
	} else {
		*len = (size_t)(it->end - it->p);
		it->p = it->end;
	}
	it->lineno++;
	return true;
}

int line_next_capped(struct line_iter *it, const char **line, size_t *len, const char *src,
		     struct kerr *e)
{
	if (!line_next(it, line, len))
		return 0;
	if (*len > BUF_LINE_CAP)
		return kerr_set(e, -E2BIG, src, it->lineno, "line longer than %u bytes",
				BUF_LINE_CAP);
	/* The kernel's text files have none: a NUL would silently cut a name. */
	if (memchr(*line, '\0', *len))
		return kerr_set(e, -EINVAL, src, it->lineno, "a NUL byte: not a text line");
	return 1;
}

static inline bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int fields_split(const char *line, size_t len, struct field *out, int max)
{
	size_t i = 0;
	int n = 0;

	while (i < len) {
		size_t start;

		while (i < len && is_space(line[i]))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && !is_space(line[i]))
			i++;
		if (n < max) {
			out[n].s = line + start;
			out[n].len = i - start;
		}
		n++;
	}
	return n;
}

bool field_eq(const struct field *f, const char *s)
{
	size_t n = strlen(s);

	return f->len == n && memcmp(f->s, s, n) == 0;
}

void field_copy(char *dst, size_t dstlen, const struct field *f)
{
	size_t n = f->len < dstlen - 1 ? f->len : dstlen - 1;

	memcpy(dst, f->s, n);
	dst[n] = '\0';
}

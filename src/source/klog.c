// SPDX-License-Identifier: GPL-2.0
/* Reading the kernel log: /dev/kmsg record by record, or a saved file; see klog.h. */
#include "source/klog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/input.h"

/* The record's sequence number: its header's second field ("6,1234,..."). */
static bool record_seq(const char *rec, size_t n, uint64_t *seq)
{
	const char *p = memchr(rec, ',', n), *end = rec + n;
	uint64_t v = 0;

	if (!p || ++p >= end || *p < '0' || *p > '9')
		return false;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*seq = v;
	return p < end && *p == ',';
}

static int open_kmsg(const char *path, struct kerr *e)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), r;

	if (fd >= 0)
		return fd;
	r = -errno;
	if (r == -EPERM || r == -EACCES)
		return kerr_set(e, r, path, 0, "%s (needs root, or kernel.dmesg_restrict=0)",
				strerror(-r));
	return kerr_set(e, r, path, 0, "%s", strerror(-r));
}

/* Keeps a record read at or above the cursor, noting a gap before it. */
static int keep(struct klog_read *out, const char *rec, size_t n, uint64_t seq, uint64_t cursor)
{
	if (!out->has_seq) {
		out->has_seq = true;
		out->first_seq = seq;
		if (cursor && seq > cursor)
			out->lost += seq - cursor; /* overwritten since the last read */
	} else if (seq != out->next_seq) {
		out->lost += seq > out->next_seq ? seq - out->next_seq : 0;
	}
	out->next_seq = seq + 1;
	out->records++;
	if (buf_append(&out->data, rec, n))
		return -ENOMEM;
	return n && rec[n - 1] == '\n' ? 0 : buf_append(&out->data, "\n", 1);
}

/* One pass from the oldest record; *newest gets the highest seq seen + 1. */
static int read_all(int fd, const char *path, uint64_t cursor, struct klog_read *out,
		    uint64_t *newest, struct kerr *e)
{
	char *rec = malloc(KLOG_RECORD_MAX);
	int r = 0;

	if (!rec)
		return kerr_set(e, -ENOMEM, path, 0, "out of memory");
	if (lseek(fd, 0, SEEK_SET) < 0) {
		r = -errno;
		kerr_set(e, r, path, 0, "seek to the oldest record: %s", strerror(-r));
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, rec, KLOG_RECORD_MAX);
		uint64_t seq;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE) {
			out->overruns++;
			continue;
		}
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			r = -errno;
			kerr_set(e, r, path, 0, "%s", strerror(-r));
			goto out;
		}
		if (n == 0)
			break;
		if (!record_seq(rec, (size_t)n, &seq)) {
			r = kerr_set(e, -EINVAL, path, 0, "not a /dev/kmsg record");
			goto out;
		}
		if (seq + 1 > *newest)
			*newest = seq + 1;
		if (seq >= cursor && keep(out, rec, (size_t)n, seq, cursor)) {
			r = kerr_set(e, -ENOMEM, path, 0, "out of memory");
			goto out;
		}
	}
out:
	free(rec);
	return r;
}

int klog_read_kmsg(const char *path, uint64_t cursor, struct klog_read *out, struct kerr *e)
{
	uint64_t newest = 0;
	int fd, r;

	memset(out, 0, sizeof(*out));
	path = path ? path : KLOG_KMSG_PATH;
	if ((fd = open_kmsg(path, e)) < 0)
		return fd;
	r = read_all(fd, path, cursor, out, &newest, e);
	if (!r && !out->records && cursor > newest && newest) {
		/* numbers start again at each boot: this is another log */
		klog_read_free(out);
		out->restarted = true;
		r = read_all(fd, path, 0, out, &newest, e);
	}
	close(fd);
	if (!r && !out->data.data && buf_append(&out->data, "", 0))
		r = kerr_set(e, -ENOMEM, path, 0, "out of memory");
	if (r)
		klog_read_free(out);
	return r;
}

void klog_read_free(struct klog_read *r)
{
	if (!r)
		return;
	buf_free(&r->data);
	memset(r, 0, sizeof(*r));
}

int klog_read_live(const char *path, struct buf *out, struct source_live *st, struct kerr *e)
{
	struct klog_read rd;
	uint64_t cursor = st ? st->kmsg_cursor : 0;
	struct buf tmp;
	int r = klog_read_kmsg(path, cursor, &rd, e);

	if (r)
		return r;
	/* the records become the sample's: swap the buffers, no copy */
	tmp = *out;
	*out = rd.data;
	rd.data = tmp;
	if (st && st->meta) {
		r = buf_printf(st->meta, "kmsg_cursor=%llu\n", (unsigned long long)cursor);
		if (!r && rd.has_seq)
			r = buf_printf(st->meta, "kmsg_first_seq=%llu\nkmsg_next_seq=%llu\n",
				       (unsigned long long)rd.first_seq,
				       (unsigned long long)rd.next_seq);
		if (!r)
			r = buf_printf(
				st->meta,
				"kmsg_records=%llu\nkmsg_lost=%llu\nkmsg_overruns=%llu\nkmsg_restarted=%d\n",
				(unsigned long long)rd.records, (unsigned long long)rd.lost,
				(unsigned long long)rd.overruns, rd.restarted);
	}
	klog_read_free(&rd);
	return r ? kerr_set(e, -ENOMEM, path, 0, "out of memory") : 0;
}

int klog_read_file(const char *path, struct buf *out, struct kerr *e)
{
	buf_reset(out);
	if (!strcmp(path, "-"))
		return buf_read_fd(out, STDIN_FILENO, "standard input", BUF_FILE_CAP, e);
	return input_read(out, path, BUF_FILE_CAP, e); /* a regular file only */
}

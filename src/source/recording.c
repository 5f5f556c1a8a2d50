// SPDX-License-Identifier: GPL-2.0
/*
 * Recording files: the crash-safe appending writer of `kleak record`, the
 * mapped reader of `kleak report`, and one sample picked out of a file for
 * `kleak check --from/--baseline FILE`; see recording.h.
 */
#include "recording.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/input.h"

/*
 * fsyncs the directory that holds path, so that the new file's entry is
 * on disk before the first sample is: fdatasync() of the file alone does
 * not make its name durable, and a power cut could lose the whole file.
 */
static int sync_parent(const char *path, struct kerr *e)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, r = 0;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (fsync(fd) && errno != EINVAL)) /* EINVAL: a file system without it */
		r = kerr_set(e, -errno, dir, 0, "fsync of the directory: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

int recording_create(struct recording_writer *w, const char *path, uint64_t max_size,
		     uint64_t interval_ns, struct kerr *e)
{
	int r;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	snprintf(w->path, sizeof(w->path), "%s", path);
	w->max_size = max_size;
	w->interval_ns = interval_ns;
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		r = -errno;
		return kerr_set(e, r, path, 0, "%s%s", strerror(-r),
				r == -EEXIST
					? " (kleak record never overwrites: remove it or pick another name)"
					: "");
	}
	r = sync_parent(path, e);
	if (r) {
		close(w->fd);
		w->fd = -1;
		unlink(path);
	}
	return r;
}

/* Writes all of p; on failure cuts the file back to its old size. */
static int append_all(struct recording_writer *w, const char *p, size_t n, struct kerr *e)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = write(w->fd, p + done, n - done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			int r = k < 0 ? -errno : -EIO;

			if (ftruncate(w->fd, (off_t)w->size) < 0) {
				/* the reader drops a torn tail anyway */
			}
			return kerr_set(e, r, w->path, 0, "write: %s", strerror(-r));
		}
		done += (size_t)k;
	}
	w->size += n;
	/* Durable before the next sample: a power cut loses one at most. */
	if (fdatasync(w->fd) && errno != EINVAL)
		return kerr_set(e, -errno, w->path, 0, "fdatasync: %s", strerror(errno));
	return 0;
}

static bool same_as_kept(const struct recording_writer *w, const struct sample *s, int id)
{
	const struct buf *a = &s->raw[id], *b = &w->kept[id];

	return w->have_kept[id] && a->len == b->len &&
	       (!a->len || !memcmp(a->data, b->data, a->len));
}

/* The copies of the RECORDING_WHEN_CHANGED sources s held, once it is written. */
static int note_kept(struct recording_writer *w, const struct sample *s, unsigned written,
		     struct kerr *e)
{
	for (int i = 0; i < SRC_COUNT; i++) {
		if (!(written & SRC_BIT(i)))
			continue;
		buf_reset(&w->kept[i]);
		if (s->raw[i].len && buf_append(&w->kept[i], s->raw[i].data, s->raw[i].len))
			return kerr_set(e, -ENOMEM, w->path, 0, "out of memory");
		w->have_kept[i] = true;
	}
	return 0;
}

int recording_append(struct recording_writer *w, const struct sample *s, struct kerr *e)
{
	struct recording_meta m = { .seq = w->samples + 1,
				    .interval_ns = w->interval_ns,
				    .leak_window_ns = w->leak_window_ns,
				    .time_s = clock_wall_ns() / 1000000000LL };
	struct sample t = *s; /* shallow: which sources this member holds */
	unsigned written = 0;
	int r;

	for (int i = 0; i < SRC_COUNT; i++) {
		if (!(RECORDING_WHEN_CHANGED & SRC_BIT(i)) || !s->have[i])
			continue;
		if (same_as_kept(w, s, i))
			t.have[i] = false;
		else
			written |= SRC_BIT(i);
	}
	buf_reset(&w->member);
	r = recording_encode(&w->enc, &t, &m, &w->member, e);
	if (r)
		return r;
	if (w->max_size && w->size + w->member.len > w->max_size)
		return 1;
	r = append_all(w, w->member.data, w->member.len, e);
	if (!r)
		w->samples++;
	return r ? r : note_kept(w, s, written, e);
}

int recording_close(struct recording_writer *w, struct kerr *e)
{
	int r = 0;

	if (w->fd < 0)
		return 0;
	buf_reset(&w->member);
	if (!recording_encode_end(&w->enc, &w->member, e) &&
	    (!w->max_size || w->size + w->member.len <= w->max_size))
		r = append_all(w, w->member.data, w->member.len, e);
	if (close(w->fd) && !r)
		r = kerr_set(e, -errno, w->path, 0, "close: %s", strerror(errno));
	w->fd = -1;
	recording_encoder_free(&w->enc);
	buf_free(&w->member);
	for (int i = 0; i < SRC_COUNT; i++)
		buf_free(&w->kept[i]);
	return r;
}

int recording_open(const char *path, struct recording_file *f, struct kerr *e)
{
	struct stat st;
	int fd, r;

	memset(f, 0, sizeof(*f));
	fd = input_open(path, e); /* a regular file only: util/input.h */
	if (fd < 0)
		return fd;
	if (!fstat(fd, &st) && st.st_size > 0) {
		if ((uint64_t)st.st_size > BUF_FILE_CAP) {
			close(fd);
			return kerr_set(e, -EFBIG, path, 0, "larger than 1 GiB");
		}
		f->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (f->map != MAP_FAILED) {
			close(fd);
			f->map_len = (size_t)st.st_size;
			f->data = f->map;
			f->len = f->map_len;
			return 0;
		}
		f->map = NULL;
	}
	r = buf_read_fd(&f->buf, fd, path, BUF_FILE_CAP, e);
	close(fd);
	if (r)
		return r;
	f->data = f->buf.data;
	f->len = f->buf.len;
	return 0;
}

void recording_file_close(struct recording_file *f)
{
	if (!f)
		return;
	if (f->map)
		munmap(f->map, f->map_len);
	buf_free(&f->buf);
	memset(f, 0, sizeof(*f));
}

/* ---- one sample of a file ---- */

struct pick {
	uint64_t nth; /* RECORDING_LAST or from 1 */
	struct sample *out;
	bool found;
	struct sample carry; /* the RECORDING_WHEN_CHANGED sources kept last */
};

/* The sources s kept only when they changed, held for the samples after it. */
static int carry(struct pick *p, struct sample *s)
{
	for (int i = 0; i < SRC_COUNT; i++) {
		struct buf tmp;

		if (!(RECORDING_WHEN_CHANGED & SRC_BIT(i)) || !s->have[i])
			continue;
		tmp = p->carry.raw[i]; /* swapped: the walk reuses the old buffer */
		p->carry.raw[i] = s->raw[i];
		s->raw[i] = tmp;
		p->carry.have[i] = true;
	}
	return 0;
}

/* Hands the sample picked what the samples before it kept (a copy). */
static int hand_on(struct pick *p, struct kerr *e)
{
	for (int i = 0; i < SRC_COUNT; i++) {
		struct buf *b = &p->out->raw[i];

		if (!(RECORDING_WHEN_CHANGED & SRC_BIT(i)) || p->out->have[i] || !p->carry.have[i])
			continue;
		buf_reset(b);
		if (p->carry.raw[i].len && buf_append(b, p->carry.raw[i].data, p->carry.raw[i].len))
			return kerr_set(e, -ENOMEM, p->out->path, 0, "out of memory");
		p->out->have[i] = true;
		kerr_clear(&p->out->err[i]);
	}
	return 0;
}

/* Keeps the sample by swapping it out: the walk goes on with out's buffers. */
static int pick_cb(struct sample *s, void *ctx)
{
	struct pick *p = ctx;
	struct sample tmp;

	if (p->nth != RECORDING_LAST && s->seq != p->nth)
		return carry(p, s);
	tmp = *p->out;
	*p->out = *s;
	*s = tmp;
	p->found = true;
	if (p->nth == RECORDING_LAST)
		return carry(p, s); /* s: the sample picked before, now earlier */
	return 1;		    /* the nth: stop there */
}

int recording_sample(const char *path, uint64_t nth, struct sample *s, struct recording_status *st,
		     struct kerr *e)
{
	struct pick p = { .nth = nth, .out = s };
	struct recording_file f;
	int r;

	r = recording_open(path, &f, e);
	if (r)
		return r;
	r = recording_decode(f.data, f.len, path, pick_cb, &p, st, e);
	recording_file_close(&f);
	if (r >= 0 && p.found)
		r = hand_on(&p, e);
	sample_free(&p.carry);
	if (r < 0)
		return r;
	if (!st->samples)
		return kerr_set(e, -ENODATA, path, 0, "no complete sample in the recording%s",
				st->truncated ? " (the file ends inside the first)" : "");
	if (!p.found)
		return kerr_set(e, -ENODATA, path, 0, "no sample %llu: the recording has %llu",
				(unsigned long long)nth, (unsigned long long)st->samples);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Writing and reading recording files; see recording.h. */
#include "recording.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int recording_create(struct recording_writer *w, const char *path,
		     uint64_t max_size, uint64_t interval_ns, struct kerr *e)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	snprintf(w->path, sizeof(w->path), "%s", path);
	w->max_size = max_size;
	w->interval_ns = interval_ns;
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC,
		     0644);
	if (w->fd < 0) {
		int r = -errno;

		return kerr_set(e, r, path, 0, "%s%s", strerror(-r),
				r == -EEXIST ? " (kleak record never overwrites: remove it or pick another name)"
					     : "");
	}
	return 0;
}

/* Writes all of p; on failure cuts the file back to its old size. */
static int append_all(struct recording_writer *w, const char *p, size_t n,
		      struct kerr *e)
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
			return kerr_set(e, r, w->path, 0, "write: %s",
					strerror(-r));
		}
		done += (size_t)k;
	}
	w->size += n;
	/* Durable before the next sample: a power cut loses one at most. */
	if (fdatasync(w->fd) && errno != EINVAL)
		return kerr_set(e, -errno, w->path, 0, "fdatasync: %s",
				strerror(errno));
	return 0;
}

int recording_append(struct recording_writer *w, const struct sample *s,
		     struct kerr *e)
{
	struct recording_meta m = { w->samples + 1, w->interval_ns, w->size };
	int r;

	buf_reset(&w->member);
	r = recording_encode(&w->enc, s, &m, &w->member, e);
	if (r)
		return r;
	if (w->max_size && w->size + w->member.len > w->max_size)
		return 1;
	r = append_all(w, w->member.data, w->member.len, e);
	if (!r)
		w->samples++;
	return r;
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
	return r;
}

int recording_read_file(const char *path, struct buf *b, struct kerr *e)
{
	return buf_read_file(b, path, BUF_FILE_CAP, e);
}

int recording_open(const char *path, struct recording_file *f, struct kerr *e)
{
	struct stat st;
	int fd, r;

	memset(f, 0, sizeof(*f));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		return kerr_set(e, r, path, 0, "%s", strerror(-r));
	}
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uint64_t)st.st_size > BUF_FILE_CAP) {
			close(fd);
			return kerr_set(e, -EFBIG, path, 0, "larger than 1 GiB");
		}
		f->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			      fd, 0);
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

/* ---- the first sample as a snapshot ---- */

static int first_cb(struct sample *smp, const struct recording_meta *m,
		    void *ctx)
{
	struct snapshot *s = ctx;

	(void)m;
	snprintf(s->release, sizeof(s->release), "%s", smp->release);
	snprintf(s->hostname, sizeof(s->hostname), "%s", smp->hostname);
	s->time_s = smp->time_s;
	s->mono_ns = smp->mono_ns;
	s->page_size = smp->page_size;
	for (int i = 0; i < SRC_COUNT; i++) {
		if (!smp->have[i])
			continue;
		/* Take the buffer: the walk's own copy is freed after it. */
		s->raw[i] = smp->raw[i];
		memset(&smp->raw[i], 0, sizeof(smp->raw[i]));
		s->status[i] = SOURCE_OK;
	}
	return 1; /* stop after the first */
}

static void parse_first(struct snapshot *s, const char *path)
{
	for (int i = 0; i < SRC_COUNT; i++) {
		char src[4200];
		struct buf *b = &s->raw[i];
		int r = 0;

		snprintf(src, sizeof(src), "%s:sample-000001/%s", path,
			 source_descs[i].name);
		if (s->status[i] != SOURCE_OK) {
			kerr_set(&s->err[i], -ENOENT, src, 0, "not in the recording");
			continue;
		}
		switch (i) {
		case SRC_MEMINFO:
			r = meminfo_parse(b->data, b->len, src, &s->meminfo, &s->err[i]);
			break;
		case SRC_SLABINFO:
			r = slabinfo_parse(b->data, b->len, src, &s->slabinfo, &s->err[i]);
			break;
		case SRC_MODULES:
			r = modules_parse(b->data, b->len, src, &s->modules, &s->err[i]);
			break;
		case SRC_SLAB_ALIASES:
			r = slab_aliases_parse(b->data, b->len, src, &s->aliases,
					       &s->err[i]);
			break;
		default:
			break;
		}
		if (r)
			s->status[i] = SOURCE_BAD;
	}
}

int recording_first_snapshot(const char *path, struct snapshot *s,
			     struct kerr *e)
{
	struct recording_status st;
	struct recording_file f;
	int r;

	memset(s, 0, sizeof(*s));
	r = recording_open(path, &f, e);
	if (r)
		return r;
	r = recording_parse(f.data, f.len, path, first_cb, s, &st, e);
	recording_file_close(&f);
	if (r < 0) {
		snapshot_free(s);
		return r;
	}
	if (!st.samples) {
		snapshot_free(s);
		return kerr_set(e, -ENODATA, path, 0,
				"no complete sample in the recording");
	}
	parse_first(s, path);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Encoding and decoding of recordings: gzip members of ustar streams, one
 * per sample (the format is in recording.h). No I/O here: the writer and
 * the file readers are in recording.c. A sample's meta passes through as
 * bytes; its keys are read by parse/meta.c.
 */
#include "recording.h"
#include "recording_inflate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define TAR_BLOCK 512

/* ---- encoding ---- */

/* An 11-digit octal field and its NUL (sizes below 8 GiB). */
static void octal11(unsigned char *f, uint64_t v)
{
	for (int i = 10; i >= 0; i--, v >>= 3)
		f[i] = (unsigned char)('0' + (v & 7));
	f[11] = '\0';
}

static int tar_entry(struct buf *tar, const char *name, const char *data,
		     size_t len, int64_t mtime)
{
	unsigned char h[TAR_BLOCK];
	unsigned sum = 0;
	static const char zeros[TAR_BLOCK];
	size_t pad = (TAR_BLOCK - len % TAR_BLOCK) % TAR_BLOCK;

	memset(h, 0, sizeof(h));
	snprintf((char *)h, 100, "%s", name);
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	octal11(h + 124, len);
	octal11(h + 136, mtime > 0 ? (uint64_t)mtime : 0);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (size_t i = 0; i < sizeof(h); i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	if (buf_append(tar, h, sizeof(h)) || buf_append(tar, data, len) ||
	    buf_append(tar, zeros, pad))
		return -ENOMEM;
	return 0;
}

static int gzip_member(struct recording_encoder *enc, const struct buf *in,
		       struct buf *out, struct kerr *e)
{
	z_stream *z = enc->z;
	uLong bound;
	int r;

	if (!z) {
		z = calloc(1, sizeof(*z));
		if (!z || deflateInit2(z, enc->level ? enc->level : 1,
				       Z_DEFLATED, 15 + 16, 8,
				       Z_DEFAULT_STRATEGY) != Z_OK) {
			free(z);
			return kerr_set(e, -ENOMEM, "recording", 0,
					"cannot start zlib");
		}
		enc->z = z;
	} else {
		deflateReset(z);
	}
	bound = deflateBound(z, (uLong)in->len);
	if (buf_reserve(out, bound + 1))
		return kerr_set(e, -ENOMEM, "recording", 0, "out of memory");
	z->next_in = (Bytef *)(in->len ? in->data : "");
	z->avail_in = (uInt)in->len;
	z->next_out = (Bytef *)out->data + out->len;
	z->avail_out = (uInt)bound;
	r = deflate(z, Z_FINISH);
	if (r != Z_STREAM_END)
		return kerr_set(e, -EIO, "recording", 0, "zlib: %s",
				z->msg ? z->msg : "deflate failed");
	out->len += bound - z->avail_out;
	out->data[out->len] = '\0';
	return 0;
}

/* The sample's own meta, then what the recording adds. */
static int meta_entry(struct buf *tar, const char *dir, const struct sample *s,
		      const struct recording_meta *m)
{
	struct buf meta = { 0 };
	char name[100];
	int r = 0;

	if (s->have_meta && s->meta.len)
		r = buf_append(&meta, s->meta.data, s->meta.len);
	if (!r && meta.len && meta.data[meta.len - 1] != '\n')
		r = buf_append(&meta, "\n", 1);
	if (!r)
		r = buf_printf(&meta, "kleak_recording=%d\ninterval_ns=%llu\nsample=%llu\n",
			       RECORDING_VERSION, (unsigned long long)m->interval_ns,
			       (unsigned long long)m->seq);
	if (!r && m->leak_window_ns)
		r = buf_printf(&meta, "leak_window_ns=%llu\n",
			       (unsigned long long)m->leak_window_ns);
	snprintf(name, sizeof(name), "%s/meta", dir);
	if (!r)
		r = tar_entry(tar, name, meta.data, meta.len, m->time_s);
	buf_free(&meta);
	return r;
}

int recording_encode(struct recording_encoder *enc, const struct sample *s,
		     const struct recording_meta *m, struct buf *out,
		     struct kerr *e)
{
	char dir[32], name[100];
	struct buf *tar = &enc->tar;

	snprintf(dir, sizeof(dir), "sample-%06llu", (unsigned long long)m->seq);
	buf_reset(tar);
	if (meta_entry(tar, dir, s, m))
		return kerr_set(e, -ENOMEM, "recording", 0, "out of memory");
	for (int i = 0; i < SRC_COUNT; i++) {
		if (!s->have[i])
			continue;
		snprintf(name, sizeof(name), "%s/%s", dir, source_descs[i].name);
		if (tar_entry(tar, name, s->raw[i].data ? s->raw[i].data : "",
			      s->raw[i].len, m->time_s))
			return kerr_set(e, -ENOMEM, "recording", 0, "out of memory");
	}
	return gzip_member(enc, tar, out, e);
}

int recording_encode_end(struct recording_encoder *enc, struct buf *out,
			 struct kerr *e)
{
	static const char zeros[2 * TAR_BLOCK];

	buf_reset(&enc->tar);
	if (buf_append(&enc->tar, zeros, sizeof(zeros)))
		return kerr_set(e, -ENOMEM, "recording", 0, "out of memory");
	return gzip_member(enc, &enc->tar, out, e);
}

void recording_encoder_free(struct recording_encoder *enc)
{
	if (!enc)
		return;
	if (enc->z) {
		deflateEnd(enc->z);
		free(enc->z);
	}
	buf_free(&enc->tar);
	enc->z = NULL;
}

/* ---- decoding ---- */

bool recording_sniff(const char *buf, size_t len)
{
	return len >= 3 && (unsigned char)buf[0] == 0x1f &&
	       (unsigned char)buf[1] == 0x8b && buf[2] == 8;
}

/* Octal tar number field: digits, then NULs or spaces. */
static int tar_octal(const unsigned char *f, size_t n, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;

	while (i < n && f[i] == ' ')
		i++;
	if (i == n || f[i] < '0' || f[i] > '7')
		return -EINVAL;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -ERANGE;
		v = v * 8 + (f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -EINVAL;
	*out = v;
	return 0;
}

/*
 * The tar stream of one member: a sample directory, or the end-of-archive
 * blocks. *end is set for the latter.
 */
static int untar(const char *t, size_t len, struct sample *s,
		 const struct recording_walk *w, bool *end)
{
	static const unsigned char zero[TAR_BLOCK];
	size_t pos = 0;
	bool meta = false;

	*end = false;
	while (pos + TAR_BLOCK <= len) {
		const unsigned char *h = (const unsigned char *)t + pos;
		uint64_t size, sum, want = 0;
		const char *base, *data;
		char name[101];
		enum source_id id;

		if (!memcmp(h, zero, TAR_BLOCK)) {
			*end = true;
			return meta ? recording_corrupt(w, "end-of-archive inside a sample", NULL) : 0;
		}
		for (int i = 0; i < TAR_BLOCK; i++)
			want += (i >= 148 && i < 156) ? ' ' : h[i];
		if (tar_octal(h + 148, 8, &sum) || sum != want)
			return recording_corrupt(w, "tar header checksum mismatch", NULL);
		if (tar_octal(h + 124, 12, &size) ||
		    size > len - pos - TAR_BLOCK)
			return recording_corrupt(w, "tar entry runs past the sample", NULL);
		memcpy(name, h, 100);
		name[100] = '\0';
		data = t + pos + TAR_BLOCK;
		pos += TAR_BLOCK + ((size + TAR_BLOCK - 1) / TAR_BLOCK) * TAR_BLOCK;
		if (pos > len)
			return recording_corrupt(w, "tar entry runs past the sample", NULL);
		if (h[156] != '0' && h[156] != '\0')
			continue; /* directories and the like */
		base = strrchr(name, '/');
		base = base ? base + 1 : name;
		if (!strcmp(base, "meta")) {
			buf_reset(&s->meta);
			if (buf_append(&s->meta, data, size))
				return kerr_set(w->e, -ENOMEM, w->src, 0, "out of memory");
			s->have_meta = meta = true;
			continue;
		}
		id = source_by_name(base);
		if (id == SRC_COUNT)
			continue; /* a later kleak's source: ignored */
		buf_reset(&s->raw[id]);
		if (buf_append(&s->raw[id], data, size))
			return kerr_set(w->e, -ENOMEM, w->src, 0, "out of memory");
		s->have[id] = true;
		kerr_clear(&s->err[id]);
	}
	if (pos != len)
		return recording_corrupt(w, "partial tar block", NULL);
	if (!meta)
		return recording_corrupt(w, "sample without meta", NULL);
	return 0;
}

/* A source this sample does not carry: "rec.kleak: slabinfo: not in the recording". */
static void note_absent(struct sample *s)
{
	for (int i = 0; i < SRC_COUNT; i++)
		if (!s->have[i])
			kerr_set(&s->err[i], -ENOENT, s->path, 0,
				 "%s: not in the recording", source_descs[i].name);
}

static int walk_members(struct recording_inflater *in, struct sample *s, recording_cb cb,
			void *ctx, struct recording_status *st, struct recording_walk *w)
{
	struct recording_member m;
	bool torn, end;
	uint64_t torn_off;
	int r;

	while ((r = recording_inflater_next(in, &m, &torn, &torn_off, w->e)) == 1) {
		w->off = m.off;
		w->seq = m.seq;
		sample_reset(s, SAMPLE_RECORDING, w->src);
		s->offset = m.off;
		r = untar(m.tar, m.len, s, w, &end);
		if (r)
			return r;
		if (end) {
			st->closed = true;
			continue;
		}
		s->seq = ++st->samples;
		note_absent(s);
		r = cb ? cb(s, ctx) : 0;
		if (r)
			return r;
	}
	if (!r && torn) {
		st->truncated = true;
		st->truncated_at = torn_off;
	}
	return r;
}

int recording_decode(const char *buf, size_t len, const char *src,
		     recording_cb cb, void *ctx, struct recording_status *st,
		     struct kerr *e)
{
	struct recording_walk w = { src, e, 0, 0 };
	struct recording_inflater *in;
	struct sample s;
	int r;

	memset(st, 0, sizeof(*st));
	if (!len)
		return kerr_set(e, -ENODATA, src, 0, "empty file: not a kleak recording");
	if (!recording_sniff(buf, len) && !(len < 3 && (unsigned char)buf[0] == 0x1f))
		return kerr_set(e, -EINVAL, src, 0,
				"not a kleak recording (no gzip header at offset 0)");
	r = recording_inflater_start(&in, buf, len, src, e);
	if (r)
		return r;
	memset(&s, 0, sizeof(s));
	r = walk_members(in, &s, cb, ctx, st, &w);
	recording_inflater_stop(in);
	sample_free(&s);
	return r;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Encoding and decoding of recordings: gzip members of ustar streams, one
 * per sample (the format is in recording.h). No I/O here: the writer and
 * the file readers are in recording.c. A sample's meta passes through as
 * bytes; its keys are read by parse/meta.c.
 */
#include "recording.h"

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

static int tar_entry(struct buf *tar, const char *name, const char *data, size_t len, int64_t mtime)
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

static int gzip_member(struct recording_encoder *enc, const struct buf *in, struct buf *out,
		       struct kerr *e)
{
	z_stream *z = enc->z;
	uLong bound;
	int r;

	if (!z) {
		z = calloc(1, sizeof(*z));
		if (!z || deflateInit2(z, enc->level ? enc->level : 1, Z_DEFLATED, 15 + 16, 8,
				       Z_DEFAULT_STRATEGY) != Z_OK) {
			free(z);
			return kerr_set(e, -ENOMEM, "recording", 0, "cannot start zlib");
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
		     const struct recording_meta *m, struct buf *out, struct kerr *e)
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
		if (tar_entry(tar, name, s->raw[i].data ? s->raw[i].data : "", s->raw[i].len,
			      m->time_s))
			return kerr_set(e, -ENOMEM, "recording", 0, "out of memory");
	}
	return gzip_member(enc, tar, out, e);
}

int recording_encode_end(struct recording_encoder *enc, struct buf *out, struct kerr *e)
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
	return len >= 3 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b &&
	       buf[2] == 8;
}

/*
 * The decoder inflates each member as a stream and reads its tar entries
 * straight into the sample's buffers: nothing holds the whole inflated
 * member, so memory is what the sample keeps, and every size is checked
 * against its cap before anything is allocated (a 391 KB recording can
 * inflate to 256 MB of meminfo: refused at the tar header that says so).
 */
struct walk {
	const char *src;
	struct kerr *e;
	const struct recording_limits *lim;
	uint64_t off;	 /* of the current member */
	uint64_t seq;	 /* members seen, from 1 */
	uint64_t total;	 /* inflated bytes, all members */
	const char *buf; /* the recording */
	size_t len;
};

static int corrupt(const struct walk *w, const char *what, const char *detail)
{
	return kerr_set(w->e, -EINVAL, w->src, 0,
			"offset %llu: sample %llu: %s%s%s (corrupt recording)",
			(unsigned long long)w->off, (unsigned long long)w->seq, what,
			detail ? ": " : "", detail ? detail : "");
}

static int over_cap(const struct walk *w, const char *what, uint64_t cap)
{
	return kerr_set(
		w->e, -EFBIG, w->src, 0,
		"offset %llu: sample %llu: %s over its limit of %llu bytes (corrupt or hostile recording)",
		(unsigned long long)w->off, (unsigned long long)w->seq, what,
		(unsigned long long)cap);
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

static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* zread's results besides 0 and errors */
#define Z_ENDED 1 /* the member ended before n bytes: a short tar */
#define Z_TORN 2  /* the file ended (or broke off) inside the member */

struct zin {
	z_stream *z;
	struct walk *w;
	uint64_t out; /* inflated bytes of this member */
};

/*
 * A member that fails at its very end (the CRC-32 or the length of the
 * trailer: at most 4 bytes left after the error) or whose rest is zeros
 * is the last write cut short, as recording.h says: a torn tail.
 */
static bool torn_at_end(const struct zin *zi)
{
	const char *rest = (const char *)zi->z->next_in;

	return zi->z->avail_in <= 4 || all_zero(rest, zi->z->avail_in);
}

/*
 * Inflates exactly n bytes into dst (NULL: discarded). Returns 0,
 * Z_ENDED, Z_TORN, or a negative errno with the walk's error set.
 */
static int zread(struct zin *zi, void *dst, size_t n)
{
	char scratch[16384]; /* discarded bytes: never read */
	const struct walk *w = zi->w;
	size_t got = 0;

	while (got < n) {
		size_t want = n - got;
		uInt room = dst ? (uInt)(want < (1u << 30) ? want : 1u << 30)
				: (uInt)(want < sizeof(scratch) ? want : sizeof(scratch));
		int r;

		if (zi->out >= w->lim->member) /* one byte past says "over" */
			return over_cap(w, "the sample", w->lim->member);
		if (room > w->lim->member - zi->out + 1)
			room = (uInt)(w->lim->member - zi->out + 1);
		zi->z->next_out = dst ? (Bytef *)dst + got : (Bytef *)scratch;
		zi->z->avail_out = room;
		r = inflate(zi->z, Z_NO_FLUSH);
		got += room - zi->z->avail_out;
		zi->out += room - zi->z->avail_out;
		zi->w->total += room - zi->z->avail_out;
		if (zi->w->total > w->lim->total)
			return over_cap(w, "the recording, inflated,", w->lim->total);
		if (zi->out > w->lim->member)
			return over_cap(w, "the sample", w->lim->member);
		if (r == Z_STREAM_END)
			return got < n ? Z_ENDED : 0;
		if (r == Z_OK)
			continue;
		if (r == Z_BUF_ERROR && zi->z->avail_in == 0)
			return Z_TORN;
		if (r == Z_BUF_ERROR)
			continue;
		if (r == Z_DATA_ERROR && torn_at_end(zi))
			return Z_TORN;
		return corrupt(w, "gzip", zi->z->msg ? zi->z->msg : "bad data");
	}
	return 0;
}

/* Where an entry named base goes: the meta, a source, or nowhere. */
static int entry_target(struct sample *s, const char *base, struct buf **b, size_t *cap,
			const char **what, enum source_id *id, const struct walk *w)
{
	*id = SRC_COUNT;
	*b = NULL;
	if (!strcmp(base, "meta")) {
		*b = &s->meta;
		*cap = w->lim->meta;
		*what = "meta";
		return 0;
	}
	*id = source_by_name(base);
	if (*id == SRC_COUNT)
		return 0; /* a later kleak's source: skipped */
	*b = &s->raw[*id];
	*cap = w->lim->source[*id] ? w->lim->source[*id] : source_cap(*id);
	*what = source_descs[*id].name;
	return 0;
}

/* One entry's data (and its padding) into its buffer, or skipped. */
static int read_entry(struct zin *zi, struct sample *s, const char *name, uint64_t size, bool file,
		      bool *meta)
{
	const char *base = strrchr(name, '/');
	size_t cap = 0, pad = (size_t)((TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK);
	const char *what = NULL;
	enum source_id id = SRC_COUNT;
	struct buf *b = NULL;
	int r;

	if (size > zi->w->lim->member)
		return over_cap(zi->w, "a tar entry", zi->w->lim->member);
	if (file) /* directories and the like are skipped */
		entry_target(s, base ? base + 1 : name, &b, &cap, &what, &id, zi->w);
	if (b && size > cap)
		return over_cap(zi->w, what, cap);
	if (b) {
		buf_reset(b);
		if (buf_reserve(b, (size_t)size))
			return kerr_set(zi->w->e, -ENOMEM, zi->w->src, 0, "out of memory");
	}
	r = zread(zi, b ? b->data : NULL, (size_t)size);
	if (!r)
		r = zread(zi, NULL, pad);
	if (r == Z_ENDED)
		return corrupt(zi->w, "tar entry runs past the sample", NULL);
	if (r)
		return r;
	if (!b)
		return 0;
	b->len = (size_t)size;
	b->data[b->len] = '\0';
	if (id == SRC_COUNT) {
		s->have_meta = *meta = true;
	} else {
		s->have[id] = true;
		kerr_clear(&s->err[id]);
	}
	return 0;
}

/* A 512-byte header: its checksum, size and name. */
static int tar_header(const struct walk *w, const unsigned char *h, uint64_t *size, char name[101])
{
	uint64_t sum, want = 0;

	for (int i = 0; i < TAR_BLOCK; i++)
		want += (i >= 148 && i < 156) ? ' ' : h[i];
	if (tar_octal(h + 148, 8, &sum) || sum != want)
		return corrupt(w, "tar header checksum mismatch", NULL);
	if (tar_octal(h + 124, 12, size))
		return corrupt(w, "tar entry runs past the sample", NULL);
	memcpy(name, h, 100);
	name[100] = '\0';
	return 0;
}

/*
 * The tar stream of one member, read as it inflates: a sample directory,
 * or the end-of-archive blocks (*end set). Returns 0, Z_TORN, or an error.
 */
static int untar(struct zin *zi, struct sample *s, bool *end)
{
	static const unsigned char zero[TAR_BLOCK];
	unsigned char h[TAR_BLOCK];
	bool meta = false;
	int r;

	*end = false;
	for (;;) {
		uint64_t size;
		char name[101];

		r = zread(zi, h, TAR_BLOCK);
		if (r == Z_ENDED && zi->z->total_out % TAR_BLOCK)
			return corrupt(zi->w, "partial tar block", NULL);
		if (r == Z_ENDED)
			break; /* the member ends after an entry: the sample's end */
		if (r)
			return r;
		if (!memcmp(h, zero, TAR_BLOCK)) {
			*end = true;
			if (meta)
				return corrupt(zi->w, "end-of-archive inside a sample", NULL);
			break;
		}
		r = tar_header(zi->w, h, &size, name);
		if (!r)
			r = read_entry(zi, s, name, size, h[156] == '0' || h[156] == '\0', &meta);
		if (r == Z_ENDED)
			return corrupt(zi->w, "tar entry runs past the sample", NULL);
		if (r)
			return r;
	}
	if (!*end && !meta)
		return corrupt(zi->w, "sample without meta", NULL);
	return 0;
}

/* The rest of the member after its tar (end-of-archive padding): to its end. */
static int drain(struct zin *zi)
{
	int r;

	do
		r = zread(zi, NULL, 65536);
	while (!r);
	return r == Z_ENDED ? 0 : r;
}

/* A source this sample does not carry: "rec.kleak: slabinfo: not in the recording". */
static void note_absent(struct sample *s)
{
	for (int i = 0; i < SRC_COUNT; i++)
		if (!s->have[i])
			kerr_set(&s->err[i], -ENOENT, s->path, 0, "%s: not in the recording",
				 source_descs[i].name);
}

/*
 * The member at w->off into s. Returns 0 with *used (its compressed
 * length) and *end, Z_TORN for a torn tail, or an error.
 */
static int one_member(z_stream *z, struct walk *w, struct sample *s, size_t *used, bool *end)
{
	struct zin zi = { z, w, 0 };
	size_t rest = w->len - w->off;
	int r;

	if (all_zero(w->buf + w->off, rest) ||
	    (rest < 3 && !memcmp(w->buf + w->off, "\x1f\x8b", rest)))
		return Z_TORN; /* zeros after a power cut, or a torn header */
	if (!recording_sniff(w->buf + w->off, rest))
		return corrupt(w, "no gzip header where a sample starts", NULL);
	inflateReset(z);
	z->next_in = (Bytef *)w->buf + w->off;
	z->avail_in = (uInt)rest;
	sample_reset(s, SAMPLE_RECORDING, w->src);
	s->offset = w->off;
	r = untar(&zi, s, end);
	if (!r)
		r = drain(&zi); /* the CRC is checked here, at the member's end */
	if (r)
		return r;
	*used = rest - z->avail_in;
	return 0;
}

static int walk_members(z_stream *z, struct walk *w, struct sample *s, recording_cb cb, void *ctx,
			struct recording_status *st)
{
	while (w->off < w->len) {
		size_t used = 0;
		bool end = false;
		int r;

		w->seq++;
		r = one_member(z, w, s, &used, &end);
		if (r == Z_TORN) {
			st->truncated = true;
			st->truncated_at = w->off;
			return 0;
		}
		if (r)
			return r;
		w->off += used;
		if (end) {
			st->closed = true;
			continue;
		}
		if (st->samples >= w->lim->samples)
			return kerr_set(
				w->e, -EFBIG, w->src, 0,
				"offset %llu: more than %llu samples: kleak reads no more (corrupt or hostile recording?)",
				(unsigned long long)w->off - used,
				(unsigned long long)w->lim->samples);
		s->seq = ++st->samples;
		note_absent(s);
		r = cb ? cb(s, ctx) : 0;
		if (r)
			return r;
	}
	return 0;
}

/* The limits of lim, defaults where 0 (or lim NULL). */
static void limits_of(const struct recording_limits *lim, struct recording_limits *out)
{
	memset(out, 0, sizeof(*out));
	if (lim)
		*out = *lim;
	if (!out->meta)
		out->meta = SAMPLE_META_CAP;
	if (!out->member)
		out->member = RECORDING_MEMBER_CAP;
	if (!out->total)
		out->total = RECORDING_TOTAL_CAP;
	if (!out->samples)
		out->samples = RECORDING_MAX_SAMPLES;
}

int recording_decode_limited(const char *buf, size_t len, const char *src,
			     const struct recording_limits *lim, recording_cb cb, void *ctx,
			     struct recording_status *st, struct kerr *e)
{
	struct recording_limits l;
	struct walk w = { .src = src, .e = e, .lim = &l, .buf = buf, .len = len };
	struct sample s;
	z_stream z;
	int r;

	memset(st, 0, sizeof(*st));
	limits_of(lim, &l);
	if (!len)
		return kerr_set(e, -ENODATA, src, 0, "empty file: not a kleak recording");
	if (!recording_sniff(buf, len) && !(len < 3 && (unsigned char)buf[0] == 0x1f))
		return kerr_set(e, -EINVAL, src, 0,
				"not a kleak recording (no gzip header at offset 0)");
	if (len > UINT32_MAX) /* zlib counts input in 32 bits; files are capped at 1 GiB */
		return kerr_set(e, -EFBIG, src, 0, "larger than 4 GiB");
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return kerr_set(e, -ENOMEM, src, 0, "cannot start zlib");
	memset(&s, 0, sizeof(s));
	r = walk_members(&z, &w, &s, cb, ctx, st);
	inflateEnd(&z);
	sample_free(&s);
	return r;
}

int recording_decode(const char *buf, size_t len, const char *src, recording_cb cb, void *ctx,
		     struct recording_status *st, struct kerr *e)
{
	return recording_decode_limited(buf, len, src, NULL, cb, ctx, st, e);
}

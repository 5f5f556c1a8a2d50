// SPDX-License-Identifier: GPL-2.0
/*
 * The members of a recording inflated a batch ahead, on a second thread;
 * see recording_inflate.h. Two batches take turns: the thread fills one
 * (up to BATCH_MEMBERS members or BATCH_BYTES of tar data, one member at
 * least) while the caller reads the other, so the two meet once per
 * batch, not once per sample (100,000 meminfo samples: ~400 meetings).
 */
#include "recording_inflate.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "source/recording.h"
#include "util/buf.h"

#define SAMPLE_CAP BUF_FILE_CAP /* a decompressed sample, at most */
#define BATCH_MEMBERS 256
#define BATCH_BYTES (4u << 20)

/* How a batch ends: more follow, or the data ended (cleanly or torn). */
enum batch_end { BATCH_MORE, BATCH_END, BATCH_TORN };

struct batch {
	struct buf tar;			 /* the members' tar streams, in order */
	size_t start[BATCH_MEMBERS + 1]; /* member i: tar[start[i] .. start[i + 1]) */
	uint64_t off[BATCH_MEMBERS], seq[BATCH_MEMBERS];
	size_t n;
	enum batch_end end;
	int err;	   /* < 0: the member after the last one is damaged */
	struct kerr e;	   /* ... why */
	uint64_t torn_off; /* BATCH_TORN: where the incomplete member starts */
	bool full;	   /* filled, not yet given back by the reader */
};

struct recording_inflater {
	const char *buf;
	size_t len;
	z_stream z;
	struct recording_walk w; /* the filler's: offset and count */
	struct batch b[2];
	int cur;    /* the batch the reader reads */
	size_t pos; /* its next member */
	bool threaded, stop;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

int recording_corrupt(const struct recording_walk *w, const char *what, const char *detail)
{
	return kerr_set(w->e, -EINVAL, w->src, 0,
			"offset %llu: sample %llu: %s%s%s (corrupt recording)",
			(unsigned long long)w->off, (unsigned long long)w->seq, what,
			detail ? ": " : "", detail ? detail : "");
}

static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * Inflates the member at w->off onto the end of out. Returns 1 when the
 * data ends before the member does (a torn tail), 0 with *used set, or an
 * error.
 */
static int inflate_member(z_stream *z, const char *buf, size_t len, struct buf *out, size_t *used,
			  const struct recording_walk *w)
{
	size_t base = out->len;
	int r;

	inflateReset(z);
	z->next_in = (Bytef *)buf + w->off;
	z->avail_in = (uInt)(len - w->off);
	for (;;) {
		if (out->cap - out->len < 65536 + 1 &&
		    buf_reserve(out, out->len < 65536 ? 65536 : out->len))
			return kerr_set(w->e, -ENOMEM, w->src, 0, "out of memory");
		z->next_out = (Bytef *)out->data + out->len;
		z->avail_out = (uInt)(out->cap - out->len - 1);
		r = inflate(z, Z_NO_FLUSH);
		out->len = out->cap - 1 - z->avail_out;
		out->data[out->len] = '\0';
		if (r == Z_STREAM_END)
			break;
		if (r == Z_OK && out->len - base <= SAMPLE_CAP)
			continue;
		if (r == Z_BUF_ERROR && z->avail_in == 0)
			return 1;
		if (out->len - base > SAMPLE_CAP)
			return recording_corrupt(w, "sample larger than 1 GiB", NULL);
		if (r == Z_BUF_ERROR)
			continue;
		return recording_corrupt(w, "gzip", z->msg ? z->msg : "bad data");
	}
	*used = (len - w->off) - z->avail_in;
	return 0;
}

/* The member at w->off onto b: 0 added, 1 torn tail, or an error. */
static int one_member(struct recording_inflater *in, struct batch *b, size_t *used)
{
	const char *p = in->buf + in->w.off;
	size_t rest = in->len - in->w.off;

	in->w.seq++;
	if (all_zero(p, rest) || (rest < 3 && !memcmp(p, "\x1f\x8b", rest)))
		return 1; /* zeros after a power cut, or a torn header */
	if (!recording_sniff(p, rest))
		return recording_corrupt(&in->w, "no gzip header where a sample starts", NULL);
	return inflate_member(&in->z, in->buf, in->len, &b->tar, used, &in->w);
}

static void fill(struct recording_inflater *in, struct batch *b)
{
	buf_reset(&b->tar);
	b->n = 0;
	b->end = BATCH_MORE;
	b->err = 0;
	in->w.e = &b->e;
	while (b->n < BATCH_MEMBERS && (!b->n || b->tar.len < BATCH_BYTES)) {
		size_t used = 0;
		int r;

		if (in->w.off >= in->len) {
			b->end = BATCH_END;
			break;
		}
		b->start[b->n] = b->tar.len;
		r = one_member(in, b, &used);
		if (r) {
			b->tar.len = b->start[b->n]; /* what it inflated is no member */
			b->end = r > 0 ? BATCH_TORN : BATCH_END;
			b->err = r < 0 ? r : 0;
			b->torn_off = in->w.off;
			break;
		}
		b->off[b->n] = in->w.off;
		b->seq[b->n] = in->w.seq;
		b->n++;
		in->w.off += used;
	}
	b->start[b->n] = b->tar.len;
}

static void *filler(void *arg)
{
	struct recording_inflater *in = arg;

	for (int i = 0;; i ^= 1) {
		struct batch *b = &in->b[i];
		bool stop;

		pthread_mutex_lock(&in->mu);
		while (b->full && !in->stop)
			pthread_cond_wait(&in->cv, &in->mu);
		stop = in->stop;
		pthread_mutex_unlock(&in->mu);
		if (stop)
			break;
		fill(in, b);
		pthread_mutex_lock(&in->mu);
		b->full = true;
		pthread_cond_broadcast(&in->cv);
		pthread_mutex_unlock(&in->mu);
		if (b->end != BATCH_MORE)
			break;
	}
	return NULL;
}

int recording_inflater_start(struct recording_inflater **inp, const char *buf, size_t len,
			     const char *src, struct kerr *e)
{
	struct recording_inflater *in = calloc(1, sizeof(*in));

	*inp = NULL;
	if (!in)
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	in->buf = buf;
	in->len = len;
	in->w.src = src;
	if (inflateInit2(&in->z, 15 + 16) != Z_OK) {
		free(in);
		return kerr_set(e, -ENOMEM, src, 0, "cannot start zlib");
	}
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->cv, NULL);
	/* no thread (a limit reached): the reader fills each batch itself */
	in->threaded = !pthread_create(&in->th, NULL, filler, in);
	*inp = in;
	return 0;
}

/* The batch the reader is at, filled (by the thread, or now). */
static struct batch *current(struct recording_inflater *in)
{
	struct batch *b = &in->b[in->cur];

	if (!in->threaded) {
		if (!b->full) {
			fill(in, b);
			b->full = true;
		}
		return b;
	}
	pthread_mutex_lock(&in->mu);
	while (!b->full)
		pthread_cond_wait(&in->cv, &in->mu);
	pthread_mutex_unlock(&in->mu);
	return b;
}

int recording_inflater_next(struct recording_inflater *in, struct recording_member *m, bool *torn,
			    uint64_t *torn_off, struct kerr *e)
{
	*torn = false;
	for (;;) {
		struct batch *b = current(in);

		if (in->pos < b->n) {
			size_t i = in->pos++;

			*m = (struct recording_member){ b->tar.data + b->start[i],
							b->start[i + 1] - b->start[i], b->off[i],
							b->seq[i] };
			return 1;
		}
		if (b->end != BATCH_MORE) {
			if (b->err) {
				*e = b->e;
				return b->err;
			}
			*torn = b->end == BATCH_TORN;
			*torn_off = b->torn_off;
			return 0;
		}
		/* read through: back to the filler, on to the other batch */
		pthread_mutex_lock(&in->mu);
		b->full = false;
		pthread_cond_broadcast(&in->cv);
		pthread_mutex_unlock(&in->mu);
		in->cur ^= 1;
		in->pos = 0;
	}
}

void recording_inflater_stop(struct recording_inflater *in)
{
	if (!in)
		return;
	if (in->threaded) {
		pthread_mutex_lock(&in->mu);
		in->stop = true;
		pthread_cond_broadcast(&in->cv);
		pthread_mutex_unlock(&in->mu);
		pthread_join(in->th, NULL);
	}
	pthread_cond_destroy(&in->cv);
	pthread_mutex_destroy(&in->mu);
	inflateEnd(&in->z);
	buf_free(&in->b[0].tar);
	buf_free(&in->b[1].tar);
	free(in);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: recordings built from the input and compressed here,
 * so the fuzzer reaches past gzip (which random bytes never pass: the
 * CRC) into the tar reader, the caps and the parsers behind them. The
 * decoder runs with small limits, and the caps must hold: no sample
 * handed out carries a source or a meta over its limit, nor more samples
 * than allowed; each sample is parsed and ingested as `kleak report`
 * does, into a series store with a small cap on series.
 *
 * The input is a flag byte, then operations (op % 8):
 *   0                          close the member (one sample) and start one
 *   1 NAME LEN16 DATA          a tar entry, checksum right
 *   2 NAME SIZE32 LEN16 DATA   an entry whose header says SIZE (lies)
 *   3 NAME REPS16 LEN8 DATA    DATA repeated REPS times (inflates large)
 *   4 LEN16 DATA               raw bytes in the tar stream (headers, zeros)
 *   5 NAME                     a directory entry
 *   6                          end-of-archive blocks
 *   7 LEN8 DATA                raw bytes between members, not compressed
 * NAME is an index into names[]. Flags: 1 corrupts the last member's CRC,
 * 2 cuts the file short by the last byte's value, 4 puts
 * "kleak_recording=1" and a clock before each meta's data.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "analyze/ingest.h"
#include "model/series.h"
#include "model/snapshot.h"
#include "source/recording.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIM_SOURCE 65536
#define LIM_META 4096
#define LIM_MEMBER (1u << 20)
#define LIM_TOTAL (8u << 20)
#define LIM_SAMPLES 64

static const char *const names[] = {
	"sample-000001/meta",
	"sample-000001/meminfo",
	"sample-000001/slabinfo",
	"sample-000001/vmallocinfo",
	"sample-000001/modules",
	"sample-000001/slab_aliases",
	"sample-000001/kallsyms",
	"sample-000001/allocinfo",
	"sample-000001/kmemleak",
	"sample-000001/unknown",
	"meta",
	"",
	"../../etc/passwd",
	"sample-000001/",
	"a-name-of-ninety-nine-bytes-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/meta",
};

struct gen {
	const uint8_t *p, *end;
	struct buf tar, out;
	unsigned flags, members;
	size_t last_member; /* offset of the last member in out */
};

static unsigned take(struct gen *g, int n)
{
	unsigned v = 0;

	for (int i = 0; i < n && g->p < g->end; i++)
		v = v << 8 | *g->p++;
	return v;
}

static const char *name_of(struct gen *g)
{
	return names[take(g, 1) % (sizeof(names) / sizeof(names[0]))];
}

static void header(struct gen *g, const char *name, uint64_t size, char type)
{
	unsigned char h[512];
	unsigned sum = 0;

	memset(h, 0, sizeof(h));
	snprintf((char *)h, 100, "%s", name);
	memcpy(h + 100, "0000644", 8);
	snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)(size & 077777777777ULL));
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum & 0777777);
	buf_append(&g->tar, h, sizeof(h));
}

static void pad(struct gen *g)
{
	static const char zeros[512];

	buf_append(&g->tar, zeros, (512 - g->tar.len % 512) % 512);
}

/* The next len input bytes (fewer at the end), with a meta's prefix. */
static void data(struct gen *g, const char *name, size_t len, struct buf *b)
{
	size_t n = (size_t)(g->end - g->p) < len ? (size_t)(g->end - g->p) : len;
	char pre[64];

	buf_reset(b);
	if ((g->flags & 4) && strstr(name, "meta")) {
		snprintf(pre, sizeof(pre), "kleak_recording=1\nmono_ns=%u000000000\n",
			 g->members + 1);
		buf_append(b, pre, strlen(pre));
	}
	buf_append(b, g->p, n);
	g->p += n;
}

static void close_member(struct gen *g)
{
	uLongf bound;
	z_stream z = { 0 };

	if (!g->tar.len)
		return;
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return;
	bound = deflateBound(&z, (uLong)g->tar.len);
	if (!buf_reserve(&g->out, bound)) {
		z.next_in = (Bytef *)g->tar.data;
		z.avail_in = (uInt)g->tar.len;
		z.next_out = (Bytef *)g->out.data + g->out.len;
		z.avail_out = (uInt)bound;
		if (deflate(&z, Z_FINISH) == Z_STREAM_END) {
			g->last_member = g->out.len;
			g->out.len += bound - z.avail_out;
			g->members++;
		}
	}
	deflateEnd(&z);
	buf_reset(&g->tar);
}

static void op(struct gen *g, struct buf *b)
{
	const char *name;
	unsigned n, reps;
	uint64_t sz;

	switch (take(g, 1) % 8) {
	case 0:
		close_member(g);
		break;
	case 1:
		name = name_of(g);
		data(g, name, take(g, 2), b);
		header(g, name, b->len, '0');
		buf_append(&g->tar, b->data, b->len);
		pad(g);
		break;
	case 2:
		name = name_of(g);
		sz = take(g, 4);
		data(g, name, take(g, 2), b);
		header(g, name, sz, '0');
		buf_append(&g->tar, b->data, b->len);
		pad(g);
		break;
	case 3:
		name = name_of(g);
		reps = take(g, 2);
		n = take(g, 1) + 1;
		header(g, name, (uint64_t)reps * n, '0');
		/* past the member's limit is enough to test it: 2 MiB at most */
		for (unsigned i = 0; i < reps && g->p + n <= g->end && g->tar.len < (2u << 20); i++)
			buf_append(&g->tar, g->p, n);
		g->p += (size_t)(g->end - g->p) < n ? (size_t)(g->end - g->p) : n;
		pad(g);
		break;
	case 4:
		data(g, "", take(g, 2) % 1025, b);
		buf_append(&g->tar, b->data, b->len);
		break;
	case 5:
		header(g, name_of(g), 0, '5');
		break;
	case 6:
		buf_append(&g->tar, (char[1024]){ 0 }, 1024);
		break;
	case 7:
		close_member(g);
		n = take(g, 1);
		n = (size_t)(g->end - g->p) < n ? (unsigned)(g->end - g->p) : n;
		buf_append(&g->out, g->p, n);
		g->p += n;
		break;
	}
}

struct ctx {
	struct series_set set;
	struct ingest ingest;
	struct snapshot snap;
};

static int on_sample(struct sample *s, void *arg)
{
	struct ctx *c = arg;
	struct kerr e;
	int r;

	/* the caps: nothing handed out is over its limit */
	if (s->have_meta && s->meta.len > LIM_META)
		abort();
	for (int i = 0; i < SRC_COUNT; i++)
		if (s->have[i] && s->raw[i].len > LIM_SOURCE)
			abort();
	r = snapshot_parse(&c->snap, s, SRC_ALL, &e);
	return r ? r : ingest_sample(&c->set, &c->ingest, &c->snap, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t size)
{
	struct recording_limits lim = {
		.meta = LIM_META, .member = LIM_MEMBER, .total = LIM_TOTAL, .samples = LIM_SAMPLES
	};
	struct gen g = { .p = d, .end = d + size };
	struct buf b = { 0 };
	struct recording_status st;
	struct ctx c;
	struct kerr e;
	int r;

	if (!size)
		return 0;
	for (int i = 0; i < SRC_COUNT; i++)
		lim.source[i] = LIM_SOURCE;
	g.flags = take(&g, 1);
	while (g.p < g.end && g.out.len < (4u << 20))
		op(&g, &b);
	close_member(&g);
	buf_free(&b);
	if ((g.flags & 1) && g.members && g.out.len >= 8)
		g.out.data[g.out.len - 8] ^= 0x55; /* the last member's CRC */
	if ((g.flags & 2) && g.out.len)
		g.out.len -= (size_t)(d[size - 1]) % (g.out.len + 1);
	memset(&c, 0, sizeof(c));
	if (series_set_init(&c.set, 16)) {
		buf_free(&g.tar);
		buf_free(&g.out);
		return 0;
	}
	c.set.max_count = 256;
	r = recording_decode_limited(g.out.data ? g.out.data : "", g.out.len, "fuzz", &lim,
				     on_sample, &c, &st, &e);
	if (!r && st.samples > LIM_SAMPLES)
		abort();
	snapshot_free(&c.snap);
	ingest_free(&c.ingest);
	series_set_free(&c.set);
	buf_free(&g.tar);
	buf_free(&g.out);
	return 0;
}

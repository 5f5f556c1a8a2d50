// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for recordings (source/recording: codec, writer, readers) and
 * the sample metadata (parse/meta, model/snapshot): round trip through
 * parse and ingest, a recording cut at every byte still yields its
 * complete samples, damaged bytes give an error with the offset, the size
 * limit, one sample picked out of a file (first, last, N), and the meta
 * checks of a recording's sample (format version, page size).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyze/ingest.h"
#include "model/series.h"
#include "model/snapshot.h"
#include "parse/meta.h"
#include "source/recording.h"

static const char meminfo[] =
	"MemTotal:       24684092 kB\n"
	"MemFree:        20000000 kB\n"
	"Slab:             %d kB\n"
	"SUnreclaim:        1000 kB\n"
	"VmallocUsed:       %d kB\n";
static const char slabinfo[] =
	"slabinfo - version: 2.1\n"
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
	"task_struct %d %d 10240 3 8 : tunables 0 0 0 : slabdata %d %d 0\n"
	"dentry 12 21 192 21 1 : tunables 0 0 0 : slabdata 1 1 0\n";
static const char vmalloc_line[] =
	"0xffffc90000000000-0xffffc90000005000   20480 kernel_clone+0x94/0x3e0 pages=4 vmalloc N0=4\n";

/* Sample i: i*3 task_structs (i slabs of 8 pages), i thread stacks. */
static void make_sample(struct sample *s, int i)
{
	char tmp[1024];

	for (int k = 0; k < SRC_COUNT; k++) {
		buf_reset(&s->raw[k]);
		s->have[k] = false;
	}
	buf_reset(&s->meta);
	assert_int_equal(buf_printf(&s->meta,
				    "kleak_snapshot=1\nrelease=6.12.0-test\nhostname=box\n"
				    "time=%d\npage_size=4096\nmono_ns=%llu",
				    1700000000 + i, 1000000000ULL * (unsigned long long)(100 + i)),
			 0);
	s->have_meta = true;
	snprintf(tmp, sizeof(tmp), meminfo, 4000 + 32 * i, 100 + 16 * i);
	assert_int_equal(buf_append(&s->raw[SRC_MEMINFO], tmp, strlen(tmp)), 0);
	snprintf(tmp, sizeof(tmp), slabinfo, 3 * i, 3 * i, i, i);
	assert_int_equal(buf_append(&s->raw[SRC_SLABINFO], tmp, strlen(tmp)), 0);
	for (int k = 0; k < i; k++)
		assert_int_equal(buf_append(&s->raw[SRC_VMALLOCINFO], vmalloc_line,
					    strlen(vmalloc_line)),
				 0);
	s->have[SRC_MEMINFO] = s->have[SRC_SLABINFO] = true;
	s->have[SRC_VMALLOCINFO] = true;
	if (i == 0) {
		static const char al[] = "dentry dentry 1\ntask_struct task_struct 0\n";

		assert_int_equal(buf_append(&s->raw[SRC_SLAB_ALIASES], al, strlen(al)), 0);
		s->have[SRC_SLAB_ALIASES] = true;
	}
}

/* A recording of n samples, closed; member offsets into offs[0..n]. */
static void make_recording(struct buf *out, int n, size_t *offs)
{
	struct recording_encoder enc = { 0 };
	struct sample s = { 0 };
	struct kerr e;

	for (int i = 0; i < n; i++) {
		struct recording_meta m = { .seq = (uint64_t)i + 1,
					    .interval_ns = 1000000000ULL,
					    .time_s = 1700000000 + i };

		offs[i] = out->len;
		make_sample(&s, i);
		assert_int_equal(recording_encode(&enc, &s, &m, out, &e), 0);
	}
	offs[n] = out->len;
	assert_int_equal(recording_encode_end(&enc, out, &e), 0);
	recording_encoder_free(&enc);
	sample_free(&s);
}

struct seen {
	int n;
	uint64_t mono[16];
	struct series_set set;
	struct ingest ingest;
	struct snapshot snap;
};

/* As kleak report: parse, then ingest. */
static int on_sample(struct sample *s, void *arg)
{
	struct seen *c = arg;
	struct kerr e;
	char from[64];

	assert_int_equal(snapshot_parse(&c->snap, s, SRC_ALL, &e), 0);
	if (c->n < 16)
		c->mono[c->n] = c->snap.mono_ns;
	c->n++;
	assert_int_equal(s->seq, (uint64_t)c->n);
	assert_int_equal(c->snap.interval_ns, 1000000000ULL);
	assert_int_equal(c->snap.page_size, 4096);
	assert_string_equal(c->snap.release, "6.12.0-test");
	snprintf(from, sizeof(from), "rec:sample-%06d", c->n);
	assert_string_equal(c->snap.from, from);
	assert_true(s->have[SRC_MEMINFO]);
	return ingest_sample(&c->set, &c->ingest, &c->snap, &e);
}

static void test_round_trip(void **state)
{
	struct buf rec = { 0 };
	size_t offs[9];
	struct seen c = { 0 };
	struct recording_status st;
	struct kerr e;
	const struct series *s;

	(void)state;
	make_recording(&rec, 8, offs);
	assert_true(recording_sniff(rec.data, rec.len));
	assert_int_equal(series_set_init(&c.set, 64), 0);
	assert_int_equal(recording_decode(rec.data, rec.len, "rec", on_sample, &c, &st, &e), 0);
	assert_int_equal(c.n, 8);
	assert_int_equal(st.samples, 8);
	assert_false(st.truncated);
	assert_true(st.closed);
	assert_true(c.mono[7] == 107000000000ULL);
	/* The series came through: task_struct = i slabs of 8 pages. */
	s = series_find(&c.set, SERIES_SLAB, "task_struct", NULL);
	assert_non_null(s);
	assert_int_equal(s->last, 7 * 8 * 4096);
	assert_int_equal(s->reclaimable, 0);
	assert_int_equal(series_find(&c.set, SERIES_SLAB, "dentry", NULL)->reclaimable, 1);
	s = series_find(&c.set, SERIES_VMALLOC_CALLER, "kernel_clone", NULL);
	assert_non_null(s);
	assert_int_equal(s->last, 7 * 16384); /* pages=, not the size column */
	s = series_find(&c.set, SERIES_MEMINFO, "VmallocUsed", NULL);
	assert_int_equal(s->last, (100 + 16 * 7) * 1024);
	assert_float_equal(c.set.t[7], 7.0, 1e-9);
	snapshot_free(&c.snap);
	ingest_free(&c.ingest);
	series_set_free(&c.set);
	buf_free(&rec);
}

/* Cut at every byte: never an error, the complete samples only. */
static void test_truncated_everywhere(void **state)
{
	struct buf rec = { 0 };
	size_t offs[5];
	struct recording_status st;
	struct kerr e;

	(void)state;
	make_recording(&rec, 4, offs);
	for (size_t len = 1; len < rec.len; len++) {
		int whole = 0;

		for (int i = 0; i < 4; i++)
			whole += offs[i + 1] <= len;
		memset(&e, 0, sizeof(e));
		if (recording_decode(rec.data, len, "rec", NULL, NULL, &st, &e)) {
			fail_msg("cut at %zu: %s", len, e.msg);
		}
		assert_int_equal(st.samples, whole);
		/* Cut exactly between samples: nothing is incomplete. */
		if (len == offs[whole])
			assert_false(st.truncated);
		else
			assert_true(st.truncated);
		if (st.truncated)
			assert_int_equal(st.truncated_at, whole < 4 ? offs[whole] : offs[4]);
	}
	/* Zeros after the last sample (a power cut): a torn tail too. */
	buf_reset(&rec);
	make_recording(&rec, 2, offs);
	rec.len = offs[2];
	assert_int_equal(buf_append(&rec, "\0\0\0\0\0\0\0\0", 8), 0);
	assert_int_equal(recording_decode(rec.data, rec.len, "rec", NULL, NULL, &st, &e), 0);
	assert_int_equal(st.samples, 2);
	assert_true(st.truncated);
	buf_free(&rec);
}

static void test_corrupt(void **state)
{
	struct buf rec = { 0 };
	size_t offs[4];
	struct recording_status st;
	struct kerr e;
	char want[64];

	(void)state;
	make_recording(&rec, 3, offs);
	/* A byte in the middle of sample 2's compressed data. */
	rec.data[(offs[1] + offs[2]) / 2] ^= 0x5a;
	assert_int_equal(recording_decode(rec.data, rec.len, "rec", NULL, NULL, &st, &e), -EINVAL);
	snprintf(want, sizeof(want), "offset %zu: sample 2", offs[1]);
	assert_non_null(strstr(e.msg, want));
	assert_string_equal(e.src, "rec");
	/* Not a recording at all. */
	assert_int_equal(recording_decode("slabinfo - version: 2.1\n", 24, "x", NULL, NULL, &st,
					  &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "not a kleak recording"));
	assert_int_equal(recording_decode("", 0, "x", NULL, NULL, &st, &e), -ENODATA);
	/* Garbage after a complete sample is corruption, not a torn tail. */
	buf_reset(&rec);
	make_recording(&rec, 2, offs);
	memcpy(rec.data + offs[1], "GARBAGE!", 8);
	assert_int_equal(recording_decode(rec.data, rec.len, "rec", NULL, NULL, &st, &e), -EINVAL);
	assert_int_equal(st.samples, 1);
	buf_free(&rec);
}

static void test_writer(void **state)
{
	char path[] = "/tmp/kleak-test-recXXXXXX";
	struct recording_writer w;
	struct recording_status st;
	struct sample s = { 0 }, one = { 0 };
	struct snapshot snap = { 0 };
	struct kerr e;
	int fd, r, n = 0;
	uint64_t v;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	/* Never overwrites. */
	assert_int_equal(recording_create(&w, path, 0, 1, &e), -EEXIST);
	unlink(path);
	assert_int_equal(recording_create(&w, path, 6000, 1000000000ULL, &e), 0);
	for (int i = 0; i < 50; i++) {
		make_sample(&s, i);
		r = recording_append(&w, &s, &e);
		assert_true(r == 0 || r == 1);
		if (r == 1)
			break;
		n++;
	}
	assert_true(n >= 3 && n < 50); /* the limit stopped it */
	assert_true(w.size <= 6000);
	assert_int_equal(recording_close(&w, &e), 0);
	/* The first sample, as check --baseline FILE reads it. */
	assert_int_equal(recording_sample(path, 1, &one, &st, &e), 0);
	assert_int_equal(snapshot_parse(&snap, &one, SRC_ALL, &e), 0);
	assert_string_equal(snap.release, "6.12.0-test");
	assert_true(snapshot_has(&snap, SRC_MEMINFO));
	assert_true(snapshot_has(&snap, SRC_SLABINFO));
	assert_true(snapshot_has(&snap, SRC_SLAB_ALIASES));
	assert_false(snapshot_has(&snap, SRC_MODULES));
	assert_true(meminfo_get(&snap.meminfo, "VmallocUsed", &v));
	assert_int_equal(v, 100 * 1024);
	assert_int_equal(snap.slabinfo.n, 2);
	assert_int_equal(snap.page_size, 4096);
	/* The last, as check --from FILE reads it, and the third. */
	assert_int_equal(recording_sample(path, RECORDING_LAST, &one, &st, &e), 0);
	assert_int_equal(one.seq, (uint64_t)n);
	assert_int_equal(snapshot_parse(&snap, &one, SRC_ALL, &e), 0);
	assert_true(meminfo_get(&snap.meminfo, "VmallocUsed", &v));
	assert_int_equal(v, (100 + 16 * (n - 1)) * 1024);
	assert_false(snapshot_has(&snap, SRC_SLAB_ALIASES));
	assert_non_null(strstr(snap.err[SRC_SLAB_ALIASES].msg, "not in the recording"));
	assert_int_equal(recording_sample(path, 3, &one, &st, &e), 0);
	assert_int_equal(snapshot_parse(&snap, &one, SRC_ALL, &e), 0);
	assert_int_equal(snap.slabinfo.v[0].num_slabs, 2);
	assert_int_equal(recording_sample(path, 99, &one, &st, &e), -ENODATA);
	assert_non_null(strstr(e.msg, "no sample 99"));
	snapshot_free(&snap);
	sample_free(&one);
	sample_free(&s);
	unlink(path);
}

/* kmemleak's report for sample i: one text up to 3, another from 4 on, empty from 7. */
static void set_kmemleak(struct sample *s, int i)
{
	const char *t = i < 4	? "unreferenced object 0x1 (size 64):\n"
			: i < 7 ? "unreferenced object 0x2 (size 128):\n"
				: "";

	buf_reset(&s->raw[SRC_KMEMLEAK]);
	assert_int_equal(buf_append(&s->raw[SRC_KMEMLEAK], t, strlen(t)), 0);
	s->have[SRC_KMEMLEAK] = true;
}

struct kept {
	int n;
	uint64_t with[16]; /* sample numbers that hold kmemleak */
	size_t nwith;
};

static int on_kept(struct sample *s, void *arg)
{
	struct kept *k = arg;

	k->n++;
	if (s->have[SRC_KMEMLEAK])
		k->with[k->nwith++] = s->seq;
	return 0;
}

/*
 * The writer keeps kmemleak's report only when it changed (samples 1, 5,
 * 8 of 10); picking a sample hands on the report the samples up to it
 * kept last.
 */
static void test_kept_when_changed(void **state)
{
	char path[] = "/tmp/kleak-test-recXXXXXX";
	struct recording_writer w;
	struct recording_status st;
	struct sample s = { 0 }, one = { 0 };
	struct recording_file f;
	struct kept k = { 0 };
	struct kerr e;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(recording_create(&w, path, 0, 1000000000ULL, &e), 0);
	for (int i = 0; i < 10; i++) {
		make_sample(&s, i);
		set_kmemleak(&s, i);
		assert_int_equal(recording_append(&w, &s, &e), 0);
		assert_true(s.have[SRC_KMEMLEAK]); /* the caller's sample is left alone */
	}
	assert_int_equal(recording_close(&w, &e), 0);
	assert_int_equal(recording_open(path, &f, &e), 0);
	assert_int_equal(recording_decode(f.data, f.len, path, on_kept, &k, &st, &e), 0);
	recording_file_close(&f);
	assert_int_equal(k.n, 10);
	assert_int_equal(k.nwith, 3);
	assert_int_equal(k.with[0], 1);
	assert_int_equal(k.with[1], 5);
	assert_int_equal(k.with[2], 8);
	/* sample 3 has sample 1's report, the last the empty one of sample 8 */
	assert_int_equal(recording_sample(path, 3, &one, &st, &e), 0);
	assert_true(one.have[SRC_KMEMLEAK]);
	assert_non_null(strstr(one.raw[SRC_KMEMLEAK].data, "0x1 (size 64)"));
	assert_int_equal(recording_sample(path, 6, &one, &st, &e), 0);
	assert_non_null(strstr(one.raw[SRC_KMEMLEAK].data, "0x2 (size 128)"));
	assert_int_equal(recording_sample(path, RECORDING_LAST, &one, &st, &e), 0);
	assert_true(one.have[SRC_KMEMLEAK]);
	assert_int_equal(one.raw[SRC_KMEMLEAK].len, 0);
	assert_int_equal(recording_sample(path, 5, &one, &st, &e), 0);
	assert_non_null(strstr(one.raw[SRC_KMEMLEAK].data, "0x2 (size 128)"));
	sample_free(&one);
	sample_free(&s);
	unlink(path);
}

/* A recording's sample meta: its format version, then a page size that is one. */
static void test_recording_meta(void **state)
{
	static const struct {
		const char *meta;
		int code;
		const char *msg; /* in the error */
	} cases[] = {
		{ "kleak_recording=1\npage_size=16384\n", 0, NULL },
		{ "kleak_recording=2\n", -EPROTONOSUPPORT,
		  "offset 0: recording format version 2 is newer" },
		{ "page_size=4096\n", -EINVAL, "sample 1: meta without kleak_recording (corrupt" },
		{ "kleak_recording=x\n", -EINVAL, "sample 1: meta: bad kleak_recording (corrupt" },
		{ "kleak_recording=1\npage_size=5000\n", -EINVAL, "meta: bad page_size" },
		{ "kleak_recording=1\nno equals sign\n", -EINVAL, "meta: expected key=value" },
	};
	struct sample s = { 0 };
	struct snapshot snap = { 0 };
	struct kerr e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sample_reset(&s, SAMPLE_RECORDING, "rec.kleak");
		s.seq = 1;
		assert_int_equal(buf_append(&s.meta, cases[i].meta, strlen(cases[i].meta)), 0);
		s.have_meta = true;
		memset(&e, 0, sizeof(e));
		assert_int_equal(snapshot_parse(&snap, &s, SRC_ALL, &e), cases[i].code);
		if (cases[i].msg) {
			assert_string_equal(e.src, "rec.kleak");
			if (!strstr(e.msg, cases[i].msg))
				fail_msg("case %zu: '%s' lacks '%s'", i, e.msg, cases[i].msg);
		} else {
			assert_int_equal(snap.page_size, 16384);
		}
	}
	/* In a snapshot directory the same meta is taken for what parses. */
	sample_reset(&s, SAMPLE_DIR, "snap");
	assert_int_equal(buf_append(&s.meta, "page_size=5000\nrelease=6.1\n", 27), 0);
	s.have_meta = true;
	assert_int_equal(snapshot_parse(&snap, &s, SRC_ALL, &e), 0);
	assert_int_equal(snap.page_size, (uint64_t)sysconf(_SC_PAGESIZE));
	assert_string_equal(snap.release, "6.1");
	assert_string_equal(snap.from, "snap");
	snapshot_free(&snap);
	sample_free(&s);
}

/* parse/meta: every key, comments, unknown keys, numbers that do not parse. */
static void test_meta_parse(void **state)
{
	static const char text[] =
		"# a comment\n"
		"kleak_snapshot=1\n"
		"release=6.12.0-1-amd64\n"
		"hostname=box=1\n"
		"\n"
		"time=1700000000\n"
		"page_size=4096\n"
		"mono_ns=12x\n"
		"interval_ns=1000000000\n"
		"sample=7\n"
		"a_later_key=whatever\n"
		"kleak_recording=1\n";
	struct meta m;
	struct kerr e;

	(void)state;
	assert_int_equal(meta_parse(text, sizeof(text) - 1, "meta", &m, &e), 0);
	assert_string_equal(m.release, "6.12.0-1-amd64");
	assert_string_equal(m.hostname, "box=1");
	assert_int_equal(m.time_s, 1700000000);
	assert_int_equal(m.page_size, 4096);
	assert_int_equal(m.mono_ns, 0); /* not a number: unset */
	assert_int_equal(m.interval_ns, 1000000000ULL);
	assert_int_equal(m.sample, 7);
	assert_true(m.has_recording);
	assert_int_equal(m.recording, 1);
	assert_int_equal(meta_parse("release=x\nbroken\n", 17, "dir/meta", &m, &e), -EINVAL);
	assert_string_equal(e.src, "dir/meta");
	assert_int_equal(e.line, 2);
	assert_int_equal(meta_parse("", 0, "meta", &m, &e), 0);
	assert_false(m.has_recording);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_kept_when_changed),
		cmocka_unit_test(test_recording_meta),
		cmocka_unit_test(test_meta_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The cgroups and the kernel log as sources of the sample pipeline: the
 * cgroups source's text (source/cgroups.c renders it, parse/cgroup_tree.c
 * reads it) round-trips every captured cgroup fixture and refuses hostile
 * text with its line; the cgroup series (keyed by path, named by
 * container, aggregates below specific ones); the kernel log's events
 * over successive samples, each once, wherever the samples are cut (the
 * cursor protocol of watch and record, on real captured logs).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/klog_findings.h"
#include "analyze/klog_stream.h"
#include "analyze/trend.h"
#include "model/cgroups.h"
#include "model/series.h"
#include "parse/cgroup_tree.h"
#include "parse/klog.h"
#include "source/cgroups.h"
#include "util/buf.h"

static struct buf load(const char *path)
{
	struct buf b = { 0 };
	struct kerr e;

	if (buf_read_file(&b, path, BUF_FILE_CAP, &e))
		fail_msg("cannot read fixture %s: %s", path, e.msg);
	return b;
}

/* ---- the cgroups source's text ---- */

static const char *const fixtures[] = { "tests/fixtures/cgroups/6.1", "tests/fixtures/cgroups/6.12",
					"tests/fixtures/cgroups/6.18" };

/* A snapshot's cgroups, read as the source text and parsed, as cgroup_set_take does. */
static void test_tree_fixtures(void **st)
{
	(void)st;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		struct buf text = { 0 };
		struct cgroup_set a, b;
		struct kerr e;

		assert_int_equal(cgroups_read_dir(fixtures[i], &text, &e), 0);
		assert_int_equal(strncmp(text.data, "kleak-cgroups 1\nhierarchy ", 26), 0);
		assert_int_equal(cgroup_set_parse(&a, text.data, text.len, "t", 4096, 0, &e), 0);
		assert_int_equal(cgroup_set_take(&b, fixtures[i], 0, 4096, &e), 0);
		assert_true(a.n > 1 && a.n == b.n);
		for (size_t k = 0; k < a.n; k++) {
			assert_string_equal(a.v[k].path, b.v[k].path);
			assert_memory_equal(&a.v[k].m, &b.v[k].m, sizeof(a.v[k].m));
		}
		/* the cap of --max-cgroups holds on a snapshot too */
		cgroup_set_free(&a);
		assert_int_equal(cgroup_set_parse(&a, text.data, text.len, "t", 4096, 2, &e), 0);
		assert_true(a.n == 2 && a.stats.capped);
		cgroup_set_free(&a);
		cgroup_set_free(&b);
		buf_free(&text);
	}
}

/* What parse/memcg.h reads is what source/cgroups.c copies. */
static void test_tree_files_agree(void **st)
{
	(void)st;
	assert_int_equal(cgroup_nfiles, MEMCG_F_COUNT);
	for (int i = 0; i < MEMCG_F_COUNT; i++) {
		assert_string_equal(cgroup_files[i].name, memcg_files[i].name);
		assert_int_equal(cgroup_files[i].versions, memcg_files[i].versions);
	}
}

static int count_visit(const struct cgroup_tree_node *n, void *ctx)
{
	(*(size_t *)ctx)++;
	return 0;
}

static void tree_ok(const char *s, size_t want)
{
	struct cgroup_tree_info info;
	struct kerr e = { 0 };
	size_t n = 0;

	if (cgroup_tree_parse(s, strlen(s), "t", count_visit, &n, &info, &e))
		fail_msg("'%s': %s:%ld: %s", s, e.src, e.line, e.msg);
	assert_int_equal(n, want);
}

static void tree_err(const char *s, long line, const char *msg)
{
	struct cgroup_tree_info info;
	struct kerr e = { 0 };

	assert_int_not_equal(cgroup_tree_parse(s, strlen(s), "t", NULL, NULL, &info, &e), 0);
	if (e.line != line || !strstr(e.msg, msg))
		fail_msg("'%s': want line %ld '%s', got %ld '%s'", s, line, msg, e.line, e.msg);
}

#define HDR "kleak-cgroups 1\nhierarchy 2 / /sys/fs/cgroup\n"

static void test_tree_hostile(void **st)
{
	struct cgroup_tree_info info;
	struct kerr e;
	static const char esc[] = HDR
		"cgroup 2 1 /my\\040app\\134x\nfile memory.stat 9\nkernel 5\n\n"
		"walk visited=1 capped=0 too_deep=0 unreadable=0 max=9\n"
		"containers 15\ndocker abc web\n\n";
	size_t n = 0;

	(void)st;
	tree_ok(HDR, 0);
	tree_ok(esc, 1);
	assert_int_equal(cgroup_tree_parse(esc, strlen(esc), "t", count_visit, &n, &info, &e), 0);
	assert_true(info.have_walk && info.max == 9 && info.names_len == 15);
	assert_int_equal(info.names_line, 9);
	tree_err("", 0, "not the cgroups source");
	tree_err("kleak\n", 1, "not the cgroups source");
	tree_err("kleak-cgroups 9\n", 1, "newer than this kleak's");
	tree_err(HDR "cgroup 3 1 /a\n", 3, "expected 'cgroup VERSION DEPTH PATH'");
	tree_err(HDR "cgroup 2 65 /a\n", 3, "expected 'cgroup VERSION DEPTH PATH'");
	tree_err(HDR "cgroup 1 1 /a\n", 3, "no hierarchy line gave");
	tree_err(HDR "cgroup 2 1 a\n", 3, "bad cgroup path");
	tree_err(HDR "cgroup 2 1 /a\\000b\n", 3, "bad cgroup path");
	tree_err(HDR "file memory.stat 1\nx\n", 3, "a file before any cgroup");
	tree_err(HDR "cgroup 2 1 /a\nfile memory.stat 99\nx\n", 4, "runs past the end");
	tree_err(HDR "cgroup 2 1 /a\nfile memory.stat 1\nxy\n", 4, "does not end at a newline");
	tree_err(HDR "cgroup 2 1 /a\nfile ../x 1\nx\n", 4, "expected 'file NAME LENGTH'");
	/* lines count through the files' bytes */
	tree_err(HDR "cgroup 2 1 /a\nfile memory.stat 4\na\nb\n\nbogus\n", 8, "unknown line");
	tree_err(HDR "walk visited=1 capped=2 too_deep=0 unreadable=0 max=1\n", 3,
		 "expected 'walk");
	tree_err(HDR "containers 3\nab\n\ncontainers 0\n\n", 6, "a second containers section");
	tree_err(HDR "cgroup 2 1 /a\nhierarchy 1 / /x\n", 4, "a hierarchy after the cgroups");
}

/* A file of a cgroup that does not parse: its own path and line. */
static void test_tree_memcg_error(void **st)
{
	static const char bad[] = HDR
		"cgroup 2 1 /x\nfile memory.stat 21\nanon 1\nkernel twelve\n\n";
	struct cgroup_set s;
	struct kerr e = { 0 };

	(void)st;
	assert_int_not_equal(cgroup_set_parse(&s, bad, sizeof(bad) - 1, "t", 4096, 0, &e), 0);
	assert_string_equal(e.src, "/sys/fs/cgroup/x/memory.stat");
	assert_int_equal(e.line, 2);
}

/* ---- cgroup series ---- */

static void test_cgroup_series(void **st)
{
	struct series_set set;
	struct trend_report rep = { 0 };
	struct trend_opts o;

	(void)st;
	assert_int_equal(series_set_init(&set, 64), 0);
	/* two cgroups of one unit name stay two series: the path is the key */
	for (int i = 0; i < 12; i++) {
		series_sample_begin(&set, (uint64_t)i * 1000000000ULL);
		assert_true(series_add_cgroup(&set, "/docker", "kernel", "/docker",
					      (10ULL << 20) + (uint64_t)i * (1 << 20)) >= 0);
		assert_true(series_add_cgroup(&set, "/docker/abc", "kernel",
					      i < 5 ? "/docker/abc" : "web",
					      (9ULL << 20) + (uint64_t)i * (1 << 20)) >= 0);
		assert_true(series_add_cgroup(&set, "/a/init.scope", "kernel", "/a/init.scope",
					      1 << 20) >= 0);
		assert_true(series_add_cgroup(&set, "/b/init.scope", "kernel", "/b/init.scope",
					      2 << 20) >= 0);
		series_sample_end(&set);
		set.v[0].aggregate = true;
	}
	assert_int_equal(set.count, 4);
	/* a container named later keeps its series, with its name */
	assert_string_equal(series_find_cgroup(&set, "/docker/abc", "kernel")->name, "web");
	assert_null(series_find_cgroup(&set, "/docker/abc", "slab_unreclaimable"));
	trend_opts_default(&o);
	o.leak_window_s = 5;
	assert_int_equal(trend_analyze(&set, &o, &rep), 0);
	assert_true(rep.n >= 2);
	/* the container ranks above the parent that is its sum, which it explains */
	assert_string_equal(set.v[rep.v[0].series].name, "web");
	assert_int_equal(rep.v[0].verdict, TREND_LEAK);
	assert_true(rep.v[1].aggregate && rep.v[1].explained);
	/* a cgroup that vanishes is handled like an unloaded module: its
	 * series reads 0 from then on, and that fall is `released` */
	for (int i = 12; i < 18; i++) {
		series_sample_begin(&set, (uint64_t)i * 1000000000ULL);
		assert_true(series_add_cgroup(&set, "/docker", "kernel", "/docker", 30ULL << 20) >=
			    0);
		series_sample_end(&set);
	}
	assert_int_equal(trend_analyze(&set, &o, &rep), 0);
	for (size_t i = 0; i < rep.n; i++)
		if (!strcmp(set.v[rep.v[i].series].name, "web"))
			assert_int_equal(rep.v[i].verdict, TREND_RELEASED);
	assert_int_equal(series_find_cgroup(&set, "/docker/abc", "kernel")->last, 0);
	trend_report_free(&rep);
	series_set_free(&set);
}

/* ---- the kernel log over samples ---- */

/* The kmsg record at line l starts with "prio,seq,usec,flags;". */
static bool record_start(const char *line, uint64_t *usec)
{
	unsigned long long p, q, u;

	if (sscanf(line, "%llu,%llu,%llu,", &p, &q, &u) != 3)
		return false;
	*usec = u;
	return true;
}

struct ev_key {
	int kind;
	uint64_t seq;
};

static size_t keys_of(const struct klog_log *l, struct ev_key *k, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n && n < max; i++)
		k[n++] = (struct ev_key){ l->v[i].kind, l->v[i].at.seq };
	return n;
}

/* One sample: the records of text from line `from` on, up to `to` (exclusive). */
static void sample_of(struct snapshot *snap, const char *text, size_t len, uint64_t now_ns)
{
	struct klog_parse_opts o = { .now_mono_ns = now_ns };
	struct kerr e = { 0 };

	memset(snap, 0, sizeof(*snap));
	snap->status[SRC_KMSG] = SOURCE_OK;
	if (klog_parse(text, len, "t", &o, &snap->klog, &e))
		fail_msg("%s:%ld: %s", e.src, e.line, e.msg);
}

/* The records at or above seq `cursor`, as a reader from that cursor gets them. */
static size_t from_cursor(const char *text, size_t len, uint64_t cursor)
{
	const char *p = text;

	while (p < text + len) {
		unsigned long long pr, seq;

		if (sscanf(p, "%llu,%llu,", &pr, &seq) == 2 && seq >= cursor)
			return (size_t)(p - text);
		p = memchr(p, '\n', (size_t)(text + len - p));
		if (!p)
			break;
		p++;
	}
	return len;
}

/*
 * Each event once, wherever a watch interval or a recorded sample cuts the
 * log: sample 1 ends at record k, with "now" just after it (a report
 * still being printed is open); sample 2 is read from sample 1's cursor.
 */
static void test_stream_each_once(void **st)
{
	static const char *const files[] = { "tests/fixtures/klog/6.12-main.kmsg",
					     "tests/fixtures/klog/6.12-oom.kmsg",
					     "tests/fixtures/klog/6.1-oom.kmsg" };

	(void)st;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct buf b = load(files[f]);
		struct snapshot whole, s1, s2;
		struct ev_key want[64], got[64];
		size_t nwant, cuts = 0;
		const char *p = b.data;

		sample_of(&whole, b.data, b.len, 0);
		nwant = keys_of(&whole.klog, want, 64);
		assert_true(nwant >= 3);
		while (p && p < b.data + b.len) {
			uint64_t usec;
			size_t cut = (size_t)(p - b.data), off;
			struct klog_stream ks = { 0 };
			struct kerr e;

			if (record_start(p, &usec) && cut) {
				sample_of(&s1, b.data, cut, usec * 1000);
				assert_int_equal(klog_stream_add(&ks, &s1, &e), 0);
				off = from_cursor(b.data, b.len, ks.cursor);
				sample_of(&s2, b.data + off, b.len - off, 0);
				assert_int_equal(klog_stream_add(&ks, &s2, &e), 0);
				assert_int_equal(klog_stream_finish(&ks, &s2, &e), 0);
				if (keys_of(&ks.events, got, 64) != nwant ||
				    memcmp(got, want, nwant * sizeof(*got)))
					fail_msg("%s cut at byte %zu: %zu events, want %zu",
						 files[f], cut, ks.events.n, nwant);
				klog_log_free(&s1.klog);
				klog_log_free(&s2.klog);
				klog_stream_free(&ks);
				cuts++;
			}
			p = memchr(p, '\n', (size_t)(b.data + b.len - p));
			p = p ? p + 1 : NULL;
		}
		assert_true(cuts > 500);
		klog_log_free(&whole.klog);
		buf_free(&b);
	}
}

/*
 * Hand-made (the kernel's format strings): kmemleak's announcement printed
 * by another CPU in the middle of an OOM report. Cut after it, the OOM is
 * still printing: the announcement, after the OOM's first record, comes
 * again with the next sample and must be taken in once.
 */
static void test_stream_interleaved(void **st)
{
	static const char log[] =
		"6,0,1000000,-;hog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"4,1,1000100,-;kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n"
		"3,2,1000200,-;Out of memory: Killed process 90 (awk) total-vm:48856kB, anon-rss:32444kB, "
		"file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:100kB oom_score_adj:0\n";
	size_t cut = strchr(strchr(log, '\n') + 1, '\n') + 1 - log;
	struct klog_stream ks = { 0 };
	struct snapshot s1, s2;
	struct kerr e;

	(void)st;
	sample_of(&s1, log, cut, 1000100000ULL);
	assert_int_equal(klog_stream_add(&ks, &s1, &e), 0);
	assert_int_equal(ks.events.n, 0); /* both wait: the OOM is open */
	assert_int_equal(ks.cursor, 0);
	sample_of(&s2, log, sizeof(log) - 1, 5000000000ULL);
	assert_int_equal(klog_stream_add(&ks, &s2, &e), 0);
	assert_int_equal(ks.events.n, 2);
	assert_int_equal(ks.events.v[0].kind, KLOG_OOM);
	assert_true(ks.events.v[0].complete);
	assert_int_equal(ks.events.v[1].kind, KLOG_KMEMLEAK);
	/* records read again (a reader given an older cursor) add nothing */
	assert_int_equal(klog_stream_add(&ks, &s2, &e), 0);
	assert_int_equal(ks.events.n, 2);
	klog_log_free(&s1.klog);
	klog_log_free(&s2.klog);
	klog_stream_free(&ks);
}

/*
 * A memory cgroup's OOM names the container whose cgroup it is: the 6.12
 * VM's memcg OOM (a real capture) with its cgroup made a docker
 * container's, and the names the cgroups source gives.
 */
static void test_memcg_oom_names_container(void **st)
{
	static const char id[] = "6c9666698cd844ff0a8d5b29d73bfc07aec6a060f68205c5e24512e98e68e3ea";
	struct buf b = load("tests/fixtures/klog/6.12-main.kmsg");
	struct buf t = { 0 };
	struct klog_findings_opts o;
	struct klog_findings f;
	struct cgroup_set set = { 0 };
	struct snapshot snap;
	struct kerr e;
	const char *p = b.data, *q;
	const struct klog_finding *m = NULL;

	(void)st;
	while ((q = strstr(p, "/kleak-test/oom-victim"))) { /* the path as docker's */
		assert_int_equal(buf_append(&t, p, (size_t)(q - p)), 0);
		assert_int_equal(buf_printf(&t, "/docker/%s", id), 0);
		p = q + strlen("/kleak-test/oom-victim");
	}
	assert_int_equal(buf_append(&t, p, (size_t)(b.data + b.len - p)), 0);
	sample_of(&snap, t.data, t.len, 0);
	assert_int_equal(container_names_add(&set.names, "docker", id, "web"), 0);
	klog_findings_opts_default(&o);
	o.cgroups = &set;
	assert_int_equal(klog_findings(&snap.klog, &o, &f, &e), 0);
	for (size_t i = 0; i < f.n; i++)
		if (!strcmp(f.v[i].f.id, "memcg-oom"))
			m = &f.v[i];
	assert_non_null(m);
	assert_string_equal(m->f.subject, "web");
	assert_non_null(strstr(m->f.evidence, "(container web)"));
	assert_true(!strncmp(m->f.next, "kleak trace --container web --min-age 60", 40));
	klog_findings_free(&f);
	/* without the names: the path */
	o.cgroups = NULL;
	assert_int_equal(klog_findings(&snap.klog, &o, &f, &e), 0);
	for (size_t i = 0; i < f.n; i++)
		if (!strcmp(f.v[i].f.id, "memcg-oom"))
			assert_true(!strncmp(f.v[i].f.subject, "/docker/6c96", 12));
	klog_findings_free(&f);
	cgroup_set_free(&set);
	klog_log_free(&snap.klog);
	buf_free(&t);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_fixtures),
		cmocka_unit_test(test_tree_files_agree),
		cmocka_unit_test(test_tree_hostile),
		cmocka_unit_test(test_tree_memcg_error),
		cmocka_unit_test(test_cgroup_series),
		cmocka_unit_test(test_stream_each_once),
		cmocka_unit_test(test_stream_interleaved),
		cmocka_unit_test(test_memcg_oom_names_container),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

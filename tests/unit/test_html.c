// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the HTML report and the flame graphs: decimation keeps
 * every peak and trough, numbers in data- attributes are written exactly
 * as --json writes them, every untrusted string is escaped, the folded
 * writer obeys the format (frames joined by ';', one space, the count; no
 * frame holds a ';'; module frames "func [module]"; equal stacks summed),
 * the kmemleak and trace adapters give bytes per stack that add up to
 * the producer's numbers, and the page holds every chart and no URL.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/decimate.h"
#include "analyze/kmemleak_group.h"
#include "analyze/trend.h"
#include "model/series.h"
#include "output/flame_svg.h"
#include "output/html_esc.h"
#include "output/html_from_trend.h"
#include "output/html_report.h"
#include "output/json.h"
#include "output/stacks.h"
#include "output/stacks_from.h"
#include "parse/kallsyms.h"
#include "util/buf.h"

/* Output of a writer into a string: open, write, close, read back. */
struct mem {
	char *s;
	size_t n;
	FILE *f;
};

static FILE *mem_open(struct mem *m)
{
	m->s = NULL;
	m->n = 0;
	m->f = open_memstream(&m->s, &m->n);
	assert_non_null(m->f);
	return m->f;
}

static char *mem_close(struct mem *m)
{
	fclose(m->f);
	return m->s;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_decimate_keeps_extremes(void **state)
{
	enum { N = 100000, C = 100 };
	double *x = malloc(N * sizeof(double)), *v = malloc(N * sizeof(double));
	size_t idx[DECIMATE_MAX_OUT(C)], m, small[8];
	double xs[3] = { 0, 1, 2 }, vs[3] = { 5, 6, 7 };

	(void)state;
	for (size_t i = 0; i < N; i++) {
		x[i] = (double)i * 0.5;
		v[i] = sin((double)i / 500.0) * 1000;
	}
	v[54321] = 1e9;	 /* a one-sample spike */
	v[12345] = -1e9; /* and a trough */
	m = decimate_minmax(x, v, N, C, idx);
	assert_true(m <= DECIMATE_MAX_OUT(C));
	assert_true(m >= C);
	assert_int_equal(idx[0], 0);
	assert_int_equal(idx[m - 1], N - 1);
	for (size_t k = 1; k < m; k++)
		assert_true(idx[k] > idx[k - 1]);
	bool spike = false, trough = false;
	for (size_t k = 0; k < m; k++) {
		spike |= idx[k] == 54321;
		trough |= idx[k] == 12345;
	}
	assert_true(spike && trough);
	/* few points: every one kept; no x: the index is x */
	assert_int_equal(decimate_minmax(xs, vs, 3, 2, small), 3);
	assert_int_equal(small[2], 2);
	assert_true(decimate_minmax(NULL, v, N, C, idx) <= DECIMATE_MAX_OUT(C));
	free(x);
	free(v);
}

/* A data- attribute holds the text --json has for the same double: one function writes both. */
static void test_attr_num_is_json_double(void **state)
{
	const double vals[] = { 0,
				-0.0,
				1,
				-1,
				1200062756,
				474759674.9,
				0.9999999991,
				0.99999999999999,
				1e15,
				1e16,
				123456789012345.5,
				-822.37,
				1.0 / 3,
				2.5e-7,
				NAN,
				INFINITY,
				18215127.12,
				-1.234567890123e-308 };

	(void)state;
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct mem m, a;
		struct json j;
		char want[80];

		json_init(&j, mem_open(&m), false);
		json_double(&j, vals[i]);
		mem_close(&m);
		html_attr_num(mem_open(&a), "data-x", vals[i]);
		mem_close(&a);
		snprintf(want, sizeof(want), " data-x=\"%s\"", m.s);
		assert_string_equal(a.s, want);
		assert_true(strlen(m.s) < JSON_DOUBLE_LEN);
		free(m.s);
		free(a.s);
	}
}

static void test_html_escaping(void **state)
{
	struct mem m;

	(void)state;
	html_text(mem_open(&m), "<script>alert('x')</script>&\"");
	assert_string_equal(mem_close(&m),
			    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;");
	free(m.s);
	/* control bytes and direction overrides are shown, not obeyed */
	html_text(mem_open(&m), "a\033[31m\xe2\x80\xae<b\n");
	assert_string_equal(mem_close(&m), "a\\x1b[31m\\u{202e}&lt;b\\x0a");
	free(m.s);
	html_attr(mem_open(&m), "data-name", "x\"><img src=x>");
	assert_string_equal(mem_close(&m), " data-name=\"x&quot;&gt;&lt;img src=x&gt;\"");
	free(m.s);
}

/*
 * Asserts the folded format on every line: "f1;f2;...;fn COUNT\n", frames
 * non-empty, no control byte, COUNT decimal digits after exactly one space.
 * Returns the number of lines.
 */
static size_t check_folded(const char *text)
{
	size_t lines = 0;

	for (const char *p = text; *p; lines++) {
		const char *nl = strchr(p, '\n'), *sp;

		assert_non_null(nl); /* every line ends */
		sp = nl;
		while (sp > p && sp[-1] != ' ')
			sp--;
		assert_true(sp > p + 1);    /* frames, one space, count */
		assert_true(sp[-2] != ' '); /* exactly one space */
		assert_true(sp < nl);
		for (const char *d = sp; d < nl; d++)
			assert_true(*d >= '0' && *d <= '9');
		assert_true(*sp != '0');		   /* stacks of 0 bytes are left out */
		assert_true(p[0] != ';' && sp[-2] != ';'); /* no empty first/last frame */
		for (const char *c = p; c < sp - 1; c++) {
			assert_true((unsigned char)*c >= 0x20 && *c != 0x7f);
			assert_false(c[0] == ';' && c[1] == ';'); /* no empty frame */
		}
		p = nl + 1;
	}
	return lines;
}

/* The count on the line whose frames are exactly `frames`; -1 when none. */
static long long folded_count(const char *text, const char *frames)
{
	size_t len = strlen(frames);

	for (const char *p = text; *p; p = strchr(p, '\n') + 1)
		if (!strncmp(p, frames, len) && p[len] == ' ')
			return strtoll(p + len + 1, NULL, 10);
	return -1;
}

/* The count of the line starting at p. */
static long long line_count(const char *p)
{
	const char *nl = strchr(p, '\n');

	while (nl > p && nl[-1] != ' ')
		nl--;
	return strtoll(nl, NULL, 10);
}

static void add(struct stacks *s, const char *a, const char *ma, const char *b, const char *mb,
		uint64_t bytes)
{
	const char *fn[2] = { a, b }, *mod[2] = { ma, mb };

	assert_int_equal(stacks_add(s, fn, mod, b ? 2 : 1, false, bytes), 0);
}

static void test_folded_format(void **state)
{
	struct stacks s = { 0 };
	struct mem m;
	char *out;

	(void)state;
	add(&s, "ret_from_fork", NULL, "leak_kmalloc_work", "kleak_kmalloc_leak", 512);
	add(&s, "ret_from_fork", NULL, "leak_kmalloc_work", "kleak_kmalloc_leak", 1024);
	add(&s, "a;b", NULL, "c\nd", "m;x", 7); /* ';' and a newline in frames */
	add(&s, "", NULL, NULL, NULL, 9);	/* no name: (unknown) */
	add(&s, "zero", NULL, NULL, NULL, 0);	/* left out */
	assert_int_equal(s.total_bytes, 512 + 1024 + 7 + 9);
	assert_int_equal(folded_write(mem_open(&m), &s), 0);
	out = mem_close(&m);
	assert_int_equal(check_folded(out), 3);
	/* equal stacks summed; module frames "func [module]"; sorted by text */
	assert_int_equal(folded_count(out, "ret_from_fork;leak_kmalloc_work [kleak_kmalloc_leak]"),
			 1536);
	assert_int_equal(folded_count(out, "a,b;c?d [m,x]"), 7);
	assert_int_equal(folded_count(out, "(unknown)"), 9);
	assert_int_equal(folded_count(out, "zero"), -1);
	assert_true(strstr(out, "(unknown)") < strstr(out, "a,b") &&
		    strstr(out, "a,b") < strstr(out, "ret_from_fork"));
	free(out);
	stacks_free(&s);
	stacks_free(&s); /* NULL-safe, idempotent */
}

static void test_folded_from_kmemleak(void **state)
{
	struct kmemleak_report r = { 0 };
	struct kmemleak_groups g = { 0 };
	struct kmemleak_group_opts o = { 0 };
	struct stacks s = { 0 };
	struct buf b = { 0 };
	struct kerr e = { 0 };
	long long sum = 0;
	struct mem m;
	char *out;

	(void)state;
	assert_int_equal(buf_read_file(&b, "tests/fixtures/6.12/kmemleak", BUF_FILE_CAP, &e), 0);
	assert_int_equal(kmemleak_parse(b.data, b.len, "kmemleak", &r, &e), 0);
	assert_int_equal(kmemleak_group(&r, &o, &g, &e), 0);
	assert_int_equal(stacks_from_kmemleak(&s, &g), 0);
	assert_int_equal(folded_write(mem_open(&m), &s), 0);
	out = mem_close(&m);
	assert_true(check_folded(out) >= 1);
	/* bytes per backtrace: the leaker's group, root first, offsets dropped */
	assert_int_equal(folded_count(out,
				      "ret_from_fork_asm;ret_from_fork;kthread;worker_thread;"
				      "process_one_work;leak_kmalloc_work [kleak_kmalloc_leak];"
				      "__kmalloc_noprof"),
			 g.v[0].bytes);
	for (const char *p = out; *p; p = strchr(p, '\n') + 1)
		sum += line_count(p);
	assert_int_equal(sum, g.bytes); /* every byte kmemleak reported, once */
	assert_int_equal(s.total_bytes, g.bytes);
	free(out);
	stacks_free(&s);
	kmemleak_groups_free(&g);
	kmemleak_report_free(&r);
	buf_free(&b);
}

static const char ksyms_text[] =
	"ffffffff81000000 T ret_from_fork\n"
	"ffffffff81001000 T kthread\n"
	"ffffffff81002000 T worker_thread\n"
	"ffffffff81003000 T process_one_work\n"
	"ffffffff81004000 T __kmalloc_noprof\n"
	"ffffffffc0517000 t leak_kmalloc_work\t[kleak_kmalloc_leak]\n"
	"ffffffffc0517100 t other_work\t[kleak_kmalloc_leak]\n";

static void set_stack(struct trace_stack_summary *st, uint64_t count, const uint64_t *f, size_t n)
{
	st->count = count;
	st->nframes = n;
	memcpy(st->frames, f, n * sizeof(*f));
}

static void test_folded_from_trace(void **state)
{
	const uint64_t leak = 0xffffffffc0517010, pow = 0xffffffff81003005, wt = 0xffffffff81002005,
		       kt = 0xffffffff81001005, rff = 0xffffffff81000005, oth = 0xffffffffc0517105;
	struct trace_callsite cs[3] = { 0 };
	struct trace_report rep = { .cs = cs, .ncs = 3 };
	struct trace_ksyms ks = { .loaded = true };
	struct kallsyms kall;
	struct stacks s = { 0 };
	struct kerr e = { 0 };
	struct mem m;
	char *out;

	(void)state;
	assert_int_equal(kallsyms_parse(ksyms_text, strlen(ksyms_text), "k", &kall, &e), 0);
	assert_int_equal(ksym_table_init(&ks.t, &kall, &e), 0);
	/* the leaker: two stacks, 2:1 by objects; 1000 bytes outstanding */
	snprintf(cs[0].function, sizeof(cs[0].function), "leak_kmalloc_work");
	snprintf(cs[0].module, sizeof(cs[0].module), "kleak_kmalloc_leak");
	cs[0].outstanding_bytes.v = 1000;
	set_stack(&cs[0].stacks[0], 2, (uint64_t[]){ leak, pow, wt, kt, rff }, 5);
	set_stack(&cs[0].stacks[1], 1, (uint64_t[]){ leak, kt, rff }, 3);
	cs[0].nstacks = 2;
	/* no stack taken: the call site alone */
	snprintf(cs[1].function, sizeof(cs[1].function), "vmlinux_site");
	cs[1].outstanding_bytes.v = 77;
	/* a stack that starts above the call site: the site becomes its leaf */
	snprintf(cs[2].function, sizeof(cs[2].function), "inlined_site");
	cs[2].outstanding_bytes.v = 5;
	set_stack(&cs[2].stacks[0], 4, (uint64_t[]){ oth, kt }, 2);
	cs[2].nstacks = 1;
	assert_int_equal(stacks_from_trace(&s, &rep, &ks), 0);
	assert_int_equal(folded_write(mem_open(&m), &s), 0);
	out = mem_close(&m);
	assert_int_equal(check_folded(out), 4);
	assert_int_equal(folded_count(out,
				      "ret_from_fork;kthread;worker_thread;process_one_work;"
				      "leak_kmalloc_work [kleak_kmalloc_leak]"),
			 667);
	assert_int_equal(folded_count(out,
				      "ret_from_fork;kthread;leak_kmalloc_work [kleak_kmalloc_leak]"),
			 333); /* 667 + 333: exactly the call site's outstanding_bytes */
	assert_int_equal(folded_count(out, "vmlinux_site"), 77);
	assert_int_equal(folded_count(out, "kthread;other_work [kleak_kmalloc_leak];inlined_site"),
			 5);
	assert_int_equal(s.total_bytes, 1000 + 77 + 5);
	free(out);
	stacks_free(&s);
	ksym_table_free(&ks.t);
}

static void test_flame_svg(void **state)
{
	struct stacks s = { 0 };
	struct flame_opts o = { .id = "f1", .title = "outstanding <bytes>" };
	struct mem m;
	char *out;

	(void)state;
	add(&s, "ret_from_fork", NULL, "leak_kmalloc_work", "kleak_kmalloc_leak", 100000);
	add(&s, "ret_from_fork", NULL, "<script>x</script>", NULL, 2400);
	add(&s, "far_root", NULL, "tiny_leaf", NULL, 1); /* 0.01 px: counted, not drawn */
	assert_int_equal(flame_svg_write(mem_open(&m), &s, &o), 0);
	out = mem_close(&m);
	assert_int_equal(count(out, "data-chart=\"flame\""), 1);
	assert_non_null(strstr(out, "data-frame=\"all\" data-bytes=\"102401\""));
	assert_non_null(strstr(out, "data-frame=\"ret_from_fork\" data-bytes=\"102400\""));
	assert_non_null(strstr(out,
			       "data-frame=\"leak_kmalloc_work [kleak_kmalloc_leak]\" "
			       "data-bytes=\"100000\""));
	assert_null(strstr(out, "far_root"));
	assert_non_null(strstr(out, "1 frame narrower than half a pixel"));
	assert_null(strstr(out, "<script>"));
	assert_non_null(strstr(out, "&lt;script&gt;x&lt;/script&gt;"));
	assert_non_null(strstr(out, "outstanding &lt;bytes&gt;"));
	free(out);
	stacks_free(&s);
}

#define EVIL "<script>alert(1)</script>"

/* A page with an untrusted string in every field the page shows. */
static char *evil_page(void)
{
	static const double t[4] = { 0, 10, 20, 30 }, a[4] = { 1e6, 2e6, 3e6, 4e6 },
			    b[4] = { 5e5, 5e5, 5e5, 5e5 };
	static const char *const bt[2] = { EVIL "+0x1/0x2 [" EVIL "]", "ret_from_fork+0x1/0x2" };
	struct html_component comp[2] = {
		{ .name = EVIL, .label = EVIL, .bytes = a, .bytes_now = 4000000, .stacked = true },
		{ .name = "KernelStack", .label = "thread stacks", .bytes = b, .bytes_now = 500000 },
	};
	struct html_series se = { .source = "slab",
				  .name = EVIL,
				  .module = EVIL,
				  .t = t,
				  .bytes = a,
				  .npoints = 4,
				  .bytes_now = 4000000,
				  .growth_bytes = 3e6,
				  .rate_bytes_per_hour = 474759674.9,
				  .confidence = 0.9999999991,
				  .verdict = EVIL,
				  .reason = EVIL,
				  .explained_by = { EVIL } };
	struct html_finding fd = { .severity = EVIL, .title = EVIL, .evidence = EVIL, .next = EVIL };
	struct html_kmemleak_group g = { .count = 1,
					 .bytes = 64,
					 .function = EVIL,
					 .module = EVIL,
					 .allocator = EVIL,
					 .backtrace = bt,
					 .nframes = 2 };
	struct html_callsite cs = { .callsite = EVIL,
				    .module = EVIL,
				    .cache = EVIL,
				    .kind = EVIL,
				    .outstanding_bytes = 64 };
	struct stacks st = { 0 };
	struct html_report r = {
		.meta = { .title = EVIL,
			  .command = EVIL,
			  .version = EVIL,
			  .kernel = EVIL,
			  .hostname = EVIL,
			  .source = EVIL,
			  .samples = 4,
			  .interval_s = 10 },
		.t = t,
		.npoints = 4,
		.comp = comp,
		.ncomp = 2,
		.series = &se,
		.nseries = 1,
		.nseries_total = 3,
		.findings = &fd,
		.nfindings = 1,
		.have_kmemleak = true,
		.kmemleak_note = EVIL,
		.groups = &g,
		.ngroups = 1,
		.kmemleak_stacks = &st,
		.have_trace = true,
		.trace_note = EVIL,
		.callsites = &cs,
		.ncallsites = 1,
		.trace_stacks = &st,
	};
	struct mem m;

	add(&st, EVIL, EVIL, "x", NULL, 64);
	assert_int_equal(html_report_write(mem_open(&m), &r, NULL), 0);
	stacks_free(&st);
	return mem_close(&m);
}

static void test_page_escapes_everything(void **state)
{
	char *out = evil_page();

	(void)state;
	/* the only elements named script would be ours: there are none */
	assert_null(strcasestr(out, "<script"));
	assert_true(count(out, "&lt;script&gt;alert(1)&lt;/script&gt;") >= 20);
	assert_null(strcasestr(out, "http:"));
	assert_null(strcasestr(out, "https:"));
	assert_null(strstr(out, "url(http"));
	assert_null(strcasestr(out, "@import"));
	/* every chart: memory, one sparkline per series, two flame graphs */
	assert_int_equal(count(out, "data-chart=\"memory\""), 1);
	assert_int_equal(count(out, "data-chart=\"sparkline\""), 1);
	assert_int_equal(count(out, "data-chart=\"flame\""), 2);
	/* numbers as --json writes them */
	assert_non_null(strstr(out, "data-rate-bytes-per-hour=\"474759674.9\""));
	assert_non_null(strstr(out, "data-confidence=\"0.9999999991\""));
	/* shown as a range of decimals, never rounded up to certainty */
	assert_non_null(strstr(out, ">0.9999<"));
	assert_non_null(strstr(out, "2 more series grew"));
	free(out);
}

/* A series set as watch builds it: 30 samples at 10 s, a slab cache leaking. */
static void build_set(struct series_set *set)
{
	assert_int_equal(series_set_init(set, SERIES_DEFAULT_CAP), 0);
	for (int i = 0; i < 30; i++) {
		series_sample_begin(set, (uint64_t)i * 10000000000ULL);
		series_add(set, SERIES_MEMINFO, "SUnreclaim", NULL, 50000000 + (uint64_t)i * 8192);
		series_add(set, SERIES_MEMINFO, "SReclaimable", NULL, 150000000 + (i % 3) * 4096);
		series_add(set, SERIES_MEMINFO, "KReclaimable", NULL, 160000000 + (i % 3) * 4096);
		series_add(set, SERIES_MEMINFO, "KernelStack", NULL, 1600000);
		series_add(set, SERIES_MEMINFO, "VmallocUsed", NULL, 14000000);
		series_add(set, SERIES_SLAB, EVIL, NULL, 1000000 + (uint64_t)i * 8192);
		series_add(set, SERIES_SLAB, "dentry", NULL, 9000000);
		series_sample_end(set);
	}
}

static void test_html_from_trend(void **state)
{
	struct series_set set;
	struct trend_report rep = { 0 };
	struct trend_opts o;
	struct html_trend_doc d;
	struct html_trend_args a = { .interval_s = 10, .kernel = "6.18", .hostname = "h" };
	char want[80], *out;
	struct mem m;

	(void)state;
	build_set(&set);
	trend_opts_default(&o);
	/* 290 s of growth, shorter than the default window: growing, and why */
	assert_int_equal(trend_analyze(&set, &o, &rep), 0);
	assert_int_equal(html_from_trend(&d, &set, &rep, &a), 0);
	assert_string_equal(d.r.series[0].name, EVIL);
	assert_string_equal(d.r.series[0].verdict, "growing");
	assert_string_equal(d.r.series[0].reason, "window_too_short");
	assert_int_equal(d.r.nfindings, 1);
	assert_string_equal(d.r.findings[0].severity, "warning");
	assert_non_null(strstr(d.r.findings[0].evidence, "not a leak yet: seen growing for less"));
	html_trend_doc_free(&d);
	/* the window over: a leak */
	o.leak_window_s = 200;
	assert_int_equal(trend_analyze(&set, &o, &rep), 0);
	assert_int_equal(html_from_trend(&d, &set, &rep, &a), 0);
	assert_null(d.r.series[0].reason);
	assert_null(strstr(d.r.findings[0].evidence, "not a leak"));
	/* the bands: no vmalloc caller known, so stacks count inside VmallocUsed */
	assert_string_equal(d.r.comp[0].name, "SUnreclaim");
	for (size_t i = 0; i < d.r.ncomp; i++) {
		if (!strcmp(d.r.comp[i].name, "KernelStack"))
			assert_false(d.r.comp[i].stacked);
		if (!strcmp(d.r.comp[i].name, "KReclaimable - SReclaimable")) {
			assert_int_equal(d.r.comp[i].bytes_now, 10000000);
			assert_int_equal(d.r.comp[i].style, 7); /* by name, not position */
		}
		if (!strcmp(d.r.comp[i].name, "VmallocUsed"))
			assert_int_equal(d.r.comp[i].style, 2);
	}
	/* the leak first, with the trend report's own numbers */
	assert_string_equal(d.r.series[0].name, EVIL);
	assert_string_equal(d.r.series[0].verdict, "leak");
	assert_true(d.r.series[0].rate_bytes_per_hour == rep.v[0].rate_bytes_per_hour);
	assert_int_equal(d.r.meta.gaps, 0);
	assert_int_equal(d.r.nfindings, 1);
	assert_string_equal(d.r.findings[0].severity, "critical");
	assert_non_null(strstr(d.r.findings[0].next, "kleak trace --cache '<script>"));
	assert_int_equal(html_report_write(mem_open(&m), &d.r, NULL), 0);
	out = mem_close(&m);
	snprintf(want, sizeof(want), "data-rate-bytes-per-hour=\"%s\"",
		 json_double_fmt(rep.v[0].rate_bytes_per_hour, (char[40]){ 0 }, 40));
	assert_non_null(strstr(out, want));
	assert_null(strcasestr(out, "<script"));
	free(out);
	html_trend_doc_free(&d);
	trend_report_free(&rep);
	series_set_free(&set);
}

static void test_large_input_decimated(void **state)
{
	enum { N = 100000 };
	double *t = malloc(N * sizeof(double)), *a = malloc(N * sizeof(double));
	struct html_component c = { .name = "SUnreclaim", .bytes = a, .stacked = true };
	struct html_series se = {
		.source = "slab", .name = "x", .t = t, .bytes = a, .npoints = N, .verdict = "leak"
	};
	struct html_report r = { .t = t,
				 .npoints = N,
				 .comp = &c,
				 .ncomp = 1,
				 .series = &se,
				 .nseries = 1,
				 .nseries_total = 1 };
	struct mem m;
	char *out, *drawn, want[64];
	unsigned long n;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		t[i] = (double)i;
		a[i] = 1e8 + (double)i * 4096 + (i % 7) * 1e5;
	}
	assert_int_equal(html_report_write(mem_open(&m), &r, NULL), 0);
	out = mem_close(&m);
	assert_true(m.n < 200 * 1024); /* the drawing, not the data */
	drawn = strstr(out, "data-points=\"100000\" data-drawn=\"");
	assert_non_null(drawn);
	n = strtoul(drawn + strlen("data-points=\"100000\" data-drawn=\""), NULL, 10);
	assert_true(n >= 720 && n <= DECIMATE_MAX_OUT(720)); /* two per column at most */
	snprintf(want, sizeof(want), "(%lu of 100000 points)", n);
	assert_non_null(strstr(out, want)); /* and the page says so */
	free(out);
	free(t);
	free(a);
}

/* trace --stacks --html: call sites and their flame graph, no growth report. */
static void test_trace_only_page(void **state)
{
	struct stacks st = { 0 };
	struct html_callsite cs = { .callsite = "leak_kmalloc_work+0x2f",
				    .module = "m",
				    .kind = "kmalloc",
				    .outstanding_bytes = 655360 };
	struct html_report r = { .meta = { .title = "kleak trace" },
				 .have_trace = true,
				 .callsites = &cs,
				 .ncallsites = 1,
				 .trace_stacks = &st };
	struct mem m;
	char *out;

	(void)state;
	add(&st, "ret_from_fork", NULL, "leak_kmalloc_work", "m", 655360);
	assert_int_equal(html_report_write(mem_open(&m), &r, NULL), 0);
	out = mem_close(&m);
	assert_null(strstr(out, "data-chart=\"memory\""));
	assert_null(strstr(out, "id=\"growth\""));
	assert_int_equal(count(out, "data-chart=\"flame\""), 1);
	assert_non_null(strstr(out, "1 call site holds 640 KiB"));
	assert_non_null(strstr(out, "data-outstanding-bytes=\"655360\""));
	free(out);
	stacks_free(&st);
}

/* A producer's verdict replaces the summary; its chain, next and cost get a section. */
static void test_conclusion(void **state)
{
	static const struct html_step chain[] = { { "kernel", "grew 10 MiB" },
						  { "callsite", "<b>sock_alloc_inode</b>" } };
	static const char *const next[] = { "fix the leaker" };
	struct html_report r = {
		.meta = { .title = "kleak investigate" },
		.conclusion = { .verdict = "leak: a & b",
				.severity = "critical",
				.name = "leak",
				.chain = chain,
				.nchain = 2,
				.next = next,
				.nnext = 1,
				.cost = "CPU 1.00 s" },
	};
	struct mem m;
	char *out;

	(void)state;
	assert_int_equal(html_report_write(mem_open(&m), &r, NULL), 0);
	out = mem_close(&m);
	assert_non_null(strstr(out,
			       "<p class=\"summary conclusion bad\" data-verdict=\"leak\">"
			       "<strong>leak: a &amp; b</strong>"));
	assert_int_equal(count(out, "No kernel memory grew"), 0);
	assert_non_null(strstr(out, "<section id=\"chain\">"));
	assert_non_null(strstr(out, "href=\"#chain\""));
	assert_int_equal(count(out, "<li data-step="), 2);
	assert_non_null(strstr(out, "&lt;b&gt;sock_alloc_inode&lt;/b&gt;"));
	assert_non_null(strstr(out, "<li>fix the leaker</li>"));
	assert_non_null(strstr(out, "CPU 1.00 s"));
	free(out);
	r.conclusion = (struct html_conclusion){ 0 };
	assert_int_equal(html_report_write(mem_open(&m), &r, NULL), 0);
	out = mem_close(&m);
	assert_null(strstr(out, "id=\"chain\""));
	assert_null(strstr(out, "data-verdict=\"leak\""));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimate_keeps_extremes),
		cmocka_unit_test(test_attr_num_is_json_double),
		cmocka_unit_test(test_html_escaping),
		cmocka_unit_test(test_folded_format),
		cmocka_unit_test(test_folded_from_kmemleak),
		cmocka_unit_test(test_folded_from_trace),
		cmocka_unit_test(test_flame_svg),
		cmocka_unit_test(test_page_escapes_everything),
		cmocka_unit_test(test_html_from_trend),
		cmocka_unit_test(test_large_input_decimated),
		cmocka_unit_test(test_trace_only_page),
		cmocka_unit_test(test_conclusion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

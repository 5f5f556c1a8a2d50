// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the Prometheus/OpenMetrics writer and kleak's metric set. */
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

#include "output/metrics.h"
#include "output/prom.h"

static char *render(const struct prom_set *set, enum prom_format fmt)
{
	struct buf b = { 0 };

	assert_int_equal(prom_render(set, fmt, &b), 0);
	return b.data;
}

static void small_set(struct prom_set *set)
{
	struct prom_family *g, *c, *i;

	memset(set, 0, sizeof(*set));
	assert_int_equal(prom_set_reserve(set, 4), 0);
	g = prom_family_add(set, "kleak_x_bytes", PROM_GAUGE, "bytes", "Bytes of x.");
	c = prom_family_add(set, "kleak_errs", PROM_COUNTER, NULL, "Errors.");
	i = prom_family_add(set, "kleak_build", PROM_INFO, NULL, "Build.");
	assert_non_null(g);
	assert_non_null(c);
	assert_non_null(i);
	assert_int_equal(prom_sample_add(g, 4096, "cache", "dentry", NULL), 0);
	assert_int_equal(prom_sample_add(g, 0.5, "cache", "a\"b\\c\nd", "module", "", NULL), 0);
	assert_int_equal(prom_sample_add(c, 3, NULL), 0);
	assert_int_equal(prom_sample_add(i, 1, "version", "0.1", NULL), 0);
}

static void test_text(void **state)
{
	struct prom_set set;
	char *s;

	(void)state;
	small_set(&set);
	s = render(&set, PROM_TEXT);
	assert_string_equal(s,
			    "# HELP kleak_x_bytes Bytes of x.\n"
			    "# TYPE kleak_x_bytes gauge\n"
			    "kleak_x_bytes{cache=\"dentry\"} 4096\n"
			    "kleak_x_bytes{cache=\"a\\\"b\\\\c\\nd\"} 0.5\n"
			    "# HELP kleak_errs_total Errors.\n"
			    "# TYPE kleak_errs_total counter\n"
			    "kleak_errs_total 3\n"
			    "# HELP kleak_build_info Build.\n"
			    "# TYPE kleak_build_info gauge\n"
			    "kleak_build_info{version=\"0.1\"} 1\n");
	free(s);
	prom_set_free(&set);
}

static void test_openmetrics(void **state)
{
	struct prom_set set;
	char *s;

	(void)state;
	small_set(&set);
	s = render(&set, PROM_OPENMETRICS);
	assert_string_equal(s,
			    "# HELP kleak_x_bytes Bytes of x.\n"
			    "# TYPE kleak_x_bytes gauge\n"
			    "# UNIT kleak_x_bytes bytes\n"
			    "kleak_x_bytes{cache=\"dentry\"} 4096\n"
			    "kleak_x_bytes{cache=\"a\\\"b\\\\c\\nd\"} 0.5\n"
			    "# HELP kleak_errs Errors.\n"
			    "# TYPE kleak_errs counter\n"
			    "kleak_errs_total 3\n"
			    "# HELP kleak_build Build.\n"
			    "# TYPE kleak_build info\n"
			    "kleak_build_info{version=\"0.1\"} 1\n"
			    "# EOF\n");
	free(s);
	prom_set_free(&set);
}

static void test_names_units(void **state)
{
	struct prom_set set = { 0 };
	struct prom_family *f;

	(void)state;
	assert_null(prom_family_add(&set, "9bad", PROM_GAUGE, NULL, ""));
	assert_null(prom_family_add(&set, "bad-name", PROM_GAUGE, NULL, ""));
	assert_null(prom_family_add(&set, "x_total", PROM_COUNTER, NULL, ""));
	assert_null(prom_family_add(&set, "x_info", PROM_INFO, NULL, ""));
	assert_null(prom_family_add(&set, "x_bytes", PROM_GAUGE, "seconds", ""));
	assert_null(prom_family_add(&set, "xbytes", PROM_GAUGE, "bytes", ""));
	assert_null(prom_family_add(&set, "bytes", PROM_GAUGE, "bytes", ""));
	f = prom_family_add(&set, "ns:x_seconds", PROM_GAUGE, "seconds", "");
	assert_non_null(f);
	assert_int_equal(prom_sample_add(f, 1, "__name", "x", NULL), -EINVAL);
	assert_int_equal(prom_sample_add(f, 1, "a:b", "x", NULL), -EINVAL);
	assert_int_equal(prom_sample_add(f, 1, "l1", "1", "l2", "2", "l3", "3", "l4", "4", "l5",
					 "5", "l6", "6", "l7", "7", "l8", "8", "l9", "9", NULL),
			 -EINVAL);
	assert_int_equal(f->n, 0);
	assert_true(prom_name_ok("a:b_c9"));
	assert_false(prom_label_name_ok("__x"));
	prom_set_free(&set);
}

static void test_values_utf8(void **state)
{
	struct prom_set set = { 0 };
	struct prom_family *f;
	char *s;

	(void)state;
	f = prom_family_add(&set, "v", PROM_GAUGE, NULL, "h\\elp\nline \"q\"");
	assert_int_equal(prom_sample_add(f, NAN, "l", "caf\xc3\xa9", NULL), 0);
	assert_int_equal(prom_sample_add(f, INFINITY, "l", "bad\xff\xc3", NULL), 0);
	assert_int_equal(prom_sample_add(f, -INFINITY, NULL), 0);
	assert_int_equal(prom_sample_add(f, 0.1, NULL), 0);
	assert_int_equal(prom_sample_add(f, 18446744073709551616.0, NULL), 0);
	assert_int_equal(prom_sample_add(f, 1234567890123.0, NULL), 0);
	s = render(&set, PROM_TEXT);
	assert_string_equal(s,
			    "# HELP v h\\\\elp\\nline \"q\"\n"
			    "# TYPE v gauge\n"
			    "v{l=\"caf\xc3\xa9\"} NaN\n"
			    "v{l=\"bad\xef\xbf\xbd\xef\xbf\xbd\"} +Inf\n"
			    "v -Inf\n"
			    "v 0.1\n"
			    "v 1.8446744073709552e+19\n"
			    "v 1234567890123\n");
	free(s);
	s = render(&set, PROM_OPENMETRICS);
	assert_non_null(strstr(s, "# HELP v h\\\\elp\\nline \\\"q\\\"\n"));
	free(s);
	prom_set_free(&set);
}

static void test_negotiate(void **state)
{
	(void)state;
	assert_int_equal(prom_negotiate(NULL), PROM_TEXT);
	assert_int_equal(prom_negotiate(""), PROM_TEXT);
	assert_int_equal(prom_negotiate("*/*"), PROM_TEXT);
	assert_int_equal(prom_negotiate("garbage;;;,,q="), PROM_TEXT);
	/* What Prometheus 2.42 sends. */
	assert_int_equal(prom_negotiate("application/openmetrics-text;version=1.0.0,"
					"application/openmetrics-text;version=0.0.1;q=0.75,"
					"text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
			 PROM_OPENMETRICS);
	assert_int_equal(prom_negotiate("Application/OpenMetrics-Text"), PROM_OPENMETRICS);
	assert_int_equal(prom_negotiate("application/openmetrics-text; version=2.0.0"), PROM_TEXT);
	assert_int_equal(prom_negotiate("application/openmetrics-text;q=0"), PROM_TEXT);
	assert_int_equal(prom_negotiate("application/openmetrics-text;q=0.4, text/plain"),
			 PROM_TEXT);
	assert_int_equal(prom_negotiate("text/plain;q=0.2, application/openmetrics-text;q=0.3"),
			 PROM_OPENMETRICS);
}

static const struct prom_family *fam(const struct prom_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static const char *label(const struct prom_sample *s, const char *name)
{
	for (int i = 0; i < s->nlabels; i++)
		if (!strcmp(s->label[i][0], name))
			return s->label[i][1];
	return NULL;
}

static void metrics_input_fill(struct metrics_input *in, struct metrics_verdict *v)
{
	static struct metrics_kv mi[] = { { "Slab", 1 << 20 }, { "MemTotal", 1 << 30 } };
	char name[32];

	memset(in, 0, sizeof(*in));
	in->version = "0.1";
	in->release = "6.12.0";
	in->meminfo = mi;
	in->nmeminfo = 2;
	in->have_slab = in->have_vmalloc = true;
	for (int i = 0; i < 10; i++) {
		struct metrics_row r = { .bytes = 1000.0 * (i + 1),
					 .objects = i,
					 .pinned = i == 0 };

		snprintf(name, sizeof(name), "cache%d", i);
		r.name = strdup(name);
		assert_int_equal(metrics_table_add(&in->slab, &r), 0);
	}
	struct metrics_row addr = { .name = "0xffffffffc0422032", .module = "leaky", .bytes = 1e9 };
	assert_int_equal(metrics_table_add(&in->vmalloc_callers, &addr), 0);
	*v = (struct metrics_verdict){ .source = "vmalloc_module",
				       .name = "leaky",
				       .module = "leaky",
				       .srcversion = "ABC123",
				       .rate_bytes_per_second = 4096,
				       .confidence = 0.999,
				       .verdict = "leak" };
	in->verdicts = v;
	in->nverdicts = 1;
	in->samples_total = 7;
}

static void test_metrics_build(void **state)
{
	struct metrics_opts o = { .top = 3 };
	struct metrics_verdict v;
	struct metrics_input in;
	struct prom_set set = { 0 };
	const struct prom_family *f;
	double other = 0;
	int ones = 0;

	(void)state;
	metrics_input_fill(&in, &v);
	assert_int_equal(metrics_build(&in, &o, &set), 0);
	/* Top 3 by size (cache9..7), the pinned cache0, and other = the rest. */
	f = fam(&set, "kleak_slab_cache_bytes");
	assert_non_null(f);
	assert_int_equal(f->n, 5);
	assert_string_equal(label(&f->v[0], "cache"), "cache9");
	assert_string_equal(label(&f->v[3], "cache"), "cache0");
	assert_string_equal(label(&f->v[4], "cache"), "other");
	for (int i = 1; i <= 6; i++)
		other += 1000.0 * (i + 1);
	assert_true(f->v[4].value == other);
	assert_non_null(fam(&set, "kleak_slab_cache_objects"));
	assert_int_equal(fam(&set, "kleak_slab_cache_objects")->n, 5);
	/* No raw address reaches a label. */
	f = fam(&set, "kleak_vmalloc_caller_bytes");
	assert_string_equal(label(&f->v[0], "caller"), "(address)");
	assert_string_equal(label(&f->v[0], "module"), "leaky");
	/* The verdict state set: one series per word, exactly one at 1. */
	f = fam(&set, "kleak_verdict");
	assert_int_equal(f->n, 6);
	for (size_t i = 0; i < f->n; i++) {
		ones += f->v[i].value == 1;
		assert_string_equal(label(&f->v[i], "srcversion"), "ABC123");
		assert_string_equal(label(&f->v[i], "source"), "vmalloc_module");
		if (f->v[i].value == 1)
			assert_string_equal(label(&f->v[i], "verdict"), "leak");
	}
	assert_int_equal(ones, 1);
	f = fam(&set, "kleak_growth_bytes_per_second");
	assert_true(f->v[0].value == 4096);
	assert_null(label(&f->v[0], "verdict"));
	/* Tables not sampled are not exported; entries say how many rows. */
	assert_null(fam(&set, "kleak_allocinfo_site_bytes"));
	f = fam(&set, "kleak_entries");
	assert_int_equal(f->n, 3);
	assert_true(f->v[0].value == 10);
	assert_true(fam(&set, "kleak_samples")->v[0].value == 7);
	for (size_t i = 0; i < in.slab.n; i++)
		free((char *)in.slab.v[i].name);
	metrics_table_free(&in.slab);
	metrics_table_free(&in.vmalloc_callers);
	prom_set_free(&set);
}

/*
 * Why not a leak: kleak_verdict_reason has one row per series that is not
 * leak, with its reason, none for a leak; a cgroup's counter is a label
 * of every verdict family (two series of one cgroup share its name).
 */
static void test_metrics_reasons(void **state)
{
	struct metrics_verdict v[3] = {
		{ .source = "slab", .name = "dentry", .verdict = "leak" },
		{ .source = "slab",
		  .name = "kmalloc-1k",
		  .verdict = "growing",
		  .reason = "window_too_short" },
		{ .source = "cgroup",
		  .name = "web",
		  .counter = "kernel",
		  .verdict = "fluctuating",
		  .reason = "no_trend" },
	};
	struct metrics_opts o = { .top = 30 };
	struct metrics_input in = { .version = "0.1",
				    .release = "6.12.0",
				    .nodename = "host-a",
				    .verdicts = v,
				    .nverdicts = 3 };
	struct prom_set set = { 0 };
	const struct prom_family *f;

	(void)state;
	assert_int_equal(metrics_build(&in, &o, &set), 0);
	f = fam(&set, "kleak_verdict_reason");
	assert_non_null(f);
	assert_int_equal(f->n, 2);
	assert_string_equal(label(&f->v[0], "name"), "kmalloc-1k");
	assert_string_equal(label(&f->v[0], "reason"), "window_too_short");
	assert_null(label(&f->v[0], "counter"));
	assert_true(f->v[0].value == 1);
	assert_string_equal(label(&f->v[1], "counter"), "kernel");
	assert_string_equal(label(&f->v[1], "reason"), "no_trend");
	f = fam(&set, "kleak_verdict");
	assert_int_equal(f->n, 18);
	assert_string_equal(label(&f->v[12], "counter"), "kernel");
	f = fam(&set, "kleak_build");
	assert_string_equal(label(&f->v[0], "nodename"), "host-a");
	prom_set_free(&set);
}

static void test_address_shape(void **state)
{
	(void)state;
	assert_true(metrics_looks_like_address("0xffffffffc0422032"));
	assert_true(metrics_looks_like_address("ffffffffc0422032"));
	assert_true(metrics_looks_like_address("ffffffffc0422032+0x10"));
	assert_false(metrics_looks_like_address("kernel_clone"));
	assert_false(metrics_looks_like_address("dead_beef_cafe"));
	assert_false(metrics_looks_like_address("kmalloc-1k"));
	assert_false(metrics_looks_like_address(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_openmetrics),
		cmocka_unit_test(test_names_units),
		cmocka_unit_test(test_values_utf8),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_metrics_build),
		cmocka_unit_test(test_metrics_reasons),
		cmocka_unit_test(test_address_shape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the command runtime: every command's option table is
 * sound (field sizes, names used once, defaults that parse), values parse
 * by kind with their defaults from the table, --fail-on's words are the
 * ones analyze/ parses, and the stream helper ticks, counts and stops at
 * its deadline and on a signal.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/check.h"
#include "analyze/trend.h"
#include "cmd/cmd.h"
#include "cmd/stream.h"
#include "util/clock.h"
#include "util/compiler.h"

static void test_every_table(void **state)
{
	char msg[256];
	size_t n = 0;

	(void)state;
	for (const struct command *c = kleak_commands; c->name; c++, n++) {
		msg[0] = '\0';
		if (opts_check_table(c->spec, msg, sizeof(msg)))
			fail_msg("%s: %s", c->name, msg);
		assert_string_equal(c->spec->name, c->name);
	}
	assert_true(n >= 8);
}

/* A table made to exercise every kind. */
struct t_opts {
	bool flag, fail_set;
	const char *str, *path, *folded;
	uint64_t dur, big, size;
	uint32_t small;
	int top;
	double pct;
	int level;
};

#define T struct t_opts
static const struct opt t_table[] = {
	{ .name = "flag", .short_name = 'f', .kind = OPTV_FLAG, .help = "h", OPT_AT(T, flag) },
	{ .name = "str",
	  .kind = OPTV_STRING,
	  .metavar = "S",
	  .min = 1,
	  .max = 3,
	  .help = "h",
	  OPT_AT(T, str) },
	{ .name = "path", .kind = OPTV_PATH, .metavar = "P", .help = "h", OPT_AT(T, path) },
	{ .name = "dur",
	  .short_name = 'd',
	  .kind = OPTV_DURATION,
	  .metavar = "D",
	  .def = "2s",
	  .min = 10000000,
	  .max = UINT64_MAX,
	  .help = "h",
	  OPT_AT(T, dur) },
	{ .name = "big",
	  .kind = OPTV_COUNT,
	  .metavar = "N",
	  .min = 1,
	  .max = UINT64_MAX,
	  .help = "h",
	  OPT_AT(T, big) },
	{ .name = "small",
	  .kind = OPTV_COUNT,
	  .metavar = "N",
	  .def = "7",
	  .min = 1,
	  .max = 100,
	  .help = "h",
	  OPT_AT(T, small) },
	{ .name = "size",
	  .kind = OPTV_SIZE,
	  .metavar = "SIZE",
	  .def = "64K",
	  .min = 4096,
	  .max = 1ULL << 30,
	  .help = "h",
	  OPT_AT(T, size) },
	{ .name = "pct",
	  .kind = OPTV_PERCENT,
	  .metavar = "PCT",
	  .from_init = true,
	  .help = "h",
	  OPT_AT(T, pct) },
	OPT_TOP(T, top, "10", "h"),
	OPT_FAIL_ON(T, level, fail_set, "LEVEL", cmd_severity_words, "h"),
	OPT_FOLDED(T, folded, "h"),
};
#undef T

static void t_init(void *p)
{
	((struct t_opts *)p)->pct = 12.5;
}

static const struct cmd_spec t_spec = {
	.name = "t",
	.synopsis = "usage: t\n",
	.opts = t_table,
	.nopts = ARRAY_SIZE(t_table),
	.size = sizeof(struct t_opts),
	.init = t_init,
};

/* Parses a command line given as one string (words split at spaces). */
static int parse(const char *line, struct t_opts *o)
{
	char buf[256], *argv[32];
	int argc = 0, first;

	snprintf(buf, sizeof(buf), "t %s", line);
	for (char *w = strtok(buf, " "); w && argc < 31; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	return opts_parse(&t_spec, "t", argc, argv, o, &first);
}

static void test_defaults_and_kinds(void **state)
{
	struct t_opts o;
	char msg[128];

	(void)state;
	assert_int_equal(opts_check_table(&t_spec, msg, sizeof(msg)), 0);
	assert_int_equal(parse("", &o), OPTS_CONTINUE);
	assert_false(o.flag);
	assert_true(o.dur == 2000000000ULL);
	assert_int_equal(o.small, 7);
	assert_true(o.size == 65536);
	assert_true(o.pct == 12.5);
	assert_int_equal(o.top, 10);
	assert_false(o.fail_set); /* a default is not the user's choice */
	assert_null(o.str);
	assert_int_equal(parse("-f --str abc --path /x -d 500ms --big 18446744073709551615 "
			       "--small 100 --size 1G --pct 0.5 --top 3 --fail-on critical",
			       &o),
			 OPTS_CONTINUE);
	assert_true(o.flag);
	assert_string_equal(o.str, "abc");
	assert_string_equal(o.path, "/x");
	assert_true(o.dur == 500000000ULL);
	assert_true(o.big == UINT64_MAX);
	assert_int_equal(o.small, 100);
	assert_true(o.size == 1ULL << 30);
	assert_true(o.pct == 0.5);
	assert_int_equal(o.top, 3);
	assert_true(o.fail_set);
	assert_int_equal(o.level, SEV_CRITICAL);
	assert_int_equal(parse("--dur=7", &o), OPTS_CONTINUE);
	assert_true(o.dur == 7000000000ULL);
	/* an optional path: none given, alone (stdout), after '=' only */
	assert_null(o.folded);
	assert_int_equal(parse("--folded", &o), OPTS_CONTINUE);
	assert_true(opts_is_stdout(o.folded));
	assert_int_equal(parse("--folded=/tmp/x.folded -f", &o), OPTS_CONTINUE);
	assert_string_equal(o.folded, "/tmp/x.folded");
	assert_false(opts_is_stdout(o.folded));
}

/* "--folded FILE": FILE is an argument, not the value (t takes none). */
static void test_optional_value(void **state)
{
	struct t_opts o;
	char *text = NULL, msg[128];
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(parse("--folded x", &o), KLEAK_EXIT_USAGE);
	assert_int_equal(parse("--folded=", &o), KLEAK_EXIT_USAGE);
	f = open_memstream(&text, &len);
	opts_help(&t_spec, f);
	opts_list(&t_spec, f);
	fclose(f);
	assert_non_null(strstr(text, "\n      --folded[=FILE]     h\n"));
	assert_non_null(strstr(text, "\n--folded - optpath\n"));
	free(text);
	/* only a path, long form only */
	{
		struct opt bad = OPT_FOLDED(struct t_opts, folded, "h");
		struct cmd_spec sp = t_spec;

		bad.short_name = 'F';
		sp.opts = &bad;
		sp.nopts = 1;
		assert_int_equal(opts_check_table(&sp, msg, sizeof(msg)), -EINVAL);
		assert_non_null(strstr(msg, "long form only"));
	}
}

static void test_usage_errors(void **state)
{
	static const char *const bad[] = {
		"--bogus",     "-x",	     "--dur",	       "-d",	    "--flag=1",
		"--str abcd",  "--str=",     "-d 1ms",	       "-d 0",	    "--big 0",
		"--small 101", "--small -1", "--size 1K",      "--size 2G", "--pct 100.5",
		"--pct x",     "--top 0",    "--fail-on leak", "extra",
	};
	struct t_opts o;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (parse(bad[i], &o) != KLEAK_EXIT_USAGE)
			fail_msg("'%s' is not a usage error", bad[i]);
	assert_int_equal(parse("--help", &o), KLEAK_EXIT_OK);
	/* in order: an error before --help wins */
	assert_int_equal(parse("--bogus --help", &o), KLEAK_EXIT_USAGE);
}

static void test_help_block(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	opts_help(&t_spec, f);
	fclose(f);
	assert_non_null(strstr(text, "\n  -f, --flag              h\n"));
	assert_non_null(strstr(text, "\n      --size SIZE         h (default 64K)\n"));
	/* from_init: the value the command's init put there */
	assert_non_null(strstr(text, "\n      --pct PCT           h (default 12.5)\n"));
	assert_non_null(strstr(text, "--fail-on LEVEL     h (info, warning, critical)\n"));
	assert_non_null(strstr(text, "\n  -h, --help              show this help\n"));
	free(text);
}

/* --fail-on takes exactly the words analyze/ parses, with their values. */
static void test_fail_on_words(void **state)
{
	(void)state;
	for (const struct opt_word *w = cmd_severity_words; w->word; w++) {
		enum severity s;

		assert_int_equal(severity_parse(w->word, &s), 0);
		assert_int_equal(s, w->value);
	}
	for (const struct opt_word *w = cmd_verdict_words; w->word; w++) {
		enum trend_verdict v;

		assert_int_equal(trend_verdict_parse(w->word, &v), 0);
		assert_int_equal(v, w->value);
		assert_string_equal(trend_verdict_name(v), w->word);
	}
}

static void test_stream_samples(void **state)
{
	struct stream_opts so = { .interval_ns = 1000000, .samples = 3 };
	struct stream s;
	int n = 1;

	(void)state;
	stream_start(&s, &so, true);
	while (!stream_last(&s) && stream_wait(&s))
		n++;
	assert_int_equal(n, 3);
	assert_string_equal(stream_end_name(&s), "samples");
	/* ticking after an interval: the first tick is one interval on */
	stream_start(&s, &so, false);
	n = 0;
	while (stream_wait(&s)) {
		n++;
		if (stream_last(&s))
			break;
	}
	assert_int_equal(n, 3);
}

/* -d: the last tick falls on the deadline, not on a multiple of -i. */
static void test_stream_deadline(void **state)
{
	struct stream_opts so = { .interval_ns = 5000000000ULL, .duration_ns = 100000000 };
	struct stream s;
	uint64_t t0 = clock_mono_ns(), dt;

	(void)state;
	stream_start(&s, &so, true);
	assert_false(stream_last(&s));
	assert_true(stream_wait(&s));
	dt = clock_mono_ns() - t0;
	assert_true(stream_last(&s));
	assert_string_equal(stream_end_name(&s), "duration");
	assert_int_equal(s.ticks, 2);
	assert_true(dt >= 100000000 && dt < 2000000000ULL);
}

static void test_stream_signal(void **state)
{
	struct stream_opts so = { .interval_ns = 5000000000ULL };
	struct stream s;
	uint64_t t0 = clock_mono_ns();

	(void)state;
	stream_start(&s, &so, true);
	raise(SIGTERM); /* the handler only sets the flag */
	assert_false(stream_wait(&s));
	assert_true(stream_last(&s));
	assert_string_equal(stream_end_name(&s), "signal");
	assert_true(clock_mono_ns() - t0 < 1000000000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_table),    cmocka_unit_test(test_defaults_and_kinds),
		cmocka_unit_test(test_usage_errors),   cmocka_unit_test(test_optional_value),
		cmocka_unit_test(test_help_block),     cmocka_unit_test(test_fail_on_words),
		cmocka_unit_test(test_stream_samples), cmocka_unit_test(test_stream_deadline),
		cmocka_unit_test(test_stream_signal),
	};

	return cmocka_run_group_tests_name("cmd", tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kleak report: the growth report of `kleak watch`, computed offline from
 * a recording made by `kleak record` (on this or another machine, any
 * kernel). A recording cut short in a sample reports on the samples before
 * it; a damaged one is an error naming the byte offset.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analyze/ingest.h"
#include "analyze/trend.h"
#include "cmd.h"
#include "model/series.h"
#include "model/snapshot.h"
#include "output/fmt.h"
#include "output/watch_render.h"
#include "source/recording.h"
#include "util/num.h"

const char cmd_report_help[] =
	"usage: kleak report FILE [--json] [--top N] [--fail-on VERDICT]\n"
	"\n"
	"Growth report from a recording made by `kleak record`: the same\n"
	"series, trends, verdicts and ranking as `kleak watch`, for recordings\n"
	"from any machine and kernel. A recording that ends inside a sample (a\n"
	"crash while recording) is reported on its complete samples; a damaged\n"
	"one is an error naming the file and the byte offset (exit 1).\n"
	"\n"
	"Options:\n"
	"  -j, --json          one JSON document (the schema of watch's final object)\n"
	"      --top N         rows in the text report (default 20)\n"
	"      --fail-on VERDICT  exit 3 on VERDICT or worse: leak, growing_reclaimable, possible_leak\n"
	"  -h, --help          show this help\n";

struct report_ctx {
	struct series_set set;
	struct ingest ingest;
	struct snapshot snap; /* the latest sample: host and source status */
	uint64_t interval_ns;
	struct kerr *e;
};

/* One recorded sample: parse -> ingest. */
static int on_sample(struct sample *s, void *arg)
{
	struct report_ctx *c = arg;
	int r;

	r = snapshot_parse(&c->snap, s, SRC_ALL, c->e);
	if (!r && !c->interval_ns)
		c->interval_ns = c->snap.interval_ns;
	return r ? r : ingest_sample(&c->set, &c->ingest, &c->snap, c->e);
}

struct report_opts {
	bool json;
	int top; /* 20 */
	bool fail_on_set;
	enum trend_verdict fail_on;
	const char *file;
};

static int parse_opts(int argc, char **argv, struct report_opts *o)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "top", required_argument, NULL, 't' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", lopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 't':
			if (num_parse_int(optarg, 1, 100000, &o->top))
				return cmd_usage("report", "bad --top '%s'", optarg);
			break;
		case 'F':
			if (trend_verdict_parse(optarg, &o->fail_on))
				return cmd_usage("report", "bad --fail-on '%s' (leak, growing_reclaimable, possible_leak)", optarg);
			o->fail_on_set = true;
			break;
		case 'h':
			cmd_help("report");
			return -1;
		case ':':
			return cmd_usage("report", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cmd_usage("report", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage("report", optind < argc ? "one FILE only"
							 : "which recording? give FILE");
	o->file = argv[optind];
	return 0;
}

/* Renders the report; returns whether it reaches --fail-on. */
static bool render(struct report_ctx *c, const struct recording_status *st,
		   const struct report_opts *ro, const char *file)
{
	bool json = ro->json, fails;
	int top = ro->top;
	struct trend_report rep = { 0 };
	struct trend_opts o;
	struct watch_view v = { 0 };

	trend_opts_default(&o);
	if (trend_analyze(&c->set, &o, &rep))
		fprintf(stderr, "kleak report: out of memory: trends left out\n");
	v.set = &c->set;
	v.rep = &rep;
	v.snap = &c->snap;
	v.wanted = SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_SLABINFO) |
		   SRC_BIT(SRC_VMALLOCINFO) | SRC_BIT(SRC_MODULES) |
		   SRC_BIT(SRC_ALLOCINFO);
	v.final = true;
	v.interval_s = (double)c->interval_ns / 1e9;
	v.top = (size_t)top;
	v.color = fmt_use_color(stdout);
	v.file = file;
	v.truncated = st->truncated;
	v.truncated_at = st->truncated_at;
	if (json)
		watch_render_json(stdout, &v);
	else
		watch_render_report(stdout, &v);
	fails = ro->fail_on_set && trend_report_reaches(&rep, ro->fail_on);
	trend_report_free(&rep);
	return fails;
}

int cmd_report(int argc, char **argv)
{
	struct report_ctx c;
	struct recording_status st;
	struct recording_file f = { 0 };
	struct kerr e = { 0 };
	struct report_opts o = { .top = 20 };
	bool json;
	const char *file;
	int r;

	r = parse_opts(argc, argv, &o);
	if (r)
		return r < 0 ? KLEAK_EXIT_OK : r;
	json = o.json;
	file = o.file;
	memset(&c, 0, sizeof(c));
	c.e = &e;
	if (series_set_init(&c.set, SERIES_DEFAULT_CAP) ||
	    recording_open(file, &f, &e)) {
		if (!e.code)
			kerr_set(&e, -ENOMEM, "report", 0, "out of memory");
		r = cmd_fail(&e, json);
		goto out;
	}
	r = recording_decode(f.data, f.len, file, on_sample, &c, &st, &e);
	snapshot_detach(&c.snap); /* its sample was the decoder's */
	if (!r && !st.samples)
		r = kerr_set(&e, -ENODATA, file, 0,
			     "no complete sample%s", st.truncated ? " (the file ends inside the first)" : "");
	if (r) {
		r = cmd_fail(&e, json);
		goto out;
	}
	if (st.truncated)
		fprintf(stderr, "kleak report: %s: ends inside sample %llu at offset %llu (a crash while recording?): reporting on the %llu complete samples\n",
			file, (unsigned long long)st.samples + 1,
			(unsigned long long)st.truncated_at,
			(unsigned long long)st.samples);
	r = render(&c, &st, &o, file) ? KLEAK_EXIT_FINDINGS : KLEAK_EXIT_OK;
out:
	recording_file_close(&f);
	snapshot_free(&c.snap);
	ingest_free(&c.ingest);
	series_set_free(&c.set);
	return r;
}

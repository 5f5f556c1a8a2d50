// SPDX-License-Identifier: GPL-2.0
/*
 * kleak watch: samples meminfo, slabinfo and vmallocinfo at an interval,
 * keeps every kernel field, slab cache, vmalloc caller and module as a
 * series, and reports what keeps growing (analyze/trend.h) — live while it
 * runs, and as a growth report at the end, on SIGINT or on SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyze/ingest.h"
#include "analyze/trend.h"
#include "cmd.h"
#include "live.h"
#include "stop.h"
#include "model/series.h"
#include "output/fmt.h"
#include "output/watch_render.h"
#include "util/compiler.h"
#include "util/num.h"

const char cmd_watch_help[] =
	"usage: kleak watch [-i SECONDS] [-n SAMPLES | -d DURATION] [--json] [--top N] [--fail-on VERDICT]\n"
	"\n"
	"Samples /proc/meminfo, /proc/slabinfo and /proc/vmallocinfo at an\n"
	"interval and finds what keeps growing: every kernel field of meminfo,\n"
	"every slab cache, vmalloc caller and module is a series; each gets a\n"
	"growth rate (Theil-Sen), a confidence (Mann-Kendall) and a verdict\n"
	"(leak, growing_reclaimable, possible_leak, fluctuating, released).\n"
	"Where the kernel has /proc/allocinfo (6.10+), each allocation site too.\n"
	"On a TTY the view refreshes in place; otherwise one line per sample.\n"
	"The growth report follows at the end, on Ctrl-C or SIGTERM.\n"
	"Slab and vmalloc need root; without it only meminfo is watched.\n"
	"\n"
	"Options:\n"
	"  -i, --interval DUR  time between samples (default 1s; 500ms, 5s, 1m)\n"
	"  -n, --samples N     stop after N samples\n"
	"  -d, --duration DUR  stop after DUR (default: run until Ctrl-C)\n"
	"  -j, --json          NDJSON: one object per sample, then the final report\n"
	"      --top N         rows of growers in the text views (default 10)\n"
	"      --fail-on VERDICT  exit 3 on VERDICT or worse: leak, growing_reclaimable, possible_leak\n"
	"  -h, --help          show this help\n"
	"\n"
	"See docs/watch.md for the method, the thresholds and the JSON schema.\n";

#define WATCH_MASK                                                          \
	(SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_SLABINFO) | SRC_BIT(SRC_VMALLOCINFO) | \
	 SRC_BIT(SRC_MODULES) | SRC_BIT(SRC_ALLOCINFO))

struct watch_opts {
	uint64_t interval_ns; /* 1 s */
	uint64_t samples;     /* 0: until duration or a signal */
	uint64_t duration_ns; /* 0: none */
	bool json;
	int top;	      /* 10 */
	bool fail_on_set;
	enum trend_verdict fail_on;
};

static int parse_opts(int argc, char **argv, struct watch_opts *o)
{
	static const struct option lopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "samples", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "top", required_argument, NULL, 't' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->interval_ns = 1000000000ULL;
	o->top = 10;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:n:d:jh", lopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (num_parse_duration_ns(optarg, &o->interval_ns) ||
			    o->interval_ns < 10000000ULL)
				return cmd_usage("watch", "bad interval '%s' (at least 10ms)", optarg);
			break;
		case 'n':
			if (num_parse_u64(optarg, &o->samples) || !o->samples)
				return cmd_usage("watch", "bad sample count '%s'", optarg);
			break;
		case 'd':
			if (num_parse_duration_ns(optarg, &o->duration_ns))
				return cmd_usage("watch", "bad duration '%s'", optarg);
			break;
		case 'j':
			o->json = true;
			break;
		case 't':
			if (num_parse_int(optarg, 1, 100000, &o->top))
				return cmd_usage("watch", "bad --top '%s'", optarg);
			break;
		case 'F':
			if (trend_verdict_parse(optarg, &o->fail_on))
				return cmd_usage("watch", "bad --fail-on '%s' (leak, growing_reclaimable, possible_leak)", optarg);
			o->fail_on_set = true;
			break;
		case 'h':
			cmd_help("watch");
			return -1;
		case ':':
			return cmd_usage("watch", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cmd_usage("watch", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage("watch", "unexpected argument '%s'", argv[optind]);
	if (o->samples && o->duration_ns)
		return cmd_usage("watch", "-n and -d conflict: give one");
	if (o->duration_ns)
		o->samples = o->duration_ns / o->interval_ns + 1;
	return 0;
}

/* Missing sources are findings, said once on stderr; meminfo is needed. */
static int check_sources(const struct snapshot *s, bool json)
{
	static const enum source_id ids[] = { SRC_MEMINFO, SRC_SLABINFO,
					      SRC_VMALLOCINFO };

	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		if (snapshot_has(s, ids[i]))
			continue;
		if (ids[i] == SRC_MEMINFO)
			return cmd_fail(&s->err[ids[i]], json);
		fprintf(stderr, "kleak watch: %s: %s: not watched\n",
			source_descs[ids[i]].live_path, s->err[ids[i]].msg);
	}
	return 0;
}

struct watch_state {
	struct live live;
	struct sample sample;
	struct snapshot snap;
	struct ingest ingest;
	struct series_set set;
	struct trend_report rep;
	struct trend_opts topts;
	struct watch_view view;
};

/* One sample: read -> parse -> ingest -> trend. */
static int step(struct watch_state *w, bool json)
{
	struct kerr e = { 0 };

	if (live_take(&w->live, &w->sample, &w->snap, &e))
		return cmd_fail(&e, json);
	if (w->live.taken == 1 && check_sources(&w->snap, json))
		return KLEAK_EXIT_ERROR;
	if (ingest_sample(&w->set, &w->ingest, &w->snap, &e))
		return cmd_fail(&e, json);
	if (trend_analyze(&w->set, &w->topts, &w->rep)) {
		kerr_set(&e, -ENOMEM, "watch", 0, "out of memory");
		return cmd_fail(&e, json);
	}
	return 0;
}

static void render(struct watch_state *w, const struct watch_opts *o,
		   bool tty)
{
	if (o->json)
		watch_render_json(stdout, &w->view);
	else if (w->view.final) {
		if (tty)
			fputs("\033[H\033[2J", stdout);
		watch_render_report(stdout, &w->view);
	} else if (tty)
		watch_render_live(stdout, &w->view);
	else
		watch_render_line(stdout, &w->view);
}

int cmd_watch(int argc, char **argv)
{
	struct watch_opts o;
	struct watch_state w;
	uint64_t next;
	bool tty;
	int r;

	r = parse_opts(argc, argv, &o);
	if (r)
		return r < 0 ? KLEAK_EXIT_OK : r;
	memset(&w, 0, sizeof(w));
	w.live = (struct live){ .mask = WATCH_MASK, .parse = SRC_ALL };
	trend_opts_default(&w.topts);
	if (series_set_init(&w.set, SERIES_DEFAULT_CAP)) {
		fprintf(stderr, "kleak watch: out of memory\n");
		return KLEAK_EXIT_ERROR;
	}
	tty = !o.json && isatty(STDOUT_FILENO);
	w.view = (struct watch_view){ .set = &w.set, .rep = &w.rep,
				      .snap = &w.snap, .wanted = WATCH_MASK,
				      .interval_s = (double)o.interval_ns / 1e9,
				      .top = (size_t)o.top,
				      .color = fmt_use_color(stdout) };
	stop_install();
	next = stop_now_ns();
	for (uint64_t i = 0;; i++) {
		r = step(&w, o.json);
		if (r)
			goto out;
		if (stop_requested() || (o.samples && i + 1 >= o.samples))
			break;
		render(&w, &o, tty);
		if (stop_tick(&next, o.interval_ns))
			break;
	}
	w.view.final = true;
	render(&w, &o, tty);
	if (o.fail_on_set && trend_report_reaches(&w.rep, o.fail_on))
		r = KLEAK_EXIT_FINDINGS;
out:
	trend_report_free(&w.rep);
	ingest_free(&w.ingest);
	snapshot_free(&w.snap);
	sample_free(&w.sample);
	live_free(&w.live);
	series_set_free(&w.set);
	return r;
}

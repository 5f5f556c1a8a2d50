// SPDX-License-Identifier: GPL-2.0
/*
 * kleak record: appends raw samples of meminfo, slabinfo, vmallocinfo,
 * modules and allocinfo where present (plus slab reclaim flags and module symbols when needed) to a
 * crash-safe recording for `kleak report` on any machine. Stops at the
 * duration, the sample count, the size limit, SIGINT or SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "live.h"
#include "stop.h"
#include "output/summary.h"
#include "source/recording.h"
#include "util/num.h"

const char cmd_record_help[] =
	"usage: kleak record -o FILE [-i SECONDS] [-n SAMPLES | -d DURATION] [--max-size SIZE]\n"
	"\n"
	"Records raw samples of /proc/meminfo, /proc/slabinfo, /proc/vmallocinfo\n"
	"and /proc/modules to FILE for `kleak report FILE` here or on another\n"
	"machine. FILE is a concatenation of gzip members, one per sample, each a\n"
	"tar of one snapshot directory (`tar xzf FILE` unpacks it). Every sample\n"
	"is synced as it is written: a crash or kill -9 loses at most the one\n"
	"being written. FILE must not exist. Recording stops at the duration,\n"
	"the sample count, Ctrl-C, SIGTERM, or before a sample that would take\n"
	"FILE past --max-size. /proc/allocinfo is recorded too where the kernel\n"
	"has it (6.10+).\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE   the recording to create\n"
	"  -i, --interval DUR  time between samples (default 10s)\n"
	"  -n, --samples N     stop after N samples\n"
	"  -d, --duration DUR  stop after DUR (default: until Ctrl-C)\n"
	"      --max-size SIZE  stop before FILE grows past SIZE (default 256M, at most 1G)\n"
	"  -j, --json          print a JSON summary when done\n"
	"  -h, --help          show this help\n";

#define RECORD_MASK                                                         \
	(SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_SLABINFO) | SRC_BIT(SRC_VMALLOCINFO) | \
	 SRC_BIT(SRC_MODULES) | SRC_BIT(SRC_ALLOCINFO))

struct record_opts {
	const char *out;
	uint64_t interval_ns; /* 10 s */
	uint64_t samples;     /* 0: no limit */
	uint64_t duration_ns;
	uint64_t max_size;    /* 256 MiB */
	bool json;
};

static int parse_opts(int argc, char **argv, struct record_opts *o)
{
	static const struct option lopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, 'i' },
		{ "samples", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "max-size", required_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->interval_ns = 10000000000ULL;
	o->max_size = 256ULL << 20;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:i:n:d:jh", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'i':
			if (num_parse_duration_ns(optarg, &o->interval_ns) ||
			    o->interval_ns < 10000000ULL)
				return cmd_usage("record", "bad interval '%s' (at least 10ms)", optarg);
			break;
		case 'n':
			if (num_parse_u64(optarg, &o->samples) || !o->samples)
				return cmd_usage("record", "bad sample count '%s'", optarg);
			break;
		case 'd':
			if (num_parse_duration_ns(optarg, &o->duration_ns))
				return cmd_usage("record", "bad duration '%s'", optarg);
			break;
		case 'M':
			if (num_parse_size(optarg, &o->max_size) ||
			    o->max_size < 4096 || o->max_size > BUF_FILE_CAP)
				return cmd_usage("record", "bad --max-size '%s' (4K to 1G: report reads at most 1 GiB)", optarg);
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			cmd_help("record");
			return -1;
		case ':':
			return cmd_usage("record", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cmd_usage("record", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage("record", "unexpected argument '%s'", argv[optind]);
	if (!o->out)
		return cmd_usage("record", "-o FILE is required");
	if (o->samples && o->duration_ns)
		return cmd_usage("record", "-n and -d conflict: give one");
	if (o->duration_ns)
		o->samples = o->duration_ns / o->interval_ns + 1;
	return 0;
}

/* Missing sources are said once; without meminfo there is nothing to record. */
static int check_sources(const struct snapshot *snap, struct kerr *e)
{
	if (!snapshot_has(snap, SRC_MEMINFO)) {
		*e = snap->err[SRC_MEMINFO];
		return -ENOENT;
	}
	for (int i = SRC_SLABINFO; i <= SRC_VMALLOCINFO; i++)
		if (!snapshot_has(snap, i))
			fprintf(stderr, "kleak record: %s: %s: not recorded\n",
				source_descs[i].live_path, snap->err[i].msg);
	return 0;
}

static void summary(const struct record_opts *o,
		    const struct recording_writer *w, const char *why)
{
	struct record_summary sum = { o->out, w->samples, w->size,
				      (double)o->interval_ns / 1e9, why };

	if (o->json)
		summary_record_json(stdout, &sum);
	summary_record_text(stderr, &sum);
}

/* One sample: read -> append. 1 when the size limit stopped it. */
static int step(struct live *l, struct sample *s, struct snapshot *snap,
		struct recording_writer *w, struct kerr *e)
{
	int r = live_take(l, s, snap, e);

	if (!r && l->taken == 1)
		r = check_sources(snap, e);
	return r ? r : recording_append(w, s, e);
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o;
	struct recording_writer w;
	struct live live = { .mask = RECORD_MASK };
	struct sample s = { 0 };
	struct snapshot snap = { 0 };
	uint64_t next;
	struct kerr e = { 0 };
	const char *why = "signal";
	int r;

	r = parse_opts(argc, argv, &o);
	if (r)
		return r < 0 ? KLEAK_EXIT_OK : r;
	if (recording_create(&w, o.out, o.max_size, o.interval_ns, &e))
		return cmd_fail(&e, o.json);
	stop_install();
	next = stop_now_ns();
	for (uint64_t i = 0; !stop_requested(); i++) {
		r = step(&live, &s, &snap, &w, &e);
		if (r < 0)
			break;
		if (r == 1) {
			why = "size_limit";
			r = 0;
			break;
		}
		if (o.samples && i + 1 >= o.samples) {
			why = o.duration_ns ? "duration" : "samples";
			break;
		}
		stop_tick(&next, o.interval_ns);
	}
	if (r < 0) {
		struct kerr ce;

		recording_close(&w, &ce);
		r = cmd_fail(&e, o.json);
	} else if (recording_close(&w, &e)) {
		r = cmd_fail(&e, o.json);
	} else {
		summary(&o, &w, why);
		r = KLEAK_EXIT_OK;
	}
	snapshot_free(&snap);
	sample_free(&s);
	live_free(&live);
	return r;
}

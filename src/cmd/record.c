// SPDX-License-Identifier: GPL-2.0
/*
 * kleak record: appends raw samples of meminfo, slabinfo, vmallocinfo,
 * modules, and allocinfo and kmemleak's report where present (plus slab
 * reclaim flags and module symbols when needed), the memory cgroups' files
 * and the kernel log's new records to a crash-safe recording for `kleak
 * report` on any machine. Stops at the duration, the sample count, the
 * size limit, SIGINT or SIGTERM.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "live.h"
#include "stream.h"
#include "output/summary.h"
#include "source/recording.h"
#include "util/compiler.h"

/*
 * kmemleak's report too where it can be read (a test kernel, debugfs
 * mounted), for the page of `report --html`; the writer keeps it only
 * when it changed (RECORDING_WHEN_CHANGED).
 */
#define RECORD_MASK                                                                \
	(SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_SLABINFO) | SRC_BIT(SRC_VMALLOCINFO) | \
	 SRC_BIT(SRC_MODULES) | SRC_BIT(SRC_ALLOCINFO) | SRC_BIT(SRC_CGROUPS) |    \
	 SRC_BIT(SRC_KMSG) | SRC_BIT(SRC_KMEMLEAK) | LIVE_TASK_MASK)

struct record_opts {
	const char *out;
	struct stream_opts stream;
	uint64_t max_size;
	uint64_t max_cgroups;
	uint64_t leak_window_ns; /* kept in the recording for report; 0: not given */
	bool leak_window_set;
	bool json;
};

#define T struct record_opts
static const struct opt record_opts_table[] = {
	{ .name = "output",
	  .short_name = 'o',
	  .kind = OPTV_PATH,
	  .metavar = "FILE",
	  OPT_AT(T, out),
	  .help = "the recording to create" },
	OPT_STREAM(T, stream, "10s"),
	/* report reads at most BUF_FILE_CAP (1 GiB) */
	{ .name = "max-size",
	  .kind = OPTV_SIZE,
	  .metavar = "SIZE",
	  .def = "256M",
	  .min = 4096,
	  .max = BUF_FILE_CAP,
	  OPT_AT(T, max_size),
	  .help = "stop before FILE grows past SIZE, at most 1G" },
	OPT_LEAK_WINDOW(T, leak_window_ns, leak_window_set),
	OPT_MAX_CGROUPS(T, max_cgroups),
	OPT_JSON(T, json, "print a JSON summary when done"),
};
#undef T

const struct cmd_spec cmd_record_spec = {
	.name = "record",
	.synopsis =
		"usage: kleak record -o FILE [-i SECONDS] [-n SAMPLES | -d DURATION] [--max-size SIZE]\n"
		"\n"
		"Records raw samples of /proc/meminfo, /proc/slabinfo, /proc/vmallocinfo,\n"
		"/proc/modules, the memory cgroups' files and the kernel log's records to\n"
		"FILE for `kleak report FILE` here or on another machine. A sample holds\n"
		"the log's records new since the last one (an unfinished report again,\n"
		"until it is whole): `kleak report` shows each event once.\n"
		"FILE is a concatenation of gzip members, one per sample, each a\n"
		"tar of one snapshot directory (`tar xzf FILE` unpacks it). Every sample\n"
		"is synced as it is written: a crash or kill -9 loses at most the one\n"
		"being written. FILE must not exist. Recording stops at the duration,\n"
		"the sample count, Ctrl-C, SIGTERM, or before a sample that would take\n"
		"FILE past --max-size. /proc/allocinfo is recorded too where the kernel\n"
		"has it (6.10+), and kmemleak's report where it can be read (a test\n"
		"kernel with debugfs mounted; kept when it changed, for the kmemleak\n"
		"groups of `kleak report --html`). --leak-window is kept in FILE:\n"
		"`kleak report` uses it unless told otherwise.\n",
	.opts = record_opts_table,
	.nopts = ARRAY_SIZE(record_opts_table),
	.size = sizeof(struct record_opts),
};

static int parse_opts(int argc, char **argv, struct record_opts *o)
{
	int r, first_arg;

	r = opts_parse(&cmd_record_spec, "record", argc, argv, o, &first_arg);
	if (r != OPTS_CONTINUE)
		return r;
	if (!o->out)
		return cmd_usage("record", "-o FILE is required");
	if (o->stream.samples && o->stream.duration_ns)
		return cmd_usage("record", "-n and -d conflict: give one");
	return OPTS_CONTINUE;
}

/* Missing sources are said once; without meminfo there is nothing to record. */
static int check_sources(const struct snapshot *snap, struct kerr *e)
{
	if (!snapshot_has(snap, SRC_MEMINFO)) {
		*e = snap->err[SRC_MEMINFO];
		return -ENOENT;
	}
	static const enum source_id ids[] = { SRC_SLABINFO, SRC_VMALLOCINFO, SRC_CGROUPS,
					      SRC_KMSG };

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!snap->sample->have[ids[i]])
			fprintf(stderr, "kleak record: %s: %s: not recorded\n",
				source_descs[ids[i]].live_path, snap->err[ids[i]].msg);
	return 0;
}

static void summary(const struct record_opts *o, const struct recording_writer *w, const char *why)
{
	struct record_summary sum = { o->out, w->samples, w->size,
				      (double)o->stream.interval_ns / 1e9, why };

	if (o->json)
		summary_record_json(stdout, &sum);
	summary_record_text(stderr, &sum);
}

/* One sample: read -> append. 1 when the size limit stopped it. */
static int step(struct live *l, struct sample *s, struct snapshot *snap, struct recording_writer *w,
		struct kerr *e)
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
	struct stream st;
	struct kerr e = { 0 };
	const char *why = NULL;
	int r;

	r = parse_opts(argc, argv, &o);
	if (r != OPTS_CONTINUE)
		return r;
	if (recording_create(&w, o.out, o.max_size, o.stream.interval_ns, &e))
		return cmd_fail(&e, o.json);
	live.sl.max_cgroups = (size_t)o.max_cgroups;
	w.leak_window_ns = o.leak_window_ns;
	stream_start(&st, &o.stream, true);
	do {
		r = step(&live, &s, &snap, &w, &e);
		if (r < 0)
			break;
		if (r == 1 && !w.samples) {
			/* not even one: an empty recording is no recording */
			kerr_set(&e, -EFBIG, o.out, 0,
				 "--max-size %llu is smaller than one sample (%zu bytes): nothing recorded",
				 (unsigned long long)o.max_size, w.member.len);
			r = -EFBIG;
			break;
		}
		if (r == 1) {
			why = "size_limit";
			r = 0;
			break;
		}
		if (stream_last(&st))
			break;
	} while (stream_wait(&st));
	if (!why)
		why = stream_end_name(&st);
	if (r < 0) {
		struct kerr ce;

		recording_close(&w, &ce);
		if (!w.samples)
			unlink(o.out); /* created by this run (O_EXCL), holding no sample */
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

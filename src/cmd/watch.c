// SPDX-License-Identifier: GPL-2.0
/*
 * kleak watch: samples meminfo, slabinfo and vmallocinfo at an interval,
 * keeps every kernel field, slab cache, vmalloc caller and module as a
 * series, and reports what keeps growing (analyze/trend.h) — live while it
 * runs, and as a growth report at the end, on SIGINT or on SIGTERM. With
 * --html FILE the final report is also written as a page (cmd/page.h),
 * with kmemleak's groups when its report can be read at the end.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analyze/klog_findings.h"
#include "analyze/klog_stream.h"
#include "analyze/trend.h"
#include "cmd.h"
#include "export/textfile.h"
#include "metrics_feed.h"
#include "sampler.h"
#include "stream.h"
#include "model/cgroups.h"
#include "output/fmt.h"
#include "output/watch_render.h"
#include "page.h"
#include "util/compiler.h"

#define WATCH_MASK                                                                 \
	(SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_SLABINFO) | SRC_BIT(SRC_VMALLOCINFO) | \
	 SRC_BIT(SRC_MODULES) | SRC_BIT(SRC_ALLOCINFO) | SRC_BIT(SRC_CGROUPS) |    \
	 SRC_BIT(SRC_KMSG) | LIVE_TASK_MASK)

struct watch_opts {
	struct stream_opts stream;
	const char *container; /* --container: its cgroup's series (and the host's) only */
	uint64_t max_cgroups;
	uint64_t leak_window_ns; /* trend_opts_default()'s, unless given */
	bool leak_window_set;
	bool json;
	int top;
	bool fail_on_set;
	enum trend_verdict fail_on;
	const char *textfile; /* NULL: none */
	const char *html;
	int argc; /* for the page's "made by" */
	char **argv;
};

#define T struct watch_opts
static const struct opt watch_opts_table[] = {
	OPT_STREAM(T, stream, "1s"),
	OPT_LEAK_WINDOW(T, leak_window_ns, leak_window_set),
	OPT_JSON(T, json, "NDJSON: one object per sample, then the final report"),
	OPT_TOP(T, top, "10", "rows of growers in the text views"),
	OPT_CONTAINER(T, container,
		      "of the cgroups, only this container's (name, id or id prefix)"),
	OPT_MAX_CGROUPS(T, max_cgroups),
	OPT_FAIL_ON(T, fail_on, fail_on_set, "VERDICT", cmd_verdict_words,
		    "exit 3 on VERDICT or worse"),
	{ .name = "textfile",
	  .kind = OPTV_PATH,
	  .metavar = "PATH",
	  OPT_AT(T, textfile),
	  .help = "write the exporter's metrics to PATH each sample (atomically;\n"
		  "node_exporter's textfile collector)" },
	OPT_HTML(T, html,
		 "when the watch ends, also write the final report as one\n"
		 "self-contained HTML page (with kmemleak's groups when readable)"),
};
#undef T

static void watch_opts_init(void *p)
{
	struct trend_opts t;

	trend_opts_default(&t);
	((struct watch_opts *)p)->leak_window_ns = (uint64_t)(t.leak_window_s * 1e9);
}

const struct cmd_spec cmd_watch_spec = {
	.name = "watch",
	.synopsis =
		"usage: kleak watch [-i SECONDS] [-n SAMPLES | -d DURATION] [--json] [--top N] [--fail-on VERDICT]\n"
		"                   [--leak-window DUR] [--container NAME] [--max-cgroups N] [--textfile PATH]\n"
		"                   [--html OUT.html]\n"
		"\n"
		"Samples /proc/meminfo, /proc/slabinfo and /proc/vmallocinfo at an\n"
		"interval and finds what keeps growing: every kernel field of meminfo,\n"
		"every slab cache, vmalloc caller and module is a series; each gets a\n"
		"growth rate (Theil-Sen), a confidence (Mann-Kendall) and a verdict\n"
		"(leak, growing_reclaimable, possible_leak, fluctuating, released).\n"
		"Where the kernel has /proc/allocinfo (6.10+), each allocation site too;\n"
		"each memory cgroup's kernel memory (and, on cgroup v2, its unreclaimable\n"
		"slab), named by its container. The kernel log's reports (OOM, unload\n"
		"warnings, allocation failures, kmemleak) are events, each shown once.\n"
		"On a TTY the view refreshes in place; otherwise one line per sample.\n"
		"The growth report follows at the end, on Ctrl-C or SIGTERM (and the\n"
		"page of --html, docs/html.md).\n"
		"Slab and vmalloc need root; without it only meminfo is watched.\n",
	.footer = "See docs/watch.md for the method, the thresholds and the JSON schema.\n",
	.opts = watch_opts_table,
	.nopts = ARRAY_SIZE(watch_opts_table),
	.size = sizeof(struct watch_opts),
	.init = watch_opts_init,
};

static int parse_opts(int argc, char **argv, struct watch_opts *o)
{
	int r, first_arg;

	r = opts_parse(&cmd_watch_spec, "watch", argc, argv, o, &first_arg);
	if (r != OPTS_CONTINUE)
		return r;
	if (o->stream.samples && o->stream.duration_ns)
		return cmd_usage("watch", "-n and -d conflict: give one");
	o->argc = argc;
	o->argv = argv;
	return OPTS_CONTINUE;
}

/* Missing sources are findings, said once on stderr; meminfo is needed. */
static int check_sources(const struct snapshot *s, bool json)
{
	static const enum source_id ids[] = { SRC_MEMINFO, SRC_SLABINFO, SRC_VMALLOCINFO,
					      SRC_CGROUPS, SRC_KMSG };

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
	struct sampler s;
	struct watch_view view;
	struct cgroup_target container; /* --container, resolved at the start */
	struct klog_stream klog;	/* the kernel log's events, each once */
	struct klog_findings kf;	/* the final report's view of them */
	struct metrics_feed feed;	/* --textfile */
	struct buf text;
	int64_t first_time_s; /* wall clock of the first sample */
};

/* One sample: read -> parse -> ingest -> trend (sampler.h). */
static int step(struct watch_state *w, bool json)
{
	struct kerr e = { 0 };

	if (sampler_step(&w->s, &e))
		return cmd_fail(&e, json);
	if (w->s.samples == 1 && check_sources(&w->s.snap, json))
		return KLEAK_EXIT_ERROR;
	if (w->s.samples == 1)
		w->first_time_s = w->s.snap.time_s;
	if (klog_stream_add(&w->klog, &w->s.snap, &e))
		return cmd_fail(&e, json);
	return 0;
}

/*
 * The end: reports still being printed at the last sample are listed as
 * they are; the findings the final text shows.
 */
static int finish_klog(struct watch_state *w, bool json)
{
	const struct snapshot *snap = &w->s.snap;
	struct klog_findings_opts ko;
	struct kerr e = { 0 };

	klog_findings_opts_default(&ko);
	ko.page_size = snap->page_size ? snap->page_size : ko.page_size;
	ko.cgroups = snapshot_has(snap, SRC_CGROUPS) ? &snap->cgroups : NULL;
	if (klog_stream_finish(&w->klog, snap, &e) ||
	    klog_findings(&w->klog.events, &ko, &w->kf, &e))
		return cmd_fail(&e, json);
	return 0;
}
/*
 * --textfile: the exporter's metrics of this sample. A file that cannot be
 * written at the first sample stops the watch; later failures (a full
 * disk) are said once and the watch goes on.
 */
static int write_textfile(struct watch_state *w, const char *path, bool json)
{
	static bool said;
	struct kerr e = { 0 };
	int r;

	r = metrics_feed_render(&w->feed, &w->s, &w->text, NULL);
	if (r)
		kerr_set(&e, r, "watch", 0, "out of memory");
	else
		r = textfile_write(path, w->text.data, w->text.len, &e);
	if (!r)
		return 0;
	if (w->s.samples == 1 || r == -ENOMEM)
		return cmd_fail(&e, json);
	if (!said) {
		char msg[512];

		fprintf(stderr, "kleak watch: %s (said once)\n", kerr_str(&e, msg, sizeof(msg)));
		said = true;
	}
	return 0;
}

static void render(struct watch_state *w, const struct watch_opts *o, bool tty)
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

static int start(struct watch_state *w, const struct watch_opts *o)
{
	struct sampler_opts so = { .mask = WATCH_MASK, .leak_window_ns = o->leak_window_ns };

	memset(w, 0, sizeof(*w));
	if (sampler_init(&w->s, &so)) {
		fprintf(stderr, "kleak watch: out of memory\n");
		return KLEAK_EXIT_ERROR;
	}
	w->s.live.sl.max_cgroups = (size_t)o->max_cgroups;
	if (o->container) {
		struct kerr e = { 0 };

		if (cgroups_container_resolve(o->container, &w->container, &e))
			return cmd_fail(&e, o->json);
		w->s.ingest.cgroup_only = w->container.path;
	}
	w->view = (struct watch_view){ .set = sampler_set(&w->s),
				       .rep = &w->s.rep,
				       .snap = &w->s.snap,
				       .wanted = WATCH_MASK,
				       .interval_s = (double)o->stream.interval_ns / 1e9,
				       .top = (size_t)o->top,
				       .color = fmt_use_color(stdout),
				       .container = o->container ? &w->container : NULL,
				       .klog = &w->klog,
				       .klog_findings = &w->kf };
	return 0;
}

/*
 * The page of --html, from the final report; kmemleak's report is read
 * once, now, when debugfs is mounted and kmemleak is on. Errors go to
 * stderr: stdout holds the whole report already.
 */
static int write_page(struct watch_state *w, const struct watch_opts *o)
{
	struct html_trend_args a = {
		.title = "kleak watch",
		.kernel = w->s.snap.release,
		.hostname = w->s.snap.hostname,
		.start_time_s = w->first_time_s,
		.interval_s = w->view.interval_s,
	};
	struct sample *s = &w->s.sample;
	struct page p;
	struct kerr e = { 0 };
	int r;

	page_init(&p, o->argc, o->argv);
	r = page_growth(&p, sampler_set(&w->s), &w->s.rep, &a);
	if (r)
		kerr_set(&e, r, "watch", 0, "out of memory");
	sample_add_live(s, SRC_KMEMLEAK);
	if (!r && s->have[SRC_KMEMLEAK] &&
	    page_kmemleak(&p, s->raw[SRC_KMEMLEAK].data, s->raw[SRC_KMEMLEAK].len,
			  source_descs[SRC_KMEMLEAK].live_path, &w->s.ingest,
			  "kmemleak's report at the end of the watch", &e))
		kerr_print(&e); /* the page says it was left out */
	if (!r)
		r = page_write(&p, o->html, &e);
	page_free(&p);
	return r ? cmd_fail(&e, false) : 0;
}

int cmd_watch(int argc, char **argv)
{
	struct watch_opts o;
	struct watch_state w;
	struct stream st;
	bool tty;
	int r;

	r = parse_opts(argc, argv, &o);
	if (r != OPTS_CONTINUE)
		return r;
	r = start(&w, &o);
	if (r)
		goto out;
	tty = !o.json && isatty(STDOUT_FILENO);
	stream_start(&st, &o.stream, true);
	do {
		r = step(&w, o.json);
		if (!r && o.textfile)
			r = write_textfile(&w, o.textfile, o.json);
		if (r)
			goto out;
		if (stream_last(&st))
			break;
		render(&w, &o, tty);
	} while (stream_wait(&st));
	w.view.final = true;
	r = finish_klog(&w, o.json);
	if (r)
		goto out;
	render(&w, &o, tty);
	if (o.html)
		r = write_page(&w, &o);
	if (!r && o.fail_on_set && trend_report_reaches(&w.s.rep, o.fail_on))
		r = KLEAK_EXIT_FINDINGS;
out:
	klog_findings_free(&w.kf);
	klog_stream_free(&w.klog);
	metrics_feed_free(&w.feed);
	buf_free(&w.text);
	sampler_free(&w.s);
	return r;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kleak report: the growth report of `kleak watch`, computed offline from
 * a recording made by `kleak record` (on this or another machine, any
 * kernel). A recording cut short in a sample reports on the samples before
 * it; a damaged one is an error naming the byte offset. With --html FILE,
 * also the HTML page of the same report (cmd/page.h), with the kmemleak
 * report the recording kept last when it kept one.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "analyze/ingest.h"
#include "analyze/klog_findings.h"
#include "analyze/klog_stream.h"
#include "analyze/trend.h"
#include "cmd.h"
#include "live.h"
#include "model/series.h"
#include "model/snapshot.h"
#include "output/fmt.h"
#include "output/watch_render.h"
#include "page.h"
#include "source/recording.h"
#include "util/compiler.h"

struct report_ctx {
	struct series_set set;
	struct ingest ingest;
	struct snapshot snap;	 /* the latest sample: host and source status */
	struct klog_stream klog; /* the kernel log's events, each once */
	struct klog_findings kf;
	uint64_t interval_ns;
	int64_t first_time_s;
	/* the last kmemleak report kept (record keeps it when it changed) */
	struct buf kmemleak;
	uint64_t kmemleak_seq;
	char kmemleak_src[PATH_MAX + 64]; /* "rec.kleak:sample-000003/kmemleak" */
	bool want_kmemleak;		  /* --html */
	struct kerr *e;
};

/* The kmemleak report of the sample, kept until a later sample has one. */
static int keep_kmemleak(struct report_ctx *c, const struct sample *s)
{
	const struct buf *b = &s->raw[SRC_KMEMLEAK];

	if (!c->want_kmemleak || !s->have[SRC_KMEMLEAK])
		return 0;
	buf_reset(&c->kmemleak);
	if (b->len && buf_append(&c->kmemleak, b->data, b->len))
		return kerr_set(c->e, -ENOMEM, "report", 0, "out of memory");
	c->kmemleak_seq = s->seq;
	sample_src(s, SRC_KMEMLEAK, c->kmemleak_src, sizeof(c->kmemleak_src));
	return 0;
}

/* One recorded sample: parse -> ingest. */
static int on_sample(struct sample *s, void *arg)
{
	struct report_ctx *c = arg;
	int r;

	r = snapshot_parse(&c->snap, s, SRC_ALL, c->e);
	if (!r && !c->interval_ns)
		c->interval_ns = c->snap.interval_ns;
	if (!r && !c->first_time_s)
		c->first_time_s = c->snap.time_s;
	if (!r)
		r = keep_kmemleak(c, s);
	if (!r)
		r = ingest_sample(&c->set, &c->ingest, &c->snap, c->e);
	return r ? r : klog_stream_add(&c->klog, &c->snap, c->e);
}

/* After the last sample: what was still being printed, and the findings. */
static int finish_klog(struct report_ctx *c)
{
	struct klog_findings_opts ko;

	klog_findings_opts_default(&ko);
	ko.page_size = c->snap.page_size ? c->snap.page_size : ko.page_size;
	ko.cgroups = snapshot_has(&c->snap, SRC_CGROUPS) ? &c->snap.cgroups : NULL;
	if (klog_stream_finish(&c->klog, &c->snap, c->e))
		return c->e->code;
	return klog_findings(&c->klog.events, &ko, &c->kf, c->e);
}

struct report_opts {
	uint64_t leak_window_ns; /* the recording's (record --leak-window), else the default */
	bool leak_window_set;
	bool json;
	int top;
	bool fail_on_set;
	enum trend_verdict fail_on;
	const char *html;
	const char *file;
	int argc; /* for the page's "made by" */
	char **argv;
};

#define T struct report_opts
static const struct opt report_opts_table[] = {
	OPT_JSON(T, json, "one JSON document (the schema of watch's final object)"),
	OPT_TOP(T, top, "20", "rows in the text report"),
	OPT_LEAK_WINDOW(T, leak_window_ns, leak_window_set),
	OPT_FAIL_ON(T, fail_on, fail_on_set, "VERDICT", cmd_verdict_words,
		    "exit 3 on VERDICT or worse"),
	OPT_HTML(T, html,
		 "also write the report as one self-contained HTML page\n"
		 "(charts, findings; kmemleak's groups when recorded)"),
};
#undef T

static void report_opts_init(void *p)
{
	struct trend_opts t;

	trend_opts_default(&t);
	((struct report_opts *)p)->leak_window_ns = (uint64_t)(t.leak_window_s * 1e9);
}

const struct cmd_spec cmd_report_spec = {
	.name = "report",
	.synopsis =
		"usage: kleak report FILE [--json] [--top N] [--fail-on VERDICT] [--html OUT.html]\n"
		"\n"
		"Growth report from a recording made by `kleak record`: the same\n"
		"series, trends, verdicts and ranking as `kleak watch`, for recordings\n"
		"from any machine and kernel. A recording that ends inside a sample (a\n"
		"crash while recording) is reported on its complete samples; a damaged\n"
		"one is an error naming the file and the byte offset (exit 1).\n"
		"--html writes the same report as a page to look at and pass on\n"
		"(docs/html.md): memory over time, what grew, the findings, and the\n"
		"kmemleak groups when the recording kept kmemleak's report.\n",
	.opts = report_opts_table,
	.nopts = ARRAY_SIZE(report_opts_table),
	.size = sizeof(struct report_opts),
	.init = report_opts_init,
	.args = OPT_ARGS_PERMUTE,
};

static int parse_opts(int argc, char **argv, struct report_opts *o)
{
	int r, first_arg;

	r = opts_parse(&cmd_report_spec, "report", argc, argv, o, &first_arg);
	if (r != OPTS_CONTINUE)
		return r;
	if (first_arg + 1 != argc)
		return cmd_usage("report",
				 first_arg < argc ? "one FILE only" : "which recording? give FILE");
	o->file = argv[first_arg];
	o->argc = argc;
	o->argv = argv;
	return OPTS_CONTINUE;
}

/* The page of --html: the growth report, and kmemleak when recorded. */
static int write_page(struct report_ctx *c, const struct trend_report *rep,
		      const struct recording_status *st, const struct report_opts *ro)
{
	struct html_trend_args a = {
		.title = "kleak report",
		.kernel = c->snap.release,
		.hostname = c->snap.hostname,
		.source = ro->file,
		.truncated = st->truncated,
		.start_time_s = c->first_time_s,
		.interval_s = (double)c->interval_ns / 1e9,
	};
	struct page p;
	struct kerr e = { 0 };
	char note[256];
	int r;

	page_init(&p, ro->argc, ro->argv);
	r = page_growth(&p, &c->set, rep, &a);
	if (r)
		kerr_set(&e, r, "report", 0, "out of memory");
	if (!r && c->kmemleak_seq) {
		snprintf(note, sizeof(note),
			 "kmemleak's report as the recording kept it last "
			 "(sample %llu; record keeps it when it changed)",
			 (unsigned long long)c->kmemleak_seq);
		if (page_kmemleak(&p, c->kmemleak.data, c->kmemleak.len, c->kmemleak_src,
				  &c->ingest, note, &e))
			kerr_print(&e); /* the page says it was left out */
	}
	if (!r)
		r = page_write(&p, ro->html, &e);
	page_free(&p);
	/* stdout holds the whole report already: the error goes to stderr alone */
	return r ? cmd_fail(&e, false) : KLEAK_EXIT_OK;
}

/* Renders the report: KLEAK_EXIT_FINDINGS when it reaches --fail-on. */
static int render(struct report_ctx *c, const struct recording_status *st,
		  const struct report_opts *ro, const char *file)
{
	bool json = ro->json;
	int top = ro->top, r = KLEAK_EXIT_OK;
	struct trend_report rep = { 0 };
	struct trend_opts o;
	struct watch_view v = { 0 };

	trend_opts_default(&o);
	/* --leak-window, else the one `kleak record --leak-window` kept */
	if (ro->leak_window_set || !c->snap.leak_window_ns)
		o.leak_window_s = (double)ro->leak_window_ns / 1e9;
	else
		o.leak_window_s = (double)c->snap.leak_window_ns / 1e9;
	if (trend_analyze(&c->set, &o, &rep))
		fprintf(stderr, "kleak report: out of memory: trends left out\n");
	v.set = &c->set;
	v.rep = &rep;
	v.snap = &c->snap;
	v.wanted = SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_SLABINFO) | SRC_BIT(SRC_VMALLOCINFO) |
		   SRC_BIT(SRC_MODULES) | SRC_BIT(SRC_ALLOCINFO) | SRC_BIT(SRC_CGROUPS) |
		   SRC_BIT(SRC_KMSG) | LIVE_TASK_MASK;
	v.final = true;
	v.interval_s = (double)c->interval_ns / 1e9;
	v.top = (size_t)top;
	v.color = fmt_use_color(stdout);
	v.file = file;
	v.truncated = st->truncated;
	v.truncated_at = st->truncated_at;
	v.klog = &c->klog;
	v.klog_findings = &c->kf;
	if (json)
		watch_render_json(stdout, &v);
	else
		watch_render_report(stdout, &v);
	if (ro->html)
		r = write_page(c, &rep, st, ro);
	if (!r && ro->fail_on_set && trend_report_reaches(&rep, ro->fail_on))
		r = KLEAK_EXIT_FINDINGS;
	trend_report_free(&rep);
	return r;
}

int cmd_report(int argc, char **argv)
{
	struct report_ctx c;
	struct recording_status st;
	struct recording_file f = { 0 };
	struct kerr e = { 0 };
	struct report_opts o;
	bool json;
	const char *file;
	int r;

	r = parse_opts(argc, argv, &o);
	if (r != OPTS_CONTINUE)
		return r;
	json = o.json;
	file = o.file;
	memset(&c, 0, sizeof(c));
	c.e = &e;
	c.want_kmemleak = o.html != NULL;
	if (series_set_init(&c.set, SERIES_DEFAULT_CAP) || recording_open(file, &f, &e)) {
		if (!e.code)
			kerr_set(&e, -ENOMEM, "report", 0, "out of memory");
		r = cmd_fail(&e, json);
		goto out;
	}
	r = recording_decode(f.data, f.len, file, on_sample, &c, &st, &e);
	snapshot_detach(&c.snap); /* its sample was the decoder's */
	if (!r && st.samples)
		r = finish_klog(&c);
	if (!r && !st.samples)
		r = kerr_set(&e, -ENODATA, file, 0, "no complete sample%s",
			     st.truncated ? " (the file ends inside the first)" : "");
	if (r) {
		r = cmd_fail(&e, json);
		goto out;
	}
	if (c.set.clock_back)
		fprintf(stderr,
			"kleak report: %s: the clock goes back at sample %llu (%llu sample%s earlier than the one before): placed at the time before, so rates and verdicts over them are unreliable\n",
			file, (unsigned long long)c.set.clock_back_first,
			(unsigned long long)c.set.clock_back, c.set.clock_back == 1 ? "" : "s");
	if (st.truncated)
		fprintf(stderr,
			"kleak report: %s: ends inside sample %llu at offset %llu (a crash while recording?): reporting on the %llu complete samples\n",
			file, (unsigned long long)st.samples + 1,
			(unsigned long long)st.truncated_at, (unsigned long long)st.samples);
	r = render(&c, &st, &o, file);
out:
	klog_findings_free(&c.kf);
	klog_stream_free(&c.klog);
	buf_free(&c.kmemleak);
	recording_file_close(&f);
	snapshot_free(&c.snap);
	ingest_free(&c.ingest);
	series_set_free(&c.set);
	return r;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-in for `kleak report --html OUT.html FILE` until the command is
 * wired (issue 17): reads a recording as cmd/report.c does (recording ->
 * series -> trends), fills the HTML report model with html_from_trend(),
 * and writes the page. Optional extras exercise the other sections:
 *
 *   html_render [--top N] [--columns N] [--title T] [--kmemleak FILE]
 *               [--folded-kmemleak OUT] [--trace-folded FILE] [--time]
 *               OUT.html REC.kleak
 *
 * --kmemleak adds a saved kmemleak report (grouped, with its flame graph;
 * --folded-kmemleak also writes its folded stacks); --trace-folded adds a
 * trace section from a folded file (call sites are the leaf frames).
 * --time prints to stderr the seconds spent reading and rendering.
 * Exit 0 written, 1 error, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/ingest.h"
#include "analyze/kmemleak_group.h"
#include "analyze/trend.h"
#include "model/series.h"
#include "model/snapshot.h"
#include "output/html_from_trend.h"
#include "output/html_report.h"
#include "output/stacks_from.h"
#include "source/recording.h"
#include "util/buf.h"

struct ctx {
	struct series_set set;
	struct ingest ingest;
	struct snapshot snap; /* the latest sample */
	uint64_t interval_ns;
	int64_t first_time_s;
	const char *file;
	struct kerr *e;
};

/* One recorded sample: parse -> ingest, as cmd/report.c does. */
static int on_sample(struct sample *s, void *arg)
{
	struct ctx *c = arg;
	int r;

	r = snapshot_parse(&c->snap, s, SRC_ALL, c->e);
	if (!r && !c->interval_ns)
		c->interval_ns = c->snap.interval_ns;
	if (!r && !c->first_time_s)
		c->first_time_s = c->snap.time_s;
	return r ? r : ingest_sample(&c->set, &c->ingest, &c->snap, c->e);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct opts {
	size_t top;
	unsigned columns;
	const char *title, *kmemleak, *folded_kmemleak, *trace_folded, *out, *rec;
	bool time;
};

static int usage(void)
{
	fprintf(stderr, "usage: html_render [--top N] [--columns N] [--title T] [--kmemleak FILE] "
			"[--folded-kmemleak OUT] [--trace-folded FILE] [--time] OUT.html REC.kleak\n");
	return 2;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "top", required_argument, NULL, 't' },
		{ "columns", required_argument, NULL, 'c' },
		{ "title", required_argument, NULL, 'T' },
		{ "kmemleak", required_argument, NULL, 'k' },
		{ "folded-kmemleak", required_argument, NULL, 'f' },
		{ "trace-folded", required_argument, NULL, 'r' },
		{ "time", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 't': o->top = strtoul(optarg, NULL, 10); break;
		case 'c': o->columns = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'T': o->title = optarg; break;
		case 'k': o->kmemleak = optarg; break;
		case 'f': o->folded_kmemleak = optarg; break;
		case 'r': o->trace_folded = optarg; break;
		case 'm': o->time = true; break;
		default: return usage();
		}
	}
	if (optind + 2 != argc)
		return usage();
	o->out = argv[optind];
	o->rec = argv[optind + 1];
	return 0;
}

struct extras {
	struct buf kbuf, tbuf;
	struct kmemleak_report kr;
	struct kmemleak_groups kg;
	struct stacks kstacks, tstacks;
	struct html_kmemleak_group *groups;
	struct html_callsite *cs;
	char (*csname)[256], (*csmod)[64];
	size_t ncs;
};

static int add_kmemleak(struct html_report *r, struct extras *x, const struct opts *o,
			struct kerr *e)
{
	struct kmemleak_group_opts go = { 0 };
	FILE *f;
	int ret;

	if ((ret = buf_read_file(&x->kbuf, o->kmemleak, BUF_FILE_CAP, e)) ||
	    (ret = kmemleak_parse(x->kbuf.data, x->kbuf.len, o->kmemleak, &x->kr, e)) ||
	    (ret = kmemleak_group(&x->kr, &go, &x->kg, e)))
		return ret;
	x->groups = calloc(x->kg.n + 1, sizeof(*x->groups));
	if (!x->groups || stacks_from_kmemleak(&x->kstacks, &x->kg))
		return -ENOMEM;
	html_groups_from_kmemleak(x->groups, &x->kg);
	r->have_kmemleak = true;
	r->groups = x->groups;
	r->ngroups = x->kg.n;
	r->kmemleak_stacks = &x->kstacks;
	r->kmemleak_note = o->kmemleak;
	if (!o->folded_kmemleak)
		return 0;
	f = fopen(o->folded_kmemleak, "w");
	if (!f)
		return -errno;
	ret = folded_write(f, &x->kstacks);
	return fclose(f) && !ret ? -EIO : ret;
}

/* One folded line "a;b [m];c N" into the stacks; its leaf into the call sites. */
static int folded_line(struct extras *x, char *line)
{
	char *sp = strrchr(line, ' '), *fr[64], *mods[64], *save = NULL;
	size_t n = 0, k;
	uint64_t bytes;

	if (!sp)
		return -EINVAL;
	*sp = 0;
	bytes = strtoull(sp + 1, NULL, 10);
	for (char *t = strtok_r(line, ";", &save); t && n < 64; t = strtok_r(NULL, ";", &save)) {
		char *br = strstr(t, " [");

		mods[n] = NULL;
		if (br && t[strlen(t) - 1] == ']') {
			*br = 0;
			mods[n] = br + 2;
			mods[n][strlen(mods[n]) - 1] = 0;
		}
		fr[n++] = t;
	}
	if (!n || stacks_add(&x->tstacks, (const char *const *)fr, (const char *const *)mods, n,
			     false, bytes))
		return -ENOMEM;
	for (k = 0; k < x->ncs && strcmp(x->csname[k], fr[n - 1]); k++)
		;
	if (k == x->ncs) {
		if (x->ncs == 64)
			return 0;
		snprintf(x->csname[k], sizeof(x->csname[k]), "%s", fr[n - 1]);
		snprintf(x->csmod[k], sizeof(x->csmod[k]), "%s", mods[n - 1] ? mods[n - 1] : "");
		x->cs[k] = (struct html_callsite){ .callsite = x->csname[k], .kind = "kmalloc",
						   .module = mods[n - 1] ? x->csmod[k] : NULL };
		x->ncs++;
	}
	x->cs[k].outstanding_bytes += bytes;
	return 0;
}

static int add_trace(struct html_report *r, struct extras *x, const struct opts *o,
		     struct kerr *e)
{
	struct line_iter it;
	const char *l;
	size_t len;
	int ret;

	if ((ret = buf_read_file(&x->tbuf, o->trace_folded, BUF_FILE_CAP, e)))
		return ret;
	x->cs = calloc(64, sizeof(*x->cs));
	x->csname = calloc(64, sizeof(*x->csname));
	x->csmod = calloc(64, sizeof(*x->csmod));
	if (!x->cs || !x->csname || !x->csmod)
		return -ENOMEM;
	line_iter_init(&it, x->tbuf.data, x->tbuf.len);
	while (line_next(&it, &l, &len)) {
		char *copy = strndup(l, len);

		ret = copy && len ? folded_line(x, copy) : copy ? 0 : -ENOMEM;
		free(copy);
		if (ret)
			return kerr_set(e, ret, o->trace_folded, it.lineno, "bad folded line");
	}
	r->have_trace = true;
	r->trace_note = "from a folded file (test fixture): call sites are the leaf frames";
	r->callsites = x->cs;
	r->ncallsites = x->ncs;
	r->trace_stacks = &x->tstacks;
	return 0;
}

static void extras_free(struct extras *x)
{
	kmemleak_groups_free(&x->kg);
	kmemleak_report_free(&x->kr);
	stacks_free(&x->kstacks);
	stacks_free(&x->tstacks);
	buf_free(&x->kbuf);
	buf_free(&x->tbuf);
	free(x->groups);
	free(x->cs);
	free(x->csname);
	free(x->csmod);
}

static int render(struct ctx *c, const struct recording_status *st, const struct opts *o,
		  struct kerr *e)
{
	struct trend_report rep = { 0 };
	struct trend_opts to;
	struct html_trend_doc doc;
	struct html_trend_args a = {
		.title = o->title ? o->title : "kleak report", .version = "kleak " KLEAK_VERSION,
		.kernel = c->snap.release, .hostname = c->snap.hostname, .source = c->file,
		.truncated = st->truncated, .start_time_s = c->first_time_s,
		.interval_s = (double)c->interval_ns / 1e9, .top = o->top,
		.command = "tests/html/html_render (stand-in for kleak report --html)",
	};
	struct html_opts ho = { .columns = o->columns };
	struct extras x = { 0 };
	double t0 = now_s();
	FILE *f = NULL;
	int r;

	trend_opts_default(&to);
	r = trend_analyze(&c->set, &to, &rep);
	if (!r)
		r = html_from_trend(&doc, &c->set, &rep, &a);
	if (!r && o->kmemleak)
		r = add_kmemleak(&doc.r, &x, o, e);
	if (!r && o->trace_folded)
		r = add_trace(&doc.r, &x, o, e);
	if (!r && !(f = fopen(o->out, "w")))
		r = kerr_set(e, -errno, o->out, 0, "%s", strerror(errno));
	if (!r)
		r = html_report_write(f, &doc.r, &ho);
	if (f && fclose(f) && !r)
		r = -EIO;
	if (r && !e->code)
		kerr_set(e, r, o->out, 0, "%s", strerror(-r));
	if (o->time)
		fprintf(stderr, "html_render: trends + page %.3f s\n", now_s() - t0);
	html_trend_doc_free(&doc);
	trend_report_free(&rep);
	extras_free(&x);
	return r;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct ctx c = { 0 };
	struct recording_file rf = { 0 };
	struct recording_status st = { 0 };
	struct kerr e = { 0 };
	double t0 = now_s();
	char msg[1024];
	int r;

	r = parse_opts(argc, argv, &o);
	if (r)
		return r;
	c.file = o.rec;
	c.e = &e;
	r = series_set_init(&c.set, SERIES_DEFAULT_CAP);
	if (!r)
		r = recording_open(o.rec, &rf, &e);
	if (!r)
		r = recording_decode(rf.data, rf.len, o.rec, on_sample, &c, &st, &e);
	snapshot_detach(&c.snap); /* its sample was the decoder's */
	if (!r && !st.samples)
		r = kerr_set(&e, -ENODATA, o.rec, 0, "no complete sample");
	if (o.time && !r)
		fprintf(stderr, "html_render: %llu samples read in %.3f s\n",
			(unsigned long long)st.samples, now_s() - t0);
	if (!r)
		r = render(&c, &st, &o, &e);
	if (r)
		fprintf(stderr, "html_render: %s\n", kerr_str(&e, msg, sizeof(msg)));
	recording_file_close(&rf);
	snapshot_free(&c.snap);
	ingest_free(&c.ingest);
	series_set_free(&c.set);
	return r ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kleak investigate: the lesson's whole chain in one command. Detect:
 * sample as watch does, at an interval that starts short and widens, until
 * a specific series grows with family-wise confidence at a material rate
 * (or nothing grows, or detect's share of -d passes). Localize: the chain
 * from kernel memory to that series and the share of the growth each link
 * explains. Confirm (investigate_confirm.c): trace, vmallocinfo, kmemleak
 * or count, at a bounded cost. Verdict: one chain of evidence, the
 * culprit, the next actions, and what the run cost. The decisions are
 * analyze/investigate.h's.
 */
#include "investigate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "analyze/cgroups.h"
#include "analyze/klog_findings.h"
#include "analyze/kmem.h"
#include "cmd.h"
#include "output/investigate_render.h"
#include "parse/klog.h"
#include "source/klog.h"
#include "stop.h"
#include "util/clock.h"
#include "util/compiler.h"
#include "output/fmt.h"

/*
 * What detect samples. loadavg and stat are no evidence of their own: they
 * are the task count and forks that thread stacks and task structs follow
 * (analyze/relate.c), so a busy shell's forks are workload here as in watch.
 */
#define INV_MASK                                                                   \
	(SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_SLABINFO) | SRC_BIT(SRC_VMALLOCINFO) | \
	 SRC_BIT(SRC_MODULES) | SRC_BIT(SRC_ALLOCINFO) | SRC_BIT(SRC_LOADAVG) | SRC_BIT(SRC_STAT))

static const struct opt_word confirm_words[] = {
	{ "auto", INV_CONFIRM_AUTO },	{ "trace", INV_CONFIRM_TRACE },
	{ "count", INV_CONFIRM_COUNT }, { "kmemleak", INV_CONFIRM_KMEMLEAK },
	{ "none", INV_CONFIRM_NONE },	{ NULL, 0 },
};

#define T struct inv_cli
static const struct opt inv_opts_table[] = {
	{ .name = "duration",
	  .short_name = 'd',
	  .kind = OPTV_DURATION,
	  .metavar = "MAX",
	  .def = "10m",
	  .min = 10000000000ULL,
	  .max = UINT64_MAX,
	  OPT_AT(T, max_ns),
	  .help = "the longest the investigation may take, confirming included (at least 10 s)" },
	{ .name = "confirm",
	  .kind = OPTV_ENUM,
	  .metavar = "HOW",
	  .words = confirm_words,
	  .def = "auto",
	  OPT_AT(T, confirm),
	  .help = "how to confirm the suspect: auto (what fits it and this kernel), trace,\n"
		  "count, kmemleak, none" },
	OPT_JSON(T, json, "one JSON document: detect, localize, confirm, verdict, cost"),
	{ .name = "html",
	  .kind = OPTV_PATH,
	  .metavar = "OUT.html",
	  OPT_AT(T, html),
	  .help = "also write the report as one self-contained HTML page" },
	OPT_FAIL_ON(T, fail_on, fail_on_set, "VERDICT", cmd_verdict_words,
		    "exit 3 when the verdict is VERDICT or worse"),
	OPT_LEAK_WINDOW(T, leak_window_ns, leak_window_set),
};
#undef T

static void inv_cli_init(void *p)
{
	struct trend_opts t;

	trend_opts_default(&t);
	((struct inv_cli *)p)->leak_window_ns = (uint64_t)(t.leak_window_s * 1e9);
}

const struct cmd_spec cmd_investigate_spec = {
	.name = "investigate",
	.synopsis =
		"usage: kleak investigate [-d MAX] [--confirm auto|trace|count|kmemleak|none] [--json]\n"
		"                         [--html OUT.html] [--fail-on VERDICT] [--leak-window DUR]\n"
		"\n"
		"The whole chain in one command, for a machine whose memory is going\n"
		"somewhere. Detect: sample kernel memory (meminfo, slab caches, vmalloc\n"
		"callers, allocinfo sites, the kernel log) at an interval that starts at\n"
		"1 s and widens, until one series grows with confidence, or nothing does.\n"
		"Localize: the chain from kernel memory to that series, with the share of\n"
		"the growth each link explains. Confirm: trace its allocations with BPF\n"
		"until enough objects have aged (or vmallocinfo's caller, kmemleak, count).\n"
		"Verdict: the culprit (call site, module, process, container) with the\n"
		"evidence, or \"reclaimable growth, not a leak\", or \"no leak found\", and\n"
		"what the run cost. Without root, detect and localize answer on meminfo\n"
		"and confirm says why it did not run.\n",
	.footer =
		"Exit codes: 0 done (whatever was found), 1 error, 2 usage, 3 verdict at or above\n"
		"--fail-on. See docs/investigate.md for the method, thresholds and JSON schema.\n",
	.opts = inv_opts_table,
	.nopts = ARRAY_SIZE(inv_opts_table),
	.size = sizeof(struct inv_cli),
	.init = inv_cli_init,
};

double inv_elapsed(const struct inv_state *s)
{
	return (double)(clock_mono_ns() - s->t0_ns) / 1e9;
}

void inv_kstate(struct inv_state *s, struct kstate *k)
{
	static int (*const parse[FACTS_NFILES])(const char *, size_t, const char *, struct kstate *,
						struct kerr *) = {
		[FACTS_DENTRY_STATE] = kstate_parse_dentry,
		[FACTS_INODE_STATE] = kstate_parse_inode,
		[FACTS_SOCKSTAT] = kstate_parse_sockstat,
	};
	struct kerr e;

	memset(k, 0, sizeof(*k));
	facts_read(&s->facts);
	for (int i = 0; i < FACTS_NFILES; i++)
		if (s->facts.have[i])
			parse[i](s->facts.b[i].data, s->facts.b[i].len, facts_paths[i], k, &e);
}

/* The first sample: which sources there are (meminfo is needed), and its caches. */
static int first_sample(struct inv_state *s)
{
	static const enum source_id ids[] = { SRC_MEMINFO, SRC_SLABINFO, SRC_VMALLOCINFO,
					      SRC_ALLOCINFO, SRC_MODULES };
	struct inv_detect *d = &s->rep.detect;
	const struct slabinfo *si = &s->snap.slabinfo;

	if (!snapshot_has(&s->snap, SRC_MEMINFO))
		return cmd_fail(&s->snap.err[SRC_MEMINFO], s->c.json);
	for (size_t i = 0; i < ARRAY_SIZE(ids) && d->nsources < INV_SOURCES; i++) {
		struct inv_source *x = &d->sources[d->nsources++];

		x->name = source_descs[ids[i]].name;
		x->ok = snapshot_has(&s->snap, ids[i]);
		if (!x->ok)
			snprintf(x->error, sizeof(x->error), "%s: %.200s",
				 source_descs[ids[i]].live_path, s->snap.err[ids[i]].msg);
	}
	if (snapshot_has(&s->snap, SRC_SLABINFO) && si->n) {
		s->slabs0 = calloc(si->n, sizeof(*si->v));
		if (s->slabs0) {
			memcpy(s->slabs0, si->v, si->n * sizeof(*si->v));
			s->nslabs0 = si->n;
		}
	}
	snprintf(s->rep.release, sizeof(s->rep.release), "%s", s->snap.release);
	snprintf(s->rep.hostname, sizeof(s->rep.hostname), "%s", s->snap.hostname);
	return 0;
}

/* Itemised kernel memory: every kernel component but Unaccounted (noise). */
static int sample_kernel(struct inv_state *s)
{
	struct kmem_summary k;
	bool vmap = snapshot_has(&s->snap, SRC_VMALLOCINFO)
			    ? vmalloc_groups_vmap_stacks(&s->ingest.vg)
			    : true;

	kmem_summarize(&s->snap.meminfo, NULL, vmap, &k); /* Unaccounted is left out */
	series_sample_begin(&s->kset, s->snap.mono_ns);
	if (series_add(&s->kset, SERIES_MEMINFO, "kernel", NULL,
		       k.kernel_bytes > k.unaccounted ? k.kernel_bytes - k.unaccounted : 0) < 0)
		return -ENOMEM;
	series_sample_end(&s->kset);
	return 0;
}

int inv_sample(struct inv_state *s)
{
	struct kerr e = { 0 };
	int r;

	if (live_take(&s->live, &s->sample, &s->snap, &e))
		return cmd_fail(&e, s->c.json);
	if (s->live.taken == 1 && (r = first_sample(s)))
		return r;
	if (ingest_sample(&s->set, &s->ingest, &s->snap, &e))
		return cmd_fail(&e, s->c.json);
	if (sample_kernel(s)) {
		kerr_set(&e, -ENOMEM, "investigate", 0, "out of memory");
		return cmd_fail(&e, s->c.json);
	}
	s->rep.cost.samples++;
	return 0;
}

/* When the points filled (the store halved them), the interval doubles. */
static void widen(struct inv_state *s, unsigned stride_before)
{
	if (s->set.stride <= stride_before || s->interval_s * 2 > s->o.interval_max_s)
		return;
	s->interval_s *= 2;
	series_set_widen(&s->set);
	series_set_widen(&s->kset);
}

static int analyze(struct inv_state *s, const struct trend_opts *o, struct trend_report *rep)
{
	struct kerr e = { 0 };

	if (!trend_analyze(&s->set, o, rep))
		return 0;
	kerr_set(&e, -ENOMEM, "investigate", 0, "out of memory");
	return cmd_fail(&e, s->c.json);
}

static void say_detect(const struct inv_state *s, double budget)
{
	char b[32];

	fprintf(stderr,
		"kleak investigate: detect: sampling every %.0f s (widening to %.0f s), at most %s\n",
		s->o.interval0_s, s->o.interval_max_s,
		fmt_duration_ns((uint64_t)(budget * 1e9), b, sizeof(b)));
}

/* Detect: sample, analyse, decide; the decision's suspect is in drep. */
static int detect(struct inv_state *s, struct inv_detect_decision *d)
{
	double budget = investigate_detect_budget(&s->o, (double)s->c.max_ns / 1e9);
	uint64_t next = s->t0_ns, end = s->t0_ns + (uint64_t)(budget * 1e9);
	int r;

	say_detect(s, budget);
	s->interval_s = s->o.interval0_s;
	for (;;) {
		unsigned stride = s->set.stride;
		bool at_end;

		if ((r = inv_sample(s)) || (r = analyze(s, &s->to, &s->drep)))
			return r;
		widen(s, stride);
		at_end = clock_mono_ns() >= end;
		investigate_detect_decide(&s->set, &s->drep, &s->to, &s->o, inv_elapsed(s), at_end,
					  d);
		if (d->stop != INV_STOP_RUNNING)
			return 0;
		next += (uint64_t)(s->interval_s * 1e9);
		if (next > end)
			next = end;
		if (stop_sleep_until(next)) {
			d->stop = INV_STOP_SIGNAL;
			return 0;
		}
	}
}

/* The analysis entry of series k in rep, or NULL. */
static const struct trend_leak *leak_in(const struct trend_report *rep, size_t k, long *idx)
{
	for (size_t i = 0; i < rep->n; i++)
		if (rep->v[i].series == k) {
			if (idx)
				*idx = (long)i;
			return &rep->v[i];
		}
	return NULL;
}

static void fill_growing(struct inv_state *s)
{
	struct inv_detect *d = &s->rep.detect;

	for (size_t i = 0; i < s->urep.n && d->ngrowing < INV_GROWING_MAX; i++) {
		const struct trend_leak *l = &s->urep.v[i];

		if (l->verdict > TREND_POSSIBLE || (l->aggregate && l->explained))
			continue;
		inv_series_fill(&d->growing[d->ngrowing++], &s->set, l->series, l);
	}
}

/* The detect section: what was looked at, what grew, the suspect. */
static void fill_detect(struct inv_state *s, const struct inv_detect_decision *dd)
{
	struct inv_detect *d = &s->rep.detect;

	d->stop = dd->stop;
	d->elapsed_s = inv_elapsed(s);
	d->samples = s->set.samples;
	d->interval_first_s = s->o.interval0_s;
	d->interval_last_s = s->interval_s;
	d->series = s->set.count;
	for (size_t i = 0; i < s->set.count; i++)
		d->by_source[s->set.v[i].source]++;
	d->floor_bytes_per_hour = investigate_floor_bph(&s->uo, d->elapsed_s);
	if (s->kset.count) {
		d->have_kernel = true;
		inv_series_fill(&d->kernel, &s->kset, 0, leak_in(&s->krep, 0, NULL));
		if (!leak_in(&s->krep, 0, NULL))
			d->kernel.rate_bytes_per_hour =
				trend_series_rate(&s->kset, 0, 0,
						  (double[TREND_RATE_SCRATCH]){ 0 });
	}
	fill_growing(s);
	if (dd->suspect < 0)
		return;
	d->has_suspect = true;
	d->weak = dd->weak;
	d->found_at_s = d->elapsed_s;
	inv_series_fill(&d->suspect, &s->set, s->drep.v[dd->suspect].series,
			leak_in(&s->urep, s->drep.v[dd->suspect].series, NULL));
}

/* The kernel's own words: findings of the log (root; /dev/kmsg). */
static void read_klog(struct inv_state *s)
{
	struct inv_detect *d = &s->rep.detect;
	struct klog_parse_opts po = { .now_mono_ns = clock_mono_ns() };
	struct klog_findings_opts fo;
	struct klog_findings f = { 0 };
	struct klog_read rd = { 0 };
	struct klog_log log = { 0 };
	struct inv_source *x = d->nsources < INV_SOURCES ? &d->sources[d->nsources++] : NULL;
	struct kerr e = { 0 };

	if (x)
		x->name = "klog";
	klog_findings_opts_default(&fo);
	if (!klog_read_kmsg(NULL, 0, &rd, &e) &&
	    !klog_parse(rd.data.data, rd.data.len, KLOG_KMSG_PATH, &po, &log, &e) &&
	    !klog_findings(&log, &fo, &f, &e)) {
		if (x)
			x->ok = true;
		for (size_t i = 0; i < f.n && d->nsignals < INV_SIGNALS_MAX; i++) {
			struct inv_signal *g = &d->signals[d->nsignals++];

			g->severity = f.v[i].f.severity;
			snprintf(g->id, sizeof(g->id), "%s", f.v[i].f.id);
			snprintf(g->subject, sizeof(g->subject), "%s", f.v[i].f.subject);
			snprintf(g->summary, sizeof(g->summary), "%s", f.v[i].f.summary);
		}
	} else if (x) {
		kerr_str(&e, x->error, sizeof(x->error));
	}
	klog_findings_free(&f);
	klog_log_free(&log);
	klog_read_free(&rd);
}

/* Containers whose kernel memory grew between detect's start and now. */
static size_t cgroup_growth(const struct cgroups_report *r0, const struct cgroups_report *r1,
			    struct inv_container_growth *v, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r1->nrows && n < max; i++) {
		const struct cgroup_row *b = &r1->rows[i];

		if (b->aggregate ||
		    (b->ident.kind != CGROUP_CONTAINER && b->ident.kind != CGROUP_POD))
			continue;
		for (size_t j = 0; j < r0->nrows; j++) {
			const struct cgroup_row *a = &r0->rows[j];

			if (strcmp(a->ent->path, b->ent->path) ||
			    b->kernel_bytes <= a->kernel_bytes)
				continue;
			v[n++] = (struct inv_container_growth){
				.name = b->name[0] ? b->name : NULL,
				.path = b->ent->path,
				.growth_bytes = (double)(b->kernel_bytes - a->kernel_bytes),
			};
			break;
		}
	}
	return n;
}

static void container_growth(struct inv_state *s)
{
	struct cgroups_report r0 = { 0 }, r1 = { 0 };
	struct inv_container_growth v[64];
	struct cgroup_set cg1 = { 0 };
	struct cgroups_opts co;
	struct kerr e = { 0 };

	if (!s->have_cg0 || cgroup_set_take(&cg1, NULL, 0, s->snap.page_size, &e))
		return;
	cgroups_opts_default(&co);
	if (!cgroups_analyze(&s->cg0, NULL, &co, &r0, &e) &&
	    !cgroups_analyze(&cg1, NULL, &co, &r1, &e))
		investigate_container(&s->rep.localize, v,
				      cgroup_growth(&r0, &r1, v, ARRAY_SIZE(v)),
				      s->rep.detect.kernel.growth_bytes, &s->o);
	cgroups_report_free(&r0);
	cgroups_report_free(&r1);
	cgroup_set_free(&cg1);
}

static void localize(struct inv_state *s, const struct inv_detect_decision *d)
{
	struct inv_localize_in in = {
		.set = &s->set,
		.rep = &s->urep,
		.suspect = -1,
		.weak = d->weak,
		.kernel = &s->kset,
		.kernel_rep = &s->krep,
		.slabinfo = snapshot_has(&s->snap, SRC_SLABINFO) ? &s->snap.slabinfo : NULL,
		.aliases = s->ingest.have_aliases ? &s->ingest.aliases : NULL,
		.page_size = s->snap.page_size,
	};

	if (d->suspect >= 0)
		leak_in(&s->urep, s->drep.v[d->suspect].series, &in.suspect);
	investigate_localize(&in, &s->o, &s->rep.localize);
	container_growth(s);
}

static void say_suspect(const struct inv_state *s)
{
	const struct inv_localize *l = &s->rep.localize;
	const struct inv_detect *d = &s->rep.detect;
	char b[32];

	if (l->suspect < 0) {
		fprintf(stderr, "kleak investigate: %s after %.0f s\n",
			d->stop == INV_STOP_QUIET ? "nothing grows" : "no suspect", d->elapsed_s);
		return;
	}
	fprintf(stderr, "kleak investigate: %s after %.0f s: %s %s %s/h\n",
		d->weak ? "likeliest grower" : "suspect", d->elapsed_s,
		series_source_name(l->v[l->suspect].s.source), l->v[l->suspect].s.name,
		fmt_sbytes(l->v[l->suspect].s.rate_bytes_per_hour, b, sizeof(b)));
}

static void cost(struct inv_state *s)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return;
	s->rep.cost.cpu_user_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	s->rep.cost.cpu_sys_s = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	s->rep.cost.max_rss_bytes = (uint64_t)ru.ru_maxrss * 1024;
}

/* Rows of each list in the text view (there is no --top: JSON has them all). */
#define INV_TEXT_ROWS 10

static int render(struct inv_state *s)
{
	struct render_opts ro = { .top = INV_TEXT_ROWS,
				  .color = !s->c.json && fmt_use_color(stdout) };
	int r = 0;

	if (s->c.json)
		investigate_render_json(stdout, &s->rep);
	else
		investigate_render_text(stdout, &s->rep, &ro);
	if (s->c.html)
		r = inv_write_page(s);
	fflush(stdout);
	if (!r && ferror(stdout))
		r = KLEAK_EXIT_ERROR;
	if (!r && s->c.fail_on_set && s->rep.verdict.has_verdict &&
	    s->rep.verdict.verdict <= s->c.fail_on)
		r = KLEAK_EXIT_FINDINGS;
	return r;
}

static int init(struct inv_state *s)
{
	inv_opts_default(&s->o);
	trend_opts_default(&s->uo);
	s->uo.leak_window_s = (double)s->c.leak_window_ns / 1e9;
	s->to = s->uo;
	s->to.leak_window_s = s->o.detect_evidence_s;
	s->live = (struct live){ .mask = INV_MASK, .parse = SRC_ALL };
	s->rep.max_s = (double)s->c.max_ns / 1e9;
	s->rep.confirm.trace.culprit = -1; /* no trace ran (yet) */
	s->rep.leak_window_s = s->uo.leak_window_s;
	if (series_set_init(&s->set, s->o.points) || series_set_init(&s->kset, s->o.points)) {
		fprintf(stderr, "kleak investigate: out of memory\n");
		return KLEAK_EXIT_ERROR;
	}
	return 0;
}

static void state_free(struct inv_state *s)
{
	trend_report_free(&s->drep);
	trend_report_free(&s->urep);
	trend_report_free(&s->krep);
	trace_report_free(&s->trep);
	if (s->ks_loaded)
		trace_ksyms_free(&s->ks);
	buf_free(&s->kmemleak);
	ingest_free(&s->ingest);
	snapshot_free(&s->snap);
	sample_free(&s->sample);
	live_free(&s->live);
	series_set_free(&s->set);
	series_set_free(&s->kset);
	if (s->have_dset)
		series_set_free(&s->dset);
	facts_raw_free(&s->facts);
	if (s->have_cg0)
		cgroup_set_free(&s->cg0);
	free(s->slabs0);
	free(s);
}

/* Detect and localize, then confirm what they found. */
static int run(struct inv_state *s)
{
	struct inv_detect_decision d;
	struct kerr e = { 0 };
	int r;

	s->t0_ns = clock_mono_ns();
	inv_kstate(s, &s->ks0);
	s->have_cg0 = !cgroup_set_take(&s->cg0, NULL, 0, (uint64_t)sysconf(_SC_PAGESIZE), &e);
	if ((r = detect(s, &d)) || (r = analyze(s, &s->uo, &s->urep)))
		return r;
	if (trend_analyze(&s->kset, &s->uo, &s->krep)) {
		kerr_set(&e, -ENOMEM, "investigate", 0, "out of memory");
		return cmd_fail(&e, s->c.json);
	}
	if (s->c.html && !series_set_copy(&s->dset, &s->set))
		s->have_dset = true; /* without it (out of memory) --html fails */
	read_klog(s);
	fill_detect(s, &d);
	localize(s, &d);
	say_suspect(s);
	if (s->rep.localize.suspect >= 0 && d.stop != INV_STOP_SIGNAL)
		inv_confirm(s);
	else
		inv_confirm_none(s);
	s->rep.elapsed_s = inv_elapsed(s);
	s->rep.final = true;
	investigate_verdict(&s->rep, &s->o);
	cost(s);
	return render(s);
}

int cmd_investigate(int argc, char **argv)
{
	struct inv_state *s = calloc(1, sizeof(*s));
	int r, first_arg;

	if (!s) {
		fprintf(stderr, "kleak investigate: out of memory\n");
		return KLEAK_EXIT_ERROR;
	}
	r = opts_parse(&cmd_investigate_spec, "investigate", argc, argv, &s->c, &first_arg);
	s->argc = argc;
	s->argv = argv;
	if (r == OPTS_CONTINUE) {
		stop_install();
		r = init(s);
		if (!r)
			r = run(s);
	}
	state_free(s);
	return r;
}

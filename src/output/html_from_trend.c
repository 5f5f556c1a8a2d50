// SPDX-License-Identifier: GPL-2.0
/*
 * The adapter from watch's and report's growth report (series set + trend
 * report) to the HTML report model; see html_from_trend.h. It restates
 * what the trend report holds and computes nothing new but the picture's
 * inputs: the component bands, the gaps between points, and the findings'
 * sentences.
 */
#include "html_from_trend.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output/fmt.h"
#include "util/text.h"

/* Bottom to top: the unreclaimable slab first, where leaks show most. */
static const struct {
	const char *name, *label;
} bands[HTML_TREND_COMPONENTS] = {
	{ "SUnreclaim", "Slab, unreclaimable: freed only by the code that allocated it" },
	{ "SReclaimable", "Slab, reclaimable: caches the kernel shrinks under pressure" },
	{ "VmallocUsed", "vmalloc'd pages" },
	{ "KernelStack", "thread stacks" },
	{ "PageTables", "page tables" },
	{ "SecPageTables", "secondary page tables (KVM, IOMMU)" },
	{ "Percpu", "per-CPU allocations" },
	{ "KReclaimable - SReclaimable", "other reclaimable kernel memory" },
	{ "Unaccounted", "used, but itemised nowhere (e.g. alloc_pages() by drivers)" },
	{ "Bounce", "bounce buffers" },
};

static bool is_stack_caller(const char *name)
{
	static const char *const callers[] = { "kernel_clone", "alloc_thread_stack_node",
					       "copy_process", "dup_task_struct" };

	for (size_t i = 0; i < sizeof(callers) / sizeof(callers[0]); i++)
		if (!strcmp(name, callers[i]))
			return true;
	return false;
}

/*
 * Whether thread stacks are vmalloc'd (CONFIG_VMAP_STACK), as series
 * ingestion decides it: a thread-stack vmalloc caller, or no vmalloc
 * caller at all (no vmallocinfo: taken as vmalloc'd). Then KernelStack is
 * inside VmallocUsed and is drawn as a line, not stacked twice.
 */
static bool vmap_stacks(const struct series_set *set)
{
	bool any = false;

	for (size_t i = 0; i < set->count; i++) {
		if (set->v[i].source != SERIES_VMALLOC_CALLER)
			continue;
		any = true;
		if (is_stack_caller(set->v[i].name))
			return true;
	}
	return !any;
}

static int components(struct html_trend_doc *d, const struct series_set *set)
{
	const struct series *sr = series_find(set, SERIES_MEMINFO, "SReclaimable", NULL);
	const struct series *kr = series_find(set, SERIES_MEMINFO, "KReclaimable", NULL);
	bool vmap = vmap_stacks(set);
	size_t nc = 0;

	for (size_t i = 0; i < HTML_TREND_COMPONENTS; i++) {
		struct html_component *c = &d->comp[nc];
		const struct series *s = series_find(set, SERIES_MEMINFO, bands[i].name, NULL);

		c->name = bands[i].name;
		c->label = bands[i].label;
		c->style = (unsigned)i;
		c->stacked = !(vmap && !strcmp(c->name, "KernelStack"));
		if (s) {
			c->bytes = s->v;
			c->bytes_now = s->last;
		} else if (!strcmp(c->name, "KReclaimable - SReclaimable") && sr && kr) {
			/* kmem.h counts KReclaimable beyond SReclaimable in the total. */
			d->other_reclaimable = calloc(set->n ? set->n : 1, sizeof(double));
			if (!d->other_reclaimable)
				return -ENOMEM;
			for (size_t j = 0; j < set->n; j++)
				d->other_reclaimable[j] = kr->v[j] > sr->v[j] ? kr->v[j] - sr->v[j]
									      : 0;
			c->bytes = d->other_reclaimable;
			c->bytes_now = kr->last > sr->last ? kr->last - sr->last : 0;
		} else {
			continue;
		}
		nc++;
	}
	d->r.comp = d->comp;
	d->r.ncomp = nc;
	return 0;
}

static void fill_series(struct html_series *h, const struct series_set *set,
			const struct trend_leak *l)
{
	const struct series *s = &set->v[l->series];

	h->source = series_source_name(s->source);
	h->name = s->name;
	h->module = s->module[0] ? s->module : NULL;
	h->t = set->t;
	h->bytes = s->v;
	h->npoints = set->n;
	h->bytes_now = s->last;
	h->growth_bytes = l->growth_bytes;
	h->peak_growth_bytes = l->peak_growth_bytes;
	h->rate_bytes_per_hour = l->rate_bytes_per_hour;
	h->confidence = l->confidence;
	h->verdict = trend_verdict_name(l->verdict);
	h->reason = trend_reason_name(l->reason);
	h->aggregate = l->aggregate;
	for (int k = 0; k < l->nexplained && k < 3; k++)
		h->explained_by[k] = set->v[l->explained_by[k]].name;
}

/* The command that localizes or confirms growth of this series. */
static void next_command(const struct series *s, char *buf, size_t len)
{
	char q[300];

	switch (s->source) {
	case SERIES_SLAB:
		snprintf(buf, len,
			 "kleak trace --cache %s --stacks --min-age 60  (which call sites "
			 "hold it)",
			 text_shell_quote(s->name, q, sizeof(q)));
		return;
	case SERIES_VMALLOC_CALLER:
	case SERIES_VMALLOC_MODULE:
		snprintf(buf, len,
			 "kleak trace --vmalloc --stacks --min-age 60  (which call sites "
			 "hold it)");
		return;
	case SERIES_ALLOCINFO:
		snprintf(buf, len,
			 "kleak trace --pages --stacks --min-age 60  (stacks into the site)");
		return;
	default:
		break;
	}
	if (!strcmp(s->name, "Unaccounted"))
		snprintf(buf, len,
			 "kleak trace --pages --stacks --min-age 60  (page allocations "
			 "by call site)");
	else if (!strcmp(s->name, "Percpu"))
		snprintf(buf, len, "kleak trace --percpu --min-age 60");
	else if (!strcmp(s->name, "VmallocUsed"))
		snprintf(buf, len, "kleak trace --vmalloc --min-age 60");
	else
		snprintf(buf, len, "kleak trace --stacks --min-age 60  (which call sites hold it)");
}

/* Why a growing series is not `leak`, for people (docs/verdicts.md). */
static const char *reason_text(enum trend_reason r)
{
	switch (r) {
	case TREND_REASON_NONE:
		break;
	case TREND_REASON_WINDOW:
		return "seen growing for less than the evidence window (--leak-window)";
	case TREND_REASON_WEAK:
		return "the trend holds for this series, not over all the series watched";
	case TREND_REASON_SLOW:
		return "slower than the smallest rate called a leak";
	case TREND_REASON_NOISE:
		return "the growth is within the series' own noise";
	case TREND_REASON_STALLED:
		return "the recent half of the window stopped growing (a plateau?)";
	case TREND_REASON_RECLAIMABLE:
		return "reclaimable: a leak only if it survives memory pressure or drop_caches";
	case TREND_REASON_NO_TREND:
		return "no trend: it went up and down";
	case TREND_REASON_RELEASED:
		return "it gave the memory back";
	case TREND_REASON_FOLLOWS_RECLAIMABLE:
		return "it grows with the reclaimable memory it lives with (page cache)";
	case TREND_REASON_FOLLOWS_TASKS:
		return "it grows with the number of tasks (thread stacks, task structs)";
	case TREND_REASON_DROPS:
		return "its lowest points do not rise: bursts over a flat floor";
	case TREND_REASON_FOLLOWS_USER:
		return "it grows with the memory processes map (page tables, VMAs)";
	case TREND_REASON_FOLLOWS_SLAB:
		return "it grows with the slab pages it describes (slab extension vectors)";
	case TREND_REASON_FOLLOWS_LAZY_VMALLOC:
		return "it grows with freed vmalloc areas the kernel purges in batches (vmap_area)";
	case TREND_REASON_HOST_RECLAIMABLE:
		return "cgroup v1 cannot split out its reclaimable slab, and the host's grew as fast";
	}
	return NULL;
}

static void finding(struct html_finding *fd, struct html_trend_text *tx,
		    const struct series_set *set, const struct trend_leak *l)
{
	const struct series *s = &set->v[l->series];
	const char *why = reason_text(l->reason);
	char rate[32], gr[32], now[32], d[32], noise[32];

	snprintf(tx->title, sizeof(tx->title), "%s %s%s%s%s grows at %s/h (%s)",
		 series_source_name(s->source), s->name, s->module[0] ? " [" : "",
		 s->module[0] ? s->module : "", s->module[0] ? "]" : "",
		 fmt_sbytes(l->rate_bytes_per_hour, rate, sizeof(rate)),
		 trend_verdict_name(l->verdict));
	snprintf(tx->evidence, sizeof(tx->evidence),
		 "%s over %s of evidence (%zu points), now %s; noise %s; trend-test "
		 "confidence %.4f%s%s",
		 fmt_sbytes(l->growth_bytes, gr, sizeof(gr)),
		 fmt_duration_ns((uint64_t)(l->evidence_s * 1e9), d, sizeof(d)), l->points,
		 fmt_bytes(s->last, now, sizeof(now)),
		 fmt_bytes((uint64_t)l->noise_bytes, noise, sizeof(noise)),
		 floor(l->confidence * 10000) / 10000, /* never rounded up to certainty */
		 why ? "; not a leak yet: " : "", why ? why : "");
	next_command(s, tx->next, sizeof(tx->next));
	fd->severity = l->verdict == TREND_LEAK ? "critical" : "warning";
	fd->title = tx->title;
	fd->evidence = tx->evidence;
	fd->next = tx->next;
}

/*
 * The verdicts of a series that trends up (a finding); fluctuating and
 * released are listed in the table only. A switch, not an order: a new
 * verdict is a compiler warning here.
 */
static bool grows(enum trend_verdict v)
{
	switch (v) {
	case TREND_LEAK:
	case TREND_GROWING:
	case TREND_RECLAIMABLE:
	case TREND_POSSIBLE:
		return true;
	case TREND_FLUCTUATING:
	case TREND_RELEASED:
		break;
	}
	return false;
}

/* One finding per growing series that no other series explains. */
static void findings(struct html_trend_doc *d, const struct series_set *set,
		     const struct trend_report *rep)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->n && n < HTML_TREND_FINDINGS; i++) {
		const struct trend_leak *l = &rep->v[i];

		if (l->explained || !grows(l->verdict))
			continue;
		finding(&d->findings[n], &d->text[n], set, l);
		n++;
	}
	d->r.findings = d->findings;
	d->r.nfindings = n;
}

/* Point spacings over 1.5 times the expected one (interval x samples per point). */
static long gaps(const struct series_set *set, double interval_s)
{
	double expect = interval_s * (set->stride ? set->stride : 1);
	long n = 0;

	if (!(interval_s > 0))
		return -1;
	for (size_t i = 1; i < set->n; i++)
		n += set->t[i] - set->t[i - 1] > 1.5 * expect;
	return n;
}

static void meta(struct html_meta *m, const struct series_set *set, const struct html_trend_args *a)
{
	m->title = a->title;
	m->command = a->command;
	m->version = a->version;
	m->kernel = a->kernel && a->kernel[0] ? a->kernel : NULL;
	m->hostname = a->hostname && a->hostname[0] ? a->hostname : NULL;
	m->source = a->source;
	m->truncated = a->truncated;
	m->start_time_s = a->start_time_s;
	m->interval_s = a->interval_s;
	m->duration_s = set->last_t;
	m->samples = set->samples;
	m->gaps = gaps(set, a->interval_s);
	m->samples_per_point = set->stride ? set->stride : 1;
	m->series = set->count;
}

int html_from_trend(struct html_trend_doc *d, const struct series_set *set,
		    const struct trend_report *rep, const struct html_trend_args *a)
{
	size_t top = a->top ? a->top : 20;
	int r;

	memset(d, 0, sizeof(*d));
	meta(&d->r.meta, set, a);
	d->r.t = set->t;
	d->r.npoints = set->n;
	r = components(d, set);
	if (r)
		return r;
	top = top < rep->n ? top : rep->n;
	d->series = calloc(top ? top : 1, sizeof(*d->series));
	if (!d->series)
		return -ENOMEM;
	for (size_t i = 0; i < top; i++)
		fill_series(&d->series[i], set, &rep->v[i]);
	d->r.series = d->series;
	d->r.nseries = top;
	d->r.nseries_total = rep->n;
	findings(d, set, rep);
	return 0;
}

void html_trend_doc_free(struct html_trend_doc *d)
{
	if (!d)
		return;
	free(d->other_reclaimable);
	free(d->series);
	memset(d, 0, sizeof(*d));
}

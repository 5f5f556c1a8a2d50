// SPDX-License-Identifier: GPL-2.0
/* kleak's metric families from one sample and its verdicts; see metrics.h. */
#include "metrics.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/vec.h"

#define METRICS_FAMILIES_MAX 32

const char *const metrics_verdict_words[] = {
	"leak", "growing", "growing_reclaimable", "possible_leak", "fluctuating", "released", NULL,
};

int metrics_table_add(struct metrics_table *t, const struct metrics_row *r)
{
	return vec_push(&t->v, &t->n, &t->alloc, sizeof(*r), r);
}

void metrics_table_reset(struct metrics_table *t)
{
	t->n = 0;
}

void metrics_table_free(struct metrics_table *t)
{
	if (!t)
		return;
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* "0xffffffffc0422032", or a bare run of 12+ hex digits. */
bool metrics_looks_like_address(const char *s)
{
	size_t n = 0;

	if (!s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2]))
		return true;
	while (isxdigit((unsigned char)s[n]))
		n++;
	return n >= 12 && (!s[n] || s[n] == '+' || s[n] == ' ');
}

static const char *lv(const char *s)
{
	return metrics_looks_like_address(s) ? "(address)" : s;
}

/* Largest first; names break ties so the output is stable. */
static int row_cmp(const void *a, const void *b)
{
	const struct metrics_row *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

struct table_spec {
	const char *table;   /* kleak_entries{table=...} */
	const char *bytes;   /* family names */
	const char *objects; /* NULL: no objects family */
	const char *key;     /* label of the row name */
	bool module_label;   /* rows carry `module` */
	const char *help_bytes, *help_objects;
};

static int add_row(struct prom_family *fb, struct prom_family *fo, const struct table_spec *ts,
		   const struct metrics_row *r)
{
	const char *mod = ts->module_label ? lv(r->module) : NULL;
	int e = prom_sample_add(fb, r->bytes, ts->key, lv(r->name), "module", mod, NULL);

	if (!e && fo)
		e = prom_sample_add(fo, r->objects, ts->key, lv(r->name), NULL);
	return e;
}

/* The top rows, the pinned ones, and `other` summing the rest. */
static int build_table(struct prom_set *out, struct metrics_table *t, const struct table_spec *ts,
		       size_t top, struct prom_family *entries)
{
	struct metrics_row other = { .name = METRICS_OTHER };
	struct prom_family *fb, *fo = NULL;
	int e = 0;

	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), row_cmp);
	fb = prom_family_add(out, ts->bytes, PROM_GAUGE, "bytes", ts->help_bytes);
	if (fb && ts->objects)
		fo = prom_family_add(out, ts->objects, PROM_GAUGE, NULL, ts->help_objects);
	if (!fb || (ts->objects && !fo))
		return -ENOMEM;
	for (size_t i = 0; i < t->n && !e; i++) {
		if (i < top || t->v[i].pinned) {
			e = add_row(fb, fo, ts, &t->v[i]);
			continue;
		}
		other.bytes += t->v[i].bytes;
		other.objects += t->v[i].objects;
	}
	if (!e)
		e = add_row(fb, fo, ts, &other);
	if (!e)
		e = prom_sample_add(entries, (double)t->n, "table", ts->table, NULL);
	return e;
}

static const struct table_spec spec_slab = {
	"slab_cache",
	"kleak_slab_cache_bytes",
	"kleak_slab_cache_objects",
	"cache",
	false,
	"Memory a slab cache holds: num_slabs x pagesperslab x page size (top N caches by size and those with a verdict; cache=\"other\" sums the rest).",
	"Active objects of a slab cache (same rows as kleak_slab_cache_bytes).",
};
static const struct table_spec spec_vcaller = {
	"vmalloc_caller",
	"kleak_vmalloc_caller_bytes",
	NULL,
	"caller",
	true,
	"vmalloc memory by caller function: pages x page size (top N and those with a verdict; caller=\"other\" sums the rest).",
	NULL,
};
static const struct table_spec spec_vmodule = {
	"vmalloc_module",
	"kleak_vmalloc_module_bytes",
	NULL,
	"module",
	false,
	"vmalloc memory by module, the sum of its callers (top N and those with a verdict; module=\"other\" sums the rest).",
	NULL,
};
static const struct table_spec spec_alloc = {
	"allocinfo_site",
	"kleak_allocinfo_site_bytes",
	NULL,
	"site",
	true,
	"Kernel memory held by a /proc/allocinfo allocation site, \"function file:line [module]\" (top N and those with a verdict; site=\"other\" sums the rest).",
	NULL,
};
static const struct table_spec spec_cgroup = {
	"cgroup",
	"kleak_cgroup_kernel_bytes",
	NULL,
	"name",
	false,
	"Kernel memory charged to a container's cgroup (top N; name=\"other\" sums the rest).",
	NULL,
};

static int build_tables(struct metrics_input *in, size_t top, struct prom_set *out)
{
	struct prom_family *ent;
	int e = 0;

	ent = prom_family_add(
		out, "kleak_entries", PROM_GAUGE, NULL,
		"Entries of each table in the last sample, before the top-N cut (the rest is summed in the row named other).");
	if (!ent)
		return -ENOMEM;
	if (in->have_slab)
		e = build_table(out, &in->slab, &spec_slab, top, ent);
	if (!e && in->have_vmalloc)
		e = build_table(out, &in->vmalloc_callers, &spec_vcaller, top, ent);
	if (!e && in->have_vmalloc)
		e = build_table(out, &in->vmalloc_modules, &spec_vmodule, top, ent);
	if (!e && in->have_allocinfo)
		e = build_table(out, &in->allocinfo, &spec_alloc, top, ent);
	if (!e && in->have_cgroups)
		e = build_table(out, &in->cgroups, &spec_cgroup, top, ent);
	return e;
}

static int build_meminfo(const struct metrics_input *in, struct prom_set *out)
{
	struct prom_family *f;
	int e = 0;

	f = prom_family_add(
		out, "kleak_meminfo_bytes", PROM_GAUGE, "bytes",
		"A /proc/meminfo field in bytes: the kernel's components, MemTotal, MemFree, MemAvailable, and Unaccounted (used memory no field itemises).");
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < in->nmeminfo && !e; i++)
		e = prom_sample_add(f, in->meminfo[i].value, "name", in->meminfo[i].name, NULL);
	return e;
}

static int verdict_sample(struct prom_family *f, const struct metrics_verdict *v, double value,
			  const char *word)
{
	return prom_sample_add(f, value, "source", v->source, "name", lv(v->name), "counter",
			       v->counter, "module", lv(v->module), "srcversion", v->srcversion,
			       "verdict", word, NULL);
}

/* Why a series is not leak: one row, its current reason (none for a leak). */
static int build_reasons(const struct metrics_input *in, size_t top, struct prom_set *out)
{
	struct prom_family *f;
	int e = 0;

	f = prom_family_add(
		out, "kleak_verdict_reason", PROM_GAUGE, NULL,
		"Why a series' verdict is not leak (leaks[].reason: window_too_short, within_noise, weak_trend, too_slow, not_sustained, reclaimable, no_trend, released): 1, one row per series that is not leak.");
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < in->nverdicts && i < top && !e; i++) {
		const struct metrics_verdict *v = &in->verdicts[i];

		if (v->reason && *v->reason)
			e = prom_sample_add(f, 1, "source", v->source, "name", lv(v->name),
					    "counter", v->counter, "module", lv(v->module),
					    "srcversion", v->srcversion, "reason", v->reason, NULL);
	}
	return e;
}

static int build_verdicts(const struct metrics_input *in, size_t top, struct prom_set *out)
{
	struct prom_family *rate, *conf, *st;
	int e = 0;

	rate = prom_family_add(
		out, "kleak_growth_bytes_per_second", PROM_GAUGE, NULL,
		"Growth rate of a series over the trend window (Theil-Sen slope), for the series that grew by 16 KiB (top N by rank).");
	conf = prom_family_add(
		out, "kleak_growth_confidence", PROM_GAUGE, NULL,
		"The trend test's confidence that the series trends up over the trend window, 1 - p (0-1; not the probability of a leak: see kleak_verdict).");
	st = prom_family_add(
		out, "kleak_verdict", PROM_GAUGE, NULL,
		"Verdict of a series as a state set: one series per verdict word, 1 for the current verdict, 0 for the others.");
	if (!rate || !conf || !st)
		return -ENOMEM;
	for (size_t i = 0; i < in->nverdicts && i < top && !e; i++) {
		const struct metrics_verdict *v = &in->verdicts[i];

		e = verdict_sample(rate, v, v->rate_bytes_per_second, NULL);
		if (!e)
			e = verdict_sample(conf, v, v->confidence, NULL);
		for (size_t w = 0; metrics_verdict_words[w] && !e; w++)
			e = verdict_sample(st, v, !strcmp(v->verdict, metrics_verdict_words[w]),
					   metrics_verdict_words[w]);
	}
	return e ? e : build_reasons(in, top, out);
}

static int build_info(const struct metrics_input *in, struct prom_set *out)
{
	struct prom_family *b, *m;
	int e;

	b = prom_family_add(
		out, "kleak_build", PROM_INFO, NULL,
		"kleak's version, and the release and node name (uname -r, -n) of the kernel it samples.");
	m = prom_family_add(
		out, "kleak_module", PROM_INFO, NULL,
		"Loaded modules and their srcversion (/sys/module/NAME/srcversion), for joins on module.");
	if (!b || !m)
		return -ENOMEM;
	e = prom_sample_add(b, 1, "version", in->version, "release", in->release, "nodename",
			    in->nodename, NULL);
	for (size_t i = 0; i < in->nmodules && !e; i++)
		e = prom_sample_add(m, 1, "module", in->modules[i].name, "srcversion",
				    in->modules[i].srcversion, NULL);
	return e;
}

struct health_spec {
	const char *name;
	enum prom_type type;
	const char *unit, *help;
	size_t off;
};

#define H(field) offsetof(struct metrics_input, field)
static const struct health_spec health[] = {
	{ "kleak_samples", PROM_COUNTER, NULL, "Samples taken since start.", H(samples_total) },
	{ "kleak_sample_errors", PROM_COUNTER, NULL,
	  "Samples that failed (a source that does not parse): that source reads 0 in kleak_source_ok, the verdicts of the last good sample stay.",
	  H(sample_errors_total) },
	{ "kleak_sample_duration_seconds", PROM_GAUGE, "seconds",
	  "Time the last sample took: read, parse and trend analysis.", H(sample_duration_s) },
	{ "kleak_last_sample_timestamp_seconds", PROM_GAUGE, "seconds",
	  "Wall-clock time of the last sample, seconds since the epoch.", H(last_sample_time_s) },
	{ "kleak_trend_window_seconds", PROM_GAUGE, "seconds",
	  "Time the trend window behind the verdicts covers now.", H(window_s) },
	{ "kleak_leak_window_seconds", PROM_GAUGE, "seconds",
	  "Evidence window: a series is leak only once the trend window covers this much (growing before).",
	  H(leak_window_s) },
	{ "kleak_series_tracked", PROM_GAUGE, NULL, "Series in the trend window.", H(series) },
};

static int build_health(const struct metrics_input *in, struct prom_set *out)
{
	struct prom_family *f;
	int e = 0;

	for (size_t i = 0; i < sizeof(health) / sizeof(health[0]) && !e; i++) {
		f = prom_family_add(out, health[i].name, health[i].type, health[i].unit,
				    health[i].help);
		if (!f)
			return -ENOMEM;
		e = prom_sample_add(f, *(const double *)((const char *)in + health[i].off), NULL);
	}
	f = e ? NULL
	      : prom_family_add(
			out, "kleak_source_ok", PROM_GAUGE, NULL,
			"Whether the last sample read the source (0: absent or unreadable, e.g. not root).");
	if (!e && !f)
		return -ENOMEM;
	for (size_t i = 0; i < in->nsources && !e; i++)
		e = prom_sample_add(f, in->sources[i].ok, "source", in->sources[i].name, NULL);
	return e;
}

int metrics_build(struct metrics_input *in, const struct metrics_opts *o, struct prom_set *out)
{
	size_t top = o && o->top ? o->top : 30;
	int e;

	/* Every family fits: pointers to them stay valid while building. */
	e = prom_set_reserve(out, METRICS_FAMILIES_MAX);
	if (!e)
		e = build_info(in, out);
	if (!e)
		e = build_health(in, out);
	if (!e)
		e = build_meminfo(in, out);
	if (!e)
		e = build_tables(in, top, out);
	if (!e)
		e = build_verdicts(in, top, out);
	return e;
}

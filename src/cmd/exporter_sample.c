// SPDX-License-Identifier: GPL-2.0
/*
 * The exporter's adapter to today's pipeline (sample_read_live,
 * series_ingest, trend_analyze); see exporter_sample.h.
 */
#include "exporter_sample.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/trend.h"
#include "model/series.h"
#include "parse/meminfo.h"
#include "parse/modules.h"
#include "parse/slabinfo.h"
#include "source/sysmodule.h"
#include "util/clock.h"
#include "util/vec.h"

#define SAMPLE_MASK                                                         \
	((1u << SRC_MEMINFO) | (1u << SRC_SLABINFO) | (1u << SRC_VMALLOCINFO) | \
	 (1u << SRC_MODULES) | (1u << SRC_ALLOCINFO))

/* A module's srcversion, remembered after it is unloaded. */
struct srcv {
	char module[64], srcversion[40];
};

struct exporter_sampler {
	struct exporter_sampler_opts o;
	uint64_t period_ns;	    /* P, see the header */
	struct series_set set[2];   /* [old] feeds the verdicts */
	uint64_t start_ns[2];
	bool live[2];
	int old;
	struct series_ctx ctx;
	struct sample sample;
	struct trend_report rep;
	struct trend_opts topts;
	uint64_t samples, errors;
	double duration_s;
	/* Parsed for the metrics; freed at the next input. */
	struct meminfo mi;
	struct slabinfo si;
	struct modules mods;
	struct srcv *srcv;
	size_t nsrcv, srcv_alloc;
	/* The input handed out, and its storage. */
	struct metrics_input in;
	struct metrics_kv kv[32];
	struct metrics_verdict *verdicts;
	struct metrics_module *modules;
	size_t verdicts_alloc, modules_alloc;
};

int exporter_sampler_new(const struct exporter_sampler_opts *o,
			 struct exporter_sampler **out)
{
	struct exporter_sampler *s = calloc(1, sizeof(*s));
	uint64_t margin;

	if (!s)
		return -ENOMEM;
	s->o = *o;
	margin = o->leak_window_ns / 4;
	if (margin < 2 * o->interval_ns)
		margin = 2 * o->interval_ns;
	s->period_ns = o->leak_window_ns + margin;
	trend_opts_default(&s->topts);
	if (series_set_init(&s->set[0], SERIES_DEFAULT_CAP)) {
		free(s);
		return -ENOMEM;
	}
	s->live[0] = true;
	*out = s;
	return 0;
}

/* The younger set starts at P; at 2P it replaces the older one. */
static int rotate(struct exporter_sampler *s, uint64_t now)
{
	int y = !s->old;

	if (s->live[y] && now - s->start_ns[s->old] >= 2 * s->period_ns) {
		series_set_free(&s->set[s->old]);
		s->live[s->old] = false;
		s->old = y;
		y = !y;
	}
	if (!s->live[y] && s->samples && now - s->start_ns[s->old] >= s->period_ns) {
		if (series_set_init(&s->set[y], SERIES_DEFAULT_CAP))
			return -ENOMEM;
		s->live[y] = true;
		s->start_ns[y] = now;
	}
	return 0;
}

/* The sample's values, parsed once into the older set, copied into the younger. */
static int copy_sample(struct series_set *dst, const struct series_set *src,
		       uint64_t mono_ns)
{
	series_sample_begin(dst, mono_ns);
	for (size_t i = 0; i < src->count; i++) {
		const struct series *v = &src->v[i];
		long k;

		if (!v->last)
			continue;
		k = series_add(dst, v->source, v->name, v->module, v->last);
		if (k < 0)
			return -ENOMEM;
		dst->v[k].reclaimable = v->reclaimable;
		dst->v[k].aggregate = v->aggregate;
	}
	series_sample_end(dst);
	return 0;
}

static int read_and_ingest(struct exporter_sampler *s, struct kerr *e)
{
	struct sample *sm = &s->sample;

	sample_read_live(sm, SAMPLE_MASK | (!s->samples ? 1u << SRC_SLAB_ALIASES : 0));
	if (series_ctx_wants_kallsyms(&s->ctx, sm)) {
		struct kerr ke = { 0 };

		sm->have[SRC_KALLSYMS] = !source_read(NULL, SRC_KALLSYMS,
						      &sm->raw[SRC_KALLSYMS], &ke);
		s->ctx.base_tried = true; /* unreadable: not tried again */
	}
	if (!sm->have[SRC_MEMINFO]) {
		*e = sm->err[SRC_MEMINFO];
		return e->code ? e->code : -EIO;
	}
	return series_ingest(&s->set[s->old], &s->ctx, sm, "/proc", e);
}

int exporter_sampler_take(struct exporter_sampler *s, struct kerr *e)
{
	uint64_t t0 = clock_mono_ns();
	int r;

	r = rotate(s, t0);
	if (!r)
		r = read_and_ingest(s, e);
	if (!r && s->live[!s->old])
		r = copy_sample(&s->set[!s->old], &s->set[s->old], s->sample.mono_ns);
	if (!s->samples)
		s->start_ns[s->old] = t0;
	if (!r && trend_analyze(&s->set[s->old], &s->topts, &s->rep))
		r = -ENOMEM;
	if (r == -ENOMEM && !e->code)
		kerr_set(e, r, "exporter", 0, "out of memory");
	s->samples++;
	s->errors += r != 0;
	s->duration_s = (double)(clock_mono_ns() - t0) / 1e9;
	return r;
}

/* ---- the metrics input ---- */

static const char *srcversion_of(struct exporter_sampler *s, const char *mod)
{
	for (size_t i = 0; mod && *mod && i < s->nsrcv; i++)
		if (!strcmp(s->srcv[i].module, mod))
			return s->srcv[i].srcversion;
	return NULL;
}

/* Reads srcversion for every loaded module; keeps those of unloaded ones. */
static void refresh_modules(struct exporter_sampler *s)
{
	struct kerr e;

	modules_free(&s->mods);
	if (!s->sample.have[SRC_MODULES] ||
	    modules_parse(s->sample.raw[SRC_MODULES].data, s->sample.raw[SRC_MODULES].len,
			  "/proc/modules", &s->mods, &e))
		memset(&s->mods, 0, sizeof(s->mods));
	for (size_t i = 0; i < s->mods.n; i++) {
		struct srcv v = { 0 };
		size_t j;

		snprintf(v.module, sizeof(v.module), "%s", s->mods.v[i].name);
		if (sysmodule_srcversion(s->o.sys_module_dir, v.module, v.srcversion,
					 sizeof(v.srcversion)))
			continue;
		for (j = 0; j < s->nsrcv && strcmp(s->srcv[j].module, v.module); j++)
			;
		if (j < s->nsrcv)
			s->srcv[j] = v; /* reloaded: maybe another build */
		else if (vec_push(&s->srcv, &s->nsrcv, &s->srcv_alloc, sizeof(v), &v))
			break;
	}
}

static int fill_modules(struct exporter_sampler *s)
{
	s->in.nmodules = 0;
	for (size_t i = 0; i < s->mods.n; i++) {
		struct metrics_module m = { s->mods.v[i].name,
					    srcversion_of(s, s->mods.v[i].name) };

		if (vec_push(&s->modules, &s->in.nmodules, &s->modules_alloc, sizeof(m), &m))
			return -ENOMEM;
	}
	s->in.modules = s->modules;
	return 0;
}

static const char *verdict_word(const struct exporter_sampler *s,
				const struct trend_leak *l)
{
	/* Before the evidence window, steady growth is "growing" (issue 19). */
	if (l->verdict == TREND_LEAK &&
	    s->rep.window_s * 1e9 < (double)s->o.leak_window_ns)
		return "growing";
	return trend_verdict_name(l->verdict);
}

static int fill_verdicts(struct exporter_sampler *s)
{
	const struct series_set *set = &s->set[s->old];

	s->in.nverdicts = 0;
	for (size_t i = 0; i < s->rep.n && i < s->o.top; i++) {
		const struct trend_leak *l = &s->rep.v[i];
		const struct series *v = &set->v[l->series];
		struct metrics_verdict m = {
			.source = series_source_name(v->source),
			.name = v->name,
			.module = v->source == SERIES_VMALLOC_MODULE ? v->name : v->module,
			.rate_bytes_per_second = l->rate_bytes_per_hour / 3600,
			.confidence = l->confidence,
			.verdict = verdict_word(s, l),
		};

		m.srcversion = srcversion_of(s, m.module);
		if (vec_push(&s->verdicts, &s->in.nverdicts, &s->verdicts_alloc, sizeof(m), &m))
			return -ENOMEM;
	}
	s->in.verdicts = s->verdicts;
	return 0;
}

static bool has_verdict(const struct metrics_input *in, const char *source,
			const char *name, const char *module)
{
	for (size_t i = 0; i < in->nverdicts; i++)
		if (!strcmp(in->verdicts[i].source, source) &&
		    !strcmp(in->verdicts[i].name, name) &&
		    (!module || !strcmp(in->verdicts[i].module ? in->verdicts[i].module : "", module)))
			return true;
	return false;
}

static int add(struct metrics_table *t, const char *name, const char *module,
	       double bytes, double objects, bool pinned)
{
	struct metrics_row r = { name, module, bytes, objects, pinned };

	return metrics_table_add(t, &r);
}

static int fill_slab(struct exporter_sampler *s)
{
	struct metrics_input *in = &s->in;
	struct kerr e;
	int r = 0;

	slabinfo_free(&s->si);
	in->have_slab = s->sample.have[SRC_SLABINFO] &&
			!slabinfo_parse(s->sample.raw[SRC_SLABINFO].data,
					s->sample.raw[SRC_SLABINFO].len, "/proc/slabinfo",
					&s->si, &e);
	if (!in->have_slab)
		memset(&s->si, 0, sizeof(s->si));
	for (size_t i = 0; i < s->si.n && !r; i++)
		r = add(&in->slab, s->si.v[i].name, NULL,
			(double)slab_cache_bytes(&s->si.v[i], s->sample.page_size),
			(double)s->si.v[i].active_objs,
			has_verdict(in, "slab", s->si.v[i].name, NULL));
	return r;
}

static int fill_vmalloc(struct exporter_sampler *s)
{
	const struct vmalloc_groups *g = &s->ctx.vg;
	struct metrics_input *in = &s->in;
	int r = 0;

	in->have_vmalloc = s->sample.have[SRC_VMALLOCINFO];
	for (size_t i = 0; in->have_vmalloc && i < g->ncallers && !r; i++)
		r = add(&in->vmalloc_callers, g->callers[i].caller, g->callers[i].module,
			(double)g->callers[i].bytes, 0,
			has_verdict(in, "vmalloc_caller", g->callers[i].caller,
				    g->callers[i].module));
	for (size_t i = 0; in->have_vmalloc && i < g->nmodules && !r; i++)
		r = add(&in->vmalloc_modules, g->modules[i].module, NULL,
			(double)g->modules[i].bytes, 0,
			has_verdict(in, "vmalloc_module", g->modules[i].module, NULL));
	return r;
}

static int fill_allocinfo(struct exporter_sampler *s)
{
	const struct series_set *set = &s->set[s->old];
	struct metrics_input *in = &s->in;
	int r = 0;

	in->have_allocinfo = s->sample.have[SRC_ALLOCINFO];
	for (size_t i = 0; in->have_allocinfo && i < set->count && !r; i++) {
		const struct series *v = &set->v[i];

		if (v->source == SERIES_ALLOCINFO && v->last)
			r = add(&in->allocinfo, v->name, v->module, (double)v->last, 0,
				has_verdict(in, "allocinfo", v->name, v->module));
	}
	return r;
}

/* Kernel components (with Unaccounted) from the series; totals from meminfo. */
static void fill_meminfo(struct exporter_sampler *s)
{
	static const char *const totals[] = { "MemTotal", "MemFree", "MemAvailable" };
	const struct series_set *set = &s->set[s->old];
	struct kerr e;
	size_t n = 0;
	uint64_t v;

	meminfo_free(&s->mi);
	if (meminfo_parse(s->sample.raw[SRC_MEMINFO].data, s->sample.raw[SRC_MEMINFO].len,
			  "/proc/meminfo", &s->mi, &e))
		memset(&s->mi, 0, sizeof(s->mi));
	for (size_t i = 0; i < 3; i++)
		if (meminfo_get(&s->mi, totals[i], &v))
			s->kv[n++] = (struct metrics_kv){ totals[i], (double)v };
	for (size_t i = 0; series_meminfo_fields[i] && n < 32; i++) {
		const struct series *sv = series_find(set, SERIES_MEMINFO,
						      series_meminfo_fields[i], NULL);

		if (sv)
			s->kv[n++] = (struct metrics_kv){ sv->name, (double)sv->last };
	}
	s->in.meminfo = s->kv;
	s->in.nmeminfo = n;
}

static void fill_health(struct exporter_sampler *s)
{
	static const struct {
		const char *name;
		enum source_id id;
	} src[] = { { "meminfo", SRC_MEMINFO }, { "slabinfo", SRC_SLABINFO },
		    { "vmallocinfo", SRC_VMALLOCINFO }, { "modules", SRC_MODULES },
		    { "allocinfo", SRC_ALLOCINFO } };
	struct metrics_input *in = &s->in;

	in->release = s->sample.release;
	in->samples_total = (double)s->samples;
	in->sample_errors_total = (double)s->errors;
	in->sample_duration_s = s->duration_s;
	in->last_sample_time_s = (double)s->sample.time_s;
	in->window_s = s->rep.window_s;
	in->leak_window_s = (double)s->o.leak_window_ns / 1e9;
	in->series = (double)s->set[s->old].count;
	in->nsources = sizeof(src) / sizeof(src[0]);
	for (size_t i = 0; i < in->nsources; i++) {
		in->sources[i].name = src[i].name;
		in->sources[i].ok = s->sample.have[src[i].id];
	}
}

int exporter_sampler_input(struct exporter_sampler *s,
			   struct metrics_input **out)
{
	struct metrics_input *in = &s->in;
	int r;

	metrics_table_reset(&in->slab);
	metrics_table_reset(&in->vmalloc_callers);
	metrics_table_reset(&in->vmalloc_modules);
	metrics_table_reset(&in->allocinfo);
	in->have_cgroups = false; /* per-container kernel memory: issue 14 */
	refresh_modules(s);
	fill_meminfo(s);
	fill_health(s);
	r = fill_modules(s);
	if (!r)
		r = fill_verdicts(s);
	if (!r)
		r = fill_slab(s);
	if (!r)
		r = fill_vmalloc(s);
	if (!r)
		r = fill_allocinfo(s);
	*out = in;
	return r;
}

const char *exporter_sampler_source_error(const struct exporter_sampler *s,
					  const char *name)
{
	enum source_id id = source_by_name(name);

	if (id == SRC_COUNT || s->sample.have[id])
		return "";
	return s->sample.err[id].msg;
}

void exporter_sampler_free(struct exporter_sampler *s)
{
	if (!s)
		return;
	for (int i = 0; i < 2; i++)
		if (s->live[i])
			series_set_free(&s->set[i]);
	series_ctx_free(&s->ctx);
	sample_free(&s->sample);
	trend_report_free(&s->rep);
	meminfo_free(&s->mi);
	slabinfo_free(&s->si);
	modules_free(&s->mods);
	metrics_table_free(&s->in.slab);
	metrics_table_free(&s->in.vmalloc_callers);
	metrics_table_free(&s->in.vmalloc_modules);
	metrics_table_free(&s->in.allocinfo);
	free(s->srcv);
	free(s->verdicts);
	free(s->modules);
	free(s);
}

// SPDX-License-Identifier: GPL-2.0
/* A sampler's state as Prometheus metrics; see metrics_feed.h. */
#include "metrics_feed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/prom.h"
#include "source/sysmodule.h"
#include "util/compiler.h"
#include "util/vec.h"

struct metrics_feed_srcv {
	char module[64], srcversion[40];
};

static const char *srcversion_of(const struct metrics_feed *f, const char *mod)
{
	for (size_t i = 0; mod && *mod && i < f->nsrcv; i++)
		if (!strcmp(f->srcv[i].module, mod))
			return f->srcv[i].srcversion;
	return NULL;
}

/*
 * srcversion of every loaded module (re-read each time: a module reloaded
 * under the same name may be another build); unloaded ones are kept.
 */
static int refresh_srcversions(struct metrics_feed *f, const struct snapshot *snap)
{
	const struct modules *m = &snap->modules;

	for (size_t i = 0; snapshot_has(snap, SRC_MODULES) && i < m->n; i++) {
		struct metrics_feed_srcv v = { 0 };
		size_t j;

		snprintf(v.module, sizeof(v.module), "%s", m->v[i].name);
		if (sysmodule_srcversion(f->sys_module_dir, v.module, v.srcversion,
					 sizeof(v.srcversion)))
			continue;
		for (j = 0; j < f->nsrcv && strcmp(f->srcv[j].module, v.module); j++)
			;
		if (j < f->nsrcv)
			f->srcv[j] = v;
		else if (vec_push(&f->srcv, &f->nsrcv, &f->srcv_alloc, sizeof(v), &v))
			return -ENOMEM;
	}
	return 0;
}

static int fill_modules(struct metrics_feed *f, const struct snapshot *snap)
{
	const struct modules *m = &snap->modules;

	f->in.nmodules = 0;
	for (size_t i = 0; snapshot_has(snap, SRC_MODULES) && i < m->n; i++) {
		struct metrics_module mm = { m->v[i].name, srcversion_of(f, m->v[i].name) };

		if (vec_push(&f->modules, &f->in.nmodules, &f->modules_alloc, sizeof(mm), &mm))
			return -ENOMEM;
	}
	f->in.modules = f->modules;
	return 0;
}

/* The first `top` series of the ranking, with why each is not a leak. */
static int fill_verdicts(struct metrics_feed *f, const struct sampler *s)
{
	const struct series_set *set = sampler_set(s);

	f->in.nverdicts = 0;
	for (size_t i = 0; i < s->rep.n && i < f->top; i++) {
		const struct trend_leak *l = &s->rep.v[i];
		const struct series *v = &set->v[l->series];
		struct metrics_verdict m = {
			.source = series_source_name(v->source),
			.name = v->name,
			.module = v->source == SERIES_VMALLOC_MODULE ? v->name : v->module,
			.rate_bytes_per_second = l->rate_bytes_per_hour / 3600,
			.confidence = l->confidence,
			.verdict = trend_verdict_name(l->verdict),
			.reason = trend_reason_name(l->reason),
		};

		m.srcversion = srcversion_of(f, m.module);
		if (v->source == SERIES_CGROUP) /* two series under one name */
			m.counter = v->counter;
		if (vec_push(&f->verdicts, &f->in.nverdicts, &f->verdicts_alloc, sizeof(m), &m))
			return -ENOMEM;
	}
	f->in.verdicts = f->verdicts;
	return 0;
}

static bool has_verdict(const struct metrics_input *in, const char *source, const char *name,
			const char *module)
{
	for (size_t i = 0; i < in->nverdicts; i++) {
		const struct metrics_verdict *v = &in->verdicts[i];

		if (!strcmp(v->source, source) && !strcmp(v->name, name) &&
		    (!module || !strcmp(v->module ? v->module : "", module)))
			return true;
	}
	return false;
}

static int add(struct metrics_table *t, const char *name, const char *module, double bytes,
	       double objects, bool pinned)
{
	struct metrics_row r = { name, module, bytes, objects, pinned };

	return metrics_table_add(t, &r);
}

static int fill_slab(struct metrics_input *in, const struct snapshot *snap)
{
	const struct slabinfo *si = &snap->slabinfo;
	int r = 0;

	in->have_slab = snapshot_has(snap, SRC_SLABINFO);
	for (size_t i = 0; in->have_slab && i < si->n && !r; i++)
		r = add(&in->slab, si->v[i].name, NULL,
			(double)slab_cache_bytes(&si->v[i], snap->page_size),
			(double)si->v[i].active_objs, has_verdict(in, "slab", si->v[i].name, NULL));
	return r;
}

/* The vmalloc groups ingestion made of this sample (valid when it completed). */
static int fill_vmalloc(struct metrics_input *in, const struct sampler *s)
{
	const struct vmalloc_groups *g = &s->ingest.vg;
	int r = 0;

	in->have_vmalloc = s->ok && snapshot_has(&s->snap, SRC_VMALLOCINFO);
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

/* Allocation sites as ingestion named them ("function file:line [module]"). */
static int fill_allocinfo(struct metrics_input *in, const struct sampler *s)
{
	const struct series_set *set = sampler_set(s);
	int r = 0;

	in->have_allocinfo = s->ok && snapshot_has(&s->snap, SRC_ALLOCINFO);
	for (size_t i = 0; in->have_allocinfo && i < set->count && !r; i++) {
		const struct series *v = &set->v[i];

		if (v->source == SERIES_ALLOCINFO && v->last)
			r = add(&in->allocinfo, v->name, v->module, (double)v->last, 0,
				has_verdict(in, "allocinfo", v->name, v->module));
	}
	return r;
}

/*
 * Per-container kernel memory (kleak_cgroup_kernel_bytes, top N + other):
 * the series of source cgroup and counter "kernel" that are not aggregates
 * (a parent whose children hold most of it would count them twice in
 * `other`), named as ingestion names them (the container's name, else the
 * path). Verdict rows of cgroup series carry their counter, since a cgroup
 * has two series under one name.
 */
static int fill_cgroups(struct metrics_input *in, const struct sampler *s)
{
	const struct series_set *set = sampler_set(s);
	int r = 0;

	in->have_cgroups = s->ok && snapshot_has(&s->snap, SRC_CGROUPS);
	for (size_t i = 0; in->have_cgroups && i < set->count && !r; i++) {
		const struct series *v = &set->v[i];

		if (v->source == SERIES_CGROUP && !strcmp(v->counter, "kernel") && !v->aggregate &&
		    v->last)
			r = add(&in->cgroups, v->name, NULL, (double)v->last, 0,
				has_verdict(in, "cgroup", v->name, NULL));
	}
	return r;
}

/* Totals from meminfo; the kernel components (with Unaccounted) from the series. */
static void fill_meminfo(struct metrics_feed *f, const struct sampler *s)
{
	static const char *const totals[] = { "MemTotal", "MemFree", "MemAvailable" };
	const struct series_set *set = sampler_set(s);
	size_t n = 0;
	uint64_t v;

	for (size_t i = 0; snapshot_has(&s->snap, SRC_MEMINFO) && i < ARRAY_SIZE(totals); i++)
		if (meminfo_get(&s->snap.meminfo, totals[i], &v))
			f->kv[n++] = (struct metrics_kv){ totals[i], (double)v };
	for (size_t i = 0; series_meminfo_fields[i] && n < ARRAY_SIZE(f->kv); i++) {
		const struct series *sv =
			series_find(set, SERIES_MEMINFO, series_meminfo_fields[i], NULL);

		if (sv)
			f->kv[n++] = (struct metrics_kv){ sv->name, (double)sv->last };
	}
	f->in.meminfo = f->kv;
	f->in.nmeminfo = n;
}

static void fill_health(struct metrics_input *in, const struct sampler *s)
{
	in->release = s->snap.release;
	in->nodename = s->snap.hostname;
	in->samples_total = (double)s->samples;
	in->sample_errors_total = (double)s->errors;
	in->sample_duration_s = s->duration_s;
	in->last_sample_time_s = (double)s->snap.time_s;
	in->window_s = s->rep.window_s;
	in->leak_window_s = (double)s->o.leak_window_ns / 1e9;
	in->series = (double)sampler_set(s)->count;
	in->nsources = 0;
	for (int id = 0; id < SRC_COUNT && in->nsources < ARRAY_SIZE(in->sources); id++) {
		if (!(s->o.mask & SRC_BIT(id)))
			continue;
		in->sources[in->nsources].name = source_descs[id].name;
		in->sources[in->nsources++].ok = snapshot_has(&s->snap, id);
	}
}

static int fill(struct metrics_feed *f, const struct sampler *s)
{
	struct metrics_input *in = &f->in;
	int r;

	metrics_table_reset(&in->slab);
	metrics_table_reset(&in->vmalloc_callers);
	metrics_table_reset(&in->vmalloc_modules);
	metrics_table_reset(&in->allocinfo);
	metrics_table_reset(&in->cgroups);
	in->version = KLEAK_VERSION;
	fill_meminfo(f, s);
	fill_health(in, s);
	r = refresh_srcversions(f, &s->snap);
	if (!r)
		r = fill_modules(f, &s->snap);
	if (!r)
		r = fill_verdicts(f, s);
	if (!r)
		r = fill_slab(in, &s->snap);
	if (!r)
		r = fill_vmalloc(in, s);
	if (!r)
		r = fill_allocinfo(in, s);
	if (!r)
		r = fill_cgroups(in, s);
	return r;
}

int metrics_feed_render(struct metrics_feed *f, const struct sampler *s, struct buf *text,
			struct buf *om)
{
	struct prom_set set = { 0 };
	struct metrics_opts mo;
	int r;

	if (!f->top)
		f->top = METRICS_FEED_TOP;
	mo = (struct metrics_opts){ .top = f->top };
	r = fill(f, s);
	if (!r)
		r = metrics_build(&f->in, &mo, &set);
	buf_reset(text);
	if (!r)
		r = prom_render(&set, PROM_TEXT, text);
	if (om)
		buf_reset(om);
	if (!r && om)
		r = prom_render(&set, PROM_OPENMETRICS, om);
	prom_set_free(&set);
	return r;
}

void metrics_feed_free(struct metrics_feed *f)
{
	if (!f)
		return;
	metrics_table_free(&f->in.slab);
	metrics_table_free(&f->in.vmalloc_callers);
	metrics_table_free(&f->in.vmalloc_modules);
	metrics_table_free(&f->in.allocinfo);
	metrics_table_free(&f->in.cgroups);
	free(f->srcv);
	free(f->verdicts);
	free(f->modules);
	memset(f, 0, sizeof(*f));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The NDJSON form of the growth report (docs/watch.md has the schema):
 * every object carries every key, the last one has "final": true.
 */
#include <string.h>

#include "output/json.h"
#include "output/klog_json.h"
#include "watch_render.h"

static void render_sources(struct json *j, const struct watch_view *v)
{
	json_key(j, "sources");
	json_obj_begin(j);
	for (int i = 0; i < SRC_COUNT; i++) {
		const struct snapshot *s = v->snap;
		char msg[800];

		if (!(v->wanted & (1u << i)) || i == SRC_KALLSYMS || i == SRC_SLAB_ALIASES ||
		    i == SRC_MODULE_SECTIONS)
			continue;
		json_key(j, source_descs[i].name);
		json_obj_begin(j);
		json_kv_bool(j, "ok", s && snapshot_has(s, i));
		json_kv_str(j, "error",
			    !s || snapshot_has(s, i) || !s->err[i].code
				    ? NULL
				    : kerr_str(&s->err[i], msg, sizeof(msg)));
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void render_meminfo(struct json *j, const struct series_set *set)
{
	json_key(j, "meminfo");
	json_obj_begin(j);
	for (int i = 0; series_meminfo_fields[i]; i++) {
		const struct series *s =
			series_find(set, SERIES_MEMINFO, series_meminfo_fields[i], NULL);

		if (s && strcmp(s->name, "Unaccounted"))
			json_kv_u64(j, s->name, s->last);
	}
	json_obj_end(j);
	/* Not a kernel field: computed (analyze/kmem.h), so not in meminfo. */
	{
		const struct series *u = series_find(set, SERIES_MEMINFO, "Unaccounted", NULL);

		json_key(j, "unaccounted_bytes");
		if (u)
			json_u64(j, u->last);
		else
			json_null(j);
	}
}

static void render_leak(struct json *j, const struct series_set *set, const struct trend_leak *l)
{
	const struct series *s = &set->v[l->series];

	json_obj_begin(j);
	json_kv_str(j, "source", series_source_name(s->source));
	json_kv_str(j, "name", s->name);
	json_kv_str(j, "module", s->module[0] ? s->module : NULL);
	json_key(j, "cgroup");
	if (s->path) {
		json_obj_begin(j);
		json_kv_str(j, "path", s->path);
		json_kv_str(j, "counter", s->counter);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "reclaimable");
	if (s->reclaimable < 0)
		json_null(j);
	else
		json_bool(j, s->reclaimable == 1);
	json_kv_u64(j, "bytes", s->last);
	json_kv_double(j, "growth_bytes", l->growth_bytes);
	json_kv_double(j, "peak_growth_bytes", l->peak_growth_bytes);
	json_kv_double(j, "rate_bytes_per_hour", l->rate_bytes_per_hour);
	/* The trend test's 1 - p (docs/verdicts.md); `confidence` is its old name. */
	json_kv_double(j, "confidence", l->confidence);
	json_kv_double(j, "trend_confidence", l->confidence);
	json_kv_double(j, "trend_p_adjusted", l->p_adjusted);
	json_kv_double(j, "noise_bytes", l->noise_bytes);
	json_kv_double(j, "evidence_s", l->evidence_s);
	json_kv_double(j, "leak_window_s", l->window_s);
	json_kv_str(j, "verdict", trend_verdict_name(l->verdict));
	json_kv_str(j, "reason", trend_reason_name(l->reason));
	json_key(j, "follows");
	if (l->follows && l->leader < set->count) {
		json_obj_begin(j);
		json_kv_str(j, "source", series_source_name(set->v[l->leader].source));
		json_kv_str(j, "name", set->v[l->leader].name);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_kv_bool(j, "aggregate", l->aggregate);
	json_key(j, "explained_by");
	json_arr_begin(j);
	for (int i = 0; i < l->nexplained; i++) {
		const struct series *c = &set->v[l->explained_by[i]];

		json_obj_begin(j);
		json_kv_str(j, "source", series_source_name(c->source));
		json_kv_str(j, "name", c->name);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

/* A context series' latest value, or null. */
static void context_value(struct json *j, const struct series_set *set, const char *key,
			  const char *name)
{
	const struct series *s = series_find(set, SERIES_CONTEXT, name, NULL);

	json_key(j, key);
	if (s)
		json_u64(j, s->last);
	else
		json_null(j);
}

/* The load the verdicts were made under: tasks and their churn. */
static void render_load(struct json *j, const struct watch_view *v)
{
	const struct snapshot *s = v->snap;
	const struct trend_leak *t = trend_context(v->rep, v->set, "tasks");
	const struct trend_leak *f = trend_context(v->rep, v->set, "forks");

	json_key(j, "load");
	json_obj_begin(j);
	json_key(j, "loadavg_1m");
	if (s && snapshot_has(s, SRC_LOADAVG))
		json_double(j, s->loadavg.avg1);
	else
		json_null(j);
	json_key(j, "procs_running");
	if (s && snapshot_has(s, SRC_STAT))
		json_u64(j, s->procstat.procs_running);
	else
		json_null(j);
	context_value(j, v->set, "tasks", "tasks");
	json_key(j, "tasks_per_hour");
	if (t)
		json_double(j, t->rate_bytes_per_hour);
	else
		json_null(j);
	json_kv_str(j, "tasks_verdict", t ? trend_verdict_name(t->verdict) : NULL);
	json_key(j, "forks_per_s");
	if (f)
		json_double(j, f->rate_bytes_per_hour / 3600);
	else
		json_null(j);
	json_obj_end(j);
}

/*
 * The kernel log: its counters over the run, and its events, each once:
 * the ones new with this sample, or in the final object every one.
 */
static void render_klog(struct json *j, const struct watch_view *v)
{
	const struct klog_stream *ks = v->klog;
	struct klog_json_status st = { 0 };
	size_t from = 0;

	json_key(j, "kernel_log");
	if (!ks || !ks->seen) {
		json_null(j);
	} else {
		st.source = v->file ? "kmsg" : "/dev/kmsg";
		st.reader = true; /* watch reads /dev/kmsg; record did */
		st.cursor = ks->cursor;
		st.lost = ks->lost;
		st.overruns = ks->overruns;
		st.restarted = ks->restarted;
		st.records = ks->records;
		st.lost_records = ks->lost_records;
		st.boots = ks->boots;
		st.events = ks->events.n;
		st.open_events = ks->waiting;
		st.dropped_events = ks->dropped;
		klog_json_status(j, &st);
	}
	if (ks && !v->final)
		from = ks->new_from;
	json_key(j, "events");
	json_arr_begin(j);
	for (size_t i = from; ks && i < ks->events.n; i++)
		klog_json_event(j, &ks->events.v[i], 0,
				v->snap && v->snap->page_size ? v->snap->page_size : 4096);
	json_arr_end(j);
}

void watch_render_json(FILE *f, const struct watch_view *v)
{
	const struct series_set *set = v->set;
	const struct snapshot *s = v->snap;
	struct json j;
	size_t nleak = 0;

	for (size_t i = 0; i < v->rep->n; i++)
		nleak += trend_leak_counts(&v->rep->v[i]);
	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_bool(&j, "final", v->final);
	json_kv_u64(&j, "samples", set->samples);
	json_kv_double(&j, "elapsed_s", set->last_t);
	json_kv_double(&j, "interval_s", v->interval_s);
	json_key(&j, "window");
	json_obj_begin(&j);
	json_kv_u64(&j, "points", set->n);
	json_kv_u64(&j, "samples_per_point", set->stride);
	json_kv_double(&j, "seconds", v->rep->window_s);
	json_obj_end(&j);
	json_kv_double(&j, "leak_window_s", v->rep->leak_window_s);
	json_key(&j, "host");
	json_obj_begin(&j);
	json_kv_str(&j, "release", s && s->release[0] ? s->release : NULL);
	json_kv_str(&j, "hostname", s && s->hostname[0] ? s->hostname : NULL);
	json_obj_end(&j);
	json_key(&j, "recording");
	if (v->file) {
		json_obj_begin(&j);
		json_kv_str(&j, "file", v->file);
		json_kv_bool(&j, "truncated", v->truncated);
		json_key(&j, "truncated_at");
		if (v->truncated)
			json_u64(&j, v->truncated_at);
		else
			json_null(&j);
		json_obj_end(&j);
	} else {
		json_null(&j);
	}
	json_key(&j, "container");
	if (v->container) {
		json_obj_begin(&j);
		json_kv_str(&j, "name", v->container->name);
		json_kv_str(&j, "path", v->container->path);
		json_obj_end(&j);
	} else {
		json_null(&j);
	}
	render_sources(&j, v);
	render_meminfo(&j, set);
	render_load(&j, v);
	json_kv_u64(&j, "series", set->count);
	json_kv_u64(&j, "leak_count", nleak);
	json_key(&j, "leaks");
	json_arr_begin(&j);
	for (size_t i = 0; i < v->rep->n; i++)
		render_leak(&j, set, &v->rep->v[i]);
	json_arr_end(&j);
	render_klog(&j, v);
	json_obj_end(&j);
	json_end_doc(&j);
}

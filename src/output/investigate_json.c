// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak investigate --json`: one document with the sections detect,
 * localize, confirm, verdict and cost (docs/investigate.md); every key is
 * present, absent things are null.
 */
#include "investigate_render.h"

#include <string.h>

#include "output/json.h"

/* A string that is "" when unknown: null then. */
static void kv_opt(struct json *j, const char *k, const char *v)
{
	json_kv_str(j, k, v && *v ? v : NULL);
}

/* A share or fraction: null when unknown (negative). */
static void kv_share(struct json *j, const char *k, double v)
{
	json_key(j, k);
	if (v < 0)
		json_null(j);
	else
		json_double(j, v);
}

static void kv_reclaimable(struct json *j, int r)
{
	json_key(j, "reclaimable");
	if (r < 0)
		json_null(j);
	else
		json_bool(j, r == 1);
}

static void series_body(struct json *j, const struct inv_series *s)
{
	json_kv_str(j, "source", series_source_name(s->source));
	json_kv_str(j, "name", s->name);
	kv_opt(j, "module", s->module);
	kv_reclaimable(j, s->reclaimable);
	json_kv_bool(j, "aggregate", s->aggregate);
	json_kv_double(j, "bytes", s->bytes);
	json_kv_double(j, "growth_bytes", s->growth_bytes);
	json_kv_double(j, "rate_bytes_per_hour", s->rate_bytes_per_hour);
	json_kv_double(j, "trend_confidence", s->trend_confidence);
	json_kv_double(j, "trend_p_adjusted", s->p_adjusted);
	json_kv_str(j, "verdict", trend_verdict_name(s->verdict));
	json_kv_str(j, "reason", trend_reason_name(s->reason));
	json_kv_double(j, "evidence_s", s->evidence_s);
}

static void series_obj(struct json *j, const char *k, const struct inv_series *s, bool have)
{
	json_key(j, k);
	if (!have) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	series_body(j, s);
	json_obj_end(j);
}

static void detect_sources(struct json *j, const struct inv_detect *d)
{
	json_key(j, "sources");
	json_obj_begin(j);
	for (size_t i = 0; i < d->nsources; i++) {
		json_key(j, d->sources[i].name);
		json_obj_begin(j);
		json_kv_bool(j, "ok", d->sources[i].ok);
		kv_opt(j, "error", d->sources[i].error);
		json_obj_end(j);
	}
	json_obj_end(j);
	json_kv_u64(j, "series", d->series);
	json_key(j, "series_by_source");
	json_obj_begin(j);
	for (int s = 0; s < SERIES_NSOURCES; s++)
		json_kv_u64(j, series_source_name((enum series_source)s), d->by_source[s]);
	json_obj_end(j);
}

static void detect_suspect(struct json *j, const struct inv_detect *d)
{
	json_key(j, "suspect");
	if (!d->has_suspect) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	series_body(j, &d->suspect);
	json_kv_bool(j, "weak", d->weak);
	json_kv_double(j, "found_at_s", d->found_at_s);
	json_obj_end(j);
}

static void detect_json(struct json *j, const struct inv_detect *d)
{
	json_key(j, "detect");
	json_obj_begin(j);
	json_kv_str(j, "stopped", inv_stop_name(d->stop));
	json_kv_double(j, "elapsed_s", d->elapsed_s);
	json_kv_u64(j, "samples", d->samples);
	json_kv_double(j, "interval_first_s", d->interval_first_s);
	json_kv_double(j, "interval_last_s", d->interval_last_s);
	detect_sources(j, d);
	series_obj(j, "kernel", &d->kernel, d->have_kernel);
	json_kv_double(j, "floor_bytes_per_hour", d->floor_bytes_per_hour);
	json_key(j, "growing");
	json_arr_begin(j);
	for (size_t i = 0; i < d->ngrowing; i++) {
		json_obj_begin(j);
		series_body(j, &d->growing[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
	detect_suspect(j, d);
	json_key(j, "signals");
	json_arr_begin(j);
	for (size_t i = 0; i < d->nsignals; i++) {
		json_obj_begin(j);
		json_kv_str(j, "severity", severity_name(d->signals[i].severity));
		json_kv_str(j, "id", d->signals[i].id);
		json_kv_str(j, "subject", d->signals[i].subject);
		json_kv_str(j, "summary", d->signals[i].summary);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

/* "a, b" as ["a", "b"]. */
static void aliases(struct json *j, const char *s)
{
	json_key(j, "aliases");
	json_arr_begin(j);
	while (s && *s) {
		size_t n = strcspn(s, ",");

		json_strn(j, s, n);
		s += n;
		while (*s == ',' || *s == ' ')
			s++;
	}
	json_arr_end(j);
}

static void kv_index(struct json *j, const char *k, int i)
{
	json_key(j, k);
	if (i < 0)
		json_null(j);
	else
		json_i64(j, i);
}

static void link_json(struct json *j, const struct inv_link *l)
{
	json_obj_begin(j);
	json_kv_str(j, "role", inv_role_name(l->role));
	series_body(j, &l->s);
	aliases(j, l->aliases);
	kv_index(j, "parent", l->parent);
	kv_share(j, "share", l->share);
	kv_share(j, "object_bytes", l->object_bytes > 0 ? l->object_bytes : -1);
	kv_share(j, "objects_per_hour", l->object_bytes > 0 ? l->objects_per_hour : -1);
	json_obj_end(j);
}

static void localize_json(struct json *j, const struct inv_localize *l)
{
	json_key(j, "localize");
	json_obj_begin(j);
	json_kv_str(j, "kind", l->suspect >= 0 ? inv_kind_name(l->kind) : NULL);
	json_kv_bool(j, "weak", l->weak);
	json_key(j, "links");
	json_arr_begin(j);
	for (size_t i = 0; i < l->n; i++)
		link_json(j, &l->v[i]);
	json_arr_end(j);
	kv_index(j, "suspect", l->suspect);
	kv_index(j, "aggregate", l->aggregate);
	kv_index(j, "site", l->site);
	json_key(j, "container");
	if (!l->has_container) {
		json_null(j);
	} else {
		json_obj_begin(j);
		json_kv_str(j, "name", l->container);
		json_kv_str(j, "path", l->container_path);
		json_kv_double(j, "growth_bytes", l->container_growth_bytes);
		kv_share(j, "share", l->container_share);
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void callsite_json(struct json *j, const struct inv_callsite *c)
{
	json_obj_begin(j);
	json_kv_str(j, "callsite", c->callsite);
	json_kv_str(j, "function", c->function);
	kv_opt(j, "module", c->module);
	kv_opt(j, "cache", c->cache);
	kv_opt(j, "caller", c->caller);
	kv_opt(j, "caller_module", c->caller[0] ? c->caller_module : "");
	json_kv_u64(j, "allocs", c->allocs);
	json_kv_u64(j, "frees", c->frees);
	json_kv_u64(j, "outstanding_count", c->outstanding);
	json_kv_u64(j, "outstanding_bytes", c->outstanding_bytes);
	json_kv_u64(j, "aged_count", c->aged);
	json_kv_u64(j, "aged_bytes", c->aged_bytes);
	json_kv_double(j, "oldest_age_s", c->oldest_age_s);
	json_kv_double(j, "rate_bytes_per_hour", c->rate_bytes_per_hour);
	kv_share(j, "share", c->share);
	json_kv_bool(j, "leaking", c->leaking);
	kv_opt(j, "site", c->site);
	json_kv_str(j, "site_joined_by",
		    !c->site[0]		? NULL
		    : c->site_by_growth ? "growth"
					: "name");
	json_key(j, "pids");
	json_arr_begin(j);
	for (size_t i = 0; i < c->npids; i++) {
		json_obj_begin(j);
		json_kv_u64(j, "pid", c->pids[i].pid);
		kv_opt(j, "comm", c->pids[i].comm);
		kv_opt(j, "container", c->pids[i].container);
		json_kv_u64(j, "outstanding_count", c->pids[i].count);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void trace_json(struct json *j, const struct inv_trace_result *t)
{
	json_key(j, "trace");
	if (!t->ran) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	kv_opt(j, "filter", t->events);
	json_kv_double(j, "elapsed_s", t->elapsed_s);
	json_kv_double(j, "min_age_s", t->min_age_s);
	json_kv_u64(j, "allocs", t->allocs);
	json_kv_u64(j, "frees", t->frees);
	json_kv_u64(j, "callsites_seen", t->total);
	json_kv_u64(j, "recursion_misses", t->recursion_misses);
	json_kv_u64(j, "dropped", t->dropped);
	json_kv_u64(j, "unmatched_frees", t->unmatched_frees);
	json_kv_u64(j, "map_bytes", t->map_bytes);
	kv_index(j, "culprit", t->culprit);
	json_key(j, "callsites");
	json_arr_begin(j);
	for (size_t i = 0; i < t->n; i++)
		callsite_json(j, &t->v[i]);
	json_arr_end(j);
	json_obj_end(j);
}

static void methods_json(struct json *j, const struct inv_plan *p)
{
	json_key(j, "methods");
	json_arr_begin(j);
	for (int m = 0; m < INV_M_N; m++)
		if (p->run[m])
			json_str(j, inv_method_name((enum inv_method)m));
	json_arr_end(j);
	json_key(j, "not_run");
	json_arr_begin(j);
	for (size_t i = 0; i < p->nnot; i++) {
		json_obj_begin(j);
		json_kv_str(j, "method", inv_method_name(p->not_run[i].method));
		json_kv_str(j, "reason", p->not_run[i].reason);
		json_kv_str(j, "missing", p->not_run[i].missing);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void vmalloc_json(struct json *j, const struct inv_confirm *c)
{
	json_key(j, "vmallocinfo");
	if (!c->vmalloc_have) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_str(j, "callsite", c->vmalloc_callsite);
	json_kv_u64(j, "areas", c->vmalloc_areas);
	json_kv_u64(j, "bytes", c->vmalloc_bytes);
	json_kv_double(j, "areas_gained", c->vmalloc_areas_gained);
	json_obj_end(j);
}

static void kmemleak_json(struct json *j, const struct inv_kmemleak_result *k)
{
	json_key(j, "kmemleak");
	if (!k->ran) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_u64(j, "objects", k->objects);
	json_kv_u64(j, "groups", k->groups);
	json_kv_u64(j, "matched_objects", k->matched_objects);
	json_kv_u64(j, "matched_bytes", k->matched_bytes);
	json_kv_u64(j, "matched_groups", k->matched_groups);
	kv_opt(j, "function", k->function);
	kv_opt(j, "module", k->module);
	kv_opt(j, "backtrace", k->backtrace);
	json_obj_end(j);
}

static void count_json(struct json *j, const struct inv_count_result *c)
{
	json_key(j, "count");
	if (!c->ran) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_u64(j, "alloc", c->alloc);
	json_kv_u64(j, "free", c->free);
	json_kv_u64(j, "outstanding", c->outstanding);
	json_kv_str(j, "verdict", c->verdict);
	json_kv_double(j, "elapsed_s", c->elapsed_s);
	json_obj_end(j);
}

static void reclaim_json(struct json *j, const struct inv_reclaim_result *r)
{
	json_key(j, "reclaim");
	if (!r->counter) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_str(j, "counter", r->counter);
	json_kv_str(j, "state", inv_reclaim_name(r->state));
	json_kv_double(j, "objects_gained", r->objects);
	json_kv_double(j, "unused_gained", r->unused);
	json_kv_double(j, "negative_gained", r->negative);
	json_kv_double(j, "in_use_gained", r->in_use);
	json_obj_end(j);
}

static void process_json(struct json *j, const struct inv_process *p)
{
	json_key(j, "process");
	if (!p->have) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_u64(j, "pid", p->pid);
	kv_opt(j, "comm", p->comm);
	json_key(j, "fds");
	p->have_fds ? json_u64(j, p->fds) : json_null(j);
	json_key(j, "sockets");
	p->have_fds ? json_u64(j, p->sockets) : json_null(j);
	kv_opt(j, "cgroup", p->cgroup);
	kv_opt(j, "container", p->container);
	json_obj_end(j);
}

static void module_json(struct json *j, const struct inv_module *m)
{
	json_key(j, "module");
	if (!m->have) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_str(j, "name", m->name);
	json_kv_bool(j, "loaded", m->loaded);
	json_kv_str(j, "taints", m->taints);
	json_kv_bool(j, "out_of_tree", strchr(m->taints, 'O') != NULL);
	json_kv_bool(j, "unsigned", strchr(m->taints, 'E') != NULL);
	kv_opt(j, "srcversion", m->srcversion);
	kv_opt(j, "version", m->version);
	json_obj_end(j);
}

static void confirm_json(struct json *j, const struct inv_confirm *c)
{
	json_key(j, "confirm");
	json_obj_begin(j);
	methods_json(j, &c->plan);
	json_kv_double(j, "budget_s", c->budget_s);
	json_kv_double(j, "elapsed_s", c->elapsed_s);
	json_key(j, "series");
	json_obj_begin(j);
	json_kv_bool(j, "sampled", c->series_have);
	json_kv_double(j, "rate_bytes_per_hour", c->series_rate_bph);
	json_kv_bool(j, "sustained", c->sustained);
	json_obj_end(j);
	trace_json(j, &c->trace);
	vmalloc_json(j, c);
	kmemleak_json(j, &c->kmemleak);
	count_json(j, &c->count);
	reclaim_json(j, &c->reclaim);
	process_json(j, &c->process);
	module_json(j, &c->module);
	json_obj_end(j);
}

static void culprit_json(struct json *j, const char *k, const struct inv_culprit *c, bool have)
{
	json_key(j, k);
	if (!have) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_str(j, "kind", inv_kind_name(c->kind));
	json_kv_str(j, "name", c->name);
	kv_opt(j, "module", c->module);
	kv_opt(j, "callsite", c->callsite);
	kv_opt(j, "site", c->site);
	json_key(j, "pid");
	c->has_pid ? json_u64(j, c->pid) : json_null(j);
	kv_opt(j, "comm", c->has_pid ? c->comm : "");
	kv_opt(j, "container", c->container);
	kv_share(j, "explains_fraction", c->explains_fraction);
	json_obj_end(j);
}

static void verdict_json(struct json *j, const struct inv_verdict *v)
{
	json_key(j, "verdict");
	json_obj_begin(j);
	json_kv_str(j, "verdict", v->has_verdict ? trend_verdict_name(v->verdict) : NULL);
	kv_opt(j, "reason", v->has_verdict ? v->reason : "nothing_grows");
	json_kv_str(j, "summary", v->summary);
	culprit_json(j, "culprit", &v->culprit, v->has_culprit);
	culprit_json(j, "suspect", &v->suspect, v->has_suspect);
	json_key(j, "chain");
	json_arr_begin(j);
	for (size_t i = 0; i < v->nchain; i++) {
		json_obj_begin(j);
		json_kv_str(j, "step", v->chain[i].step);
		json_kv_str(j, "text", v->chain[i].text);
		json_key(j, "rate_bytes_per_hour");
		v->chain[i].rate_bytes_per_hour != 0
			? json_double(j, v->chain[i].rate_bytes_per_hour)
			: json_null(j);
		kv_share(j, "share", v->chain[i].share);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "next");
	json_arr_begin(j);
	for (size_t i = 0; i < v->nnext; i++)
		json_str(j, v->next[i]);
	json_arr_end(j);
	json_obj_end(j);
}

static void cost_json(struct json *j, const struct inv_cost *c)
{
	json_key(j, "cost");
	json_obj_begin(j);
	json_kv_double(j, "cpu_s", c->cpu_user_s + c->cpu_sys_s);
	json_kv_double(j, "cpu_user_s", c->cpu_user_s);
	json_kv_double(j, "cpu_sys_s", c->cpu_sys_s);
	json_kv_bool(j, "bpf_stats", c->bpf_stats);
	json_key(j, "bpf_run_time_ns");
	c->bpf_stats ? json_u64(j, c->bpf_run_time_ns) : json_null(j);
	json_key(j, "bpf_run_count");
	c->bpf_stats ? json_u64(j, c->bpf_run_count) : json_null(j);
	json_kv_u64(j, "max_rss_bytes", c->max_rss_bytes);
	json_kv_u64(j, "bpf_map_bytes", c->bpf_map_bytes);
	json_kv_u64(j, "samples", c->samples);
	json_obj_end(j);
}

void investigate_render_json(FILE *f, const struct inv_report *r)
{
	struct json j;

	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_bool(&j, "final", r->final);
	json_key(&j, "host");
	json_obj_begin(&j);
	json_kv_str(&j, "release", r->release);
	json_kv_str(&j, "hostname", r->hostname);
	json_obj_end(&j);
	json_kv_double(&j, "elapsed_s", r->elapsed_s);
	json_kv_double(&j, "max_duration_s", r->max_s);
	json_kv_double(&j, "leak_window_s", r->leak_window_s);
	detect_json(&j, &r->detect);
	localize_json(&j, &r->localize);
	confirm_json(&j, &r->confirm);
	verdict_json(&j, &r->verdict);
	cost_json(&j, &r->cost);
	json_obj_end(&j);
	json_end_doc(&j);
}

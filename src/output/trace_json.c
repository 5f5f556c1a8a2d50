// SPDX-License-Identifier: GPL-2.0
/* `kleak trace`'s NDJSON objects (see trace_render.h). */
#include "output/trace_render.h"

#include <stdio.h>

#include "output/json.h"

/* KEY, KEY_low, KEY_high: an estimate and its 95% bounds (equal when exact). */
static void json_est(struct json *j, const char *key, const struct trace_est *e)
{
	char k[64];

	json_kv_u64(j, key, e->v);
	snprintf(k, sizeof(k), "%s_low", key);
	json_kv_u64(j, k, e->lo);
	snprintf(k, sizeof(k), "%s_high", key);
	json_kv_u64(j, k, e->hi);
}

static void json_rate(struct json *j, const char *key, const struct trace_rate *r)
{
	char k[64];

	json_kv_double(j, key, r->v);
	snprintf(k, sizeof(k), "%s_low", key);
	json_kv_double(j, k, r->lo);
	snprintf(k, sizeof(k), "%s_high", key);
	json_kv_double(j, k, r->hi);
}

static void json_pids(struct json *j, const struct trace_callsite *c)
{
	json_key(j, "pids");
	json_arr_begin(j);
	for (size_t i = 0; i < c->npids; i++) {
		json_obj_begin(j);
		json_kv_u64(j, "pid", c->pids[i].pid);
		json_kv_str(j, "comm", c->pids[i].comm[0] ? c->pids[i].comm : NULL);
		json_est(j, "outstanding_count", &c->pids[i].count);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_stacks(struct json *j, const struct trace_report *rep,
			const struct trace_callsite *c, const struct render_opts *o)
{
	char buf[300];

	json_key(j, "stacks");
	json_arr_begin(j);
	for (size_t i = 0; i < c->nstacks; i++) {
		json_obj_begin(j);
		json_kv_u64(j, "count", c->stacks[i].count);
		json_key(j, "frames");
		json_arr_begin(j);
		for (size_t f = 0; f < c->stacks[i].nframes; f++)
			json_str(j, trace_render_frame(rep, c->stacks[i].frames[f], o, buf,
						       sizeof(buf)));
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_names_of(struct json *j, const struct trace_callsite *c,
			  const struct render_opts *o)
{
	char buf[32];

	json_kv_str(j, "callsite", c->callsite);
	json_kv_str(j, "function", c->function);
	json_kv_str(j, "clone", c->clone[0] ? c->clone : NULL);
	json_kv_str(j, "module", c->module[0] ? c->module : NULL);
	json_kv_str(j, "cache", c->cache_name[0] ? c->cache_name : NULL);
	json_key(j, "aliases");
	json_arr_begin(j);
	for (size_t i = 0; i < c->naliases; i++)
		json_str(j, c->aliases[i]);
	json_arr_end(j);
	json_kv_str(j, "kind", trace_kind_name(c->kind));
	if (o->show_addresses) {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)c->addr);
		json_kv_str(j, "address", buf);
	}
}

static void json_callsite(struct json *j, const struct trace_report *rep,
			  const struct trace_callsite *c, const struct render_opts *o)
{
	json_obj_begin(j);
	json_names_of(j, c, o);
	json_est(j, "outstanding_count", &c->outstanding_count);
	json_est(j, "outstanding_bytes", &c->outstanding_bytes);
	json_est(j, "unconfirmed_count", &c->unconfirmed_count);
	json_est(j, "unconfirmed_bytes", &c->unconfirmed_bytes);
	json_est(j, "allocs", &c->allocs);
	json_est(j, "frees", &c->frees);
	json_est(j, "repaired", &c->repaired);
	json_kv_u64(j, "missed_deletes", c->s.missed_deletes);
	json_est(j, "alloc_bytes", &c->alloc_bytes);
	json_est(j, "free_bytes", &c->free_bytes);
	json_rate(j, "alloc_rate_per_s", &c->alloc_rate);
	json_rate(j, "free_rate_per_s", &c->free_rate);
	json_kv_double(j, "oldest_age_s", c->oldest_age_ns / 1e9);
	json_kv_u64(j, "sampled_objects", rep->min_age_ns ? c->s.aged : c->s.live);
	json_pids(j, c);
	json_stacks(j, rep, c, o);
	json_obj_end(j);
}

static void json_names(struct json *j, const char *key, const char (*v)[32], size_t n)
{
	json_key(j, key);
	json_arr_begin(j);
	for (size_t i = 0; i < n; i++)
		json_str(j, v[i]);
	json_arr_end(j);
}

static void json_counters(struct json *j, const struct trace_report *rep)
{
	const uint64_t *ct = rep->counters;

	json_kv_u64(j, "lost", 0); /* kept for the schema: no event stream, nothing to lose */
	json_kv_u64(j, "dropped", ct[TC_DROPPED_OBJECTS] + ct[TC_DROPPED_SITES]);
	json_kv_u64(j, "dropped_objects", ct[TC_DROPPED_OBJECTS]);
	json_kv_u64(j, "dropped_callsites", ct[TC_DROPPED_SITES]);
	json_kv_u64(j, "missed_deletes", ct[TC_MISSED_DELETES]);
	json_kv_u64(j, "recursion_misses", rep->recursion_misses);
	json_kv_u64(j, "repaired", ct[TC_REPAIRED]);
	json_kv_u64(j, "unmatched_frees", ct[TC_UNMATCHED_FREES]);
	json_kv_u64(j, "stack_errors", ct[TC_STACK_ERRORS]);
	json_kv_u64(j, "stack_collisions", ct[TC_STACK_COLLISIONS]);
}

static void json_programs(struct json *j, const struct trace_report *rep)
{
	json_key(j, "programs");
	json_arr_begin(j);
	for (size_t i = 0; i < rep->nprogs; i++) {
		json_obj_begin(j);
		json_kv_str(j, "event", rep->progs[i].name);
		json_kv_u64(j, "run_count", rep->progs[i].run_count);
		json_kv_u64(j, "run_time_ns", rep->progs[i].run_time_ns);
		json_kv_u64(j, "recursion_misses", rep->progs[i].recursion_misses);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_run(struct json *j, const struct trace_report *rep)
{
	const struct trace_info *in = rep->info;

	json_kv_bool(j, "final", rep->final);
	json_kv_double(j, "elapsed_s", rep->elapsed_ns / 1e9);
	json_kv_double(j, "interval_s", rep->interval_ns / 1e9);
	json_names(j, "events", in->attached, in->nattached);
	json_names(j, "missing_events", in->missing, in->nmissing);
	json_kv_u64(j, "sample", rep->sample);
	json_kv_u64(j, "sample_seed", in->sample_seed);
	json_kv_bool(j, "estimated", rep->sample > 1);
	json_kv_double(j, "min_age_s", rep->min_age_ns / 1e9);
	json_kv_u64(j, "max_entries", in->max_entries);
	json_kv_u64(j, "max_callsites", in->max_callsites);
	json_kv_u64(j, "map_bytes", in->map_bytes);
	json_kv_u64(j, "objects_tracked", rep->objects);
}

void trace_render_json(FILE *f, const struct trace_report *rep, const struct render_opts *o)
{
	struct json j;

	json_init(&j, f, false);
	json_obj_begin(&j);
	json_run(&j, rep);
	json_est(&j, "outstanding_count", &rep->outstanding_count);
	json_est(&j, "outstanding_bytes", &rep->outstanding_bytes);
	json_est(&j, "unconfirmed_count", &rep->unconfirmed_count);
	json_est(&j, "unconfirmed_bytes", &rep->unconfirmed_bytes);
	json_counters(&j, rep);
	json_programs(&j, rep);
	json_key(&j, "callsites");
	json_arr_begin(&j);
	for (size_t i = 0; i < rep->ncs; i++)
		if (trace_render_shown(rep, &rep->cs[i]))
			json_callsite(&j, rep, &rep->cs[i], o);
	json_arr_end(&j);
	json_obj_end(&j);
	json_end_doc(&j);
}

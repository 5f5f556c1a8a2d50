// SPDX-License-Identifier: GPL-2.0
/* `kleak count`'s NDJSON objects (see count_render.h). */
#include "output/count_render.h"

#include "output/json.h"

static void json_what(struct json *j, const struct count_report *r)
{
	const struct target_cache *c = r->funcs ? NULL : &r->target->cache;
	const struct count_funcs *f = r->funcs;

	json_kv_str(j, "cache", c ? c->cache : NULL);
	json_key(j, "aliases");
	json_arr_begin(j);
	for (size_t i = 0; c && i < c->naliases; i++)
		json_str(j, c->aliases[i]);
	json_arr_end(j);
	if (c && c->kmalloc_size)
		json_kv_u64(j, "kmalloc_bytes", c->kmalloc_size);
	else
		json_kv_str(j, "kmalloc_bytes", NULL);
	json_kv_str(j, "alloc_func", f ? f->alloc : NULL);
	json_kv_str(j, "free_func", f ? f->free : NULL);
	json_kv_str(j, "object_type", f && f->obj_type[0] ? f->obj_type : NULL);
	json_kv_str(j, "mechanism", r->mechanism);
	json_kv_str(j, "mechanism_note", r->note && r->note[0] ? r->note : NULL);
}

static void json_scope(struct json *j, const struct count_report *r)
{
	const struct target *t = r->target;
	const char *cgroup = t->has_cgroup ? t->cgroup.path : NULL;

	json_kv_str(j, "scope", t->tgid ? "pid" : cgroup ? "cgroup" : "system");
	if (t->tgid)
		json_kv_u64(j, "pid", t->tgid);
	else
		json_kv_str(j, "pid", NULL);
	json_kv_bool(j, "pid_exited", r->pid_exited);
	json_kv_str(j, "cgroup", cgroup);
	if (cgroup) {
		json_kv_u64(j, "cgroup_id", t->cgroup.id);
		json_kv_i64(j, "cgroup_version", t->cgroup.version);
	} else {
		json_kv_str(j, "cgroup_id", NULL);
		json_kv_str(j, "cgroup_version", NULL);
	}
}

void count_render_json(FILE *f, const struct count_report *r)
{
	const struct count_counters *c = &r->cur.c;
	struct json j;

	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_bool(&j, "final", r->final);
	json_kv_double(&j, "time", r->time);
	json_kv_double(&j, "elapsed_s", (double)r->cur.t_ns / 1e9);
	json_kv_double(&j, "interval_s", r->rates.dt_s);
	json_what(&j, r);
	json_scope(&j, r);
	json_kv_u64(&j, "alloc", c->stat[CS_ALLOC]);
	json_kv_u64(&j, "free", c->stat[CS_FREE]);
	json_kv_u64(&j, "outstanding", r->outstanding);
	json_kv_double(&j, "alloc_rate_per_sec", r->rates.alloc);
	json_kv_double(&j, "free_rate_per_sec", r->rates.free);
	json_kv_double(&j, "outstanding_rate_per_sec", r->rates.outstanding);
	json_kv_u64(&j, "free_untracked", c->stat[CS_FREE_UNTRACKED]);
	json_kv_u64(&j, "repaired", c->stat[CS_REPAIRED]);
	json_kv_u64(&j, "dropped", c->stat[CS_DROPPED]);
	json_kv_u64(&j, "map_busy", c->stat[CS_BUSY]);
	json_kv_u64(&j, "recursion_misses", c->recursion_misses);
	json_kv_u64(&j, "max_objects", r->max_objects);
	json_kv_str(&j, "verdict", count_verdict_name(r->verdict));
	json_kv_bool(&j, "incomplete", r->incomplete);
	json_kv_str(&j, "verdict_reason", r->reason);
	json_obj_end(&j);
	json_end_doc(&j);
}

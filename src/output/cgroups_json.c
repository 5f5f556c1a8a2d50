// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak cgroups --json`: one document, every cgroup kleak read (roots
 * aside) in rank order; a value the kernel does not report is null.
 * The schema is docs/cgroups.md.
 */
#include "output/cgroups_render.h"
#include "output/json.h"

static void kv_value(struct json *j, const char *key, const struct memcg *m, enum memcg_value v)
{
	json_key(j, key);
	if (memcg_has(m, v))
		json_u64(j, m->v[v]);
	else
		json_null(j);
}

static void events(struct json *j, const struct memcg *m)
{
	json_key(j, "events");
	json_obj_begin(j);
	kv_value(j, "max", m, MEMCG_EV_MAX);
	kv_value(j, "oom", m, MEMCG_EV_OOM);
	kv_value(j, "oom_kill", m, MEMCG_EV_OOM_KILL);
	kv_value(j, "failcnt", m, MEMCG_FAILCNT);
	kv_value(j, "kmem_failcnt", m, MEMCG_KMEM_FAILCNT);
	json_obj_end(j);
}

static void row(struct json *j, const struct cgroup_row *x)
{
	const struct memcg *m = &x->ent->m;
	const struct cgroup_ident *id = &x->ident;

	json_obj_begin(j);
	json_kv_str(j, "path", x->ent->path);
	json_kv_str(j, "name", x->name[0] ? x->name : NULL);
	json_kv_str(j, "runtime", id->runtime);
	json_kv_str(j, "id", id->kind == CGROUP_POD ? id->pod_uid : id->id[0] ? id->id : NULL);
	json_kv_str(j, "pod_uid", id->pod_uid[0] ? id->pod_uid : NULL);
	json_kv_i64(j, "version", m->version);
	json_key(j, "kernel_bytes");
	if (x->kernel_reported)
		json_u64(j, x->kernel_bytes);
	else
		json_null(j);
	kv_value(j, "slab_reclaimable_bytes", m, MEMCG_SLAB_RECLAIMABLE);
	kv_value(j, "slab_unreclaimable_bytes", m, MEMCG_SLAB_UNRECLAIMABLE);
	kv_value(j, "slab_bytes", m, MEMCG_SLAB);
	kv_value(j, "kernel_stack_bytes", m, MEMCG_KERNEL_STACK);
	kv_value(j, "pagetables_bytes", m, MEMCG_PAGETABLES);
	kv_value(j, "sec_pagetables_bytes", m, MEMCG_SEC_PAGETABLES);
	kv_value(j, "percpu_bytes", m, MEMCG_PERCPU);
	kv_value(j, "sock_bytes", m, MEMCG_SOCK);
	kv_value(j, "vmalloc_bytes", m, MEMCG_VMALLOC);
	kv_value(j, "memory_bytes", m, MEMCG_MEMORY);
	kv_value(j, "limit_bytes", m, MEMCG_LIMIT);
	json_key(j, "effective_limit_bytes");
	if (x->has_limit)
		json_u64(j, x->limit_bytes);
	else
		json_null(j);
	json_kv_u64(j, "rank_kernel_bytes", x->kernel_bytes);
	json_kv_u64(j, "children_kernel_bytes", x->children_kernel_bytes);
	json_kv_bool(j, "aggregate", x->aggregate);
	events(j, m);
	json_obj_end(j);
}

static void findings(struct json *j, const struct cgroups_report *r)
{
	json_key(j, "findings");
	json_arr_begin(j);
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];

		json_obj_begin(j);
		json_kv_str(j, "severity", severity_name(f->severity));
		json_kv_str(j, "id", f->id);
		json_kv_str(j, "subject", f->subject);
		json_kv_str(j, "summary", f->summary);
		json_kv_str(j, "evidence", f->evidence);
		json_kv_str(j, "next", f->next);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void hierarchies(struct json *j, const struct cgroup_set *s)
{
	json_key(j, "hierarchies");
	json_arr_begin(j);
	for (size_t i = 0; i < s->hiers.n; i++) {
		json_obj_begin(j);
		json_kv_i64(j, "version", s->hiers.v[i].version);
		json_kv_str(j, "dir", s->hiers.v[i].dir);
		json_kv_str(j, "root", s->hiers.v[i].prefix);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void host(struct json *j, const struct cgroups_report *r)
{
	json_key(j, "host");
	json_obj_begin(j);
	json_key(j, "mem_total_bytes");
	r->have_host ? json_u64(j, r->host_total_bytes) : json_null(j);
	json_key(j, "mem_available_bytes");
	r->have_host ? json_u64(j, r->host_available_bytes) : json_null(j);
	json_obj_end(j);
}

void cgroups_render_json(FILE *f, const struct cgroups_report *r, const struct render_opts *o)
{
	const struct cgroup_set *s = r->set;
	char msg[1024];
	struct json j;

	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_str(&j, "kleak_version", KLEAK_VERSION);
	hierarchies(&j, s);
	host(&j, r);
	json_kv_u64(&j, "cgroups_read", s->stats.visited);
	json_kv_bool(&j, "capped", s->stats.capped);
	json_kv_u64(&j, "max_cgroups", s->max_cgroups);
	json_kv_u64(&j, "unreadable_files", s->stats.unreadable);
	json_kv_str(&j, "names_error",
		    s->names_err.code ? kerr_str(&s->names_err, msg, sizeof(msg)) : NULL);
	json_key(&j, "cgroups");
	json_arr_begin(&j);
	for (size_t i = 0; i < r->nrows; i++)
		row(&j, &r->rows[i]);
	json_arr_end(&j);
	findings(&j, r);
	json_obj_end(&j);
	json_end_doc(&j);
}

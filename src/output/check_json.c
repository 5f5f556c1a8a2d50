// SPDX-License-Identifier: GPL-2.0
/* `kleak check --json`: one document; the schema is docs/check.md. */
#include <string.h>

#include "output/check_render.h"
#include "output/json.h"
#include "output/klog_json.h"

static void sources(struct json *j, const struct snapshot *s)
{
	char msg[1024];

	json_key(j, "sources");
	json_obj_begin(j);
	for (int i = 0; i < SRC_COUNT; i++) {
		json_key(j, source_descs[i].name);
		json_obj_begin(j);
		json_kv_str(j, "status",
			    s->status[i] == SOURCE_OK	 ? "ok"
			    : s->status[i] == SOURCE_BAD ? "error"
							 : "missing");
		json_kv_str(j, "error",
			    s->status[i] == SOURCE_OK ? NULL
						      : kerr_str(&s->err[i], msg, sizeof(msg)));
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void meminfo(struct json *j, const struct snapshot *s)
{
	json_key(j, "meminfo");
	json_obj_begin(j);
	for (size_t i = 0; i < s->meminfo.n; i++)
		json_kv_u64(j, s->meminfo.v[i].name, s->meminfo.v[i].value);
	json_obj_end(j);
}

static void kernel(struct json *j, const struct check_report *r)
{
	const struct kmem_summary *k = &r->kmem;

	json_key(j, "kernel");
	json_obj_begin(j);
	json_kv_u64(j, "total_bytes", k->kernel_bytes);
	json_kv_u64(j, "mem_total_bytes", k->mem_total);
	json_kv_double(j, "pct_of_mem_total", kmem_pct(k, k->kernel_bytes));
	json_kv_u64(j, "unaccounted_bytes", k->unaccounted);
	json_kv_bool(j, "vmap_stack", k->vmap_stack);
	json_key(j, "components");
	json_arr_begin(j);
	for (int i = 0; i < k->ncomp; i++) {
		json_obj_begin(j);
		json_kv_str(j, "name", k->comp[i].name);
		json_kv_u64(j, "bytes", k->comp[i].bytes);
		json_kv_double(j, "pct_of_mem_total", kmem_pct(k, k->comp[i].bytes));
		json_kv_bool(j, "in_total", k->comp[i].in_total);
		json_kv_str(j, "note", k->comp[i].note);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void slab(struct json *j, const struct check_report *r)
{
	json_key(j, "slab");
	json_obj_begin(j);
	json_kv_u64(j, "total_bytes", r->slab_bytes);
	json_key(j, "caches");
	json_arr_begin(j);
	for (size_t i = 0; i < r->nslabs; i++) {
		const struct slab_row *s = &r->slabs[i];
		const struct slab_cache *c = s->cache;

		json_obj_begin(j);
		json_kv_str(j, "name", c->name);
		json_kv_u64(j, "bytes", s->bytes);
		json_kv_u64(j, "objects_bytes", s->objects_bytes);
		json_kv_u64(j, "active_objs", c->active_objs);
		json_kv_u64(j, "num_objs", c->num_objs);
		json_kv_u64(j, "objsize", c->objsize);
		json_kv_u64(j, "objperslab", c->objperslab);
		json_kv_u64(j, "pagesperslab", c->pagesperslab);
		json_kv_u64(j, "active_slabs", c->active_slabs);
		json_kv_u64(j, "num_slabs", c->num_slabs);
		json_key(j, "reclaimable");
		if (s->reclaimable < 0)
			json_null(j);
		else
			json_bool(j, s->reclaimable == 1);
		json_key(j, "aliases");
		json_arr_begin(j);
		for (size_t a = 0; a < s->naliases && a < CHECK_MAX_ALIASES; a++)
			json_str(j, s->aliases[a]);
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void vmalloc(struct json *j, const struct check_report *r, const struct render_opts *o)
{
	const struct vmalloc_groups *g = &r->vm;

	json_key(j, "vmalloc");
	json_obj_begin(j);
	json_kv_u64(j, "total_bytes", g->total_bytes);
	json_kv_u64(j, "builtin_bytes", g->builtin_bytes);
	json_kv_u64(j, "areas", g->areas);
	json_kv_u64(j, "unpurged_bytes", g->unpurged_bytes);
	json_kv_u64(j, "unpurged_areas", g->unpurged_areas);
	json_key(j, "by_caller");
	json_arr_begin(j);
	for (size_t i = 0; i < g->ncallers; i++) {
		const struct vmalloc_caller *c = &g->callers[i];

		json_obj_begin(j);
		json_kv_str(j, "caller", c->caller);
		json_kv_str(j, "module", c->module[0] ? c->module : NULL);
		json_kv_u64(j, "bytes", c->bytes);
		json_kv_u64(j, "size_bytes", c->size_bytes);
		json_kv_u64(j, "areas", c->areas);
		json_kv_bool(j, "unloaded", c->unloaded);
		json_kv_bool(j, "tainted", c->tainted);
		if (o->show_addresses && c->unloaded) {
			char a[24];

			snprintf(a, sizeof(a), "0x%llx", (unsigned long long)c->addr);
			json_kv_str(j, "address", a);
		}
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "by_module");
	json_arr_begin(j);
	for (size_t i = 0; i < g->nmodules; i++) {
		const struct vmalloc_module *m = &g->modules[i];
		bool anon = !strcmp(m->module, VMALLOC_UNLOADED);

		json_obj_begin(j);
		json_kv_str(j, "module", anon ? NULL : m->module);
		if (anon)
			json_kv_str(j, "note", VMALLOC_UNLOADED);
		json_kv_u64(j, "bytes", m->bytes);
		json_kv_u64(j, "areas", m->areas);
		json_kv_bool(j, "unloaded", m->unloaded);
		json_kv_bool(j, "tainted", m->tainted);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void kmemleak(struct json *j, const struct check_report *r)
{
	json_key(j, "kmemleak");
	if (!r->have_kmemleak) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_u64(j, "objects", r->kmemleak_objects);
	json_kv_u64(j, "bytes", r->kmemleak_bytes);
	json_kv_u64(j, "groups", r->kmemleak_groups);
	json_kv_str(j, "top", r->kmemleak_top);
	json_obj_end(j);
}

static void allocinfo_groups(struct json *j, const char *key, const struct allocinfo_group *g,
			     size_t n)
{
	json_key(j, key);
	json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(j);
		if (g[i].function)
			json_kv_str(j, "function", g[i].function);
		json_kv_str(j, "module", g[i].module);
		json_kv_u64(j, "bytes", g[i].bytes);
		json_kv_u64(j, "calls", g[i].calls);
		json_kv_u64(j, "sites", g[i].sites);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* /proc/allocinfo: null when the kernel has none (before 6.10, or off). */
static void allocinfo(struct json *j, const struct check_report *r)
{
	const struct allocinfo_top *t = &r->ai;
	char loc[512];

	json_key(j, "allocinfo");
	if (!r->have_allocinfo) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_u64(j, "version", r->snap->allocinfo.version);
	json_kv_u64(j, "total_bytes", t->total_bytes);
	json_kv_u64(j, "module_bytes", t->module_bytes);
	json_kv_u64(j, "empty_sites", t->empty);
	json_kv_u64(j, "inaccurate_sites", t->inaccurate);
	json_key(j, "sites");
	json_arr_begin(j);
	for (size_t i = 0; i < t->nsites; i++) {
		const struct alloc_site *s = t->sites[i];

		json_obj_begin(j);
		json_kv_str(j, "site", alloc_site_location(s, loc, sizeof(loc)));
		json_kv_str(j, "function", s->function);
		json_kv_str(j, "module", s->module);
		json_kv_u64(j, "bytes", alloc_site_bytes(s));
		json_kv_u64(j, "calls", s->calls);
		json_kv_bool(j, "accurate", s->accurate);
		json_kv_str(j, "kind", alloc_site_kind_name(alloc_site_kind(s)));
		json_obj_end(j);
	}
	json_arr_end(j);
	allocinfo_groups(j, "by_module", t->by_module, t->nmodules);
	allocinfo_groups(j, "by_function", t->by_function, t->nfunctions);
	json_obj_end(j);
}

static void findings(struct json *j, const struct check_report *r)
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
		/* when the kernel said it; null for what the snapshot shows */
		klog_json_stamp(j, f->from_log ? &f->at : NULL, f->has_wall, f->wall_ns);
		json_kv_u64(j, "count", f->count);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* The kernel log: what was read, and every event found in it, in log order. */
static void kernel_log(struct json *j, const struct check_report *r)
{
	const struct snapshot *s = r->snap;
	struct klog_json_status st = { 0 };
	char src[PATH_MAX + 64];
	size_t open = 0;

	json_key(j, "kernel_log");
	if (!r->have_klog) {
		json_null(j);
	} else {
		for (size_t i = 0; i < r->klog->n; i++)
			open += r->klog->v[i].open;
		st.source = snapshot_src(s, SRC_KMSG, src, sizeof(src));
		st.log = r->klog;
		st.reader = s->kmsg_read_live;
		st.cursor = s->kmsg_cursor;
		st.lost = s->kmsg_lost;
		st.overruns = s->kmsg_overruns;
		st.restarted = s->kmsg_restarted;
		st.records = r->klog->records;
		st.lost_records = r->klog->lost_records;
		st.boots = r->klog->boots;
		st.events = r->klog->n;
		st.open_events = open;
		klog_json_status(j, &st);
	}
	json_key(j, "events");
	json_arr_begin(j);
	for (size_t i = 0; r->have_klog && i < r->klog->n; i++)
		klog_json_event(j, &r->klog->v[i], s->boot_wall_ns, s->page_size);
	json_arr_end(j);
}

void check_render_json(FILE *f, const struct check_report *r, const struct render_opts *o)
{
	const struct snapshot *s = r->snap;
	struct json j;

	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_str(&j, "kleak_version", KLEAK_VERSION);
	json_kv_str(&j, "from", s->from[0] ? s->from : NULL);
	json_kv_str(&j, "release", s->release[0] ? s->release : NULL);
	json_kv_str(&j, "hostname", s->hostname[0] ? s->hostname : NULL);
	json_kv_i64(&j, "time", s->time_s);
	json_kv_u64(&j, "page_size", s->page_size);
	sources(&j, s);
	meminfo(&j, s);
	kernel(&j, r);
	slab(&j, r);
	vmalloc(&j, r, o);
	kmemleak(&j, r);
	allocinfo(&j, r);
	kernel_log(&j, r);
	findings(&j, r);
	json_obj_end(&j);
	json_end_doc(&j);
}

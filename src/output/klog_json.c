// SPDX-License-Identifier: GPL-2.0
/* JSON of kernel-log events and findings; the keys are in docs/klog.md. */
#include "output/klog_json.h"

#include <stdio.h>
#include <stdlib.h>

static void kv_str_or_null(struct json *j, const char *k, const char *v)
{
	json_kv_str(j, k, v && v[0] ? v : NULL);
}

static void kv_hex(struct json *j, const char *k, uint32_t v)
{
	char b[16];

	snprintf(b, sizeof(b), "0x%x", v);
	json_kv_str(j, k, b);
}

/*
 * time: wall clock, seconds since the epoch (as check's "time"); mono_ns:
 * printk's clock, exact; seq, line, caller.
 */
static void stamp(struct json *j, const struct klog_stamp *at, bool has_wall, int64_t wall_ns)
{
	if (!at) {
		static const char *const keys[] = { "time", "mono_ns", "seq", "line", "caller" };

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			json_key(j, keys[i]);
			json_null(j);
		}
		return;
	}
	json_key(j, "time");
	if (has_wall)
		json_i64(j, wall_ns >= 0 ? wall_ns / 1000000000
					 : -((-wall_ns + 999999999) / 1000000000));
	else
		json_null(j);
	json_key(j, "mono_ns");
	if (at->has_mono)
		json_u64(j, at->mono_ns);
	else
		json_null(j);
	json_key(j, "seq");
	if (at->has_seq)
		json_u64(j, at->seq);
	else
		json_null(j);
	json_kv_i64(j, "line", at->line);
	kv_str_or_null(j, "caller", at->caller);
}

static void mem_info(struct json *j, const struct klog_mem_info *m, uint64_t page_size)
{
	json_key(j, "mem_info");
	if (!m->present) {
		json_null(j);
		return;
	}
	json_obj_begin(j); /* pages, the kernel's names */
	json_kv_u64(j, "active_anon", m->active_anon);
	json_kv_u64(j, "inactive_anon", m->inactive_anon);
	json_kv_u64(j, "isolated_anon", m->isolated_anon);
	json_kv_u64(j, "active_file", m->active_file);
	json_kv_u64(j, "inactive_file", m->inactive_file);
	json_kv_u64(j, "isolated_file", m->isolated_file);
	json_kv_u64(j, "unevictable", m->unevictable);
	json_kv_u64(j, "slab_reclaimable", m->slab_reclaimable);
	json_kv_u64(j, "slab_unreclaimable", m->slab_unreclaimable);
	json_kv_u64(j, "shmem", m->shmem);
	json_kv_u64(j, "pagetables", m->pagetables);
	json_kv_u64(j, "free", m->free);
	json_kv_u64(j, "ram_pages", m->ram_pages);
	json_kv_u64(j, "reserved_pages", m->reserved_pages);
	json_kv_u64(j, "total_swap_bytes", m->total_swap_bytes);
	json_kv_u64(j, "free_swap_bytes", m->free_swap_bytes);
	json_kv_u64(j, "user_bytes", klog_mem_info_lru_pages(m) * page_size);
	json_kv_u64(j, "slab_unreclaimable_bytes", m->slab_unreclaimable * page_size);
	json_obj_end(j);
}

static void show_mem(struct json *j, const struct klog_event *ev, uint64_t page_size)
{
	static const struct klog_mem_info none;
	const struct klog_show_mem *sm = ev->mem;

	mem_info(j, sm ? &sm->info : &none, page_size);
	json_key(j, "allocations");
	json_arr_begin(j);
	for (size_t i = 0; sm && i < sm->nsites; i++) {
		const struct klog_alloc_site *s = &sm->sites[i];

		json_obj_begin(j);
		json_kv_str(j, "site", s->site);
		json_kv_str(j, "function", s->function);
		kv_str_or_null(j, "module", s->module);
		json_kv_u64(j, "bytes", s->bytes);
		json_kv_u64(j, "calls", s->calls);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void oom_killed(struct json *j, const struct klog_oom *o)
{
	json_key(j, "killed");
	if (!o->killed) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_i64(j, "pid", o->killed_pid);
	json_kv_str(j, "comm", o->killed_comm);
	json_kv_u64(j, "total_vm_bytes", o->killed_total_vm_bytes);
	json_kv_u64(j, "anon_rss_bytes", o->killed_anon_rss_bytes);
	json_kv_u64(j, "file_rss_bytes", o->killed_file_rss_bytes);
	json_kv_u64(j, "shmem_rss_bytes", o->killed_shmem_rss_bytes);
	json_kv_i64(j, "oom_score_adj", o->killed_oom_score_adj);
	json_obj_end(j);
}

static void oom_memcg(struct json *j, const struct klog_oom *o)
{
	json_key(j, "memcg_usage");
	if (!o->have_memcg_usage) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_u64(j, "usage_bytes", o->memcg_usage_bytes);
	json_kv_u64(j, "limit_bytes", o->memcg_limit_bytes);
	json_kv_u64(j, "failcnt", o->memcg_failcnt);
	json_kv_u64(j, "kmem_bytes", o->memcg_kmem_bytes);
	json_key(j, "stats"); /* memory.stat names, bytes */
	if (o->have_memcg_stats) {
		json_obj_begin(j);
		json_kv_u64(j, "anon", o->memcg_anon);
		json_kv_u64(j, "file", o->memcg_file);
		json_kv_u64(j, "kernel", o->memcg_kernel);
		json_kv_u64(j, "shmem", o->memcg_shmem);
		json_kv_u64(j, "slab_unreclaimable", o->memcg_slab_unreclaimable);
		json_kv_u64(j, "percpu", o->memcg_percpu);
		json_kv_u64(j, "vmalloc", o->memcg_vmalloc);
		json_kv_u64(j, "sock", o->memcg_sock);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_obj_end(j);
}

/* The unreclaimable-slab table by used bytes; null when the report had none. */
static void slab_rows(struct json *j, const struct klog_event *ev)
{
	const struct klog_oom *o = ev->oom;
	const struct klog_slab_row **rows;
	size_t k;

	json_key(j, "unreclaimable_slab");
	if (!o->slab_table) {
		json_null(j);
		return;
	}
	rows = o->nslab ? calloc(o->nslab, sizeof(*rows)) : NULL;
	k = rows ? klog_oom_top_caches(ev, rows, o->nslab) : 0;
	json_arr_begin(j);
	for (size_t i = 0; i < k; i++) {
		json_obj_begin(j);
		json_kv_str(j, "cache", rows[i]->cache);
		json_kv_u64(j, "used_bytes", rows[i]->used_bytes);
		json_kv_u64(j, "total_bytes", rows[i]->total_bytes);
		json_obj_end(j);
	}
	json_arr_end(j);
	free(rows);
}

static void oom(struct json *j, const struct klog_event *ev)
{
	const struct klog_oom *o = ev->oom;

	kv_hex(j, "gfp_mask", o->gfp_mask);
	json_kv_str(j, "gfp_flags", o->gfp_flags);
	json_kv_i64(j, "order", o->order);
	json_kv_i64(j, "oom_score_adj", o->oom_score_adj);
	kv_str_or_null(j, "constraint", o->constraint);
	json_kv_bool(j, "global", o->global);
	json_kv_bool(j, "memcg", o->memcg);
	kv_str_or_null(j, "oom_memcg", o->oom_memcg);
	kv_str_or_null(j, "task_memcg", o->task_memcg);
	oom_memcg(j, o);
	oom_killed(j, o);
	json_kv_bool(j, "no_killable", o->no_killable);
	json_kv_bool(j, "slab_exceeds_user", klog_oom_slab_exceeds_user(ev));
	slab_rows(j, ev);
}

static void kind_fields(struct json *j, const struct klog_event *ev)
{
	const struct klog_alloc_failure *f = &ev->fail;

	switch (ev->kind) {
	case KLOG_OOM:
		if (ev->oom)
			oom(j, ev);
		break;
	case KLOG_ALLOC_TAG_UNLOAD:
		json_kv_str(j, "site", ev->unload.site);
		json_kv_str(j, "module", ev->unload.module);
		json_kv_str(j, "function", ev->unload.function);
		json_kv_u64(j, "bytes", ev->unload.bytes);
		break;
	case KLOG_KMEMLEAK:
		json_kv_u64(j, "count", ev->count);
		break;
	case KLOG_PAGE_ALLOC_FAILURE:
	case KLOG_VMALLOC_ERROR:
		if (ev->kind == KLOG_PAGE_ALLOC_FAILURE) {
			json_kv_u64(j, "order", f->order);
		} else {
			json_kv_u64(j, "size_bytes", f->size);
			json_kv_str(j, "reason", f->reason);
		}
		kv_hex(j, "gfp_mask", f->gfp_mask);
		json_kv_str(j, "gfp_flags", f->gfp_flags);
		kv_str_or_null(j, "nodemask", f->nodemask);
		break;
	case KLOG_SLUB_ALLOC_FAILURE:
		json_kv_str(j, "cache", ev->slub.cache);
		json_kv_i64(j, "node", ev->slub.node);
		kv_hex(j, "gfp_mask", ev->slub.gfp_mask);
		json_kv_str(j, "gfp_flags", ev->slub.gfp_flags);
		json_kv_u64(j, "object_size", ev->slub.object_size);
		json_kv_u64(j, "buffer_size", ev->slub.buffer_size);
		json_kv_u64(j, "default_order", ev->slub.default_order);
		json_kv_u64(j, "min_order", ev->slub.min_order);
		json_kv_u64(j, "slabs", ev->slub.slabs);
		json_kv_u64(j, "objs", ev->slub.objs);
		json_kv_u64(j, "free", ev->slub.free);
		break;
	default:
		break;
	}
}

void klog_json_event(struct json *j, const struct klog_event *ev, int64_t boot_wall_ns,
		     uint64_t page_size)
{
	int64_t wall = 0;
	bool has_wall = klog_event_wall_ns(ev, boot_wall_ns, &wall);

	json_obj_begin(j);
	json_kv_str(j, "kind", klog_kind_name(ev->kind));
	stamp(j, &ev->at, has_wall, wall);
	json_kv_i64(j, "last_line", ev->last_line);
	kv_str_or_null(j, "comm", ev->comm);
	json_key(j, "pid");
	if (ev->pid >= 0)
		json_i64(j, ev->pid);
	else
		json_null(j);
	json_kv_bool(j, "complete", ev->complete);
	json_kv_bool(j, "truncated", ev->truncated);
	json_kv_bool(j, "open", ev->open);
	kind_fields(j, ev);
	if (ev->kind == KLOG_OOM || ev->kind == KLOG_PAGE_ALLOC_FAILURE ||
	    ev->kind == KLOG_VMALLOC_ERROR)
		show_mem(j, ev, page_size);
	json_obj_end(j);
}

void klog_json_finding(struct json *j, const struct klog_finding *f)
{
	json_obj_begin(j);
	json_kv_str(j, "severity", severity_name(f->f.severity));
	json_kv_str(j, "id", f->f.id);
	json_kv_str(j, "subject", f->f.subject);
	json_kv_str(j, "summary", f->f.summary);
	json_kv_str(j, "evidence", f->f.evidence);
	json_kv_str(j, "next", f->f.next);
	stamp(j, &f->at, f->has_wall, f->wall_ns);
	json_kv_u64(j, "count", f->count);
	json_obj_end(j);
}

void klog_json_stamp(struct json *j, const struct klog_stamp *at, bool has_wall, int64_t wall_ns)
{
	stamp(j, at, has_wall, wall_ns);
}

static void kv_u64_or_null(struct json *j, const char *k, bool have, uint64_t v)
{
	json_key(j, k);
	if (have)
		json_u64(j, v);
	else
		json_null(j);
}

void klog_json_status(struct json *j, const struct klog_json_status *st)
{
	const struct klog_log *l = st->log;

	json_obj_begin(j);
	json_kv_str(j, "source", st->source);
	json_kv_str(j, "format", l ? klog_format_name(l->format) : NULL);
	json_kv_u64(j, "records", st->records);
	json_kv_u64(j, "lost_records", st->lost_records);
	json_kv_u64(j, "boots", st->boots);
	kv_u64_or_null(j, "first_seq", l && l->has_seq, l ? l->first_seq : 0);
	kv_u64_or_null(j, "next_seq", l && l->has_seq, l ? l->next_seq : 0);
	kv_u64_or_null(j, "resume_seq", l && l->has_seq, l ? l->resume_seq : 0);
	json_key(j, "reader");
	if (st->reader) {
		json_obj_begin(j);
		json_kv_u64(j, "cursor", st->cursor);
		json_kv_u64(j, "lost", st->lost);
		json_kv_u64(j, "overruns", st->overruns);
		json_kv_bool(j, "restarted", st->restarted);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_kv_u64(j, "events", st->events);
	json_kv_u64(j, "open_events", st->open_events);
	json_kv_u64(j, "dropped_events", st->dropped_events);
	json_obj_end(j);
}

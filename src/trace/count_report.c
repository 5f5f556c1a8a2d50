// SPDX-License-Identifier: GPL-2.0
/* Verdict, rates and printers of `kleak count`; see count_report.h. */
#include "count_report.h"

#include <inttypes.h>
#include <string.h>

#include "output/fmt.h"
#include "output/json.h"

const struct count_verdict_opts count_verdict_defaults = {
	.min_outstanding = 64,
	.min_share = 0.10,
};

uint64_t count_outstanding(const struct count_counters *c)
{
	uint64_t gone = c->stat[CS_FREE] + c->stat[CS_REPAIRED];

	return c->stat[CS_ALLOC] > gone ? c->stat[CS_ALLOC] - gone : 0;
}

enum count_verdict count_judge(const struct count_counters *c,
			       const struct count_verdict_opts *o,
			       char *reason, size_t len)
{
	uint64_t alloc = c->stat[CS_ALLOC], out = count_outstanding(c);
	double share = alloc ? (double)out / (double)alloc : 0;

	if (!alloc) {
		snprintf(reason, len, "no allocation seen in the scope");
		return COUNT_NO_ALLOCATIONS;
	}
	if (out >= o->min_outstanding && share >= o->min_share) {
		snprintf(reason, len,
			 "allocations outrun frees: %" PRIu64 " of %" PRIu64
			 " objects allocated (%.0f%%) are still held",
			 out, alloc, share * 100);
		return COUNT_OUTRUN;
	}
	snprintf(reason, len,
		 "frees keep up with allocations: %" PRIu64 " of %" PRIu64
		 " objects allocated (%.1f%%) are still held",
		 out, alloc, share * 100);
	return COUNT_BALANCED;
}

const char *count_verdict_name(enum count_verdict v)
{
	switch (v) {
	case COUNT_NO_ALLOCATIONS:
		return "no_allocations";
	case COUNT_BALANCED:
		return "balanced";
	case COUNT_OUTRUN:
		return "allocs_outrun_frees";
	}
	return "unknown";
}

struct rates {
	double dt_s, alloc, free, outstanding;
};

static struct rates rates_of(const struct count_report *r)
{
	struct rates x = { 0 };
	const struct count_counters *a = &r->prev.c, *b = &r->cur.c;

	if (r->cur.t_ns <= r->prev.t_ns)
		return x;
	x.dt_s = (double)(r->cur.t_ns - r->prev.t_ns) / 1e9;
	x.alloc = (double)(b->stat[CS_ALLOC] - a->stat[CS_ALLOC]) / x.dt_s;
	x.free = (double)(b->stat[CS_FREE] - a->stat[CS_FREE]) / x.dt_s;
	x.outstanding = ((double)count_outstanding(b) -
			 (double)count_outstanding(a)) / x.dt_s;
	return x;
}

static void json_what(struct json *j, const struct count_report *r)
{
	const struct count_cache *c = r->cache;
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
	json_kv_str(j, "scope", r->pid ? "pid" : r->cgroup ? "cgroup" : "system");
	if (r->pid)
		json_kv_u64(j, "pid", r->pid);
	else
		json_kv_str(j, "pid", NULL);
	json_kv_bool(j, "pid_exited", r->pid_exited);
	json_kv_str(j, "cgroup", r->cgroup);
	if (r->cgroup) {
		json_kv_u64(j, "cgroup_id", r->cgroup_id);
		json_kv_i64(j, "cgroup_version", r->cgroup_version);
	} else {
		json_kv_str(j, "cgroup_id", NULL);
		json_kv_str(j, "cgroup_version", NULL);
	}
}

void count_print_json(FILE *f, const struct count_report *r)
{
	const struct count_counters *c = &r->cur.c;
	struct rates x = rates_of(r);
	char reason[256];
	enum count_verdict v = count_judge(c, &count_verdict_defaults, reason,
					   sizeof(reason));
	struct json j;

	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_bool(&j, "final", r->final);
	json_kv_double(&j, "time", r->time);
	json_kv_double(&j, "elapsed_s", (double)r->cur.t_ns / 1e9);
	json_kv_double(&j, "interval_s", x.dt_s);
	json_what(&j, r);
	json_scope(&j, r);
	json_kv_u64(&j, "alloc", c->stat[CS_ALLOC]);
	json_kv_u64(&j, "free", c->stat[CS_FREE]);
	json_kv_u64(&j, "outstanding", count_outstanding(c));
	json_kv_double(&j, "alloc_rate_per_sec", x.alloc);
	json_kv_double(&j, "free_rate_per_sec", x.free);
	json_kv_double(&j, "outstanding_rate_per_sec", x.outstanding);
	json_kv_u64(&j, "free_untracked", c->stat[CS_FREE_UNTRACKED]);
	json_kv_u64(&j, "repaired", c->stat[CS_REPAIRED]);
	json_kv_u64(&j, "dropped", c->stat[CS_DROPPED]);
	json_kv_u64(&j, "map_busy", c->stat[CS_BUSY]);
	json_kv_u64(&j, "recursion_misses", c->recursion_misses);
	json_kv_u64(&j, "max_objects", r->max_objects);
	json_kv_str(&j, "verdict", count_verdict_name(v));
	json_kv_str(&j, "verdict_reason", reason);
	json_obj_end(&j);
	json_end_doc(&j);
}

void count_print_header(FILE *f, const struct count_report *r)
{
	if (r->cache) {
		fprintf(f, "counting slab cache %s", r->cache->cache);
		if (strcmp(r->cache->user, r->cache->cache))
			fprintf(f, " (%s is merged into it)", r->cache->user);
		if (r->cache->kmalloc_size)
			fprintf(f, " (kmalloc events of %" PRIu64 " bytes too)",
				r->cache->kmalloc_size);
	} else {
		fprintf(f, "counting %s returns against %s calls", r->funcs->alloc,
			r->funcs->free);
		if (r->funcs->obj_type[0])
			fprintf(f, " (%s *, argument %d)", r->funcs->obj_type,
				r->funcs->free_arg + 1);
	}
	if (r->pid)
		fprintf(f, " for pid %u", r->pid);
	else if (r->cgroup)
		fprintf(f, " for cgroup %s (v%d)", r->cgroup, r->cgroup_version);
	else
		fprintf(f, " system-wide");
	fprintf(f, " via %s; Ctrl-C ends\n", r->mechanism);
}

void count_print_text(FILE *f, const struct count_report *r, bool color,
		      bool refresh)
{
	const struct count_counters *c = &r->cur.c;
	struct rates x = rates_of(r);
	char reason[256], d[32];
	enum count_verdict v;

	if (refresh)
		fputs("\r\033[K", f);
	fprintf(f, "%salloc %" PRIu64 " free %" PRIu64 " outstanding %" PRIu64
		   "  (%.0f alloc/s, %.0f free/s)",
		r->final ? "total: " : "", c->stat[CS_ALLOC], c->stat[CS_FREE],
		count_outstanding(c), x.alloc, x.free);
	if (c->stat[CS_DROPPED] || c->stat[CS_BUSY] || c->recursion_misses)
		fprintf(f, "  [dropped %" PRIu64 ", busy %" PRIu64
			   ", recursion misses %" PRIu64 "]",
			c->stat[CS_DROPPED], c->stat[CS_BUSY], c->recursion_misses);
	if (refresh && !r->final)
		return;
	fputc('\n', f);
	if (!r->final)
		return;
	v = count_judge(c, &count_verdict_defaults, reason, sizeof(reason));
	fprintf(f, "over %s: frees of other objects %" PRIu64 ", repaired %" PRIu64
		   ", dropped (map full) %" PRIu64 ", map busy %" PRIu64
		   ", recursion misses %" PRIu64 "\n",
		fmt_duration_ns(r->cur.t_ns, d, sizeof(d)),
		c->stat[CS_FREE_UNTRACKED], c->stat[CS_REPAIRED],
		c->stat[CS_DROPPED], c->stat[CS_BUSY], c->recursion_misses);
	fprintf(f, "%sverdict: %s%s\n",
		color ? (v == COUNT_OUTRUN ? FMT_RED : FMT_GREEN) : "", reason,
		color ? FMT_RESET : "");
	if (c->stat[CS_DROPPED])
		fprintf(f, "note: %" PRIu64 " allocations were not tracked (object map full at %u); raise --max-objects\n",
			c->stat[CS_DROPPED], r->max_objects);
}

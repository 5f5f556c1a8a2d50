// SPDX-License-Identifier: GPL-2.0
/*
 * investigate's confirm step: the method that fits the suspect and the
 * machine, and what each method's evidence says (see investigate.h). The
 * lesson's production method is tracing the suspect's allocations and
 * frees; the evidence of a leak is objects allocated and never freed that
 * keep ageing while the call site's allocations keep coming.
 */
#include "investigate.h"

#include <stdio.h>
#include <string.h>

const char *inv_method_name(enum inv_method m)
{
	static const char *const names[] = {
		[INV_M_TRACE] = "trace",
		[INV_M_VMALLOC_TRACE] = "vmalloc_trace",
		[INV_M_VMALLOCINFO] = "vmallocinfo",
		[INV_M_ALLOCINFO] = "allocinfo",
		[INV_M_KMEMLEAK] = "kmemleak",
		[INV_M_COUNT] = "count",
		[INV_M_RECLAIM] = "reclaim",
	};

	return m < INV_M_N ? names[m] : "?";
}

const char *inv_reclaim_name(enum inv_reclaim r)
{
	static const char *const names[] = {
		[INV_RECLAIM_NA] = "n/a",
		[INV_RECLAIM_UNUSED] = "unused",
		[INV_RECLAIM_IN_USE] = "in_use",
		[INV_RECLAIM_UNKNOWN] = "unknown",
	};

	return r <= INV_RECLAIM_UNKNOWN ? names[r] : "unknown";
}

void inv_plan_not_run(struct inv_plan *p, enum inv_method m, const char *reason,
		      const char *missing)
{
	struct inv_notrun *n;

	p->run[m] = false;
	if (p->nnot >= INV_NOTRUN_MAX)
		return;
	n = &p->not_run[p->nnot++];
	n->method = m;
	snprintf(n->reason, sizeof(n->reason), "%s", reason);
	snprintf(n->missing, sizeof(n->missing), "%s", missing);
}

#define MISSING_TRACE "the call site, the allocating process and the objects' ages"
#define MISSING_KMEMLEAK "kmemleak's reference check (whether anything still points to the objects)"

/* Tracing needs root and BTF: run it, or say why not. */
static void want_trace(struct inv_plan *p, enum inv_method m, const struct inv_caps *c)
{
	if (!c->root)
		inv_plan_not_run(p, m, "needs root (CAP_BPF and CAP_PERFMON)", MISSING_TRACE);
	else if (!c->btf)
		inv_plan_not_run(p, m,
				 "the kernel has no BTF (/sys/kernel/btf/vmlinux, "
				 "CONFIG_DEBUG_INFO_BTF)",
				 MISSING_TRACE);
	else
		p->run[m] = true;
}

static void plan_trace(enum inv_kind kind, const char *name, const struct inv_caps *c,
		       struct inv_plan *p)
{
	if (kind != INV_KIND_VMALLOC) {
		want_trace(p, INV_M_TRACE, c);
		/* memory nothing itemises: page allocations are where it goes */
		p->trace_pages = kind == INV_KIND_ALLOCINFO ||
				 (kind == INV_KIND_MEMINFO && name && !strcmp(name, "Unaccounted"));
		return;
	}
	if (!c->vmalloc_tp) {
		inv_plan_not_run(p, INV_M_VMALLOC_TRACE,
				 "this kernel has no vmalloc tracepoints (alloc_vmap_area: 6.2+)",
				 "the allocating process and the areas' ages: vmallocinfo's caller "
				 "stands in");
		return;
	}
	want_trace(p, INV_M_VMALLOC_TRACE, c);
}

static void plan_kmemleak(const struct inv_caps *c, struct inv_plan *p)
{
	if (c->kmemleak)
		p->run[INV_M_KMEMLEAK] = true;
	else
		inv_plan_not_run(p, INV_M_KMEMLEAK,
				 c->kmemleak_why[0] ? c->kmemleak_why : "kmemleak is not available",
				 MISSING_KMEMLEAK);
}

void investigate_plan(enum inv_kind kind, const char *suspect_name, const struct inv_caps *c,
		      enum inv_confirm_choice ch, struct inv_plan *p)
{
	memset(p, 0, sizeof(*p));
	if (kind == INV_KIND_NONE) { /* nothing to confirm: what could not have run */
		if (ch != INV_CONFIRM_NONE && (!c->root || !c->btf))
			want_trace(p, INV_M_TRACE, c);
		p->run[INV_M_TRACE] = false;
		return;
	}
	p->run[INV_M_VMALLOCINFO] = kind == INV_KIND_VMALLOC;
	p->run[INV_M_ALLOCINFO] = kind == INV_KIND_ALLOCINFO;
	p->run[INV_M_RECLAIM] = kind == INV_KIND_SLAB;
	if (ch == INV_CONFIRM_NONE) {
		inv_plan_not_run(p, INV_M_TRACE, "--confirm none", MISSING_TRACE);
		return;
	}
	if (ch == INV_CONFIRM_AUTO || ch == INV_CONFIRM_TRACE)
		plan_trace(kind, suspect_name, c, p);
	if ((ch == INV_CONFIRM_AUTO || ch == INV_CONFIRM_KMEMLEAK) && kind != INV_KIND_MEMINFO)
		plan_kmemleak(c, p);
	if (ch != INV_CONFIRM_COUNT)
		return;
	if (kind != INV_KIND_SLAB)
		inv_plan_not_run(p, INV_M_COUNT,
				 "count follows one slab cache: the suspect is not one",
				 "allocations against frees");
	else if (!c->root || !c->btf)
		inv_plan_not_run(p, INV_M_COUNT,
				 c->root ? "the kernel has no BTF"
					 : "needs root (CAP_BPF and CAP_PERFMON)",
				 "allocations against frees");
	else
		p->run[INV_M_COUNT] = true;
}

double investigate_min_age_s(const struct inv_opts *o, double budget_s)
{
	double a = budget_s / 3;

	if (a > o->age_max_s)
		a = o->age_max_s;
	return a < o->age_min_s ? o->age_min_s : a;
}

/* ---- the trace's evidence ---- */

/* Functions that allocate for their callers: the caller is the culprit. */
static const char *const helpers[] = {
	"kstrdup",	 "kstrdup_const", "kstrndup",	 "kmemdup",	     "kmemdup_nul",
	"kmemdup_array", "kvmemdup",	  "memdup_user", "memdup_user_nul",  "vmemdup_user",
	"strndup_user",	 "kasprintf",	  "kvasprintf",	 "kvasprintf_const", "devm_kmalloc",
	"devm_kstrdup",	 "krealloc",	  "kvrealloc",	 "kmalloc_array",    "kcalloc",
};

bool investigate_generic_helper(const char *function)
{
	char f[128];
	size_t n;

	snprintf(f, sizeof(f), "%s", function);
	f[strcspn(f, ".")] = 0; /* .constprop.0, .isra.0, .part.0, .cold */
	n = strlen(f);
	if (n > 7 && !strcmp(f + n - 7, "_noprof")) /* 6.10+ allocation profiling */
		f[n - 7] = 0;
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		if (!strcmp(f, helpers[i]))
			return true;
	return false;
}

/* The function of "func+0xoff". */
static void function_of(const char *callsite, char *out, size_t len)
{
	snprintf(out, len, "%.*s", (int)strcspn(callsite, "+"), callsite);
}

/*
 * The caller behind a helper: across the site's stacks (most frequent
 * first), the first frame that is neither the helper nor an allocator.
 */
static void caller_behind(const struct trace_report *rep, const struct trace_callsite *cs,
			  struct inv_callsite *out)
{
	for (size_t s = 0; s < cs->nstacks && !out->caller[0]; s++) {
		const struct trace_stack_summary *st = &cs->stacks[s];

		for (size_t f = 0; f < st->nframes; f++) {
			char sym[160], fn[128];
			const char *mod = NULL;

			trace_sym_format(rep->ksyms, st->frames[f], sym, sizeof(sym), &mod);
			function_of(sym, fn, sizeof(fn));
			if (!fn[0] || !strcmp(fn, "(unknown)") || investigate_generic_helper(fn) ||
			    kmemleak_is_allocator(fn))
				continue;
			snprintf(out->caller, sizeof(out->caller), "%s", sym);
			snprintf(out->caller_module, sizeof(out->caller_module), "%s",
				 mod ? mod : "");
			break;
		}
	}
}

static void fill_site(const struct trace_report *rep, const struct trace_callsite *cs,
		      double series_rate_bph, const struct inv_opts *o, struct inv_callsite *v)
{
	double secs = (double)rep->elapsed_ns / 1e9;
	uint64_t n = rep->sample > 1 ? rep->sample : 1;
	/* all ages, whatever --min-age (the report's outstanding is the aged) */
	uint64_t held = cs->s.live * n, held_bytes = cs->s.live_bytes * n;

	memset(v, 0, sizeof(*v));
	snprintf(v->callsite, sizeof(v->callsite), "%s", cs->callsite);
	snprintf(v->function, sizeof(v->function), "%s", cs->function);
	snprintf(v->module, sizeof(v->module), "%s", cs->module);
	snprintf(v->cache, sizeof(v->cache), "%s", cs->cache_name);
	v->allocs = cs->allocs.v;
	v->frees = cs->frees.v;
	v->outstanding = held;
	v->outstanding_bytes = held_bytes;
	v->aged = cs->s.aged * n;
	v->aged_bytes = cs->s.aged_bytes * n;
	v->oldest_age_s = (double)cs->oldest_age_ns / 1e9;
	v->rate_bytes_per_hour = secs > 0 ? (double)held_bytes / secs * 3600 : 0;
	v->share = series_rate_bph > 0 ? v->rate_bytes_per_hour / series_rate_bph : -1;
	if (v->share > 1)
		v->share = 1;
	for (size_t i = 0; i < cs->npids && i < INV_PIDS_MAX; i++) {
		v->pids[i].pid = cs->pids[i].pid;
		v->pids[i].count = cs->pids[i].count.v;
		snprintf(v->pids[i].comm, sizeof(v->pids[i].comm), "%s", cs->pids[i].comm);
	}
	v->npids = cs->npids < INV_PIDS_MAX ? cs->npids : INV_PIDS_MAX;
	v->leaking =
		v->aged >= o->min_aged && v->allocs &&
		((double)held >= o->held_frac * (double)v->allocs || v->share >= o->explain_frac);
	if (investigate_generic_helper(cs->function))
		caller_behind(rep, cs, v);
}

/* Rank: leaking first, then aged bytes, then outstanding bytes. */
static bool before(const struct inv_callsite *a, const struct inv_callsite *b)
{
	if (a->leaking != b->leaking)
		return a->leaking;
	if (a->aged_bytes != b->aged_bytes)
		return a->aged_bytes > b->aged_bytes;
	return a->outstanding_bytes > b->outstanding_bytes;
}

static void keep(struct inv_trace_result *out, const struct inv_callsite *v)
{
	size_t i = out->n < INV_SITES_MAX ? out->n++ : INV_SITES_MAX;

	if (i == INV_SITES_MAX) { /* full: replace the last when v ranks before it */
		if (!before(v, &out->v[INV_SITES_MAX - 1]))
			return;
		i = INV_SITES_MAX - 1;
	}
	while (i > 0 && before(v, &out->v[i - 1])) {
		out->v[i] = out->v[i - 1];
		i--;
	}
	out->v[i] = *v;
}

void investigate_judge_trace(const struct trace_report *rep, double series_rate_bph,
			     const struct inv_opts *o, struct inv_trace_result *out)
{
	struct inv_callsite v;

	out->ran = true;
	out->elapsed_s = (double)rep->elapsed_ns / 1e9;
	out->min_age_s = (double)rep->min_age_ns / 1e9;
	out->n = out->total = 0;
	out->allocs = out->frees = 0;
	out->culprit = -1;
	out->recursion_misses = rep->recursion_misses;
	out->dropped = rep->counters[TC_DROPPED_OBJECTS] + rep->counters[TC_DROPPED_SITES];
	out->unmatched_frees = rep->counters[TC_UNMATCHED_FREES];
	if (rep->info)
		out->map_bytes = rep->info->map_bytes;
	for (size_t i = 0; i < rep->ncs; i++) {
		out->allocs += rep->cs[i].allocs.v;
		out->frees += rep->cs[i].frees.v;
		out->total++;
		fill_site(rep, &rep->cs[i], series_rate_bph, o, &v);
		keep(out, &v);
	}
	if (out->n && out->v[0].leaking)
		out->culprit = 0;
}

/* ---- joins ---- */

static double ratio(double a, double b)
{
	if (a <= 0 || b <= 0)
		return 1e300;
	return a > b ? a / b : b / a;
}

static void join_one(struct inv_callsite *cs, const struct inv_site_growth *v, size_t n,
		     const struct inv_opts *o)
{
	const char *fn = cs->caller[0] ? cs->caller : cs->function;
	const struct inv_site_growth *best = NULL;
	double bestf = o->match_factor;
	char f[128];

	function_of(fn, f, sizeof(f));
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].function, f) || !strcmp(v[i].function, cs->function)) {
			snprintf(cs->site, sizeof(cs->site), "%s", v[i].location);
			return;
		}
	for (size_t i = 0; i < n; i++) {
		double r = ratio(v[i].rate_bytes_per_hour, cs->rate_bytes_per_hour);

		if (strcmp(v[i].module ? v[i].module : "", cs->module) || r > bestf)
			continue;
		bestf = r;
		best = &v[i];
	}
	if (best) {
		snprintf(cs->site, sizeof(cs->site), "%s", best->location);
		cs->site_by_growth = true;
	}
}

void investigate_join_sites(struct inv_trace_result *t, const struct inv_site_growth *v, size_t n,
			    const struct inv_opts *o)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].leaking || (int)i == t->culprit)
			join_one(&t->v[i], v, n, o);
}

/* ---- kmemleak ---- */

static bool group_matches(const struct kmemleak_group *g, const char *function, const char *module,
			  bool by_function)
{
	const char *gm = g->module ? g->module : "";

	if (strcmp(gm, module ? module : ""))
		return false;
	if (!by_function)
		return module && *module;
	return g->function && function && !strcmp(g->function, function);
}

void investigate_match_kmemleak(const struct kmemleak_groups *g, const char *function,
				const char *module, struct inv_kmemleak_result *out)
{
	bool by_function = function && *function;

	out->ran = true;
	out->objects = g->objects;
	out->groups = g->n;
	for (int pass = 0; pass < 2 && !out->matched_groups; pass++, by_function = false) {
		for (size_t i = 0; i < g->n; i++) {
			const struct kmemleak_group *x = &g->v[i];

			if (!group_matches(x, function, module, by_function))
				continue;
			if (!out->matched_groups++) {
				snprintf(out->function, sizeof(out->function), "%s",
					 x->function ? x->function : "");
				snprintf(out->module, sizeof(out->module), "%s",
					 x->module ? x->module : "");
				for (size_t f = 0; f < x->nframes && f < 4; f++)
					snprintf(out->backtrace + strlen(out->backtrace),
						 sizeof(out->backtrace) - strlen(out->backtrace),
						 "%s%s", f ? " <- " : "", x->backtrace[f]);
			}
			out->matched_objects += x->count;
			out->matched_bytes += x->bytes;
		}
	}
}

/* ---- reclaimable growth ---- */

static bool is_inode_cache(const char *c)
{
	size_t n = strlen(c);

	return (n >= 11 && !strcmp(c + n - 11, "inode_cache")) ||
	       (n >= 6 && !strcmp(c + n - 6, "_inode"));
}

static double delta(uint64_t a, uint64_t b)
{
	return (double)b - (double)a;
}

/* Sockets: the protocol caches, and the socket inodes. */
static bool is_sock_cache(const char *cache, const char *aliases)
{
	static const char *const socks[] = { "sock_inode_cache",
					     "UNIX",
					     "UNIX-STREAM",
					     "TCP",
					     "TCPv6",
					     "UDP",
					     "UDPv6",
					     "RAW",
					     "RAWv6",
					     "PING",
					     "PINGv6",
					     "NETLINK",
					     "MPTCP" };

	for (size_t i = 0; i < sizeof(socks) / sizeof(socks[0]); i++)
		if (!strcmp(cache, socks[i]) || (aliases && strstr(aliases, socks[i])))
			return true;
	return false;
}

void investigate_reclaim(const char *cache, const char *aliases, int reclaimable, double objects,
			 const struct kstate *a, const struct kstate *b, const struct inv_opts *o,
			 struct inv_reclaim_result *out)
{
	memset(out, 0, sizeof(*out));
	out->objects = objects;
	out->state = reclaimable == 1 ? INV_RECLAIM_UNKNOWN : INV_RECLAIM_NA;
	if (is_sock_cache(cache, aliases) && a->have_sockets && b->have_sockets) {
		out->counter = "sockstat";
		out->in_use = delta(a->sockets_used, b->sockets_used);
		if (objects > 0 && out->in_use >= o->unused_frac * objects)
			out->state = INV_RECLAIM_IN_USE;
		return;
	}
	if (!strcmp(cache, "dentry") && a->have_dentry && b->have_dentry) {
		out->counter = "dentry-state";
		out->unused = delta(a->nr_unused_dentry, b->nr_unused_dentry);
		if (a->have_negative && b->have_negative)
			out->negative = delta(a->nr_negative, b->nr_negative);
	} else if (is_inode_cache(cache) && a->have_inode && b->have_inode &&
		   (a->nr_unused_inodes || b->nr_unused_inodes)) {
		out->counter = "inode-state";
		out->unused = delta(a->nr_unused_inodes, b->nr_unused_inodes);
	}
	if (!out->counter || reclaimable != 1 || objects <= 0)
		return;
	out->state = out->unused >= o->unused_frac * objects ? INV_RECLAIM_UNUSED
							     : INV_RECLAIM_IN_USE;
}

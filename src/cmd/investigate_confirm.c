// SPDX-License-Identifier: GPL-2.0
/*
 * kleak investigate's confirm step: what the machine allows, the plan
 * (analyze/investigate.h decides), and the runs, each bounded in time:
 * BPF tracing filtered to the suspect (its cache, its cgroup, or vmalloc
 * areas) with stacks, read every tick while the suspect's series keeps
 * being sampled, until a call site holds enough aged objects; a kmemleak
 * scan matched to the suspect; count; vmallocinfo's caller; and the facts
 * beside them (the kernel's object counters, the process, the module).
 */
#include "investigate.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "parse/cgroup_path.h"
#include "parse/kmemleak.h"
#include "parse/vmallocinfo.h"
#include "source/kmemleak_ctl.h"
#include "stop.h"
#include "trace/count_bpf.h"
#include "trace/count_report.h"
#include "trace/loader.h"
#include "trace/target.h"
#include "trace/trace_ksym.h"
#include "trace/trace_report.h"
#include "trace/trace_session.h"
#include "util/clock.h"
#include "util/fmt.h"

#define TRACE_STACK_EVERY 16	  /* as `kleak trace --stacks` */
#define CONFIRM_MAX_ENTRIES 65536 /* objects tracked: ~8 MiB of maps */
#define CONFIRM_TICK_S 2.0

struct cf {
	struct inv_state *s;
	struct inv_confirm *c;
	const struct inv_link *sus;
	long k; /* the suspect's series, -1 */
	double min_age_s;
	uint64_t start_ns; /* monotonic, confirm's start */
	uint64_t end_ns;
	double t_from; /* the series' time axis at confirm's start */
};

static void probe_caps(struct inv_state *s, struct inv_caps *c)
{
	enum kmemleak_avail avail;
	struct buf b = { 0 };
	struct kerr e = { 0 };

	memset(c, 0, sizeof(*c));
	c->root = geteuid() == 0;
	c->btf = !access("/sys/kernel/btf/vmlinux", R_OK);
	c->vmalloc_tp = c->btf && trace_kernel_has("alloc_vmap_area");
	c->allocinfo = snapshot_has(&s->snap, SRC_ALLOCINFO);
	c->kmemleak = !kmemleak_ctl_read(&b, true, &avail, &e) && avail == KMEMLEAK_AVAILABLE;
	if (!c->kmemleak)
		snprintf(c->kmemleak_why, sizeof(c->kmemleak_why), "%.190s", e.msg);
	buf_free(&b);
}

/* Sleeps a tick (never past the end) and samples; false when it must stop. */
static bool tick(struct cf *f)
{
	uint64_t until = clock_mono_ns() + (uint64_t)(CONFIRM_TICK_S * 1e9);

	if (until > f->end_ns)
		until = f->end_ns;
	if (stop_sleep_until(until) || inv_sample(f->s))
		return false;
	if (f->k >= 0) {
		double scratch[TREND_RATE_SCRATCH];

		f->c->series_rate_bph =
			trend_series_rate(&f->s->set, (size_t)f->k, f->t_from, scratch);
	}
	return clock_mono_ns() < f->end_ns;
}

/* ---- trace ---- */

static void progs_cost(struct inv_state *s, const struct trace_report *rep)
{
	s->rep.cost.bpf_run_time_ns = s->rep.cost.bpf_run_count = 0;
	for (size_t i = 0; i < rep->nprogs; i++) {
		s->rep.cost.bpf_run_time_ns += rep->progs[i].run_time_ns;
		s->rep.cost.bpf_run_count += rep->progs[i].run_count;
	}
}

/* One read of the session, judged; the last one (keep) is kept for the page. */
static int trace_look(struct cf *f, struct trace_session *ts, struct trace_report_state *st,
		      bool keep)
{
	struct trace_read r;
	struct trace_report rep;
	struct kerr e = { 0 };
	int ret = trace_session_read(ts, st->min_age_ns, &r, &e);

	if (ret)
		return ret;
	ret = trace_report_build(&r, &f->s->ks, st, &rep);
	trace_read_free(&r);
	if (ret)
		return ret;
	investigate_judge_trace(&rep, f->c->series_rate_bph, &f->s->o, &f->c->trace);
	progs_cost(f->s, &rep);
	if (!keep) {
		trace_report_free(&rep);
		return 0;
	}
	rep.info = NULL; /* the session's, closed before the page is written */
	rep.final = true;
	trace_report_free(&f->s->trep);
	f->s->trep = rep;
	f->s->have_trep = true;
	return 0;
}

static void trace_not_run(struct cf *f, enum inv_method m, const struct kerr *e)
{
	char msg[200];

	snprintf(msg, sizeof(msg), "%.190s", e->msg);
	inv_plan_not_run(&f->c->plan, m, msg,
			 "the call site, the allocating process and the objects' ages");
}

static void trace_opts_for(const struct cf *f, bool vmalloc, struct trace_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sample = 1;
	o->stack_every = TRACE_STACK_EVERY;
	o->max_entries = CONFIRM_MAX_ENTRIES;
	o->vmalloc = o->no_slab = vmalloc;
	o->pages = f->c->plan.trace_pages;
}

/* The target: the suspect's cache, or its container's cgroup. */
static void request_for(const struct cf *f, struct target_request *rq)
{
	memset(rq, 0, sizeof(*rq));
	if (f->sus->s.source == SERIES_SLAB)
		rq->cache = f->sus->s.name;
	else if (f->s->rep.localize.kind == INV_KIND_CGROUP || f->s->rep.localize.has_container)
		rq->cgroup = f->s->rep.localize.container_path[0]
				     ? f->s->rep.localize.container_path
				     : NULL;
}

static void trace_loop(struct cf *f, struct trace_session *ts, struct trace_report_state *st)
{
	int ticks = 0;

	fprintf(stderr,
		"kleak investigate: confirm: tracing %s (objects older than %.0f s count as aged)\n",
		f->sus->s.name, f->min_age_s);
	while (tick(f)) {
		if (trace_look(f, ts, st, false))
			break;
		/* enough: a culprit, and three points of the series since the start */
		if (f->c->trace.culprit >= 0 && ++ticks >= 3)
			break;
	}
	trace_look(f, ts, st, f->s->c.html != NULL);
}

static void run_trace(struct cf *f, enum inv_method m)
{
	struct trace_report_state st = { .min_age_ns = (uint64_t)(f->min_age_s * 1e9) };
	struct trace_session ts = { 0 };
	struct target t = { 0 };
	struct target_request rq;
	struct trace_opts o;
	struct kerr e = { 0 };
	int stats;

	request_for(f, &rq);
	trace_opts_for(f, m == INV_M_VMALLOC_TRACE, &o);
	if (target_resolve(&rq, &t, &e) || trace_session_open(&ts, &o, &t, &e)) {
		trace_not_run(f, m, &e);
		target_free(&t);
		return;
	}
	st.aliases = &t.aliases;
	snprintf(f->c->trace.events, sizeof(f->c->trace.events), "%s%.180s%s",
		 rq.cache    ? "cache "
		 : rq.cgroup ? "cgroup "
			     : "",
		 rq.cache    ? t.cache.cache
		 : rq.cgroup ? t.cgroup.path
			     : "",
		 o.vmalloc ? "vmalloc" : "");
	stats = loader_stats_enable();
	f->s->rep.cost.bpf_stats = stats >= 0;
	f->s->rep.cost.bpf_map_bytes = ts.info.map_bytes;
	trace_loop(f, &ts, &st);
	if (stats >= 0)
		close(stats);
	trace_session_close(&ts);
	trace_report_state_free(&st);
	target_free(&t);
}

/* ---- count ---- */

static void run_count(struct cf *f)
{
	struct target_request rq = { .cache = f->sus->s.name };
	struct count_config cfg = { .max_objects = CONFIRM_MAX_ENTRIES };
	struct count_counters cnt = { 0 };
	struct count_session *cs = NULL;
	struct target t = { 0 };
	struct kerr e = { 0 };
	char why[256];

	cfg.target = &t;
	if (target_resolve(&rq, &t, &e) || count_session_open(&cfg, &cs, &e)) {
		inv_plan_not_run(&f->c->plan, INV_M_COUNT, e.msg, "allocations against frees");
		target_free(&t);
		return;
	}
	fprintf(stderr, "kleak investigate: confirm: counting %s\n", f->sus->s.name);
	while (tick(f) && !count_session_read(cs, &cnt, &e))
		if (count_judge(&cnt, &count_verdict_defaults, why, sizeof(why)) == COUNT_OUTRUN &&
		    clock_mono_ns() - f->start_ns > (uint64_t)(f->min_age_s * 1e9))
			break;
	count_session_read(cs, &cnt, &e);
	f->c->count = (struct inv_count_result){
		.ran = true,
		.alloc = cnt.stat[CS_ALLOC],
		.free = cnt.stat[CS_FREE],
		.outstanding = count_outstanding(&cnt),
		.verdict = count_verdict_name(
			count_judge(&cnt, &count_verdict_defaults, why, sizeof(why))),
		.elapsed_s = (double)(clock_mono_ns() - f->start_ns) / 1e9,
	};
	count_session_close(cs);
	target_free(&t);
}

/* ---- kmemleak ---- */

/* What kmemleak's groups are matched with: the culprit's call site, else the series'. */
static void kmemleak_key(const struct cf *f, char *fn, size_t fl, const char **mod)
{
	const struct inv_trace_result *t = &f->c->trace;
	const struct inv_callsite *cs = t->ran && t->culprit >= 0 ? &t->v[t->culprit] : NULL;

	fn[0] = 0;
	*mod = f->sus->s.module;
	if (cs) {
		snprintf(fn, fl, "%.*s",
			 (int)strcspn(cs->caller[0] ? cs->caller : cs->callsite, "+"),
			 cs->caller[0] ? cs->caller : cs->callsite);
		*mod = cs->caller[0] ? cs->caller_module : cs->module;
	} else if (f->sus->s.source == SERIES_VMALLOC_CALLER) {
		snprintf(fn, fl, "%s", f->sus->s.name);
	}
}

static void run_kmemleak(struct cf *f)
{
	struct kmemleak_group_opts go = { .syms = f->s->ks_loaded ? &f->s->ks.t : NULL };
	struct inv_kmemleak_result *k = &f->c->kmemleak;
	struct kmemleak_report rep = { 0 };
	struct kmemleak_groups g = { 0 };
	enum kmemleak_avail avail;
	struct buf b = { 0 };
	struct kerr e = { 0 };
	const char *mod;
	char fn[256];

	fprintf(stderr, "kleak investigate: confirm: kmemleak scan, wait, scan\n");
	if (kmemleak_ctl_write("scan", &avail, &e) ||
	    stop_sleep_until(clock_mono_ns() + KMEMLEAK_MIN_AGE_NS) ||
	    kmemleak_ctl_write("scan", &avail, &e) || kmemleak_ctl_read(&b, true, &avail, &e) ||
	    kmemleak_parse(b.data, b.len, kmemleak_ctl_path(), &rep, &e) ||
	    kmemleak_group(&rep, &go, &g, &e)) {
		inv_plan_not_run(&f->c->plan, INV_M_KMEMLEAK, e.msg[0] ? e.msg : "interrupted",
				 "kmemleak's reference check (whether anything still points to "
				 "the objects)");
	} else {
		kmemleak_key(f, fn, sizeof(fn), &mod);
		investigate_match_kmemleak(&g, fn, mod, k);
		if (f->s->c.html) { /* the page groups the same text */
			f->s->kmemleak = b;
			f->s->have_kmemleak = true;
			b = (struct buf){ 0 };
		}
	}
	kmemleak_groups_free(&g);
	kmemleak_report_free(&rep);
	buf_free(&b);
}

/* ---- vmallocinfo ---- */

struct vm_ctx {
	const char *caller, *module;
	uint64_t page_size, areas, bytes;
	char callsite[160];
};

static int vm_area(const struct vmalloc_area *a, void *p)
{
	struct vm_ctx *c = p;
	size_t ml = c->module ? strlen(c->module) : 0;

	if (a->caller_is_addr || !a->caller || a->caller_len != strlen(c->caller) ||
	    memcmp(a->caller, c->caller, a->caller_len) || a->module_len != ml ||
	    (ml && memcmp(a->module, c->module, ml)) || (a->types & VMA_UNPURGED))
		return 0;
	if (!c->areas++)
		snprintf(c->callsite, sizeof(c->callsite), "%.*s+0x%llx", (int)a->caller_len,
			 a->caller, (unsigned long long)a->caller_off);
	c->bytes += vmalloc_area_bytes(a, c->page_size);
	return 0;
}

/* The caller's areas in the latest sample; *areas0 < 0: the first look. */
static void vmalloc_look(struct cf *f, double *areas0)
{
	const struct buf *b = &f->s->snap.raw[SRC_VMALLOCINFO];
	struct vm_ctx c = { .caller = f->sus->s.name, .page_size = f->s->snap.page_size };
	struct inv_confirm *x = f->c;
	struct kerr e = { 0 };

	c.module = f->sus->s.module[0] ? f->sus->s.module : NULL;
	if (!snapshot_has(&f->s->snap, SRC_VMALLOCINFO) ||
	    vmallocinfo_parse(b->data, b->len, "vmallocinfo", vm_area, &c, &e) || !c.areas)
		return;
	if (*areas0 < 0)
		*areas0 = (double)c.areas;
	x->vmalloc_have = true;
	snprintf(x->vmalloc_callsite, sizeof(x->vmalloc_callsite), "%s", c.callsite);
	x->vmalloc_areas = c.areas;
	x->vmalloc_bytes = c.bytes;
	x->vmalloc_areas_gained = (double)c.areas - *areas0;
}

/* Without vmalloc tracing: vmallocinfo's caller, watched for the budget's share. */
static void run_vmallocinfo(struct cf *f, double *areas0)
{
	uint64_t want = f->start_ns + (uint64_t)(2 * f->min_age_s * 1e9);

	fprintf(stderr, "kleak investigate: confirm: watching %s in vmallocinfo\n", f->sus->s.name);
	while (clock_mono_ns() < want && tick(f))
		vmalloc_look(f, areas0);
	vmalloc_look(f, areas0);
}

/* ---- the facts beside ---- */

static double objects_gained(const struct inv_state *s, const char *cache)
{
	const struct slabinfo *si = &s->snap.slabinfo;
	double a = -1, b = -1;

	for (size_t i = 0; i < s->nslabs0; i++)
		if (!strcmp(s->slabs0[i].name, cache))
			a = (double)s->slabs0[i].active_objs;
	for (size_t i = 0; snapshot_has(&s->snap, SRC_SLABINFO) && i < si->n; i++)
		if (!strcmp(si->v[i].name, cache))
			b = (double)si->v[i].active_objs;
	return a >= 0 && b >= 0 ? b - a : 0;
}

static void reclaim_facts(struct cf *f)
{
	struct inv_state *s = f->s;

	if (f->sus->s.source != SERIES_SLAB)
		return;
	inv_kstate(s, &s->ks1);
	investigate_reclaim(f->sus->s.name, f->sus->aliases, f->sus->s.reclaimable,
			    objects_gained(s, f->sus->s.name), &s->ks0, &s->ks1, &s->o,
			    &f->c->reclaim);
}

/* The container a process runs in, by the names the runtimes give. */
static void container_of(struct inv_state *s, struct inv_process *p)
{
	struct cgroup_ident id;
	struct buf b = { 0 };
	struct kerr e = { 0 };
	char name[128];
	const char *n;

	if (facts_proc_file(p->pid, "cgroup", &b, &e) ||
	    !kstate_parse_proc_cgroup(b.data, b.len, p->cgroup, sizeof(p->cgroup))) {
		buf_free(&b);
		return;
	}
	buf_free(&b);
	cgroup_path_classify(p->cgroup, &id);
	if (id.kind != CGROUP_CONTAINER && id.kind != CGROUP_POD)
		return;
	n = s->have_cg0 ? cgroup_set_name(&s->cg0, p->cgroup, &id, name, sizeof(name)) : NULL;
	snprintf(p->container, sizeof(p->container), "%.127s", n ? n : p->cgroup);
}

static void process_facts(struct cf *f)
{
	struct inv_trace_result *t = &f->c->trace;
	struct inv_process *p = &f->c->process;
	struct inv_callsite *cs;
	struct kerr e = { 0 };

	if (!t->ran || t->culprit < 0 || !t->v[t->culprit].npids)
		return;
	cs = &t->v[t->culprit];
	p->have = true;
	p->pid = cs->pids[0].pid;
	snprintf(p->comm, sizeof(p->comm), "%s", cs->pids[0].comm);
	if (!p->pid)
		return;
	p->have_fds = !facts_proc_fds(p->pid, &p->fds, &p->sockets, &e);
	container_of(f->s, p);
	snprintf(cs->pids[0].container, sizeof(cs->pids[0].container), "%s", p->container);
}

static void module_facts(struct cf *f)
{
	const struct inv_trace_result *t = &f->c->trace;
	const struct inv_callsite *cs = t->ran && t->culprit >= 0 ? &t->v[t->culprit] : NULL;
	const char *name = cs ? (cs->caller[0] ? cs->caller_module : cs->module) : f->sus->s.module;
	const struct kmodule *km;
	struct inv_module *m = &f->c->module;

	if (!name || !*name)
		return;
	m->have = true;
	snprintf(m->name, sizeof(m->name), "%s", name);
	km = snapshot_has(&f->s->snap, SRC_MODULES) ? modules_find(&f->s->snap.modules, name)
						    : NULL;
	m->loaded = km != NULL;
	if (km)
		snprintf(m->taints, sizeof(m->taints), "%s", km->taints);
	facts_module_attr(name, "srcversion", m->srcversion, sizeof(m->srcversion));
	facts_module_attr(name, "version", m->version, sizeof(m->version));
}

struct site_name {
	char fn[256], loc[200], mod[64];
};

/* allocinfo sites growing while traced, joined with the call sites. */
static void join_sites(struct cf *f)
{
	static struct site_name names[64];
	struct inv_site_growth v[64];
	const struct series_set *set = &f->s->set;
	double scratch[TREND_RATE_SCRATCH];
	size_t n = 0;

	for (size_t i = 0; i < set->count && n < 64; i++) {
		const struct series *x = &set->v[i];
		double r;
		const char *sp = strchr(x->name, ' ');

		if (x->source != SERIES_ALLOCINFO || x->aggregate || !sp)
			continue;
		r = trend_series_rate(set, i, f->t_from, scratch);
		if (r <= 0)
			continue;
		snprintf(names[n].fn, sizeof(names[n].fn), "%.*s", (int)(sp - x->name), x->name);
		snprintf(names[n].loc, sizeof(names[n].loc), "%.*s", (int)strcspn(sp + 1, " "),
			 sp + 1);
		snprintf(names[n].mod, sizeof(names[n].mod), "%s", x->module);
		v[n] = (struct inv_site_growth){ .name = x->name,
						 .function = names[n].fn,
						 .location = names[n].loc,
						 .module = x->module[0] ? names[n].mod : NULL,
						 .rate_bytes_per_hour = r };
		n++;
	}
	investigate_join_sites(&f->c->trace, v, n, &f->s->o);
}

/* The series kept being sampled: did it keep growing? */
static void sustained(struct cf *f)
{
	const struct series_set *set = &f->s->set;
	size_t pts = 0;

	if (f->k < 0)
		return;
	for (size_t i = 0; i < set->n; i++)
		pts += set->t[i] >= f->t_from;
	f->c->series_have = pts >= 3;
	f->c->sustained = f->c->series_rate_bph >=
			  f->s->o.sustain_frac * f->sus->s.rate_bytes_per_hour;
	f->c->series_growth_bytes =
		f->c->series_rate_bph / 3600 * ((double)(clock_mono_ns() - f->start_ns) / 1e9);
}

/* The budget: what is left of -d (at least the reserve), capped by what aging needs. */
static double budget_of(struct inv_state *s, double *min_age)
{
	double left = s->rep.max_s - inv_elapsed(s), cap;

	if (left < s->o.reserve_min_s)
		left = s->o.reserve_min_s;
	*min_age = investigate_min_age_s(&s->o, left);
	cap = 4 * *min_age + 30;
	return left < cap ? left : cap;
}

static void run_methods(struct cf *f)
{
	const struct inv_plan *p = &f->c->plan;
	double areas0 = -1;

	if (f->sus->s.source == SERIES_VMALLOC_CALLER)
		vmalloc_look(f, &areas0);
	if (p->run[INV_M_TRACE])
		run_trace(f, INV_M_TRACE);
	else if (p->run[INV_M_VMALLOC_TRACE])
		run_trace(f, INV_M_VMALLOC_TRACE);
	if (p->run[INV_M_COUNT])
		run_count(f);
	if (p->run[INV_M_VMALLOCINFO] && !f->c->trace.ran)
		run_vmallocinfo(f, &areas0);
	else if (p->run[INV_M_VMALLOCINFO])
		vmalloc_look(f, &areas0);
	if (p->run[INV_M_KMEMLEAK])
		run_kmemleak(f);
}

void inv_confirm_none(struct inv_state *s)
{
	struct inv_caps caps;

	probe_caps(s, &caps);
	investigate_plan(INV_KIND_NONE, NULL, &caps, (enum inv_confirm_choice)s->c.confirm,
			 &s->rep.confirm.plan);
}

void inv_confirm(struct inv_state *s)
{
	struct inv_localize *l = &s->rep.localize;
	struct inv_confirm *c = &s->rep.confirm;
	struct cf f = { .s = s, .c = c, .sus = &l->v[l->suspect], .k = -1 };
	const struct series *x;
	struct inv_caps caps;
	struct kerr e = { 0 };

	probe_caps(s, &caps);
	investigate_plan(l->kind, f.sus->s.name, &caps, (enum inv_confirm_choice)s->c.confirm,
			 &c->plan);
	x = series_find(&s->set, f.sus->s.source, f.sus->s.name, f.sus->s.module);
	f.k = x ? (long)(x - s->set.v) : -1;
	c->budget_s = budget_of(s, &f.min_age_s);
	f.start_ns = clock_mono_ns();
	f.end_ns = f.start_ns + (uint64_t)(c->budget_s * 1e9);
	f.t_from = (double)(f.start_ns - s->set.t0_ns) / 1e9;
	s->ks_loaded = caps.root && !trace_ksyms_load(&s->ks, &e);
	run_methods(&f);
	sustained(&f);
	join_sites(&f);
	reclaim_facts(&f);
	process_facts(&f);
	module_facts(&f);
	c->elapsed_s = (double)(clock_mono_ns() - f.start_ns) / 1e9;
}

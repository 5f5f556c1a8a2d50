// SPDX-License-Identifier: GPL-2.0
/*
 * investigate's verdict: the evidence of the three steps joined into one
 * chain, each link with its numbers, the culprit when the evidence names
 * one, and what to do next (see investigate.h).
 *
 * `leak` (CONTRACTS "Verdicts") needs evidence. Here it is the confirm
 * step's: objects allocated and never freed, aged past the minimum age,
 * at a call site that keeps allocating while the series keeps growing
 * (or, without tracing, vmallocinfo's caller gaining areas it never
 * frees, kmemleak's unreferenced objects, count's allocations outrunning
 * frees). When nothing could confirm, the suspect's trend over the leak
 * window decides, as in watch. A suspect below the family-wise bar (the
 * likeliest grower at the deadline) is never a culprit.
 */
#include "investigate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/fmt.h"

__attribute__((format(printf, 5, 6))) static void
link_add(struct inv_verdict *v, const char *step, double rate, double share, const char *fmt, ...)
{
	struct inv_chain_link *l;
	va_list ap;

	if (v->nchain >= INV_CHAIN_MAX)
		return;
	l = &v->chain[v->nchain++];
	snprintf(l->step, sizeof(l->step), "%s", step);
	l->rate_bytes_per_hour = rate;
	l->share = share;
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof(l->text), fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void next_add(struct inv_verdict *v, const char *fmt,
							   ...)
{
	va_list ap;

	if (v->nnext >= INV_NEXT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(v->next[v->nnext++], sizeof(v->next[0]), fmt, ap);
	va_end(ap);
}

/* "+1.2 MiB/h" */
static const char *rate(double bph, char *buf, size_t len)
{
	char b[32];

	snprintf(buf, len, "%s/h", fmt_sbytes(bph, b, sizeof(b)));
	return buf;
}

/* " (explains 97% of SUnreclaim's growth)" or "" */
static const char *explains(const struct inv_localize *l, const struct inv_link *k, char *buf,
			    size_t len)
{
	buf[0] = 0;
	if (k->parent >= 0 && k->share >= 0)
		snprintf(buf, len, " (explains %.0f%% of %s's growth)", k->share * 100,
			 l->v[k->parent].role == INV_ROLE_KERNEL ? "kernel memory"
								 : l->v[k->parent].s.name);
	else if (k->parent >= 0 && k->s.rate_bytes_per_hour > 0)
		snprintf(buf, len, " (while %s as a whole shrank: other parts gave memory back)",
			 l->v[k->parent].s.name);
	return buf;
}

static const char *mod_sfx(const char *m, char *buf, size_t len)
{
	buf[0] = 0;
	if (m && *m)
		snprintf(buf, len, " [%s]", m);
	return buf;
}

/* The localize links: kernel -> aggregate -> suspect -> site, followers. */
static void chain_localize(struct inv_verdict *v, const struct inv_report *r)
{
	const struct inv_localize *l = &r->localize;
	char rb[40], eb[120], mb[80], fol[380] = "";

	for (size_t i = 0; i < l->n; i++) {
		const struct inv_link *k = &l->v[i];

		switch (k->role) {
		case INV_ROLE_KERNEL:
			link_add(v, "kernel", k->s.rate_bytes_per_hour, -1,
				 "itemised kernel memory %s (trend confidence %.2f)",
				 rate(k->s.rate_bytes_per_hour, rb, sizeof(rb)),
				 k->s.trend_confidence);
			break;
		case INV_ROLE_AGGREGATE:
		case INV_ROLE_SUSPECT:
		case INV_ROLE_MODULE:
			link_add(v, k->role == INV_ROLE_AGGREGATE ? "aggregate" : "series",
				 k->s.rate_bytes_per_hour, k->share, "%s %s%s%s%.200s%s %s%s",
				 series_source_name(k->s.source), k->s.name,
				 mod_sfx(k->s.module, mb, sizeof(mb)),
				 k->aliases[0] ? " (merged with " : "", k->aliases,
				 k->aliases[0] ? ")" : "",
				 rate(k->s.rate_bytes_per_hour, rb, sizeof(rb)),
				 explains(l, k, eb, sizeof(eb)));
			break;
		case INV_ROLE_SITE:
			link_add(v, "site", k->s.rate_bytes_per_hour, k->share,
				 "allocinfo site %s %s%s", k->s.name,
				 rate(k->s.rate_bytes_per_hour, rb, sizeof(rb)),
				 explains(l, k, eb, sizeof(eb)));
			break;
		case INV_ROLE_FOLLOWER:
			snprintf(fol + strlen(fol), sizeof(fol) - strlen(fol), "%s%s%s%.100s%s",
				 fol[0] ? ", " : "", k->s.name,
				 k->aliases[0] ? " (merged with " : "", k->aliases,
				 k->aliases[0] ? ")" : "");
			break;
		default:
			break;
		}
	}
	if (fol[0])
		link_add(v, "follower", 0, -1,
			 "growing at the same object rate (one object graph): %s", fol);
}

static const struct inv_link *suspect_link(const struct inv_report *r)
{
	const struct inv_localize *l = &r->localize;

	return l->suspect >= 0 ? &l->v[l->suspect] : NULL;
}

/* "file:line" of an allocinfo series "function file:line [module]". */
static void site_location(const char *name, char *out, size_t len)
{
	const char *p = strchr(name, ' ');

	snprintf(out, len, "%.*s", p ? (int)strcspn(p + 1, " ") : 0, p ? p + 1 : "");
}

static void chain_trace(struct inv_verdict *v, const struct inv_report *r)
{
	const struct inv_trace_result *t = &r->confirm.trace;
	const struct inv_callsite *c;
	char db[40], ob[32], mb[80], hb[300] = "";

	if (!t->ran)
		return;
	if (t->culprit < 0) {
		link_add(v, "callsite", 0, -1,
			 "traced %.0f s (objects aged past %.0f s): %llu allocations, %llu frees; "
			 "no call site holds aged objects it does not free",
			 t->elapsed_s, t->min_age_s, (unsigned long long)t->allocs,
			 (unsigned long long)t->frees);
		return;
	}
	c = &t->v[t->culprit];
	if (c->caller[0])
		snprintf(hb, sizeof(hb), ", called from %s%s (%s allocates for its callers)",
			 c->caller, mod_sfx(c->caller_module, mb, sizeof(mb)), c->function);
	link_add(v, "callsite", c->rate_bytes_per_hour, c->share,
		 "call site %s%s%s holds %llu objects (%s) of %llu allocated while traced, "
		 "%llu freed; %llu older than %.0f s, the oldest %s; %s of growth%s%.0f%s",
		 c->callsite, mod_sfx(c->module, mb, sizeof(mb)), hb,
		 (unsigned long long)c->outstanding,
		 fmt_bytes(c->outstanding_bytes, ob, sizeof(ob)), (unsigned long long)c->allocs,
		 (unsigned long long)c->frees, (unsigned long long)c->aged, t->min_age_s,
		 fmt_duration_ns((uint64_t)(c->oldest_age_s * 1e9), db, sizeof(db)),
		 rate(c->rate_bytes_per_hour, ob, sizeof(ob)), c->share >= 0 ? " (explains " : "",
		 c->share >= 0 ? c->share * 100 : 0,
		 c->share >= 0 ? "% of the series' growth while traced)" : "");
	if (c->site[0] && r->localize.site < 0)
		link_add(v, "site", 0, -1, "allocinfo site %s%s", c->site,
			 c->site_by_growth
				 ? " (joined by matching growth: the allocator is inlined)"
				 : "");
}

static void chain_process(struct inv_verdict *v, const struct inv_report *r)
{
	const struct inv_process *p = &r->confirm.process;
	char cb[160] = "", fb[120] = "";

	if (!p->have)
		return;
	if (p->container[0])
		snprintf(cb, sizeof(cb), ", container %s", p->container);
	if (p->have_fds && p->fds) /* kernel threads hold none: nothing to say */
		snprintf(fb, sizeof(fb), "; it holds %llu open files, %llu of them sockets",
			 (unsigned long long)p->fds, (unsigned long long)p->sockets);
	link_add(v, "process", 0, -1, "allocated by %s%s (pid %u%s)%s",
		 p->pid && p->comm[0] ? "process " : "",
		 !p->pid      ? "interrupt or kernel context"
		 : p->comm[0] ? p->comm
			      : "a process now gone",
		 p->pid, cb, fb);
}

static void chain_reclaim(struct inv_verdict *v, const struct inv_report *r)
{
	const struct inv_reclaim_result *x = &r->confirm.reclaim;

	if (!x->counter)
		return;
	if (!strcmp(x->counter, "sockstat"))
		link_add(v, "reclaim", 0, -1,
			 "sockstat: sockets in use %+.0f while the cache gained %.0f objects: %s",
			 x->in_use, x->objects,
			 x->state == INV_RECLAIM_IN_USE ? "live sockets, pinned by their owners"
							: "not all of them are sockets in use");
	else
		link_add(v, "reclaim", 0, -1,
			 "%s: unused (on the LRU) %+.0f%s%.0f%s while the cache gained %.0f objects: %s",
			 x->counter, x->unused, x->negative ? ", negative " : "",
			 x->negative ? x->negative : 0, x->negative ? "" : "", x->objects,
			 x->state == INV_RECLAIM_UNUSED
				 ? "unused, freed by the kernel under memory pressure"
				 : "in use, pinned (open files, working directories, mounts)");
}

static void chain_other(struct inv_verdict *v, const struct inv_report *r)
{
	const struct inv_confirm *c = &r->confirm;
	char bb[32];

	if (c->vmalloc_have)
		link_add(v, "vmallocinfo", 0, -1,
			 "vmallocinfo: %s holds %llu areas (%s), %+.0f areas while watched",
			 c->vmalloc_callsite, (unsigned long long)c->vmalloc_areas,
			 fmt_bytes(c->vmalloc_bytes, bb, sizeof(bb)), c->vmalloc_areas_gained);
	if (c->kmemleak.ran)
		link_add(v, "kmemleak", 0, -1,
			 "kmemleak: %zu unreferenced objects (%s) from %s%s%s%s, of %zu reported",
			 c->kmemleak.matched_objects,
			 fmt_bytes(c->kmemleak.matched_bytes, bb, sizeof(bb)),
			 c->kmemleak.matched_groups ? c->kmemleak.function
						    : "none of the suspect's",
			 c->kmemleak.module[0] ? " [" : "", c->kmemleak.module,
			 c->kmemleak.module[0] ? "]" : "", c->kmemleak.objects);
	if (c->count.ran)
		link_add(v, "count", 0, -1, "count: alloc %llu free %llu outstanding %llu (%s)",
			 (unsigned long long)c->count.alloc, (unsigned long long)c->count.free,
			 (unsigned long long)c->count.outstanding, c->count.verdict);
	if (c->module.have)
		link_add(v, "module", 0, -1, "module %s%s%s%s%s%s%s", c->module.name,
			 strchr(c->module.taints, 'O') ? ": out-of-tree (taints the kernel: O)"
						       : "",
			 strchr(c->module.taints, 'E') ? ", unsigned (E)" : "",
			 c->module.srcversion[0] ? ", srcversion " : "", c->module.srcversion,
			 c->module.version[0] ? ", version " : "", c->module.version);
	for (size_t i = 0; i < c->plan.nnot; i++)
		link_add(v, "not_run", 0, -1, "%s did not run: %s; the result lacks %s",
			 inv_method_name(c->plan.not_run[i].method), c->plan.not_run[i].reason,
			 c->plan.not_run[i].missing);
}

/* What grew, whether or not it is the culprit. */
static void fill_suspect(const struct inv_report *r, struct inv_culprit *c)
{
	const struct inv_link *s = suspect_link(r), *site;
	const struct inv_confirm *cf = &r->confirm;
	const struct inv_callsite *cs =
		cf->trace.ran && cf->trace.culprit >= 0 ? &cf->trace.v[cf->trace.culprit] : NULL;

	memset(c, 0, sizeof(*c));
	c->explains_fraction = -1;
	if (!s)
		return;
	c->kind = r->localize.kind;
	snprintf(c->name, sizeof(c->name), "%s", s->s.name);
	snprintf(c->module, sizeof(c->module), "%s", s->s.module);
	c->explains_fraction = s->share;
	if (cs) {
		snprintf(c->callsite, sizeof(c->callsite), "%s",
			 cs->caller[0] ? cs->caller : cs->callsite);
		snprintf(c->module, sizeof(c->module), "%s",
			 cs->caller[0] ? cs->caller_module : cs->module);
		snprintf(c->site, sizeof(c->site), "%s", cs->site);
		if (cs->npids) {
			c->has_pid = true;
			c->pid = cs->pids[0].pid;
			snprintf(c->comm, sizeof(c->comm), "%s", cs->pids[0].comm);
		}
	} else if (cf->vmalloc_have) {
		snprintf(c->callsite, sizeof(c->callsite), "%s", cf->vmalloc_callsite);
	}
	site = r->localize.site >= 0 ? &r->localize.v[r->localize.site] : NULL;
	if (!c->site[0] && site)
		site_location(site->s.name, c->site, sizeof(c->site));
	if (cf->process.have && cf->process.container[0])
		snprintf(c->container, sizeof(c->container), "%s", cf->process.container);
	else if (r->localize.has_container)
		snprintf(c->container, sizeof(c->container), "%s", r->localize.container);
}

/* The confirm step's evidence that the suspect leaks, or why not (reason). */
static bool confirmed(const struct inv_report *r, const char **reason)
{
	const struct inv_confirm *c = &r->confirm;
	const struct inv_link *s = suspect_link(r);
	bool any = c->trace.ran || c->vmalloc_have || c->kmemleak.ran || c->count.ran;

	if (r->localize.weak) {
		*reason = "weak_trend";
		return false;
	}
	if (r->localize.kind == INV_KIND_MEMINFO) {
		*reason = "not_itemised";
		return s && s->s.verdict == TREND_LEAK;
	}
	if (!any) {
		*reason = s && s->s.verdict != TREND_LEAK ? trend_reason_name(s->s.reason) : NULL;
		if (!*reason)
			*reason = "not_confirmed";
		return s && s->s.verdict == TREND_LEAK;
	}
	if (c->series_have && !c->sustained) {
		*reason = "not_sustained";
		return false;
	}
	if (c->trace.ran) {
		*reason = "freed";
		return c->trace.culprit >= 0;
	}
	*reason = "not_confirmed";
	return (c->vmalloc_have && c->vmalloc_areas_gained > 0) ||
	       (c->kmemleak.ran && c->kmemleak.matched_groups) ||
	       (c->count.ran && c->count.verdict &&
		!strcmp(c->count.verdict, "allocs_outrun_frees"));
}

static void next_leak(struct inv_verdict *v, const struct inv_report *r)
{
	const struct inv_culprit *c = &v->culprit;
	const struct inv_confirm *cf = &r->confirm;

	if (c->module[0]) {
		next_add(v,
			 "give the driver's vendor: module %s%s%s, the call site %s, and this report "
			 "(kleak investigate --json)",
			 c->module, cf->module.srcversion[0] ? " srcversion " : "",
			 cf->module.srcversion, c->callsite[0] ? c->callsite : c->name);
		next_add(v,
			 "confirm on a test machine: boot with kmemleak=on, then kleak kmemleak run -- "
			 "sh -c 'modprobe %s; <the workload>'",
			 c->module);
	} else if (cf->process.have && cf->process.pid && cf->process.sockets) {
		next_add(v,
			 "process %s (pid %u) keeps %llu sockets open: fix or restart it; follow it "
			 "with kleak count --cache %s -p %u",
			 cf->process.comm, cf->process.pid, (unsigned long long)cf->process.sockets,
			 c->name, cf->process.pid);
	} else {
		next_add(v,
			 "built-in kernel code: report %s to its maintainers "
			 "(scripts/get_maintainer.pl -f on the file of the call site)",
			 c->callsite[0] ? c->callsite : c->name);
	}
	next_add(v, "follow it: kleak trace --cache %s --min-age 60 --stacks",
		 c->kind == INV_KIND_SLAB ? c->name : "<cache>");
}

static void verdict_leak(struct inv_verdict *v, const struct inv_report *r)
{
	char rb[40];

	v->verdict = TREND_LEAK;
	v->reason[0] = 0;
	v->has_culprit = true;
	v->culprit = v->suspect;
	snprintf(v->summary, sizeof(v->summary), "leak: %s%s%s%s%s%s %s", v->culprit.name,
		 v->culprit.callsite[0] ? " at " : "", v->culprit.callsite,
		 v->culprit.module[0] ? " [" : "", v->culprit.module,
		 v->culprit.module[0] ? "]" : "",
		 rate(suspect_link(r)->s.rate_bytes_per_hour, rb, sizeof(rb)));
	if (!v->culprit.module[0] && v->culprit.has_pid && v->culprit.pid)
		snprintf(v->summary + strlen(v->summary), sizeof(v->summary) - strlen(v->summary),
			 ", allocated by %s%s (pid %u%s)", v->culprit.comm[0] ? "process " : "",
			 v->culprit.comm[0] ? v->culprit.comm : "a process now gone",
			 v->culprit.pid, "");
	next_leak(v, r);
}

static void verdict_reclaimable(struct inv_verdict *v, const struct inv_report *r)
{
	v->verdict = TREND_RECLAIMABLE;
	snprintf(v->reason, sizeof(v->reason), "reclaimable");
	snprintf(v->summary, sizeof(v->summary), "reclaimable growth, not a leak: %s",
		 v->suspect.name);
	next_add(v,
		 "a leak only if it survives memory pressure: on a test machine, "
		 "echo 2 > /proc/sys/vm/drop_caches and see %s shrink",
		 v->suspect.name);
	next_add(v,
		 "a container at its memory limit that never reclaims it (the lesson's case): "
		 "kleak cgroups");
	(void)r;
}

static void verdict_unconfirmed(struct inv_verdict *v, const struct inv_report *r,
				const char *reason)
{
	const struct inv_link *s = suspect_link(r);

	v->verdict = s->s.verdict == TREND_LEAK ? TREND_GROWING : s->s.verdict;
	if (r->localize.weak)
		v->verdict = TREND_POSSIBLE;
	if (v->verdict > TREND_POSSIBLE)
		v->verdict = TREND_GROWING;
	snprintf(v->reason, sizeof(v->reason), "%s", reason);
	snprintf(v->summary, sizeof(v->summary), "no leak found: %s grew, %s", s->s.name,
		 !strcmp(reason, "freed")	    ? "but what it allocates is freed"
		 : !strcmp(reason, "not_sustained") ? "then stopped growing"
		 : !strcmp(reason, "weak_trend")    ? "but not beyond the noise of all series"
		 : !strcmp(reason, "not_itemised")  ? "in memory the kernel does not itemise"
						    : "and nothing could confirm a leak");
	if (r->confirm.plan.nnot && !r->confirm.trace.ran)
		next_add(v,
			 "run as root on a kernel with BTF for the call site: "
			 "sudo kleak investigate");
	next_add(v, "watch it over the leak window: kleak watch -i 10 -d 30m");
}

static void verdict_none(struct inv_verdict *v, const struct inv_report *r)
{
	char rb[40];

	v->has_verdict = false;
	snprintf(v->summary, sizeof(v->summary), "no leak found");
	link_add(v, "detect", 0, -1,
		 "%s after %.0f s: %zu series looked at; growth slower than about %s would not "
		 "have shown yet",
		 r->detect.stop == INV_STOP_QUIET ? "nothing grows" : "no series grew enough",
		 r->detect.elapsed_s, r->detect.series,
		 rate(r->detect.floor_bytes_per_hour, rb, sizeof(rb)));
	for (size_t i = 0; i < r->detect.nsources; i++)
		if (!r->detect.sources[i].ok &&
		    (!strcmp(r->detect.sources[i].name, "slabinfo") ||
		     !strcmp(r->detect.sources[i].name, "vmallocinfo"))) {
			link_add(v, "detect", 0, -1,
				 "%s could not be read (%s): a leak in one cache or caller can hide "
				 "in the aggregates' noise",
				 r->detect.sources[i].name, r->detect.sources[i].error);
			next_add(v,
				 "run as root to watch every slab cache and vmalloc caller: "
				 "sudo kleak investigate");
			break;
		}
	for (size_t i = 0; i < r->confirm.plan.nnot; i++)
		link_add(v, "not_run", 0, -1, "%s could not have run: %s",
			 inv_method_name(r->confirm.plan.not_run[i].method),
			 r->confirm.plan.not_run[i].reason);
	next_add(v,
		 "slower leaks need a longer look: kleak watch -i 10 -d 1h, or kleak record "
		 "-o FILE on production and kleak report FILE");
}

void investigate_verdict(struct inv_report *r, const struct inv_opts *o)
{
	struct inv_verdict *v = &r->verdict;
	const struct inv_link *s = suspect_link(r);
	const char *reason = NULL;
	bool pinned;

	(void)o;
	memset(v, 0, sizeof(*v));
	chain_localize(v, r);
	if (!s) {
		verdict_none(v, r);
		return;
	}
	v->has_verdict = v->has_suspect = true;
	fill_suspect(r, &v->suspect);
	chain_trace(v, r);
	chain_process(v, r);
	chain_reclaim(v, r);
	chain_other(v, r);
	pinned = r->confirm.reclaim.state == INV_RECLAIM_IN_USE;
	if ((s->s.reclaimable == 1 && !pinned) ||
	    (s->s.source == SERIES_MEMINFO &&
	     (!strcmp(s->s.name, "SReclaimable") || !strcmp(s->s.name, "KReclaimable"))))
		verdict_reclaimable(v, r);
	else if (confirmed(r, &reason))
		verdict_leak(v, r);
	else
		verdict_unconfirmed(v, r, reason);
}

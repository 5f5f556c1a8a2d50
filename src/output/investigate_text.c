// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak investigate` as text: a short narrative read top to bottom. What
 * was looked at and for how long, what grew, where it is, what the
 * evidence says, the verdict with its chain, what to do next, and what
 * the run cost.
 */
#include "investigate_render.h"

#include <string.h>

#include "output/fmt.h"
#include "util/text.h"

/* Names from the kernel and from processes (comm) made safe for a terminal. */
static const char *safe(const char *s)
{
	static char bufs[8][640];
	static unsigned i;

	return text_safe(s, bufs[i++ % 8], sizeof(bufs[0]));
}

static const char *rate(double bph, char *buf, size_t len)
{
	char b[32];

	snprintf(buf, len, "%s/h", fmt_sbytes(bph, b, sizeof(b)));
	return buf;
}

static const char *dur(double s, char *buf, size_t len)
{
	return fmt_duration_ns(s > 0 ? (uint64_t)(s * 1e9) : 0, buf, len);
}

static void header(FILE *f, const struct inv_report *r, const struct render_opts *o)
{
	char a[32], b[32];

	fprintf(f, "%skleak investigate%s on %s (%s): %s of at most %s\n\n",
		o->color ? FMT_BOLD : "", o->color ? FMT_RESET : "", safe(r->hostname),
		safe(r->release), dur(r->elapsed_s, a, sizeof(a)), dur(r->max_s, b, sizeof(b)));
}

static void detect_text(FILE *f, const struct inv_report *r)
{
	const struct inv_detect *d = &r->detect;
	char a[32], rb[40];

	fprintf(f,
		"1. Detect: %llu samples in %s, every %.0f s (%.0f s at the end); %zu series "
		"(meminfo %zu, slab %zu, vmalloc callers %zu, vmalloc modules %zu, allocinfo %zu)\n",
		(unsigned long long)d->samples, dur(d->elapsed_s, a, sizeof(a)),
		d->interval_first_s, d->interval_last_s, d->series, d->by_source[SERIES_MEMINFO],
		d->by_source[SERIES_SLAB], d->by_source[SERIES_VMALLOC_CALLER],
		d->by_source[SERIES_VMALLOC_MODULE], d->by_source[SERIES_ALLOCINFO]);
	for (size_t i = 0; i < d->nsources; i++)
		if (!d->sources[i].ok)
			fprintf(f, "   not read: %s\n", safe(d->sources[i].error));
	if (d->have_kernel)
		fprintf(f, "   itemised kernel memory %s (trend confidence %.2f)\n",
			rate(d->kernel.rate_bytes_per_hour, rb, sizeof(rb)),
			d->kernel.trend_confidence);
	for (size_t i = 0; i < d->ngrowing && i < 5; i++)
		fprintf(f, "   growing: %s %s %s (%s%s%s)\n",
			series_source_name(d->growing[i].source), safe(d->growing[i].name),
			rate(d->growing[i].rate_bytes_per_hour, rb, sizeof(rb)),
			trend_verdict_name(d->growing[i].verdict),
			trend_reason_name(d->growing[i].reason) ? ": " : "",
			trend_reason_name(d->growing[i].reason)
				? trend_reason_name(d->growing[i].reason)
				: "");
	for (size_t i = 0; i < d->nsignals; i++)
		fprintf(f, "   kernel log (%s): %s\n", severity_name(d->signals[i].severity),
			safe(d->signals[i].summary));
	if (d->has_suspect)
		fprintf(f, "   %s after %s: %s %s %s\n", d->weak ? "likeliest grower" : "suspect",
			dur(d->found_at_s, a, sizeof(a)), series_source_name(d->suspect.source),
			safe(d->suspect.name),
			rate(d->suspect.rate_bytes_per_hour, rb, sizeof(rb)));
	else
		fprintf(f, "   %s\n",
			d->stop == INV_STOP_QUIET    ? "nothing grows"
			: d->stop == INV_STOP_SIGNAL ? "stopped by a signal"
						     : "no series grew enough to suspect");
}

static void localize_text(FILE *f, const struct inv_report *r)
{
	const struct inv_localize *l = &r->localize;
	char rb[40];

	if (l->suspect < 0)
		return;
	fprintf(f, "2. Localize:\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct inv_link *k = &l->v[i];
		int depth = 0;

		for (int p = k->parent; p >= 0 && depth < 6; p = l->v[p].parent)
			depth++;
		fprintf(f, "   %*s%s %s%s%s%s %s", depth * 2, "", inv_role_name(k->role),
			safe(k->s.name), k->s.module[0] ? " [" : "", safe(k->s.module),
			k->s.module[0] ? "]" : "", rate(k->s.rate_bytes_per_hour, rb, sizeof(rb)));
		if (k->share >= 0 && k->parent >= 0)
			fprintf(f, " (%.0f%% of %s)", k->share * 100, safe(l->v[k->parent].s.name));
		fprintf(f, "\n");
	}
	if (l->has_container)
		fprintf(f, "   container %s: kernel memory +%.0f bytes (%.0f%% of the growth)\n",
			safe(l->container), l->container_growth_bytes, l->container_share * 100);
}

static void sites_text(FILE *f, const struct inv_trace_result *t)
{
	char ob[32], ab[32];

	fprintf(f, "   %-44s %8s %8s %8s %8s %7s  %s\n", "CALL SITE", "HELD", "ALLOCS", "FREES",
		"AGED", "OLDEST", "PROCESS");
	for (size_t i = 0; i < t->n; i++) {
		const struct inv_callsite *c = &t->v[i];
		char name[64];

		snprintf(name, sizeof(name), "%.40s%s%.20s%s", safe(c->callsite),
			 c->module[0] ? " [" : "", safe(c->module), c->module[0] ? "]" : "");
		fprintf(f, "   %-44s %8s %8llu %8llu %8llu %7s  %s%s\n", name,
			fmt_bytes(c->outstanding_bytes, ob, sizeof(ob)),
			(unsigned long long)c->allocs, (unsigned long long)c->frees,
			(unsigned long long)c->aged, dur(c->oldest_age_s, ab, sizeof(ab)),
			c->npids ? safe(c->pids[0].comm) : "", c->leaking ? "  <- leaking" : "");
	}
}

static void confirm_text(FILE *f, const struct inv_report *r)
{
	const struct inv_confirm *c = &r->confirm;
	char a[32], b[32];

	if (r->localize.suspect < 0)
		return;
	fprintf(f, "3. Confirm (%s, at most %s):", dur(c->elapsed_s, a, sizeof(a)),
		dur(c->budget_s, b, sizeof(b)));
	for (int m = 0; m < INV_M_N; m++)
		if (c->plan.run[m])
			fprintf(f, " %s", inv_method_name((enum inv_method)m));
	fprintf(f, "\n");
	if (c->trace.ran) {
		fprintf(f,
			"   traced %s for %.0f s; objects older than %.0f s count as aged; "
			"%llu allocations, %llu frees, %llu recursion misses, %llu dropped\n",
			safe(c->trace.events), c->trace.elapsed_s, c->trace.min_age_s,
			(unsigned long long)c->trace.allocs, (unsigned long long)c->trace.frees,
			(unsigned long long)c->trace.recursion_misses,
			(unsigned long long)c->trace.dropped);
		if (c->trace.n)
			sites_text(f, &c->trace);
	}
	for (size_t i = 0; i < c->plan.nnot; i++)
		fprintf(f, "   not run: %s: %s (the result lacks %s)\n",
			inv_method_name(c->plan.not_run[i].method), safe(c->plan.not_run[i].reason),
			c->plan.not_run[i].missing);
}

static void verdict_text(FILE *f, const struct inv_report *r, const struct render_opts *o)
{
	const struct inv_verdict *v = &r->verdict;
	const char *col = !o->color ? "" : v->has_culprit ? FMT_RED : FMT_GREEN;

	fprintf(f, "\n%sVerdict: %s%s\n", col, safe(v->summary), o->color ? FMT_RESET : "");
	for (size_t i = 0; i < v->nchain; i++)
		fprintf(f, "  %s%s\n", i ? "-> " : "", safe(v->chain[i].text));
	if (v->has_culprit) {
		const struct inv_culprit *c = &v->culprit;

		fprintf(f, "  culprit: %s %s%s%s%s%s%s%s", inv_kind_name(c->kind), safe(c->name),
			c->callsite[0] ? ", call site " : "", safe(c->callsite),
			c->module[0] ? " [" : "", safe(c->module), c->module[0] ? "]" : "",
			c->site[0] ? ", " : "");
		fprintf(f, "%s", safe(c->site));
		if (c->has_pid)
			fprintf(f, ", process %s (pid %u)", safe(c->comm[0] ? c->comm : "?"),
				c->pid);
		if (c->container[0])
			fprintf(f, ", container %s", safe(c->container));
		if (c->explains_fraction >= 0)
			fprintf(f, "; explains %.0f%% of its aggregate's growth",
				c->explains_fraction * 100);
		fprintf(f, "\n");
	}
	if (v->nnext)
		fprintf(f, "\nNext:\n");
	for (size_t i = 0; i < v->nnext; i++)
		fprintf(f, "  - %s\n", safe(v->next[i]));
}

static void cost_text(FILE *f, const struct inv_report *r)
{
	const struct inv_cost *c = &r->cost;
	char a[32], b[32], t[32];

	fprintf(f, "\nCost: CPU %.2f s (user %.2f, system %.2f) for %llu samples",
		c->cpu_user_s + c->cpu_sys_s, c->cpu_user_s, c->cpu_sys_s,
		(unsigned long long)c->samples);
	if (c->bpf_stats)
		fprintf(f, ", BPF programs %s in %llu runs",
			fmt_duration_ns(c->bpf_run_time_ns, t, sizeof(t)),
			(unsigned long long)c->bpf_run_count);
	fprintf(f, "; memory %s (peak RSS)", fmt_bytes(c->max_rss_bytes, a, sizeof(a)));
	if (c->bpf_map_bytes)
		fprintf(f, " + %s of BPF maps", fmt_bytes(c->bpf_map_bytes, b, sizeof(b)));
	fprintf(f, "\n");
}

void investigate_render_text(FILE *f, const struct inv_report *r, const struct render_opts *o)
{
	header(f, r, o);
	detect_text(f, r);
	localize_text(f, r);
	confirm_text(f, r);
	verdict_text(f, r, o);
	cost_text(f, r);
}

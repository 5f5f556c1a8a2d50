// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak investigate --html OUT.html`: the report page of `kleak report
 * --html` (cmd/page.c, docs/html.md) filled from the run. Detect's series
 * as detect ended (a copy: confirm goes on sampling, pruning the set) and
 * its trend report (the user's leak window, as --json's detect.growing)
 * are the growth sections; confirm's last trace report the call sites and
 * flame graph; kmemleak's report, when confirm read it, the groups; and
 * investigate's verdict, chain of evidence, next actions and cost the
 * page's summary and its chain-of-evidence section. Wiring only: the
 * numbers are the reports' own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "investigate.h"
#include "output/fmt.h"
#include "page.h"

struct inv_page {
	struct page p;
	struct html_step chain[INV_CHAIN_MAX];
	const char *next[INV_NEXT_MAX];
	char cost[400];
};

/* A leak with a culprit is critical, growth without one a warning. */
static const char *severity(const struct inv_verdict *v)
{
	if (!v->has_verdict)
		return "info";
	if (v->verdict == TREND_LEAK)
		return "critical";
	return v->verdict == TREND_GROWING || v->verdict == TREND_POSSIBLE ? "warning" : "info";
}

static void cost_text(const struct inv_cost *c, char *buf, size_t len)
{
	char a[32], b[32];
	size_t n;

	n = (size_t)snprintf(buf, len, "CPU %.2f s over %llu samples; peak memory %s",
			     c->cpu_user_s + c->cpu_sys_s, (unsigned long long)c->samples,
			     fmt_bytes(c->max_rss_bytes, a, sizeof(a)));
	if (c->bpf_map_bytes && n < len)
		n += (size_t)snprintf(buf + n, len - n, " + %s of BPF maps",
				      fmt_bytes(c->bpf_map_bytes, b, sizeof(b)));
	if (c->bpf_stats && n < len)
		snprintf(buf + n, len - n, "; BPF programs ran %llu times for %s",
			 (unsigned long long)c->bpf_run_count,
			 fmt_duration_ns(c->bpf_run_time_ns, a, sizeof(a)));
}

static void conclusion(struct inv_page *ip, const struct inv_report *r)
{
	const struct inv_verdict *v = &r->verdict;
	struct html_conclusion *c = &ip->p.r.conclusion;

	for (size_t i = 0; i < v->nchain && i < INV_CHAIN_MAX; i++)
		ip->chain[i] = (struct html_step){ v->chain[i].step, v->chain[i].text };
	for (size_t i = 0; i < v->nnext && i < INV_NEXT_MAX; i++)
		ip->next[i] = v->next[i];
	cost_text(&r->cost, ip->cost, sizeof(ip->cost));
	*c = (struct html_conclusion){
		.verdict = v->summary,
		.severity = severity(v),
		.name = v->has_verdict ? trend_verdict_name(v->verdict) : "nothing_grows",
		.chain = ip->chain,
		.nchain = v->nchain < INV_CHAIN_MAX ? v->nchain : INV_CHAIN_MAX,
		.next = ip->next,
		.nnext = v->nnext < INV_NEXT_MAX ? v->nnext : INV_NEXT_MAX,
		.cost = ip->cost,
	};
}

/* Confirm's pictures: trace's call sites and stacks, kmemleak's groups. */
static void confirm_sections(struct inv_page *ip, const struct inv_state *s)
{
	struct kerr e = { 0 };
	char msg[300];

	if (s->have_trep && page_trace(&ip->p, &s->trep, s->rep.confirm.trace.events))
		fprintf(stderr,
			"kleak investigate: --html: the call sites are left out: "
			"out of memory\n");
	if (s->have_kmemleak && page_kmemleak(&ip->p, s->kmemleak.data, s->kmemleak.len, "kmemleak",
					      &s->ingest, "read by confirm, after two scans", &e))
		fprintf(stderr, "kleak investigate: --html: kmemleak's report is left out: %s\n",
			kerr_str(&e, msg, sizeof(msg)));
}

int inv_write_page(const struct inv_state *s)
{
	static struct inv_page ip; /* large; one page per run */
	struct html_trend_args a = {
		.title = "kleak investigate",
		.kernel = s->rep.release[0] ? s->rep.release : NULL,
		.hostname = s->rep.hostname[0] ? s->rep.hostname : NULL,
		.interval_s = s->interval_s,
	};
	struct kerr e = { 0 };
	int r;

	page_init(&ip.p, s->argc, s->argv);
	if (!s->have_dset || page_growth(&ip.p, &s->dset, &s->urep, &a)) {
		kerr_set(&e, -ENOMEM, s->c.html, 0, "out of memory");
		page_free(&ip.p);
		return cmd_fail(&e, s->c.json);
	}
	confirm_sections(&ip, s);
	conclusion(&ip, &s->rep);
	r = page_write(&ip.p, s->c.html, &e);
	page_free(&ip.p);
	return r ? cmd_fail(&e, s->c.json) : 0;
}

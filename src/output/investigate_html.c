// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak investigate --html OUT.html`: the report as one self-contained
 * page (inline CSS, no script, no network): the verdict and its chain of
 * evidence first, then the three steps' tables, the next actions and the
 * cost. Every string is escaped for HTML after text_safe (control bytes
 * shown, never passed). The report renderer of `kleak report --html`
 * (issue 17) replaces the layout when it lands; the content stays this.
 */
#include "investigate_render.h"

#include <string.h>

#include "util/fmt.h"
#include "util/text.h"

static void esc(FILE *f, const char *s)
{
	char buf[1024];

	for (const char *p = text_safe(s ? s : "", buf, sizeof(buf)); *p; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*p, f);
		}
	}
}

static void head(FILE *f, const struct inv_report *r)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>kleak investigate: ",
	      f);
	esc(f, r->verdict.summary);
	fputs("</title>\n<style>\n"
	      "body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:60em;padding:0 1em;"
	      "color:#111;background:#fff}\n"
	      "h1{font-size:1.3em}h2{font-size:1.1em;border-bottom:1px solid #999}\n"
	      ".verdict{font-size:1.15em;font-weight:bold;padding:.5em;border:2px solid #333}\n"
	      ".leak{border-style:double}\nol.chain li{margin:.3em 0}\n"
	      "table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #999;"
	      "padding:.2em .4em;text-align:left}td.n{text-align:right}\n"
	      "code{font-family:ui-monospace,monospace}\n"
	      "@media print{body{max-width:none}}\n</style></head><body>\n",
	      f);
}

static void chain(FILE *f, const struct inv_verdict *v)
{
	fprintf(f, "<p class=\"verdict%s\">", v->has_culprit ? " leak" : "");
	esc(f, v->summary);
	fputs("</p>\n<h2>The chain of evidence</h2>\n<ol class=\"chain\">\n", f);
	for (size_t i = 0; i < v->nchain; i++) {
		fputs("<li><b>", f);
		esc(f, v->chain[i].step);
		fputs("</b>: ", f);
		esc(f, v->chain[i].text);
		fputs("</li>\n", f);
	}
	fputs("</ol>\n", f);
	if (!v->nnext)
		return;
	fputs("<h2>Next</h2>\n<ul>\n", f);
	for (size_t i = 0; i < v->nnext; i++) {
		fputs("<li>", f);
		esc(f, v->next[i]);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

static void links(FILE *f, const struct inv_localize *l)
{
	char rb[32];

	if (!l->n)
		return;
	fputs("<h2>Localize</h2>\n<table><tr><th>role</th><th>source</th><th>name</th>"
	      "<th>rate</th><th>share of parent</th></tr>\n",
	      f);
	for (size_t i = 0; i < l->n; i++) {
		fputs("<tr><td>", f);
		esc(f, inv_role_name(l->v[i].role));
		fputs("</td><td>", f);
		esc(f, series_source_name(l->v[i].s.source));
		fputs("</td><td><code>", f);
		esc(f, l->v[i].s.name);
		fprintf(f, "</code></td><td class=\"n\">%s/h</td><td class=\"n\">",
			fmt_sbytes(l->v[i].s.rate_bytes_per_hour, rb, sizeof(rb)));
		if (l->v[i].share >= 0)
			fprintf(f, "%.0f%%", l->v[i].share * 100);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void sites(FILE *f, const struct inv_trace_result *t)
{
	char b[32];

	if (!t->ran || !t->n)
		return;
	fputs("<h2>Confirm: call sites traced</h2>\n<table><tr><th>call site</th><th>module</th>"
	      "<th>held</th><th>allocs</th><th>frees</th><th>aged</th><th>process</th>"
	      "<th>leaking</th></tr>\n",
	      f);
	for (size_t i = 0; i < t->n; i++) {
		const struct inv_callsite *c = &t->v[i];

		fputs("<tr><td><code>", f);
		esc(f, c->callsite);
		fputs("</code></td><td>", f);
		esc(f, c->module);
		fprintf(f,
			"</td><td class=\"n\">%s</td><td class=\"n\">%llu</td>"
			"<td class=\"n\">%llu</td><td class=\"n\">%llu</td><td>",
			fmt_bytes(c->outstanding_bytes, b, sizeof(b)),
			(unsigned long long)c->allocs, (unsigned long long)c->frees,
			(unsigned long long)c->aged);
		esc(f, c->npids ? c->pids[0].comm : "");
		fprintf(f, "</td><td>%s</td></tr>\n", c->leaking ? "yes" : "no");
	}
	fputs("</table>\n", f);
}

static void cost(FILE *f, const struct inv_report *r)
{
	const struct inv_cost *c = &r->cost;
	char a[32], b[32];

	fprintf(f, "<h2>Cost</h2>\n<p>CPU %.2f s over %llu samples; peak memory %s",
		c->cpu_user_s + c->cpu_sys_s, (unsigned long long)c->samples,
		fmt_bytes(c->max_rss_bytes, a, sizeof(a)));
	if (c->bpf_map_bytes)
		fprintf(f, " + %s of BPF maps", fmt_bytes(c->bpf_map_bytes, b, sizeof(b)));
	if (c->bpf_stats)
		fprintf(f, "; BPF programs ran %llu times for %s",
			(unsigned long long)c->bpf_run_count,
			fmt_duration_ns(c->bpf_run_time_ns, a, sizeof(a)));
	fputs(".</p>\n", f);
}

void investigate_render_html(FILE *f, const struct inv_report *r)
{
	char a[32];

	head(f, r);
	fputs("<h1>kleak investigate on ", f);
	esc(f, r->hostname);
	fputs(" (", f);
	esc(f, r->release);
	fprintf(f, ")</h1>\n<p>%s, %llu series looked at.</p>\n",
		fmt_duration_ns((uint64_t)(r->elapsed_s * 1e9), a, sizeof(a)),
		(unsigned long long)r->detect.series);
	chain(f, &r->verdict);
	links(f, &r->localize);
	sites(f, &r->confirm.trace);
	cost(f, r);
	fputs("</body></html>\n", f);
}

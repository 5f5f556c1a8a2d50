// SPDX-License-Identifier: GPL-2.0
/*
 * The sections of the HTML report: findings, the component table under
 * the memory chart, the series that grew, kmemleak groups, trace call
 * sites, the run's metadata and how to read the page. Each row carries
 * its machine-readable values in data- attributes, written as --json
 * writes them, for tests and for anyone scraping the page.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "output/flame_svg.h"
#include "output/fmt.h"
#include "output/html_esc.h"
#include "output/html_int.h"
#include "output/html_sections.h"

static void code(FILE *f, const char *s)
{
	fputs("<code>", f);
	html_text(f, s);
	fputs("</code>", f);
}

static void finding(FILE *f, const struct html_finding *fd)
{
	const char *sev = fd->severity ? fd->severity : "info";

	fputs("<article class=\"finding", f);
	fputs(!strcmp(sev, "critical")	? " sev-critical"
	      : !strcmp(sev, "warning") ? " sev-warning"
					: " sev-info",
	      f);
	fputs("\"", f);
	html_attr(f, "data-severity", sev);
	fputs("><h3><span class=\"sev\">", f);
	html_text(f, sev);
	fputs("</span>", f);
	html_text(f, fd->title);
	fputs("</h3><p>", f);
	html_text(f, fd->evidence);
	fputs("</p>", f);
	if (fd->next) {
		fputs("<p>Next: ", f);
		code(f, fd->next);
		fputs("</p>", f);
	}
	fputs("</article>\n", f);
}

static const char *sev_class(const char *sev)
{
	if (!sev)
		return "ok";
	return !strcmp(sev, "critical") ? "bad" : !strcmp(sev, "warning") ? "warn" : "ok";
}

/* The producer's verdict as the page's summary sentence. */
void html_summary_conclusion(FILE *f, const struct html_conclusion *c)
{
	fprintf(f, "<p class=\"summary conclusion %s\"", sev_class(c->severity));
	if (c->name)
		html_attr(f, "data-verdict", c->name);
	fputs("><strong>", f);
	html_text(f, c->verdict);
	fputs("</strong></p>\n", f);
}

/* The chain of evidence behind the verdict, the next actions and the cost. */
void html_section_conclusion(FILE *f, const struct html_conclusion *c)
{
	fputs("<section id=\"chain\"><h2>The chain of evidence</h2>\n<ol class=\"chain\">\n", f);
	for (size_t i = 0; i < c->nchain; i++) {
		fputs("<li", f);
		html_attr(f, "data-step", c->chain[i].step);
		fputs("><strong>", f);
		html_text(f, c->chain[i].step);
		fputs("</strong>: ", f);
		html_text(f, c->chain[i].text);
		fputs("</li>\n", f);
	}
	fputs("</ol>\n", f);
	if (c->nnext) {
		fputs("<h3>Next</h3>\n<ul class=\"next\">\n", f);
		for (size_t i = 0; i < c->nnext; i++) {
			fputs("<li>", f);
			html_text(f, c->next[i]);
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	if (c->cost) {
		fputs("<p class=\"cost\"><strong>Cost</strong>: ", f);
		html_text(f, c->cost);
		fputs("</p>\n", f);
	}
	fputs("</section>\n", f);
}

void html_section_findings(FILE *f, const struct html_report *r)
{
	fputs("<section id=\"findings\"><h2>Findings</h2>\n", f);
	if (!r->nfindings)
		fputs("<p class=\"note\">None: nothing here needs a next step.</p>\n", f);
	for (size_t i = 0; i < r->nfindings; i++)
		finding(f, &r->findings[i]);
	fputs("</section>\n", f);
}

void html_section_components(FILE *f, const struct html_report *r)
{
	size_t n = r->npoints;

	if (!r->ncomp)
		return;
	fputs("<div class=\"scroll\"><table class=\"components\"><thead><tr><th>component</th>"
	      "<th class=\"what\">what it is</th><th class=\"num\">now</th><th class=\"num\">first to "
	      "last point</th>"
	      "</tr></thead><tbody>\n",
	      f);
	for (size_t i = 0; i < r->ncomp; i++) {
		const struct html_component *c = &r->comp[i];
		double d = n ? c->bytes[n - 1] - c->bytes[0] : 0;
		char b1[32], b2[32];

		fputs("<tr class=\"component\"", f);
		html_attr(f, "data-name", c->name);
		html_attr_u64(f, "data-bytes", c->bytes_now);
		fputs("><td class=\"name\">", f);
		if (c->stacked)
			html_swatch(f, c->style);
		else
			fputs("<svg class=\"sw\" viewBox=\"0 0 16 16\" aria-hidden=\"true\"><path d=\"M0,8H16\" "
			      "stroke=\"#000\" stroke-width=\"2.5\" stroke-dasharray=\"4 2\"/></svg>",
			      f);
		html_text(f, c->name);
		fputs("</td><td class=\"what\">", f);
		html_text(f, c->label);
		fputs(c->stacked ? "" : " (inside another band: dashed line, not stacked)", f);
		fprintf(f,
			"</td><td class=\"num\" data-label=\"now\">%s</td><td class=\"num\" "
			"data-label=\"first to last point\">%s</td></tr>\n",
			fmt_bytes(c->bytes_now, b1, sizeof(b1)), fmt_sbytes(d, b2, sizeof(b2)));
	}
	fputs("</tbody></table></div>\n", f);
}

/* 0.99999999 shows as 0.9999, never rounded up to a certainty. */
static void confidence(FILE *f, double c)
{
	fprintf(f, "%.4f", floor((c > 0 ? c : 0) * 10000) / 10000);
}

static void verdict_cell(FILE *f, const struct html_series *s)
{
	const char *v = s->verdict ? s->verdict : "unknown";

	fputs("<td data-label=\"verdict\"><span class=\"verdict v-", f);
	html_text(f, v);
	fputs("\">", f);
	html_text(f, v);
	fputs("</span>", f);
	if (s->explained_by[0]) {
		fputs("<span class=\"why\">explained by ", f);
		for (int k = 0; k < 3 && s->explained_by[k]; k++) {
			fputs(k ? ", " : "", f);
			html_text(f, s->explained_by[k]);
		}
		fputs("</span>", f);
	}
	if (s->reason && strcmp(s->reason, v)) { /* "released" says it once */
		fputs("<span class=\"why\">", f);
		html_text(f, s->reason);
		fputs("</span>", f);
	}
	fputs("</td>", f);
}

static void series_attrs(FILE *f, const struct html_series *s)
{
	html_attr(f, "data-source", s->source);
	html_attr(f, "data-name", s->name);
	html_attr(f, "data-module", s->module);
	html_attr(f, "data-verdict", s->verdict);
	html_attr(f, "data-reason", s->reason);
	html_attr_u64(f, "data-bytes", s->bytes_now);
	html_attr_num(f, "data-growth-bytes", s->growth_bytes);
	html_attr_num(f, "data-peak-growth-bytes", s->peak_growth_bytes);
	html_attr_num(f, "data-rate-bytes-per-hour", s->rate_bytes_per_hour);
	html_attr_num(f, "data-confidence", s->confidence);
	fprintf(f, " data-aggregate=\"%s\"", s->aggregate ? "true" : "false");
}

static int series_row(FILE *f, const struct html_series *s, size_t rank)
{
	char b1[32], b2[32], b3[32];
	int r;

	fputs("<tr class=\"series\"", f);
	series_attrs(f, s);
	fprintf(f, "><td class=\"num\" data-label=\"rank\">%zu</td>", rank);
	verdict_cell(f, s);
	fputs("<td data-label=\"source\">", f);
	html_text(f, s->source);
	fputs("</td><td class=\"name\">", f);
	code(f, s->name);
	if (s->module && !(s->source && !strcmp(s->source, "allocinfo"))) { /* named with it */
		fputs(" [", f);
		html_text(f, s->module);
		fputs("]", f);
	}
	fputs("</td><td data-label=\"trend\">", f);
	r = html_sparkline(f, s);
	fprintf(f,
		"</td><td class=\"num\" data-label=\"now\">%s</td><td class=\"num\" "
		"data-label=\"growth\">%s</td><td class=\"num rate\" data-label=\"rate\">%s/h</td>"
		"<td class=\"num\" data-label=\"confidence\">",
		fmt_bytes(s->bytes_now, b1, sizeof(b1)),
		fmt_sbytes(s->growth_bytes, b2, sizeof(b2)),
		fmt_sbytes(s->rate_bytes_per_hour, b3, sizeof(b3)));
	confidence(f, s->confidence);
	fputs("</td></tr>\n", f);
	return r;
}

int html_section_growth(FILE *f, const struct html_report *r)
{
	int ret = 0;

	fputs("<section id=\"growth\"><h2>What grew</h2>\n", f);
	if (!r->nseries) {
		fputs("<p class=\"note\">No series grew enough to be listed.</p></section>\n", f);
		return 0;
	}
	fputs("<p class=\"note\">Most suspicious first. Rate: the Theil&#8211;Sen slope; confidence: "
	      "the trend test's (Mann&#8211;Kendall), how consistently the series went up, not the "
	      "probability of a leak.</p>\n<div class=\"scroll\"><table class=\"growth cards\"><thead>"
	      "<tr><th class=\"num\">#</th><th>verdict</th><th>source</th><th>name</th><th>trend</th>"
	      "<th class=\"num\">now</th><th class=\"num\">growth</th><th class=\"num\">rate</th>"
	      "<th class=\"num\">confidence</th></tr></thead><tbody>\n",
	      f);
	for (size_t i = 0; i < r->nseries && !ret; i++)
		ret = series_row(f, &r->series[i], i + 1);
	fputs("</tbody></table></div>\n", f);
	if (r->nseries_total > r->nseries)
		fprintf(f,
			"<p class=\"note\">%zu more series grew; <code>--json</code> lists every "
			"one.</p>\n",
			r->nseries_total - r->nseries);
	fputs("</section>\n", f);
	return ret;
}

static void func_mod(FILE *f, const char *fn, const char *mod)
{
	fputs("<code>", f);
	html_text(f, fn ? fn : "(unknown)");
	if (mod) {
		fputs(" [", f);
		html_text(f, mod);
		fputs("]", f);
	}
	fputs("</code>", f);
}

static void group_row(FILE *f, const struct html_kmemleak_group *g, size_t rank)
{
	char b[32];

	fputs("<tr class=\"group\"", f);
	html_attr(f, "data-function", g->function);
	html_attr(f, "data-module", g->module);
	html_attr_u64(f, "data-bytes", g->bytes);
	html_attr_u64(f, "data-count", g->count);
	fprintf(f, "><td class=\"num\" data-label=\"rank\">%zu</td><td class=\"name\">", rank);
	func_mod(f, g->function, g->module);
	fprintf(f,
		"</td><td class=\"num\" data-label=\"bytes\">%s</td><td class=\"num\" "
		"data-label=\"objects\">%zu</td><td data-label=\"allocator\">",
		fmt_bytes(g->bytes, b, sizeof(b)), g->count);
	html_text(f, g->allocator ? g->allocator : "-");
	/* The backtrace below, dense: callee first, as the kernel prints it. */
	fputs("</td></tr>\n<tr class=\"bt\"><td></td><td colspan=\"4\"><p class=\"bt\">", f);
	for (size_t k = 0; k < g->nframes; k++) {
		fputs(k ? " &#8592; <span class=\"f\">" : "<span class=\"f\">", f);
		html_text(f, g->backtrace[k]);
		fputs("</span>", f);
	}
	fputs("</p></td></tr>\n", f);
}

static int flame(FILE *f, const struct stacks *s, const char *id, const char *title)
{
	struct flame_opts o = { .id = id, .title = title };

	if (!s || !s->n)
		return 0;
	fputs("<h3>", f);
	html_text(f, title);
	fputs("</h3>\n", f);
	return flame_svg_write(f, s, &o);
}

int html_section_kmemleak(FILE *f, const struct html_report *r)
{
	uint64_t bytes = 0;
	size_t objects = 0;
	char b[32];
	int ret;

	for (size_t i = 0; i < r->ngroups; i++) {
		bytes += r->groups[i].bytes;
		objects += r->groups[i].count;
	}
	fputs("<section id=\"kmemleak\"><h2>kmemleak: unreferenced objects</h2>\n", f);
	if (r->kmemleak_note) {
		fputs("<p class=\"note\">", f);
		html_text(f, r->kmemleak_note);
		fputs("</p>\n", f);
	}
	fprintf(f,
		"<p data-groups=\"%zu\" data-bytes=\"%llu\">%zu object%s, %s, in %zu group%s by "
		"backtrace (kmemleak suspects; it can be wrong).</p>\n",
		r->ngroups, (unsigned long long)bytes, objects, objects == 1 ? "" : "s",
		fmt_bytes(bytes, b, sizeof(b)), r->ngroups, r->ngroups == 1 ? "" : "s");
	if (r->ngroups) {
		fputs("<div class=\"scroll\"><table class=\"kmemleak cards\"><thead><tr><th class=\"num\">#"
		      "</th><th>function [module], backtrace below</th><th class=\"num\">bytes</th><th "
		      "class=\"num\">objects</th><th>allocator</th></tr></thead><tbody>\n",
		      f);
		for (size_t i = 0; i < r->ngroups; i++)
			group_row(f, &r->groups[i], i + 1);
		fputs("</tbody></table></div>\n", f);
	}
	ret = flame(f, r->kmemleak_stacks, "flame-kmemleak", "kmemleak: bytes by backtrace");
	fputs("</section>\n", f);
	return ret;
}

static void callsite_row(FILE *f, const struct html_callsite *c)
{
	char b[32], d[32];

	fputs("<tr class=\"callsite\"", f);
	html_attr(f, "data-callsite", c->callsite);
	html_attr(f, "data-module", c->module);
	html_attr_u64(f, "data-outstanding-bytes", c->outstanding_bytes);
	html_attr_u64(f, "data-outstanding-count", c->outstanding_count);
	fputs("><td class=\"name\">", f);
	func_mod(f, c->callsite, c->module);
	fprintf(f,
		"</td><td class=\"num\" data-label=\"outstanding\">%s</td><td class=\"num\" "
		"data-label=\"objects\">%llu</td><td class=\"num\" data-label=\"alloc/s\">%.1f</td>"
		"<td class=\"num\" data-label=\"free/s\">%.1f</td><td class=\"num\" "
		"data-label=\"oldest\">%s</td><td data-label=\"cache\">",
		fmt_bytes(c->outstanding_bytes, b, sizeof(b)),
		(unsigned long long)c->outstanding_count, c->alloc_rate_per_s, c->free_rate_per_s,
		html_duration(c->oldest_age_s, d, sizeof(d)));
	html_text(f, c->cache ? c->cache : "-");
	fputs(" ", f);
	html_text(f, c->kind);
	fputs("</td></tr>\n", f);
}

int html_section_trace(FILE *f, const struct html_report *r)
{
	int ret;

	fputs("<section id=\"trace\"><h2>Call sites holding memory (trace)</h2>\n", f);
	if (r->trace_note) {
		fputs("<p class=\"note\">", f);
		html_text(f, r->trace_note);
		fputs("</p>\n", f);
	}
	if (r->ncallsites) {
		fputs("<div class=\"scroll\"><table class=\"trace cards\"><thead><tr><th>call site"
		      "</th><th class=\"num\">outstanding</th><th class=\"num\">objects</th><th "
		      "class=\"num\">alloc/s</th><th class=\"num\">free/s</th><th class=\"num\">oldest"
		      "</th><th>cache</th></tr></thead><tbody>\n",
		      f);
		for (size_t i = 0; i < r->ncallsites; i++)
			callsite_row(f, &r->callsites[i]);
		fputs("</tbody></table></div>\n", f);
	} else {
		fputs("<p class=\"note\">No call site holds memory.</p>\n", f);
	}
	ret = flame(f, r->trace_stacks, "flame-trace", "outstanding bytes by kernel stack");
	fputs("</section>\n", f);
	return ret;
}

static void dt(FILE *f, const char *term)
{
	fprintf(f, "<dt>%s</dt><dd>", term);
}

static void dt_text(FILE *f, const char *term, const char *value)
{
	dt(f, term);
	html_text(f, value ? value : "unknown");
	fputs("</dd>", f);
}

void html_section_run(FILE *f, const struct html_report *r)
{
	const struct html_meta *m = &r->meta;
	char b[64], d[32];

	fputs("<section id=\"run\"><h2>The run</h2><dl class=\"meta\">", f);
	dt_text(f, "kernel", m->kernel);
	dt_text(f, "host", m->hostname);
	dt_text(f, "source",
		m->source	     ? m->source
		: html_has_growth(r) ? "live watch"
				     : "live run");
	if (m->truncated)
		dt_text(f, "recording",
			"ends inside a sample (a crash while recording?): that sample is left out");
	if (m->start_time_s > 0) {
		time_t t = (time_t)m->start_time_s;
		struct tm tm;

		strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&t, &tm));
		dt_text(f, "first sample", b);
	}
	dt(f, "interval");
	fprintf(f, "%s</dd>",
		m->interval_s > 0 ? html_duration(m->interval_s, d, sizeof(d)) : "unknown");
	dt(f, "duration");
	fprintf(f, "%s</dd>", html_duration(m->duration_s, d, sizeof(d)));
	dt(f, html_has_growth(r) ? "samples" : "reports");
	fprintf(f, "<span data-samples=\"%llu\">%llu</span></dd>", (unsigned long long)m->samples,
		(unsigned long long)m->samples);
	if (!html_has_growth(r))
		goto tail; /* no series over time: no gaps, points or series */
	dt(f, "gaps");
	if (m->gaps < 0)
		fputs("unknown</dd>", f);
	else
		fprintf(f, "%ld (spacings over 1.5 times the expected one)</dd>", m->gaps);
	dt(f, "points");
	fprintf(f, "%zu per series, each the mean of %u sample%s</dd>", r->npoints,
		m->samples_per_point ? m->samples_per_point : 1,
		m->samples_per_point > 1 ? "s" : "");
	dt(f, "series tracked");
	fprintf(f, "%zu</dd>", m->series);
tail:
	if (m->command)
		dt_text(f, "made by", m->command);
	dt_text(f, "kleak", m->version);
	fputs("</dl></section>\n", f);
}

/* What every page needs, and what only a growth report does. */
static const char method_growth[] =
	"<li><strong>Verdicts.</strong> <em>leak</em>: steady growth of memory only an explicit free "
	"returns; <em>growing</em>: grows, the evidence window is not over yet; "
	"<em>growing_reclaimable</em>: grows, but the kernel can reclaim it under memory pressure; "
	"<em>possible_leak</em>: growth, not yet conclusive; <em>fluctuating</em>: grew at some point, "
	"no trend; <em>released</em>: grew, then gave the memory back. An aggregate (a meminfo field) "
	"explained by specific series ranks below them.</li>\n";
static const char method_numbers[] =
	"<li><strong>Numbers.</strong> Every number on this page is the one <code>--json</code> gives "
	"for the same data (each row carries it in <code>data-</code> attributes); shown rounded, in "
	"binary units (KiB = 1024 bytes), rates per hour (call sites: per second).</li>\n";
static const char method_pictures[] =
	"<li><strong>Pictures.</strong> Charts with more points than pixel columns are decimated for "
	"drawing only: the memory chart keeps, per column, the point with the lowest and the one with "
	"the highest kernel total (so every peak and trough shows); sparklines do the same with their "
	"own values. No number is computed from the decimated points.</li>\n"
	"<li><strong>Colours.</strong> The Okabe&#8211;Ito palette (distinct with the common colour-vision "
	"deficiencies), a pattern per band for grayscale and print, and a label beside each band; "
	"verdicts and severities are words, with a border style of their own. Hover a band, a "
	"sparkline or a flame-graph frame for its numbers (no script needed).</li>\n";
static const char method_flame[] =
	"<li><strong>Flame graphs.</strong> Frames from the root (top) to the allocating function; "
	"a frame's width is the bytes held below it. The same stacks in the folded format: "
	"<code>kleak trace --stacks --folded</code>, <code>kleak kmemleak report --folded</code> "
	"(docs/html.md).</li>\n";

void html_section_method(FILE *f, const struct html_report *r)
{
	fputs("<section id=\"method\"><h2>How to read this page</h2>\n<ul>\n", f);
	if (html_has_growth(r))
		fputs(method_growth, f);
	fputs(method_numbers, f);
	if (html_has_growth(r))
		fputs(method_pictures, f);
	if (r->have_trace || r->have_kmemleak)
		fputs(method_flame, f);
	fputs("</ul>\n</section>\n", f);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML report page (html_report.h): head with a Content-Security-Policy
 * that forbids every fetch (defence in depth: the page makes none), the
 * summary (or a producer's verdict and its chain of evidence), findings,
 * memory chart with its table, the series that grew, kmemleak and trace
 * when present, the run's metadata and how to read the page. The sections live in html_sections.c, the charts in html_chart.c.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "output/fmt.h"
#include "output/html_esc.h"
#include "output/html_int.h"
#include "output/html_sections.h"

/* No network, no plugins, no forms: inline style and script only. */
#define CSP                                                                           \
	"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; " \
	"img-src data:; base-uri 'none'; form-action 'none'"

static void head(FILE *f, const struct html_report *r)
{
	const char *title = r->meta.title ? r->meta.title : "kleak report";

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"" CSP
	      "\">\n"
	      "<meta name=\"generator\"",
	      f);
	html_attr(f, "content", r->meta.version ? r->meta.version : "kleak");
	fputs(">\n<title>", f);
	html_text(f, title);
	if (r->meta.hostname) {
		fputs(": ", f);
		html_text(f, r->meta.hostname);
	}
	fputs("</title>\n", f);
	html_style(f);
	fputs("</head>\n", f);
}

static size_t count_verdict(const struct html_report *r, const char *v, bool unexplained)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nseries; i++)
		n += r->series[i].verdict && !strcmp(r->series[i].verdict, v) &&
		     (!unexplained || !r->series[i].explained_by[0]);
	return n;
}

/* A page of trace or kmemleak alone: what they hold. */
static void summary_stacks(FILE *f, const struct html_report *r)
{
	uint64_t bytes = 0;
	size_t n = r->have_trace ? r->ncallsites : r->ngroups;
	char b[32];

	for (size_t i = 0; i < n; i++)
		bytes += r->have_trace ? r->callsites[i].outstanding_bytes : r->groups[i].bytes;
	fprintf(f, "<p class=\"summary %s\"><strong>%zu %s%s hold%s %s</strong>%s</p>\n",
		bytes ? "warn" : "ok", n, r->have_trace ? "call site" : "kmemleak group",
		n == 1 ? "" : "s", n == 1 ? "s" : "", fmt_bytes(bytes, b, sizeof(b)),
		r->have_trace ? " outstanding (allocated, not freed)."
			      : " of unreferenced objects.");
}

/* One sentence that says what the page found, before any detail. */
static void summary(FILE *f, const struct html_report *r)
{
	size_t leaks = count_verdict(r, "leak", true);
	size_t grow;

	if (r->conclusion.verdict) {
		html_summary_conclusion(f, &r->conclusion);
		return;
	}
	if (!html_has_growth(r) && (r->have_trace || r->have_kmemleak)) {
		summary_stacks(f, r);
		return;
	}
	grow = count_verdict(r, "growing", false) + count_verdict(r, "possible_leak", false) +
	       count_verdict(r, "growing_reclaimable", false);
	const char *cls = leaks ? "bad" : grow ? "warn" : "ok";

	fprintf(f, "<p class=\"summary %s\" data-leaks=\"%zu\">", cls, leaks);
	if (leaks) {
		fprintf(f,
			"<strong>%zu series grew steadily in memory only an explicit free "
			"returns (verdict <em>leak</em>)</strong>, first: ",
			leaks);
		for (size_t i = 0; i < r->nseries; i++) {
			const struct html_series *s = &r->series[i];
			char b[32];

			if (!s->verdict || strcmp(s->verdict, "leak") || s->explained_by[0])
				continue;
			fputs("<code>", f);
			html_text(f, s->name);
			fprintf(f, "</code> at %s/h",
				fmt_sbytes(s->rate_bytes_per_hour, b, sizeof(b)));
			break;
		}
		fputs(".", f);
	} else if (grow) {
		fprintf(f,
			"<strong>No leak verdict</strong>; %zu series grew and need a longer "
			"look.",
			grow);
	} else {
		fputs("<strong>No kernel memory grew steadily</strong> in this window.", f);
	}
	if (r->nfindings)
		fprintf(f, " %zu finding%s below.", r->nfindings, r->nfindings == 1 ? "" : "s");
	fputs("</p>\n", f);
}

static void header(FILE *f, const struct html_report *r)
{
	const struct html_meta *m = &r->meta;

	fputs("<header><h1>", f);
	html_text(f, m->title ? m->title : "kleak report");
	fputs("</h1><p class=\"sub\">Kernel memory", f);
	if (m->hostname) {
		fputs(" of <strong>", f);
		html_text(f, m->hostname);
		fputs("</strong>", f);
	}
	if (m->kernel) {
		fputs(", Linux ", f);
		html_text(f, m->kernel);
	}
	fputs(m->source		   ? ", from the recording <code>"
	      : html_has_growth(r) ? ", from a live watch"
				   : ", from a live run",
	      f);
	html_text(f, m->source);
	fputs(m->source ? "</code>" : "", f);
	fputs("</p>\n<nav class=\"noprint\" aria-label=\"sections\">", f);
	if (r->conclusion.verdict)
		fputs("<a href=\"#chain\">Chain of evidence</a>", f);
	if (html_has_growth(r))
		fputs("<a href=\"#findings\">Findings</a><a href=\"#memory\">Memory over time</a>"
		      "<a href=\"#growth\">What grew</a>",
		      f);
	if (r->have_kmemleak)
		fputs("<a href=\"#kmemleak\">kmemleak</a>", f);
	if (r->have_trace)
		fputs("<a href=\"#trace\">Call sites</a>", f);
	fputs("<a href=\"#run\">The run</a><a href=\"#method\">How to read this</a></nav></header>\n",
	      f);
}

static int growth_sections(FILE *f, const struct html_report *r, unsigned columns)
{
	int ret = 0;

	fputs("<section id=\"memory\"><h2>Kernel memory over time</h2>\n", f);
	if (r->npoints && r->ncomp)
		ret = html_memory_chart(f, r, columns);
	else
		fputs("<p class=\"note\">No meminfo samples: nothing to draw.</p>\n", f);
	html_section_components(f, r);
	fputs("</section>\n", f);
	return ret ? ret : html_section_growth(f, r);
}

int html_report_write(FILE *f, const struct html_report *r, const struct html_opts *o)
{
	unsigned columns = o && o->columns ? o->columns : 720;
	int ret = 0;

	head(f, r);
	fputs("<body>\n", f);
	html_patterns(f);
	fputs("<main>\n", f);
	header(f, r);
	summary(f, r);
	if (r->conclusion.verdict)
		html_section_conclusion(f, &r->conclusion);
	if (html_has_growth(r) || r->nfindings)
		html_section_findings(f, r);
	if (html_has_growth(r))
		ret = growth_sections(f, r, columns);
	if (!ret && r->have_kmemleak)
		ret = html_section_kmemleak(f, r);
	if (!ret && r->have_trace)
		ret = html_section_trace(f, r);
	html_section_run(f, r);
	html_section_method(f, r);
	fputs("</main>\n</body></html>\n", f);
	if (!ret && (fflush(f) || ferror(f)))
		ret = -EIO;
	return ret;
}

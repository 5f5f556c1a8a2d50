// SPDX-License-Identifier: GPL-2.0
/*
 * The charts of the HTML report, as inline SVG: kernel memory over time
 * stacked by component (axes in human units, a pattern and a direct label
 * per band, so no band is told apart by colour alone) and the sparklines
 * of the series that grew. Long series are decimated for drawing only
 * (analyze/decimate.h: min/max per pixel column); the caption says how
 * many points were drawn. Colours: the Okabe-Ito palette, which stays
 * distinct for the common colour-vision deficiencies, each band with its
 * own pattern for grayscale and print.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/decimate.h"
#include "output/fmt.h"
#include "output/html_esc.h"
#include "output/html_int.h"

/* The chart's geometry, in viewBox units. */
#define RIGHT 170 /* room for the direct labels */
#define CH 360	  /* whole height */
#define X0 76	  /* plot left: room for the y labels */
#define Y0 14	  /* plot top */
#define PH 286	  /* plot height */
#define LABEL_GAP 13

static const struct band_style {
	const char *fill;
	const char *motif; /* SVG path in a 8x8 tile, "" for a plain fill */
	const char *ink;   /* the motif's colour: contrasts with fill */
} bands[HTML_NBANDS] = {
	{ "#D55E00", "", "" },						 /* vermillion */
	{ "#E69F00", "M-2,10 l12,-12 M-2,2 l4,-4 M6,10 l4,-4", "#000" }, /* orange, / */
	{ "#0072B2", "M2,2h1v1h-1z M6,6h1v1h-1z", "#fff" },		 /* blue, dots */
	{ "#56B4E9", "M0,2h8 M0,6h8", "#000" },				 /* sky, lines */
	{ "#009E73", "M-2,-2 l12,12 M6,-2 l4,4 M-2,6 l4,4", "#fff" },	 /* green, \ */
	{ "#F0E442", "M0,0 l8,8 M8,0 l-8,8", "#000" },			 /* yellow, x */
	{ "#CC79A7", "M2,0v8 M6,0v8", "#000" },				 /* purple, | */
	{ "#999999", "M0,4h8 M4,0v8", "#fff" },				 /* grey, + */
	{ "#D9D9D9", "M-2,10 l12,-12 M-2,2 l4,-4 M6,10 l4,-4", "#000" }, /* pale, / */
	{ "#444444", "M2,2h1v1h-1z M6,6h1v1h-1z", "#fff" },		 /* dark, dots */
};

void html_patterns(FILE *f)
{
	fputs("<svg class=\"defs\" aria-hidden=\"true\" width=\"0\" height=\"0\"><defs>\n", f);
	for (size_t i = 0; i < HTML_NBANDS; i++) {
		fprintf(f,
			"<pattern id=\"kb%zu\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
			"<rect width=\"8\" height=\"8\" fill=\"%s\"/>",
			i, bands[i].fill);
		if (bands[i].motif[0])
			fprintf(f,
				"<path d=\"%s\" stroke=\"%s\" stroke-opacity=\".55\" stroke-width=\"1.2\" fill=\"none\"/>",
				bands[i].motif, bands[i].ink);
		fputs("</pattern>\n", f);
	}
	fputs("</defs></svg>\n", f);
}

void html_swatch(FILE *f, size_t band)
{
	fprintf(f,
		"<svg class=\"sw\" viewBox=\"0 0 16 16\" aria-hidden=\"true\"><rect width=\"16\" "
		"height=\"16\" fill=\"url(#kb%zu)\" stroke=\"#333\"/></svg>",
		band % HTML_NBANDS);
}

const char *html_duration(double s, char *buf, size_t len)
{
	if (!(s >= 0))
		snprintf(buf, len, "?");
	else if (s < 120)
		snprintf(buf, len, "%.3g s", s);
	else if (s < 3 * 3600)
		snprintf(buf, len, "%.3g min", s / 60);
	else if (s < 72 * 3600)
		snprintf(buf, len, "%.3g h", s / 3600);
	else
		snprintf(buf, len, "%.3g days", s / 86400);
	return buf;
}

/* 1, 2, 2.5 or 5 times a power of ten, at least x. */
static double nice(double x)
{
	double e = pow(10, floor(log10(x))), m = x / e;

	return e * (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10);
}

struct axis {
	double unit;	  /* bytes or seconds per displayed unit */
	const char *name; /* "MiB", "min" */
	double step, top; /* in bytes or seconds */
};

static void bytes_axis(double max, struct axis *a)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int k = 0;

	if (!(max > 0))
		max = 1;
	a->unit = 1;
	while (max / a->unit >= 1024 && k < 5) {
		a->unit *= 1024;
		k++;
	}
	a->name = names[k];
	a->step = nice(max / a->unit / 5) * a->unit;
	a->top = ceil(max / a->step - 1e-9) * a->step;
}

static void time_axis(double span, struct axis *a)
{
	if (!(span > 0))
		span = 1;
	if (span < 180)
		a->unit = 1, a->name = "s";
	else if (span < 3 * 3600)
		a->unit = 60, a->name = "min";
	else if (span < 72 * 3600)
		a->unit = 3600, a->name = "h";
	else
		a->unit = 86400, a->name = "d";
	a->step = nice(span / a->unit / 6) * a->unit;
	a->top = span;
}

struct plot {
	double t0, span; /* seconds */
	double top;	 /* bytes at the top of the plot */
	double pw;	 /* plot width */
};

static double px(const struct plot *p, double t)
{
	return X0 + (t - p->t0) / p->span * p->pw;
}

static double py(const struct plot *p, double v)
{
	return Y0 + PH - v / p->top * PH;
}

static void draw_axes(FILE *f, const struct plot *p, const struct axis *ya, const struct axis *xa)
{
	fputs("<g class=\"axis\">", f);
	for (double v = 0; v <= ya->top * (1 + 1e-9); v += ya->step) {
		double y = py(p, v);

		fprintf(f,
			"<line class=\"grid\" x1=\"%d\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g %s</text>",
			X0, X0 + p->pw, y, y, X0 - 6, y + 4, v / ya->unit, ya->name);
	}
	for (double t = 0; t <= xa->top * (1 + 1e-9); t += xa->step) {
		double x = px(p, p->t0 + t);

		fprintf(f,
			"<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g%s%s</text>",
			x, x, Y0 + PH, Y0 + PH + 5, x, Y0 + PH + 18, t / xa->unit, t > 0 ? " " : "",
			t > 0 ? xa->name : "");
	}
	fprintf(f,
		"<line class=\"base\" x1=\"%d\" x2=\"%.0f\" y1=\"%d\" y2=\"%d\"/>"
		"<text class=\"title\" x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">time since the first sample (%s)</text>"
		"<text class=\"title\" transform=\"translate(14 %d) rotate(-90)\" text-anchor=\"middle\">kernel memory (%s)</text>",
		X0, X0 + p->pw, Y0 + PH, Y0 + PH, X0 + p->pw / 2, Y0 + PH + 38, xa->name,
		Y0 + PH / 2, ya->name);
	fputs("</g>\n", f);
}

static double val(const struct html_component *c, size_t j)
{
	double v = c->bytes[j];

	return v > 0 ? v : 0; /* also NaN */
}

static bool all_zero(const struct html_component *c, size_t n)
{
	for (size_t j = 0; j < n; j++)
		if (val(c, j) > 0)
			return false;
	return true;
}

struct label {
	double want, y;
	size_t comp; /* component, or SIZE_MAX for the total */
	uint64_t bytes;
};

static int label_cmp(const void *a, const void *b)
{
	const struct label *x = a, *y = b;

	return (x->want > y->want) - (x->want < y->want);
}

/* Direct labels at the right edge, pushed apart so that none overlap. */
static void draw_labels(FILE *f, const struct html_report *r, const struct plot *p, struct label *l,
			size_t n)
{
	double right = X0 + p->pw;

	qsort(l, n, sizeof(*l), label_cmp);
	for (size_t i = 0; i < n; i++)
		l[i].y = i && l[i].want < l[i - 1].y + LABEL_GAP ? l[i - 1].y + LABEL_GAP
								 : l[i].want;
	for (size_t i = n; i-- > 0;) { /* then back up from the bottom edge */
		double max = i + 1 < n ? l[i + 1].y - LABEL_GAP : Y0 + PH + 4;

		if (l[i].y > max)
			l[i].y = max;
	}
	fputs("<g class=\"labels\">", f);
	for (size_t i = 0; i < n; i++) {
		char b[32];

		fprintf(f, "<path class=\"leader\" d=\"M%.1f,%.1f L%.1f,%.1f H%.1f\"/>", right + 1,
			l[i].want, right + 8, l[i].y, right + 11);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\"%s>", right + 13, l[i].y + 4,
			l[i].comp == SIZE_MAX ? " class=\"total\"" : "");
		html_text(f, l[i].comp == SIZE_MAX ? "kernel total" : r->comp[l[i].comp].name);
		fprintf(f, " %s</text>", fmt_bytes(l[i].bytes, b, sizeof(b)));
	}
	fputs("</g>\n", f);
}

/* One stacked band: upper edge left to right, lower edge back. */
static void draw_band(FILE *f, const struct html_report *r, const struct plot *p, size_t ci,
		      const size_t *idx, size_t m, const double *cum)
{
	const struct html_component *c = &r->comp[ci];
	char b1[32];

	fputs("<polygon class=\"band\"", f);
	html_attr(f, "data-component", c->name);
	fprintf(f, " fill=\"url(#kb%u)\" points=\"", c->style % HTML_NBANDS);
	for (size_t k = 0; k < m; k++)
		fprintf(f, "%.1f,%.1f ", px(p, r->t[idx[k]]), py(p, cum[k] + val(c, idx[k])));
	for (size_t k = m; k-- > 0;)
		fprintf(f, "%.1f,%.1f ", px(p, r->t[idx[k]]), py(p, cum[k]));
	fputs("\"><title>", f);
	html_text(f, c->label ? c->label : c->name);
	fprintf(f, ": %s now</title></polygon>\n", fmt_bytes(c->bytes_now, b1, sizeof(b1)));
}

/* A component inside another band (KernelStack in VmallocUsed): a dashed line. */
static void draw_line(FILE *f, const struct html_report *r, const struct plot *p, size_t ci,
		      const size_t *idx, size_t m)
{
	const struct html_component *c = &r->comp[ci];
	char b1[32];

	fputs("<polyline class=\"inside\"", f);
	html_attr(f, "data-component", c->name);
	fputs(" points=\"", f);
	for (size_t k = 0; k < m; k++)
		fprintf(f, "%.1f,%.1f ", px(p, r->t[idx[k]]), py(p, val(c, idx[k])));
	fputs("\"><title>", f);
	html_text(f, c->label ? c->label : c->name);
	fprintf(f, " (inside another band, not stacked): %s now</title></polyline>\n",
		fmt_bytes(c->bytes_now, b1, sizeof(b1)));
}

static void caption(FILE *f, const struct html_report *r, size_t m, size_t columns)
{
	const struct html_meta *mt = &r->meta;
	bool first = true;
	char d[32];

	fprintf(f,
		"<figcaption>Kernel memory by component, stacked (their sum is the kernel's "
		"total); %zu point%s over %s",
		r->npoints, r->npoints == 1 ? "" : "s",
		html_duration(r->npoints ? r->t[r->npoints - 1] - r->t[0] : 0, d, sizeof(d)));
	if (mt->samples_per_point > 1)
		fprintf(f, ", each the mean of %u samples", mt->samples_per_point);
	if (m < r->npoints)
		fprintf(f,
			". Drawn decimated to %zu pixel columns: in each, the point with the lowest "
			"and the one with the highest total are drawn (%zu of %zu points); every "
			"number on this page is computed from all of them",
			columns, m, r->npoints);
	fputs(".", f);
	for (size_t i = 0; i < r->ncomp; i++) {
		if (!all_zero(&r->comp[i], r->npoints))
			continue;
		fputs(first ? " At zero throughout, not drawn: " : ", ", f);
		html_text(f, r->comp[i].name);
		first = false;
	}
	fputs(first ? "" : ".", f);
	fputs("</figcaption>\n", f);
}

static void draw_total(FILE *f, const struct plot *p, const struct html_report *r,
		       const double *total, const size_t *idx, size_t m)
{
	fputs("<polyline class=\"total\" points=\"", f);
	for (size_t k = 0; k < m; k++)
		fprintf(f, "%.1f,%.1f ", px(p, r->t[idx[k]]), py(p, total[idx[k]]));
	fputs("\"/>\n", f);
}

int html_memory_chart(FILE *f, const struct html_report *r, unsigned columns)
{
	size_t n = r->npoints, m, nl = 0;
	double *total = calloc(n ? n : 1, sizeof(double)), *cum = NULL, max = 0;
	size_t *idx = malloc(DECIMATE_MAX_OUT(columns) * sizeof(size_t) + n * sizeof(size_t));
	struct label *labels = calloc(r->ncomp + 1, sizeof(*labels));
	struct plot p = { .pw = columns };
	struct axis ya, xa;
	uint64_t now = 0;
	int ret = -ENOMEM;

	if (!total || !idx || !labels)
		goto out;
	for (size_t i = 0; i < r->ncomp; i++)
		for (size_t j = 0; r->comp[i].stacked && j < n; j++)
			total[j] += val(&r->comp[i], j);
	for (size_t j = 0; j < n; j++)
		max = total[j] > max ? total[j] : max;
	m = decimate_minmax(r->t, total, n, columns, idx);
	cum = calloc(m ? m : 1, sizeof(double));
	if (!cum)
		goto out;
	p.t0 = n ? r->t[0] : 0;
	p.span = n > 1 && r->t[n - 1] > r->t[0] ? r->t[n - 1] - r->t[0] : 1;
	bytes_axis(max, &ya);
	time_axis(p.span, &xa);
	p.top = ya.top;
	fprintf(f,
		"<figure class=\"memory\"><div class=\"scroll\"><svg class=\"chart\" "
		"data-chart=\"memory\" role=\"img\" aria-labelledby=\"mem-t\" viewBox=\"0 0 %u %d\""
		" data-points=\"%zu\" data-drawn=\"%zu\"><title id=\"mem-t\">Kernel memory over time, "
		"stacked by component</title>\n",
		X0 + columns + RIGHT, CH, n, m);
	draw_axes(f, &p, &ya, &xa);
	for (size_t i = 0; i < r->ncomp; i++) {
		const struct html_component *c = &r->comp[i];

		if (all_zero(c, n))
			continue;
		if (c->stacked) {
			draw_band(f, r, &p, i, idx, m, cum);
			for (size_t k = 0; k < m; k++)
				cum[k] += val(c, idx[k]);
			labels[nl].want =
				py(&p, (m ? cum[m - 1] : 0) - (m ? val(c, idx[m - 1]) : 0) / 2);
			now += c->bytes_now;
		} else {
			draw_line(f, r, &p, i, idx, m);
			labels[nl].want = py(&p, m ? val(c, idx[m - 1]) : 0);
		}
		labels[nl].comp = i;
		labels[nl++].bytes = c->bytes_now;
	}
	if (m) {
		draw_total(f, &p, r, total, idx, m);
		labels[nl++] = (struct label){ .want = py(&p, total[idx[m - 1]]) - 8,
					       .comp = SIZE_MAX,
					       .bytes = now };
	}
	draw_labels(f, r, &p, labels, nl);
	fputs("</svg></div>\n", f);
	caption(f, r, m, columns);
	fputs("</figure>\n", f);
	ret = ferror(f) ? -EIO : 0;
out:
	free(total);
	free(cum);
	free(idx);
	free(labels);
	return ret;
}

static const char *verdict_ink(const char *v)
{
	if (!v)
		return "#555";
	if (!strcmp(v, "leak"))
		return "#D55E00";
	if (!strcmp(v, "growing_reclaimable"))
		return "#B07800";
	if (!strcmp(v, "possible_leak") || !strcmp(v, "growing"))
		return "#0072B2";
	if (!strcmp(v, "released"))
		return "#007A5A";
	return "#555";
}

#define SW 160 /* sparkline width */
#define SH 36

int html_sparkline(FILE *f, const struct html_series *s)
{
	size_t n = s->npoints, m, *idx;
	double lo = INFINITY, hi = -INFINITY, rlo, rhi, t0, span;
	char b1[32], b2[32], b3[32], b4[32], d[32];

	idx = malloc((DECIMATE_MAX_OUT(SW) + n) * sizeof(size_t));
	if (!idx)
		return -ENOMEM;
	for (size_t j = 0; j < n; j++) {
		lo = s->bytes[j] < lo ? s->bytes[j] : lo;
		hi = s->bytes[j] > hi ? s->bytes[j] : hi;
	}
	rlo = n ? fmax(lo, 0) : 0;
	rhi = n ? fmax(hi, 0) : 0;
	if (!(hi > lo)) { /* flat or empty: a line in the middle */
		lo = n ? lo - 1 : 0;
		hi = n ? hi + 1 : 1;
	}
	m = decimate_minmax(s->t, s->bytes, n, SW, idx);
	t0 = n ? s->t[0] : 0;
	span = n > 1 && s->t[n - 1] > t0 ? s->t[n - 1] - t0 : 1;
	fprintf(f,
		"<svg class=\"spark\" data-chart=\"sparkline\" role=\"img\" viewBox=\"0 0 %d %d\" "
		"data-points=\"%zu\" data-drawn=\"%zu\" style=\"color:%s\"><title>",
		SW, SH, n, m, verdict_ink(s->verdict));
	html_text(f, s->name);
	fprintf(f, ": %s to %s over %s (range %s to %s)</title>",
		fmt_bytes(n ? (uint64_t)fmax(s->bytes[0], 0) : 0, b1, sizeof(b1)),
		fmt_bytes(s->bytes_now, b2, sizeof(b2)),
		html_duration(n ? s->t[n - 1] - t0 : 0, d, sizeof(d)),
		fmt_bytes((uint64_t)rlo, b3, sizeof(b3)), fmt_bytes((uint64_t)rhi, b4, sizeof(b4)));
	if (m) {
		fputs("<polyline points=\"", f);
		for (size_t k = 0; k < m; k++)
			fprintf(f, "%.1f,%.1f ", 1 + (s->t[idx[k]] - t0) / span * (SW - 4),
				SH - 3 - (s->bytes[idx[k]] - lo) / (hi - lo) * (SH - 6));
		fprintf(f, "\"/><circle r=\"2.5\" cx=\"%.1f\" cy=\"%.1f\"/>",
			1 + (s->t[idx[m - 1]] - t0) / span * (SW - 4),
			SH - 3 - (s->bytes[idx[m - 1]] - lo) / (hi - lo) * (SH - 6));
	}
	fputs("</svg>", f);
	free(idx);
	return ferror(f) ? -EIO : 0;
}

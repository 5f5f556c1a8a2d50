/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the HTML report (html_*.c): the charts and the palette the
 * page, its legend and its charts share.
 */
#ifndef KLEAK_OUTPUT_HTML_INT_H
#define KLEAK_OUTPUT_HTML_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "output/html_report.h"

/* Band i's fill and pattern, defined once per page by html_patterns(). */
#define HTML_NBANDS 10
void html_patterns(FILE *f);
/* A legend swatch (small inline SVG) of band i. */
void html_swatch(FILE *f, size_t band);

/* The stacked memory chart with its axes, labels and caption. */
int html_memory_chart(FILE *f, const struct html_report *r, unsigned columns);
/* A series' sparkline (inline SVG, data-chart="sparkline"). */
int html_sparkline(FILE *f, const struct html_series *s);

/* The inline style sheet. */
void html_style(FILE *f);

/* Whether the page has a growth report (watch, report) and not only stacks (trace). */
static inline bool html_has_growth(const struct html_report *r)
{
	return r->npoints || r->nseries || r->ncomp;
}

/* "3.5 h", "12 min", "40 s": a duration for people. */
const char *html_duration(double s, char *buf, size_t len);

#endif

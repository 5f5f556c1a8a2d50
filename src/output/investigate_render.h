/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kleak investigate`'s report (analyze/investigate.h struct inv_report)
 * as text (a short narrative read top to bottom: what was looked at, what
 * grew, what the evidence says, the verdict and its chain, what to do,
 * what the run cost), as one JSON document (docs/investigate.md has the
 * schema). Nothing here computes; the HTML page is the report page of
 * output/html_report.h, filled by cmd/investigate_page.c.
 */
#ifndef KLEAK_OUTPUT_INVESTIGATE_RENDER_H
#define KLEAK_OUTPUT_INVESTIGATE_RENDER_H

#include <stdio.h>

#include "analyze/investigate.h"
#include "output/render.h"

void investigate_render_text(FILE *f, const struct inv_report *r, const struct render_opts *o);
void investigate_render_json(FILE *f, const struct inv_report *r);

#endif

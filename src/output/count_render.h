/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rendering of `kleak count`'s report (trace/count_report.h): one NDJSON
 * object per interval and a final one (every key in each; docs/count.md),
 * the header line of the text view, and one text line per interval, in
 * place on a TTY; the final text report adds the counters and the verdict.
 * Nothing here computes: count_report_update() has filled the report.
 */
#ifndef KLEAK_OUTPUT_COUNT_RENDER_H
#define KLEAK_OUTPUT_COUNT_RENDER_H

#include <stdio.h>

#include "output/render.h"
#include "trace/count_report.h"

void count_render_json(FILE *f, const struct count_report *r);
/* The header line (what, whom, how) of the text view. */
void count_render_header(FILE *f, const struct count_report *r);
/* One line per interval, for pipes and files. */
void count_render_line(FILE *f, const struct count_report *r, const struct render_opts *o);
/* A TTY: each interval overwrites the last one in place. */
void count_render_live(FILE *f, const struct count_report *r, const struct render_opts *o);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rendering of `kleak trace`'s report (trace/trace_report.h): one NDJSON
 * object per interval (every key, every call site; the last object has
 * "final": true; docs/trace.md has the schema), or a text table of the
 * top call sites, redrawn in place on a TTY. Raw kernel addresses only
 * with render_opts.show_addresses (KASLR). Nothing here computes.
 */
#ifndef KLEAK_OUTPUT_TRACE_RENDER_H
#define KLEAK_OUTPUT_TRACE_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "output/render.h"
#include "trace/trace_report.h"

void trace_render_json(FILE *f, const struct trace_report *rep, const struct render_opts *o);
/* The table of the top call sites (o->top of them), for pipes and files. */
void trace_render_text(FILE *f, const struct trace_report *rep, const struct render_opts *o);
/* A TTY: the same table, redrawn over the last one. */
void trace_render_live(FILE *f, const struct trace_report *rep, const struct render_opts *o);
/* The line stating what is traced and the memory bound, for stderr. */
void trace_render_banner(FILE *f, const struct trace_info *info);
/* A stack frame: "func+0xoff [module]", the address first when shown. */
const char *trace_render_frame(const struct trace_report *rep, uint64_t addr,
			       const struct render_opts *o, char *buf, size_t len);
/* Whether a call site is shown: under --min-age only those with old objects. */
bool trace_render_shown(const struct trace_report *rep, const struct trace_callsite *c);

#endif

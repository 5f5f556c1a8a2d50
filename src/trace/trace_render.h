/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kleak trace` output: one NDJSON object per interval (every key, every
 * call site; the last object has "final": true), or a text table of the
 * top call sites. Schema: docs/trace.md.
 */
#ifndef KLEAK_TRACE_RENDER_H
#define KLEAK_TRACE_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "trace/trace_ksym.h"
#include "trace/trace_report.h"
#include "trace/trace_session.h"

struct trace_render_opts {
	bool final;
	bool show_addresses;
	bool tty;	     /* text: in-place refresh and colour */
	int top;	     /* text: call sites shown */
	uint64_t min_age_ns; /* 0 = off */
};

void trace_render_json(FILE *f, const struct trace_session *s,
		       const struct trace_report *rep, const struct trace_ksyms *ks,
		       const struct trace_render_opts *o);
void trace_render_text(FILE *f, const struct trace_session *s,
		       const struct trace_report *rep, const struct trace_ksyms *ks,
		       const struct trace_render_opts *o);
/* The line stating what is traced and the memory bound, for stderr. */
void trace_render_banner(FILE *f, const struct trace_session *s);

#endif

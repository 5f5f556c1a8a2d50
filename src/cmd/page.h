/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pictures a command writes beside its report (docs/html.md): the
 * HTML page of `--html FILE` (report, watch, trace) and the folded stacks
 * of `--folded[=FILE]` (trace, kmemleak report). A command fills a page
 * from what its run holds — the growth report (series set + trend
 * report), kmemleak's report, trace's call sites and stacks — through the
 * adapters of output/, then writes it once, when its report is final.
 * Everything here is wiring: the numbers are the report structs' own,
 * the same that --json renders.
 */
#ifndef KLEAK_CMD_PAGE_H
#define KLEAK_CMD_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze/ingest.h"
#include "analyze/kmemleak_group.h"
#include "analyze/trend.h"
#include "model/series.h"
#include "output/html_from_trend.h"
#include "output/html_report.h"
#include "output/stacks.h"
#include "parse/kmemleak.h"
#include "trace/trace_report.h"
#include "util/err.h"

struct page {
	struct html_report r; /* what is written */
	char command[1024];   /* the command line, for "made by" */
	/* the growth report (watch, report) */
	struct html_trend_doc doc;
	bool have_doc;
	/* kmemleak */
	struct kmemleak_report kr;
	struct kmemleak_groups kg;
	struct stacks kstacks;
	struct html_kmemleak_group *groups;
	char knote[512];
	/* trace */
	struct stacks tstacks;
	struct html_callsite *cs;
	char tnote[512];
};

/* Starts an empty page: meta.command from argv ("kleak report --html a.html r.kleak"). */
void page_init(struct page *p, int argc, char **argv);

/* The growth sections from a series set and its trend report (they must outlive p). */
int page_growth(struct page *p, const struct series_set *set, const struct trend_report *rep,
		const struct html_trend_args *a);

/*
 * The kmemleak section from a report's text (kept by p), grouped as
 * `kleak kmemleak report` groups it; bare-address frames are named with
 * the module symbols ingestion kept (in: may be NULL). note says where the
 * report comes from. Call it after page_growth(). Returns 0, or an error
 * with e set (a report that does not parse): the page then says the
 * report was left out and why, and the caller warns and writes it anyway.
 */
int page_kmemleak(struct page *p, const char *buf, size_t len, const char *src,
		  const struct ingest *in, const char *note, struct kerr *e);

/*
 * The call-site section and flame graph from trace's final report (it
 * must outlive p): the call sites --json lists that hold memory, the
 * stacks as stacks_from_trace() shares bytes over them.
 */
int page_trace(struct page *p, const struct trace_report *rep, const char *note);

/* Writes the page to path. Returns 0, or an error with e naming the file. */
int page_write(struct page *p, const char *path, struct kerr *e);
void page_free(struct page *p);

/*
 * The folded stacks to path, or to standard output for "-" (OPT_FOLDED).
 * Returns 0, or an error with e naming the file.
 */
int page_folded(const struct stacks *s, const char *path, struct kerr *e);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two halves of `kleak investigate` share: investigate.c runs
 * detect and localize and renders, investigate_confirm.c runs the confirm
 * step (BPF tracing, kmemleak, count, the /proc facts beside them). The
 * decisions are analyze/investigate.h's; these files only gather numbers.
 */
#ifndef KLEAK_CMD_INVESTIGATE_H
#define KLEAK_CMD_INVESTIGATE_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze/ingest.h"
#include "analyze/investigate.h"
#include "analyze/trend.h"
#include "live.h"
#include "model/cgroups.h"
#include "model/series.h"
#include "model/snapshot.h"
#include "parse/kstate.h"
#include "source/facts.h"
#include "source/sample.h"
#include "trace/trace_ksym.h"
#include "trace/trace_report.h"
#include "util/buf.h"

struct inv_cli {
	uint64_t max_ns; /* -d MAX */
	int confirm;	 /* enum inv_confirm_choice */
	bool json;
	const char *html; /* --html OUT.html */
	bool fail_on_set;
	enum trend_verdict fail_on;
	uint64_t leak_window_ns; /* trend_opts_default()'s unless given */
	bool leak_window_set;
};

struct inv_state {
	struct inv_cli c;
	int argc; /* the command line, for the page's "made by" */
	char **argv;
	struct inv_opts o;
	struct trend_opts to; /* detect: leak_window_s = detect_evidence_s */
	struct trend_opts uo; /* the user's --leak-window: the verdicts reported */
	struct live live;
	struct sample sample;
	struct snapshot snap;
	struct ingest ingest;
	struct series_set set;	/* every series */
	struct series_set kset; /* itemised kernel memory */
	struct trend_report drep, urep, krep;
	uint64_t t0_ns;	   /* the start of the run */
	double interval_s; /* detect's current interval */
	/* the first sample's slab caches (objects gained) and counters */
	struct slab_cache *slabs0;
	size_t nslabs0;
	struct facts_raw facts;
	struct kstate ks0, ks1;
	struct cgroup_set cg0;
	bool have_cg0;
	struct inv_report rep;
	/* --html: the series as detect ended (urep's indices stay valid in it
	 * while confirm samples, prunes and decimates set) */
	struct series_set dset;
	bool have_dset;
	/* what confirm keeps for the --html page: trace's last report (with the
	 * symbols of its stacks, and no session info: the session is closed),
	 * kmemleak's report text */
	struct trace_ksyms ks;
	bool ks_loaded;
	struct trace_report trep;
	bool have_trep;
	struct buf kmemleak;
	bool have_kmemleak;
};

/* One live sample into the series (detect's and confirm's). 0 or an exit code. */
int inv_sample(struct inv_state *s);
/* The kernel's object counters now (dentry-state, inode-state, sockstat). */
void inv_kstate(struct inv_state *s, struct kstate *k);
/* Seconds since the start of the run. */
double inv_elapsed(const struct inv_state *s);
/* The confirm step: plan, run what fits, gather the facts beside. */
void inv_confirm(struct inv_state *s);
/* No suspect: what confirming would have needed and this machine lacks. */
void inv_confirm_none(struct inv_state *s);
/* --html: the report page (investigate_page.c). 0 or an exit code. */
int inv_write_page(const struct inv_state *s);

#endif

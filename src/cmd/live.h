/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live sample of the commands that sample over time (watch, record):
 * read, parse, and read the extra sources some samples need. The slab
 * reclaim flags come with the first sample and whenever a cache appeared
 * that they do not cover (a module's cache); module symbols and section
 * addresses with the first and whenever a module appeared since the last
 * ones, so that a module unloaded later still names its vmalloc areas
 * (analyze/ingest.h, and `kleak report` on a recording). The kernel log
 * is read from the cursor the last sample's parse left (its resume_seq:
 * each record once, an unfinished report again until it is whole), the
 * cgroups through model/sample_live.h.
 */
#ifndef KLEAK_CMD_LIVE_H
#define KLEAK_CMD_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/sample_live.h"
#include "model/snapshot.h"
#include "source/sample.h"
#include "util/err.h"
#include "util/strmap.h"

/*
 * What the verdicts read beside the memory sources: the task count and
 * fork counter (thread stacks follow them), the page counters and per-CPU
 * page lists that Unaccounted needs (analyze/kmem.h).
 */
#define LIVE_TASK_MASK                                                                            \
	(SRC_BIT(SRC_LOADAVG) | SRC_BIT(SRC_STAT) | SRC_BIT(SRC_VMSTAT) | SRC_BIT(SRC_ZONEINFO) | \
	 SRC_BIT(SRC_THP))

struct live {
	unsigned mask;	       /* the sources of every sample (SRC_BIT()s) */
	unsigned parse;	       /* which of them to parse (snapshot_parse) */
	uint64_t taken;	       /* samples taken */
	struct strmap syms;    /* modules that the last module symbols covered */
	bool syms_read;	       /* module symbols were read once */
	struct strmap caches;  /* slab caches the last reclaim flags covered */
	struct sample_live sl; /* the cgroups' reader (sl.max_cgroups: the cap) */
};

/*
 * Reads the next live sample into s and parses it into snap (SRC_MODULES
 * always, to know when a module appeared; the kernel log when read, for
 * its cursor). Returns 0, or the error of a source that does not parse.
 */
int live_take(struct live *l, struct sample *s, struct snapshot *snap, struct kerr *e);
void live_free(struct live *l);

#endif

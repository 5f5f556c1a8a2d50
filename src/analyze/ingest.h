/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ingestion: one parsed sample (model/snapshot.h) becomes one sample of
 * the series store (model/series.h): a value per meminfo component (with
 * Unaccounted, analyze/kmem.h), slab cache, vmalloc caller and module
 * (analyze/vmalloc_group.h), allocinfo site, and memory cgroup (its
 * kernel memory and, on v2, its unreclaimable slab; named by its
 * container, aggregate when its children hold most of it: analyze/cgroups.h).
 * `kleak watch` feeds it live samples, `kleak report` a recording's.
 *
 * Between samples it keeps what only some samples carry: the slab reclaim
 * flags (the first sample, and again when a cache appeared), and the
 * module list, module symbols and section addresses, the baseline that
 * names the vmalloc areas of a module unloaded during the run. The
 * baseline is merged, not replaced: a sample with symbols (a module
 * appeared) updates the modules it lists and keeps what the earlier ones
 * knew of the others, so that `rmmod A; modprobe B` during a watch still
 * names A's areas.
 */
#ifndef KLEAK_ANALYZE_INGEST_H
#define KLEAK_ANALYZE_INGEST_H

#include <stdbool.h>

#include "analyze/vmalloc_group.h"
#include "model/series.h"
#include "model/snapshot.h"
#include "parse/module_sections.h"
#include "parse/modules.h"
#include "parse/slab_aliases.h"
#include "util/buf.h"
#include "util/err.h"

struct ingest {
	const char *cgroup_only; /* --container: this cgroup's subtree only; NULL all */
	struct slab_aliases aliases;
	bool have_aliases;
	struct modules base_modules;
	struct buf base_kallsyms;
	struct module_sections base_sections;
	bool have_base;
	struct vmalloc_groups vg; /* scratch, reused */
};

/*
 * Adds one sample to set: a source the snapshot lacks adds nothing (its
 * series read 0 there). Returns 0, or -ENOMEM / a vmallocinfo that does
 * not parse with e naming where.
 */
int ingest_sample(struct series_set *set, struct ingest *in, const struct snapshot *snap,
		  struct kerr *e);
void ingest_free(struct ingest *in);

#endif

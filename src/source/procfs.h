/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The source table: every raw source kleak reads, its file name in a
 * snapshot directory or recording, where the live kernel has it, and how
 * it is read live. Adding a source is one entry here, its reader below
 * when it is not one plain file (the cgroups: a walk rendered as text,
 * source/cgroups.h; the kernel log: /dev/kmsg from a cursor,
 * source/klog.h), and its parser in model/snapshot.c's snapshot_parse().
 * Nothing here parses or prints; an unreadable source is an error record,
 * never an exit.
 */
#ifndef KLEAK_SOURCE_PROCFS_H
#define KLEAK_SOURCE_PROCFS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

enum source_id {
	SRC_MEMINFO,
	SRC_SLABINFO,
	SRC_VMALLOCINFO,
	SRC_MODULES,
	SRC_SLAB_ALIASES, /* from /sys/kernel/slab, as "name target" lines */
	SRC_KALLSYMS,	  /* module symbols only, for unloaded-module lookups */
	SRC_ALLOCINFO,
	SRC_KMEMLEAK,	     /* read only when debugfs is already mounted */
	SRC_LOADAVG,	     /* tasks: runnable and total */
	SRC_STAT,	     /* /proc/stat's counters (forks, procs_running): no per-CPU lines */
	SRC_VMSTAT,	     /* page counters meminfo lacks (zsmalloc pages) */
	SRC_ZONEINFO,	     /* per-CPU page lists and vmstat thresholds only */
	SRC_MODULE_SECTIONS, /* /sys/module/NAME/sections as "module section addr" lines */
	SRC_THP,	     /* partially mapped anonymous THPs, per size (split pending) */
	SRC_CGROUPS,	     /* every memory cgroup's files, as text (source/cgroups.h) */
	SRC_KMSG,	     /* the kernel log: /dev/kmsg records, from a cursor */
	SRC_COUNT,
};

/*
 * What a live reader is told by its caller and keeps from one sample to
 * the next (one per struct sample).
 */
struct source_live {
	uint64_t kmsg_cursor; /* /dev/kmsg: records below it are skipped (0: none) */
	struct buf *meta;     /* key=value lines a reader adds to the sample's meta */
};

struct source_desc {
	const char *name;      /* file name in a snapshot directory */
	const char *live_path; /* where the live kernel has it */
	bool optional;	       /* absence is normal (kernel option, privilege) */
	/*
	 * Read live by model/ (model/sample_live.h), not here: finding what
	 * to read takes a parse (the cgroups: the hierarchies from
	 * mountinfo, the containers' names from the runtimes' metadata).
	 */
	bool composed;
	/* Reads live_path into out; NULL: the file as it is. st may be NULL. */
	int (*read_live)(const char *path, struct buf *out, struct source_live *st, struct kerr *e);
	/* Reads it from a snapshot directory; NULL: the file DIR/<name>. */
	int (*read_dir)(const char *dir, struct buf *out, struct kerr *e);
	size_t cap; /* bytes at most; 0: BUF_FILE_CAP (1 GiB) */
};

extern const struct source_desc source_descs[SRC_COUNT];

/*
 * Reads one source. dir NULL means the live kernel; else DIR/<name>.
 * Returns 0, -ENOENT when absent, or another negative errno; e says why.
 * A composed source is -ENOTSUP live (model/sample_live.h reads it).
 */
int source_read(const char *dir, enum source_id id, struct buf *out, struct kerr *e);
/*
 * Reads DIR/<name> beneath the open directory dirfd (dir names it): a
 * user's file, read as util/input.h says (regular files only, no symlink
 * out of the directory, the cap checked first).
 */
int source_read_at(int dirfd, const char *dir, enum source_id id, struct buf *out, struct kerr *e);
/* The most bytes source id may hold (live, in a directory or a recording). */
size_t source_cap(enum source_id id);
/* The same with the live reader's state (the kernel log's cursor). */
int source_read_live(enum source_id id, struct buf *out, struct source_live *st, struct kerr *e);
/* Sets of sources, as bit masks of enum source_id. */
#define SRC_BIT(id) (1u << (id))
#define SRC_ALL ((1u << SRC_COUNT) - 1)

/* Looks a source up by its snapshot file name; SRC_COUNT when unknown. */
enum source_id source_by_name(const char *name);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot: one sample (source/sample.h) parsed. snapshot_parse() is the
 * one place where raw sources meet their parsers: the metadata (release,
 * hostname, clocks, page size) and every line-oriented source. Three stay
 * raw, for the analyses that walk them without building an array:
 * vmallocinfo (which may be 100 MB), kallsyms (looked up by address) and
 * kmemleak (grouped by backtrace as it is read). The cgroups become a
 * cgroup set (model/cgroups.h), the kernel log its events (parse/klog.h),
 * with the reader's counters from the metadata.
 *
 * Each source has its own status: read and parsed, absent (kernel option
 * or privilege: reported, not fatal), or unparsable (fatal for the
 * command). A snapshot points into its sample's raw bytes: the sample
 * outlives it, or is not read again before the snapshot is.
 */
#ifndef KLEAK_MODEL_SNAPSHOT_H
#define KLEAK_MODEL_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "model/cgroups.h"
#include "parse/allocinfo.h"
#include "parse/loadavg.h"
#include "parse/klog.h"
#include "parse/meminfo.h"
#include "parse/module_sections.h"
#include "parse/modules.h"
#include "parse/procstat.h"
#include "parse/slab_aliases.h"
#include "parse/slabinfo.h"
#include "parse/thp.h"
#include "parse/zoneinfo.h"
#include "source/sample.h"
#include "util/buf.h"
#include "util/err.h"

enum source_status {
	SOURCE_MISSING = 0, /* not read: absent or unreadable; see err */
	SOURCE_OK,
	SOURCE_BAD, /* read but does not parse; see err */
};

struct snapshot {
	const struct sample *sample; /* parsed from; NULL once it is gone */
	const struct buf *raw;	     /* sample->raw: the raw sources */
	char from[PATH_MAX + 32];    /* "" live; else the DIR or "FILE:sample-N" */
	char release[128];
	char hostname[128];
	int64_t time_s;	  /* wall clock when taken, 0 unknown */
	uint64_t mono_ns; /* CLOCK_MONOTONIC when taken (its boot only) */
	uint64_t page_size;
	uint64_t interval_ns;	 /* a recording's interval, 0 otherwise */
	uint64_t leak_window_ns; /* record --leak-window, 0 when not given */
	int64_t wall_ns;	 /* wall clock when taken, ns; time_s x 1e9 when unknown */
	char boot_id[40];	 /* the boot it was taken in, "" unknown */
	/*
	 * The kernel log: where it came from, the reader's counters (a live
	 * read, or one recorded) and printk's clock 0 on the wall clock
	 * (boot_wall_ns: 0 when unknown, as for a saved file of any boot).
	 */
	char kmsg_file[PATH_MAX]; /* --dmesg FILE, "" when the sample's own */
	bool kmsg_read_live;	  /* read from /dev/kmsg: the counters below hold */
	bool kmsg_has_seq;
	uint64_t kmsg_cursor, kmsg_first_seq, kmsg_next_seq;
	uint64_t kmsg_records, kmsg_lost, kmsg_overruns;
	bool kmsg_restarted;
	int64_t boot_wall_ns;
	enum source_status status[SRC_COUNT];
	struct kerr err[SRC_COUNT];
	struct meminfo meminfo;
	struct slabinfo slabinfo;
	struct modules modules;
	struct slab_aliases aliases;
	struct allocinfo allocinfo;
	struct loadavg loadavg;
	struct procstat procstat;
	struct meminfo vmstat; /* parse/vmstat.h: counters, not bytes */
	struct zoneinfo zoneinfo;
	struct module_sections sections;
	struct thp thp;
	struct cgroup_set cgroups;
	struct klog_log klog;
};

/*
 * Parses sample s into snap: zero-initialised, or holding an earlier
 * parse (freed first). The metadata is always parsed; of the sources,
 * those in `which` (SRC_BIT()s; SRC_ALL) that s holds, the others only
 * noted as read or missing. Returns 0, or the first error that stops a command
 * (a source that does not parse, a recording's meta that is damaged or of
 * a newer format) with e set; snap is complete either way and must be
 * freed.
 */
int snapshot_parse(struct snapshot *snap, const struct sample *s, unsigned which, struct kerr *e);
/*
 * Parses one more source of the sample (one read into it after
 * snapshot_parse: module symbols). Returns as snapshot_parse.
 */
int snapshot_parse_source(struct snapshot *snap, enum source_id id, struct kerr *e);
/* The first source that exists but does not parse, or NULL. */
const struct kerr *snapshot_fatal(const struct snapshot *s);
bool snapshot_has(const struct snapshot *s, enum source_id id);
/* Where source id of the snapshot is ("/proc/meminfo", "DIR/meminfo"). */
const char *snapshot_src(const struct snapshot *s, enum source_id id, char *buf, size_t len);
/* Forgets the sample (about to be freed or reused): raw sources gone. */
void snapshot_detach(struct snapshot *s);
void snapshot_free(struct snapshot *s);

#endif

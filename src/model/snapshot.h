/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot: the raw sources read at one moment (live or from a snapshot
 * directory), their parsed forms, and where/when they were taken. Each
 * source has its own status: read and parsed, absent (kernel option or
 * privilege: reported, not fatal), or unparsable (fatal for the command).
 */
#ifndef KLEAK_MODEL_SNAPSHOT_H
#define KLEAK_MODEL_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "parse/meminfo.h"
#include "parse/modules.h"
#include "parse/slab_aliases.h"
#include "parse/slabinfo.h"
#include "source/procfs.h"
#include "util/buf.h"

enum source_status {
	SOURCE_MISSING = 0, /* not read: absent or unreadable; see err */
	SOURCE_OK,
	SOURCE_BAD, /* read but does not parse; see err */
};

struct snapshot {
	const char *dir; /* NULL: the live kernel */
	char release[128];
	char hostname[128];
	int64_t time_s;	    /* wall clock when taken */
	uint64_t mono_ns;   /* CLOCK_MONOTONIC when taken (live only) */
	uint64_t page_size;
	struct buf raw[SRC_COUNT];
	enum source_status status[SRC_COUNT];
	struct kerr err[SRC_COUNT];
	struct meminfo meminfo;
	struct slabinfo slabinfo;
	struct modules modules;
	struct slab_aliases aliases;
};

/*
 * Reads every source (dir NULL = live) into s->raw and parses the ones
 * with a parser here; vmallocinfo, kallsyms and allocinfo stay raw for
 * the analyses that walk them. Never fails as a whole: per-source status.
 * `which` is a bitmask of (1 << enum source_id); 0 means all.
 */
void snapshot_take(struct snapshot *s, const char *dir, unsigned which);
/* The first source that exists but does not parse, or NULL. */
const struct kerr *snapshot_fatal(const struct snapshot *s);
bool snapshot_has(const struct snapshot *s, enum source_id id);
void snapshot_free(struct snapshot *s);

/* The "meta" file of a snapshot directory: key=value lines. */
int snapshot_meta_render(const struct snapshot *s, struct buf *out);
int snapshot_meta_parse(const char *buf, size_t len, const char *src,
			struct snapshot *s, struct kerr *e);

#endif

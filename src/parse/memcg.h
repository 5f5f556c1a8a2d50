/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory controller's files of one cgroup, v2 and v1, turned into one
 * compact record of what kleak needs (struct memcg): its kernel memory and
 * parts, its memory and limit, and the kernel's own limit signals. Every
 * value has a presence bit: a field this kernel does not report is absent
 * (null in JSON), never 0. The formats, as the kernel prints them:
 *
 *   memory.stat   (v2 and v1)   "kernel 1433600" per line; the fields vary
 *                               by version (v2 `kernel` is 5.18+,
 *                               `sec_pagetables` 6.2+, `vmalloc` 5.19+;
 *                               v1 has no kernel fields at all): unknown
 *                               names are counted and ignored
 *   memory.events (v2)          "oom_kill 0" per line, the same shape
 *   memory.current (v2), memory.usage_in_bytes, memory.kmem.* (v1)
 *                               one decimal number
 *   memory.max    (v2)          a number, or "max" for no limit
 *   memory.limit_in_bytes (v1)  a number; no limit is PAGE_COUNTER_MAX
 *                               pages, LONG_MAX rounded down to a page
 *                               (9223372036854771712 with 4 KiB pages)
 *   memory.kmem.slabinfo (v1)   slabinfo 2.1 with its header, per-cgroup
 *                               caches; empty since 5.9, when memcg slab
 *                               accounting became per object (no per-cgroup
 *                               caches left to list)
 *
 * Values in a cgroup are hierarchical: they include the cgroup's children.
 */
#ifndef KLEAK_PARSE_MEMCG_H
#define KLEAK_PARSE_MEMCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* The files kleak reads in a memory cgroup, and which version has them. */
enum memcg_file {
	MEMCG_F_STAT,		/* memory.stat (both) */
	MEMCG_F_CURRENT,	/* v2 memory.current */
	MEMCG_F_MAX,		/* v2 memory.max */
	MEMCG_F_EVENTS,		/* v2 memory.events */
	MEMCG_F_KMEM_USAGE,	/* v1 memory.kmem.usage_in_bytes */
	MEMCG_F_KMEM_TCP_USAGE, /* v1 memory.kmem.tcp.usage_in_bytes */
	MEMCG_F_KMEM_FAILCNT,	/* v1 memory.kmem.failcnt */
	MEMCG_F_USAGE,		/* v1 memory.usage_in_bytes */
	MEMCG_F_LIMIT,		/* v1 memory.limit_in_bytes */
	MEMCG_F_FAILCNT,	/* v1 memory.failcnt: times the limit was hit */
	MEMCG_F_KMEM_SLABINFO,	/* v1 memory.kmem.slabinfo */
	MEMCG_F_COUNT,
};

struct memcg_file_desc {
	const char *name;
	unsigned versions; /* bit 1: v1, bit 2: v2 */
};

extern const struct memcg_file_desc memcg_files[MEMCG_F_COUNT];

/* What one cgroup reports, each with a presence bit. */
enum memcg_value {
	MEMCG_KERNEL, /* v2 stat `kernel`, v1 memory.kmem.usage_in_bytes */
	MEMCG_SLAB_RECLAIMABLE,
	MEMCG_SLAB_UNRECLAIMABLE,
	MEMCG_SLAB, /* v2 stat `slab`, v1 the slabinfo sum */
	MEMCG_KERNEL_STACK,
	MEMCG_PAGETABLES,
	MEMCG_SEC_PAGETABLES,
	MEMCG_PERCPU,
	MEMCG_SOCK, /* v2 stat `sock`, v1 kmem.tcp.usage_in_bytes */
	MEMCG_VMALLOC,
	MEMCG_ANON,	  /* v2 `anon`, v1 `rss` */
	MEMCG_FILE,	  /* v2 `file`, v1 `cache` */
	MEMCG_MEMORY,	  /* memory.current, v1 memory.usage_in_bytes */
	MEMCG_LIMIT,	  /* memory.max / limit_in_bytes; absent: no limit */
	MEMCG_HIER_LIMIT, /* v1 stat hierarchical_memory_limit (a parent's) */
	MEMCG_EV_MAX,	  /* v2 events `max`: times the limit was hit */
	MEMCG_EV_OOM,
	MEMCG_EV_OOM_KILL,
	MEMCG_FAILCNT,	    /* v1 memory.failcnt */
	MEMCG_KMEM_FAILCNT, /* v1 memory.kmem.failcnt */
	MEMCG_VALUE_COUNT,
};

#define MEMCG_CACHE_NAME 64

struct memcg {
	uint64_t v[MEMCG_VALUE_COUNT];
	uint32_t present; /* bit (1 << enum memcg_value) */
	int version;	  /* 1 or 2 */
	/* v1 slabinfo: the cache holding the most, when the kernel fills it */
	char top_cache[MEMCG_CACHE_NAME];
	uint64_t top_cache_bytes;
};

static inline bool memcg_has(const struct memcg *m, enum memcg_value i)
{
	return m->present & (1u << i);
}

/* Sets *v when present; returns whether it is. */
bool memcg_get(const struct memcg *m, enum memcg_value i, uint64_t *v);
void memcg_set(struct memcg *m, enum memcg_value i, uint64_t v);

/* One file's bytes as the source read them; data NULL when absent. */
struct memcg_raw {
	const char *data;
	size_t len;
	const char *src; /* for errors: the file's path */
};

/*
 * Fills m from the raw files of a cgroup of the given version (1 or 2).
 * A file that is absent leaves its values absent; one that exists but does
 * not parse is an error with its source and line. page_size sizes v1
 * slabinfo's slabs.
 */
int memcg_parse(int version, const struct memcg_raw raw[MEMCG_F_COUNT], uint64_t page_size,
		struct memcg *m, struct kerr *e);

/* The pieces, for tests and fuzzing. */
/* memory.stat (v1 or v2) into m; returns 0 or -EINVAL with the line. */
int memcg_stat_parse(const char *buf, size_t len, const char *src, int version, struct memcg *m,
		     struct kerr *e);
int memcg_events_parse(const char *buf, size_t len, const char *src, struct memcg *m,
		       struct kerr *e);
/* A file holding one decimal number (and a newline). */
int memcg_number_parse(const char *buf, size_t len, const char *src, uint64_t *v, struct kerr *e);
/* memory.max: *limited false for "max". */
int memcg_max_parse(const char *buf, size_t len, const char *src, uint64_t *v, bool *limited,
		    struct kerr *e);
/* v1 memory.limit_in_bytes: *limited false for the page-rounded LONG_MAX. */
int memcg_v1_limit_parse(const char *buf, size_t len, const char *src, uint64_t *v, bool *limited,
			 struct kerr *e);
/* Whether a v1 limit value means "no limit" (any page size up to 64 KiB). */
bool memcg_v1_unlimited(uint64_t v);
/*
 * v1 memory.kmem.slabinfo: *filled false when the kernel prints nothing
 * (5.9+); else the bytes of every cache and the largest one.
 */
int memcg_slabinfo_parse(const char *buf, size_t len, const char *src, uint64_t page_size,
			 struct memcg *m, bool *filled, struct kerr *e);

#endif

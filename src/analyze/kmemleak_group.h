/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Groups a parsed kmemleak report by backtrace, after symbolizing raw
 * frames ("0xffffffffa0937013" -> "kmem_alloc+0x13/0x30 [kmem_test]")
 * through an optional ksym table, and ranks the groups by bytes or count.
 *
 * Two objects are in one group when their symbolized frames are equal
 * (function, offset and module), never by the report's crc, which is a
 * checksum of the object's contents. Per group: count, bytes, typical
 * (median) size, the allocator entry point and the first frame outside
 * the allocator (kmalloc/vmalloc/kmem_cache/page/percpu internals and
 * kstrdup-style helpers skipped), the module, comm/pid spread, jiffies and
 * age range, one sample hex dump.
 *
 * The groups point into the report and the ksym table: both must outlive
 * them.
 */
#ifndef KLEAK_ANALYZE_KMEMLEAK_GROUP_H
#define KLEAK_ANALYZE_KMEMLEAK_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/ksym.h"
#include "parse/kmemleak.h"
#include "util/err.h"

enum kmemleak_sort {
	KMEMLEAK_SORT_BYTES, /* default: the biggest leak first */
	KMEMLEAK_SORT_COUNT, /* the most frequent leak first */
};

struct kmemleak_group_opts {
	const struct ksym_table *syms; /* NULL: raw frames stay unresolved */
	bool show_addresses;	       /* unresolved raw frames keep their address */
	enum kmemleak_sort sort;
	uint64_t since_jiffies; /* skip objects allocated before (0: none) */
};

#define KMEMLEAK_TOP_COMMS 3

struct kmemleak_comm {
	const char *comm;
	size_t count;
};

struct kmemleak_group {
	size_t count;
	uint64_t bytes;				   /* saturates at UINT64_MAX */
	uint64_t size_min, size_max, size_typical; /* typical: the median */
	const char *function;			   /* first frame outside the allocator */
	const char *allocator;			   /* where the allocator was entered, or NULL */
	const char *module;	/* of the function, else the first module frame */
	bool unloaded;		/* function is KMEMLEAK_UNLOADED */
	const char **backtrace; /* formatted frames */
	size_t nframes;
	struct kmemleak_comm comms[KMEMLEAK_TOP_COMMS]; /* most frequent */
	size_t ncomms;					/* distinct comms */
	size_t npids;					/* distinct pids */
	uint64_t jiffies_min, jiffies_max;
	bool has_age;
	double age_min_s, age_max_s;
	const struct kmemleak_object *sample; /* first object of the group */
};

/*
 * A frame the kernel printed as a bare address that no symbol table
 * places: its code is gone (an unloaded module), as in vmallocinfo.
 */
#define KMEMLEAK_UNLOADED "(unloaded module)"

/*
 * Totals per module (the groups' `module`; NULL: vmlinux, or code that is
 * gone when `unloaded`), by bytes.
 */
struct kmemleak_module_sum {
	const char *module;
	bool unloaded;
	size_t count; /* objects */
	size_t groups;
	uint64_t bytes;
};

struct kmemleak_groups {
	struct kmemleak_group *v;
	size_t n;
	struct kmemleak_module_sum *mods;
	size_t nmods;
	size_t objects; /* objects grouped (after since_jiffies) */
	uint64_t bytes;
	size_t raw_frames;   /* distinct frames printed as bare addresses */
	size_t raw_resolved; /* ... of which the ksym table resolved */
	/* private */
	char **ftext; /* per distinct report frame, formatted */
	size_t nftext;
	const char **bt_store; /* all groups' backtrace pointers */
};

int kmemleak_group(const struct kmemleak_report *r, const struct kmemleak_group_opts *o,
		   struct kmemleak_groups *out, struct kerr *e);
void kmemleak_groups_free(struct kmemleak_groups *g);

/* Whether the report has frames the kernel printed as bare addresses. */
bool kmemleak_has_raw_frames(const struct kmemleak_report *r);

/* True when func is allocator-internal (kmalloc, __vmalloc_node_range, ...). */
bool kmemleak_is_allocator(const char *func);

/*
 * For `kleak check`: a one-line summary of a non-empty report. Parses and
 * groups buf (syms may be NULL) and fills s. Returns 0 or a negative errno
 * with e filled.
 */
struct kmemleak_summary {
	size_t objects;
	uint64_t bytes;
	size_t groups;
	size_t top_count; /* the top group by bytes */
	uint64_t top_bytes;
	char top_function[128];
	char top_module[64]; /* "" for vmlinux */
};
int kmemleak_summary(const char *buf, size_t len, const char *src, const struct ksym_table *syms,
		     struct kmemleak_summary *s, struct kerr *e);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel address -> symbol + offset + size + module, from a parsed
 * /proc/kallsyms and, optionally, the module ranges of /proc/modules.
 *
 * The table sorts the symbols by address once (duplicates at one address
 * keep a text symbol, global before local, and never a __pfx_/__cfi_
 * padding symbol) and answers lookups by binary search. A symbol's size is
 * the distance to the next symbol of the same module (or of vmlinux); the
 * last symbol of a module is bounded by the module's range when
 * /proc/modules gave one. When the size is unknown, offsets up to
 * KSYM_MAX_UNBOUNDED_OFFSET are accepted: no function comes near 64 KiB,
 * and farther out the address belongs to something kallsyms does not list
 * (an unloaded module, a freed init section).
 *
 * Usage:
 *   struct ksym_table t;
 *   ksym_table_init(&t, &parsed_kallsyms, &e);   // takes ownership
 *   ksym_table_add_module(&t, "kmem_test", 0xffffffffa0937000, 16384);
 *   ksym_lookup(&t, 0xffffffffa0937013, &loc);   // kmem_alloc+0x13/0x30
 */
#ifndef KLEAK_ANALYZE_KSYM_H
#define KLEAK_ANALYZE_KSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/kallsyms.h"
#include "util/err.h"

#define KSYM_MAX_UNBOUNDED_OFFSET (64 * 1024)

struct ksym_module {
	char name[64];
	uint64_t addr; /* 0 when /proc/modules was read without privilege */
	uint64_t size;
};

struct ksym_table {
	struct kallsyms ks;	   /* owned */
	uint32_t *order;	   /* indices into ks.v by address, one per address */
	uint64_t *next;		   /* per order entry: end bound, 0 = unknown */
	size_t n;
	struct ksym_module *mods; /* sorted by addr */
	size_t nmods;
};

struct ksym_loc {
	const char *name;   /* NULL when no symbol covers the address */
	uint64_t offset;    /* addr - symbol address */
	uint64_t size;	    /* symbol size, 0 when unknown */
	const char *module; /* NULL for vmlinux (or no module known) */
};

/*
 * Builds the table from ks, which it takes over (ks is zeroed). Fails with
 * -EPERM when every address is 0 (kallsyms read without privilege).
 */
int ksym_table_init(struct ksym_table *t, struct kallsyms *ks,
		    struct kerr *e);
/* Adds a module range (from /proc/modules); addr 0 is ignored. */
int ksym_table_add_module(struct ksym_table *t, const char *name,
			  uint64_t addr, uint64_t size);
struct modules;
/* Adds every module range of a parsed /proc/modules. */
int ksym_table_add_modules(struct ksym_table *t, const struct modules *m);
/*
 * Looks addr up. Returns true when a symbol or at least a module covers
 * it (loc->name may be NULL then); false when nothing is known.
 */
bool ksym_lookup(const struct ksym_table *t, uint64_t addr,
		 struct ksym_loc *loc);
/* The module whose /proc/modules range holds addr, or NULL. */
const struct ksym_module *ksym_module_at(const struct ksym_table *t,
					 uint64_t addr);
/*
 * Formats loc like the kernel's %pS: "kmem_alloc+0x13/0x30 [kmem_test]"
 * ("+0x13" alone when the size is unknown). Returns buf.
 */
const char *ksym_format(const struct ksym_loc *loc, char *buf, size_t len);
void ksym_table_free(struct ksym_table *t);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel address -> symbol + offset + size + module, from a parsed
 * /proc/kallsyms and, optionally, the module ranges of /proc/modules.
 *
 * The table sorts the symbols by address once (duplicates at one address
 * keep a text symbol, global before local, and never a __pfx_/__cfi_
 * padding symbol) and answers lookups by binary search. A symbol's size is
 * the distance to the next symbol of the same module (or of vmlinux).
 * When the size is unknown, offsets up to KSYM_MAX_UNBOUNDED_OFFSET are
 * accepted: no function comes near 64 KiB, and farther out the address
 * belongs to something kallsyms does not list (an unloaded module, a
 * freed init section).
 *
 * Modules: since 6.4 a module's text, data, rodata and init text are
 * separate allocations (struct module_memory), while /proc/modules gives
 * the text's address with the total size, a range that covers other
 * memory (guard pages, other modules). So a module's memory is taken as
 * regions: runs of its symbols of one kind (text, data, rodata), from the
 * page of the first to the page after the last, and the section starts
 * of /sys/module/NAME/sections where given (ksym_table_add_sections;
 * `.init.text` marks the init region, which stays listed after the kernel
 * freed it). An address between a module's regions belongs to none.
 * Before 6.4 the module was one allocation: when every data and rodata
 * symbol lies in the /proc/modules range, the range is one region and
 * bounds the last symbol as before.
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

/* A part of a module's memory (see above). */
struct ksym_region {
	uint64_t start, end;
	char module[64];
	int kind;   /* KSYM_TEXT, KSYM_DATA, KSYM_RODATA, KSYM_INIT, KSYM_RANGE */
	bool exact; /* a real bound (a pre-6.4 module range), not a page guess */
};

enum { KSYM_TEXT, KSYM_DATA, KSYM_RODATA, KSYM_INIT, KSYM_RANGE };

/* A section start from /sys/module/NAME/sections. */
struct ksym_anchor {
	uint64_t addr;
	char module[64];
	int kind;
};

struct ksym_table {
	struct kallsyms ks; /* owned */
	uint32_t *order;    /* indices into ks.v by address, one per address */
	uint64_t *next;	    /* per order entry: end bound, 0 = unknown */
	size_t n;
	struct ksym_module *mods; /* sorted by addr */
	size_t nmods;
	struct ksym_anchor *anchors;
	size_t nanchors;
	struct ksym_region *regions; /* sorted by start */
	size_t nregions;
};

struct ksym_loc {
	const char *name;   /* NULL when no symbol covers the address */
	uint64_t offset;    /* addr - symbol address */
	uint64_t size;	    /* symbol size, 0 when unknown */
	const char *module; /* NULL for vmlinux (or no module known) */
	bool init;	    /* in a module's init region (freed after init) */
};

/*
 * Builds the table from ks, which it takes over (ks is zeroed). Fails with
 * -EPERM when every address is 0 (kallsyms read without privilege).
 */
int ksym_table_init(struct ksym_table *t, struct kallsyms *ks, struct kerr *e);
/* Adds a module range (from /proc/modules); addr 0 is ignored. */
int ksym_table_add_module(struct ksym_table *t, const char *name, uint64_t addr, uint64_t size);
struct modules;
/* Adds every module range of a parsed /proc/modules. */
int ksym_table_add_modules(struct ksym_table *t, const struct modules *m);
struct module_sections;
/* Adds section starts (address 0, hidden, is ignored). 0 or -ENOMEM. */
int ksym_table_add_sections(struct ksym_table *t, const struct module_sections *s);
/*
 * Looks addr up. Returns true when a symbol or at least a module covers
 * it (loc->name may be NULL then); false when nothing is known.
 */
bool ksym_lookup(const struct ksym_table *t, uint64_t addr, struct ksym_loc *loc);
/* The module whose /proc/modules range holds addr, or NULL. */
const struct ksym_module *ksym_module_at(const struct ksym_table *t, uint64_t addr);
/* The module region holding addr (see above), or NULL. */
const struct ksym_region *ksym_region_at(const struct ksym_table *t, uint64_t addr);
/*
 * Formats loc like the kernel's %pS: "kmem_alloc+0x13/0x30 [kmem_test]"
 * ("+0x13" alone when the size is unknown). Returns buf.
 */
const char *ksym_format(const struct ksym_loc *loc, char *buf, size_t len);
void ksym_table_free(struct ksym_table *t);

#endif

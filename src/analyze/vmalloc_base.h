/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A baseline's module ranges and module symbols, indexed for the
 * unloaded-module lookups of vmalloc_group: which module held an address,
 * and the nearest symbol of that module at or below it.
 *
 * A scan of the baseline per area cost areas x symbols: 20,000 unloaded
 * areas against a 200,000-line kallsyms took minutes. The index sorts the
 * module ranges by address and the symbols by (module, address) once,
 * and answers each lookup by binary search. It is built on the first
 * lookup (most samples have no unloaded area) under a lock (vmalloc_group
 * parses large inputs on two threads), and may be kept by the caller
 * across samples that share a baseline (ingest does).
 */
#ifndef KLEAK_ANALYZE_VMALLOC_BASE_H
#define KLEAK_ANALYZE_VMALLOC_BASE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/modules.h"
#include "util/strmap.h"

struct vmalloc_base_sym {
	uint64_t addr;
	const char *name; /* into the baseline's kallsyms text */
	uint32_t name_len;
	uint32_t module;  /* an id of mod_ids */
	size_t order;	  /* line order: the later of equal addresses wins */
};

struct vmalloc_base_index {
	pthread_mutex_t lock; /* zeroed is unlocked (glibc's initializer is 0s) */
	bool built;
	int err;			/* -ENOMEM when the build failed */
	const void *for_modules, *for_kallsyms; /* what it was built from */
	size_t for_len;
	const struct kmodule **mods;	/* with an address, by address */
	size_t nmods;
	struct vmalloc_base_sym *syms;	/* by module id, then address */
	size_t nsyms;
	struct strmap mod_ids;		/* module name -> id */
};

struct vmalloc_baseline;

/* Zeroes x: ready for the first lookup (so is zeroed memory). */
void vmalloc_base_init(struct vmalloc_base_index *x);
/*
 * The module of b whose range holds addr, or NULL (the index is built
 * from b on first use, or again when b is another baseline).
 */
const struct kmodule *vmalloc_base_module(struct vmalloc_base_index *x,
					  const struct vmalloc_baseline *b,
					  uint64_t addr);
/* The nearest symbol of module mod at or below addr into out; false if none. */
bool vmalloc_base_symbol(struct vmalloc_base_index *x,
			 const struct vmalloc_baseline *b, uint64_t addr,
			 const char *mod, char *out, size_t outlen);
/* Forgets what was built (the baseline changed in place). */
void vmalloc_base_reset(struct vmalloc_base_index *x);
void vmalloc_base_free(struct vmalloc_base_index *x);

#endif

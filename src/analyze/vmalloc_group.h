/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmalloc memory aggregated by caller function and by module.
 *
 * bytes = pages= x page size where the line has pages= (what VmallocUsed
 * counts), else the size column (CONTRACTS.md). "unpurged vm_area" lines
 * are lazily freed areas, counted apart, never as anyone's memory.
 *
 * A caller printed as a bare address is code that is gone: the module was
 * unloaded while its memory stayed (the lesson's point). Such an area is
 * attributed through an earlier snapshot's module list and symbols (the
 * baseline), and otherwise reported as "(unloaded module)".
 */
#ifndef KLEAK_ANALYZE_VMALLOC_GROUP_H
#define KLEAK_ANALYZE_VMALLOC_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/modules.h"
#include "util/err.h"
#include "util/strmap.h"

#define VMALLOC_UNLOADED "(unloaded module)"
/* The row of the callers past VMALLOC_MAX_CALLERS (module, caller) pairs. */
#define VMALLOC_OTHER "(other callers)"
#define VMALLOC_MAX_CALLERS 65536

struct vmalloc_caller {
	char caller[128]; /* function, or VMALLOC_UNLOADED */
	char module[64];  /* empty: built into the kernel */
	bool unloaded;	  /* its code was unloaded */
	bool tainted;	  /* out-of-tree or unsigned module (O/E taint) */
	uint64_t bytes;	  /* memory: pages, see above */
	uint64_t size_bytes; /* the size column (with guard pages) */
	uint64_t areas;
	uint64_t addr;	  /* the bare caller address, when unloaded */
	long first_line;
};

struct vmalloc_module {
	char module[64];
	bool unloaded, tainted;
	uint64_t bytes, areas;
};

struct vmalloc_base_index;

/* What a baseline (earlier snapshot) knew: modules and their symbols. */
struct vmalloc_baseline {
	const struct modules *modules; /* with addresses (taken as root) */
	const char *kallsyms;	       /* raw "addr t sym\t[mod]" text */
	size_t kallsyms_len;
	/* its lookup index (vmalloc_base.h), kept by the caller across
	 * samples; NULL: one is built for the call when needed */
	struct vmalloc_base_index *index;
};

struct vmalloc_groups {
	struct vmalloc_caller *callers; /* sorted: modules first, then bytes */
	size_t ncallers;
	struct vmalloc_module *modules; /* sorted by bytes */
	size_t nmodules;
	uint64_t total_bytes;	  /* all areas but unpurged */
	uint64_t builtin_bytes;	  /* areas of built-in callers */
	uint64_t unpurged_bytes, unpurged_areas;
	uint64_t areas;
	struct strmap index; /* "module\tcaller" -> callers[] slot */
	size_t cap;
};

/*
 * Aggregates a raw vmallocinfo buffer. loaded: the current module list
 * (for taint flags; may be NULL); baseline may be NULL.
 */
int vmalloc_group(const char *buf, size_t len, const char *src,
		  uint64_t page_size, const struct modules *loaded,
		  const struct vmalloc_baseline *baseline,
		  struct vmalloc_groups *out, struct kerr *e);
void vmalloc_groups_free(struct vmalloc_groups *g);
/*
 * Whether thread stacks are vmalloc'd (CONFIG_VMAP_STACK): they show as
 * areas of kernel_clone and friends. Then meminfo's KernelStack is inside
 * VmallocUsed and must not be added twice.
 */
bool vmalloc_groups_vmap_stacks(const struct vmalloc_groups *g);

#endif

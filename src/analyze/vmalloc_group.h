/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmalloc memory aggregated by caller function and by module.
 *
 * bytes = pages= x page size where the line has pages= (what VmallocUsed
 * counts), else the size column (CONTRACTS.md). "unpurged vm_area" lines
 * are lazily freed areas, counted apart, never as anyone's memory.
 *
 * A caller printed as a bare address is code that is gone: the module was
 * unloaded while its memory stayed (the lesson's point), or it is the
 * init code of a module still loaded, which the kernel frees after the
 * module's init (a vmalloc made by it stays, and is no leak of an
 * unloaded module). The init case is told by the loaded modules' section
 * addresses (/sys/module/NAME/sections/.init.text stays listed); an
 * unloaded module's area is attributed through an earlier snapshot's
 * module list, symbols and sections (the baseline), and otherwise
 * reported as "(unloaded module)". Module memory is placed by regions
 * (analyze/ksym.h), not by /proc/modules' range.
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
#define VMALLOC_INIT "(freed init code)"
/* The row of the callers past VMALLOC_MAX_CALLERS (module, caller) pairs. */
#define VMALLOC_OTHER "(other callers)"
#define VMALLOC_MAX_CALLERS 65536

struct vmalloc_caller {
	char caller[128];    /* function, or VMALLOC_UNLOADED */
	char module[64];     /* empty: built into the kernel */
	bool unloaded;	     /* its code was unloaded (not: freed init code of a loaded module) */
	bool tainted;	     /* out-of-tree or unsigned module (O/E taint) */
	uint64_t bytes;	     /* memory: pages, see above */
	uint64_t size_bytes; /* the size column (with guard pages) */
	uint64_t areas;
	uint64_t addr; /* the bare caller address, when unloaded */
	long first_line;
};

struct vmalloc_module {
	char module[64];
	bool unloaded, tainted;
	uint64_t bytes, areas;
};

struct module_sections;

/*
 * What a baseline (earlier snapshot) knew: modules, their symbols and
 * section addresses; and the section addresses of the modules loaded now
 * (where their freed init code was). Any may be NULL.
 */
struct vmalloc_baseline {
	const struct modules *modules; /* with addresses (taken as root) */
	const char *kallsyms;	       /* raw "addr t sym\t[mod]" text */
	size_t kallsyms_len;
	const struct module_sections *sections;
	const struct module_sections *loaded_sections;
};

struct vmalloc_groups {
	struct vmalloc_caller *callers; /* sorted: modules first, then bytes */
	size_t ncallers;
	struct vmalloc_module *modules; /* sorted by bytes */
	size_t nmodules;
	uint64_t total_bytes;	/* all areas but unpurged */
	uint64_t builtin_bytes; /* areas of built-in callers */
	uint64_t unpurged_bytes, unpurged_areas;
	uint64_t areas;
	struct strmap index; /* "module\tcaller" -> callers[] slot */
	size_t cap;
};

/*
 * Aggregates a raw vmallocinfo buffer. loaded: the current module list
 * (for taint flags; may be NULL); baseline may be NULL.
 */
int vmalloc_group(const char *buf, size_t len, const char *src, uint64_t page_size,
		  const struct modules *loaded, const struct vmalloc_baseline *baseline,
		  struct vmalloc_groups *out, struct kerr *e);
void vmalloc_groups_free(struct vmalloc_groups *g);
/*
 * Whether thread stacks are vmalloc'd (CONFIG_VMAP_STACK): they show as
 * areas of kernel_clone and friends. Then meminfo's KernelStack is inside
 * VmallocUsed and must not be added twice.
 */
bool vmalloc_groups_vmap_stacks(const struct vmalloc_groups *g);

#endif

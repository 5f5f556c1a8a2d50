/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/vmallocinfo, one area a line:
 *
 *   0x..a09-0x..04   20480 kernel_clone+0x94/0x3e0 pages=4 vmalloc N0=4
 *   0x..-0x.. 1073745920 kmem_alloc+0x13/0x30 [kmem_test] pages=262144 vmalloc vpages N0=262144
 *   0x..-0x..    8192 acpi_os_map_iomem+0x1bc/0x1e0 phys=0x..a0000 ioremap
 *   0x..-0x..   12288 0xffffffffc0422032 pages=2 vmalloc N0=2   (module gone)
 *   0x..-0x..    8192 unpurged vm_area                        (lazily freed)
 *   0x..-0x..    8192 vm_map_ram
 *
 * The addresses are printed with %pK and hashed for most readers, so sizes
 * come from the size column (which counts the guard page) and pages=,
 * never from end - start. The parser is a callback walk: a 100 MB file is
 * aggregated without building an array of a million records.
 */
#ifndef KLEAK_PARSE_VMALLOCINFO_H
#define KLEAK_PARSE_VMALLOCINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum vmalloc_type {
	VMA_IOREMAP = 1 << 0,
	VMA_VMALLOC = 1 << 1,
	VMA_VMAP = 1 << 2,
	VMA_USER = 1 << 3,
	VMA_VPAGES = 1 << 4,
	VMA_VM_MAP_RAM = 1 << 5,
	VMA_UNPURGED = 1 << 6, /* "unpurged vm_area": freed, not yet purged */
	VMA_UNKNOWN_WORD = 1 << 7,
};

struct vmalloc_area {
	uint64_t size;	/* size column, includes the guard page */
	uint64_t pages; /* pages=N, valid when has_pages */
	bool has_pages;
	/* Caller function without "+off/len"; points into the input buffer. */
	const char *caller;
	size_t caller_len;
	uint64_t caller_off, caller_size;
	bool caller_is_addr; /* bare address: symbol gone (module unloaded) */
	uint64_t caller_addr;
	const char *module; /* without brackets, NULL when built-in */
	size_t module_len;
	unsigned types; /* enum vmalloc_type bits */
	long line;
};

/* Called per area; a non-zero return stops the walk and is returned. */
typedef int (*vmalloc_area_cb)(const struct vmalloc_area *a, void *ctx);

int vmallocinfo_parse(const char *buf, size_t len, const char *src, vmalloc_area_cb cb, void *ctx,
		      struct kerr *e);

/*
 * The same over a part of a file that starts at line first_line + 1 (so a
 * caller can split a large buffer at a newline and parse the parts in
 * parallel); *nlines, when given, gets the number of lines walked.
 */
int vmallocinfo_parse_part(const char *buf, size_t len, const char *src, long first_line,
			   long *nlines, vmalloc_area_cb cb, void *ctx, struct kerr *e);

/*
 * Memory of an area: pages= x page size (what VmallocUsed counts). An area
 * without pages= maps memory vmalloc did not allocate (ioremap: device
 * memory; vmap and vm_map_ram: pages their caller owns; percpu chunks:
 * counted in Percpu) and holds none of its own: 0. Counting those at the
 * size column put vmalloc totals 14-23% above VmallocUsed (issue 19);
 * their address space stays in the size column.
 */
uint64_t vmalloc_area_bytes(const struct vmalloc_area *a, uint64_t page_size);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/kallsyms: one symbol per line, address, type letter, name, and for
 * module symbols the module in brackets after a tab:
 *
 *   ffffffff81000000 T _text
 *   ffffffffc0a01000 t kmem_alloc	[kmem_test]
 *
 * Readers without CAP_SYSLOG (kptr_restrict) see every address as 0: the
 * parser accepts that and sets `zero_addrs`, so the caller can say "needs
 * root" instead of symbolizing everything to the first symbol.
 *
 * Symbol and module names live in one string pool (a real kallsyms has
 * ~200,000 lines); records keep their line number.
 */
#ifndef KLEAK_PARSE_KALLSYMS_H
#define KLEAK_PARSE_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define KALLSYMS_NAME_MAX 1024 /* KSYM_NAME_LEN is 512 since 6.1 (Rust) */

struct kallsym {
	uint64_t addr;
	uint32_t name;	/* offset into kallsyms.pool */
	int32_t module; /* index into kallsyms.mods, -1 for vmlinux */
	uint32_t line;	/* 1-based line in the source */
	char type;	/* 'T', 't', 'd', ... as the kernel prints it */
};

struct kallsyms {
	struct kallsym *v; /* in file order */
	size_t n;
	char *pool; /* NUL-separated names */
	size_t pool_len, pool_cap;
	uint32_t *mods; /* module names: offsets into pool */
	size_t nmods;
	bool zero_addrs; /* every address was 0: read without privilege */
};

/*
 * Parses a kallsyms text. Returns 0 or a negative errno with e filled
 * ("src:LINE: ..."). An empty input is an error (-ENODATA).
 */
int kallsyms_parse(const char *buf, size_t len, const char *src, struct kallsyms *out,
		   struct kerr *e);
void kallsyms_free(struct kallsyms *ks);

static inline const char *kallsyms_name(const struct kallsyms *ks, const struct kallsym *s)
{
	return ks->pool + s->name;
}

/* The module name of s, or NULL for vmlinux. */
static inline const char *kallsyms_module(const struct kallsyms *ks, const struct kallsym *s)
{
	return s->module < 0 ? NULL : ks->pool + ks->mods[s->module];
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kleak count --alloc FUNC --free FUNC`: the function pair, checked in the
 * kernel's BTF before any BPF is loaded, so that a wrong pair is a clear
 * error: the allocator returns a pointer, the free function takes that
 * same type. (Slab caches, cgroups and processes are resolved by the
 * resolver trace shares: target.h.)
 */
#ifndef KLEAK_TRACE_COUNT_FUNCS_H
#define KLEAK_TRACE_COUNT_FUNCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct count_funcs {
	char alloc[128], free[128];
	char obj_type[128]; /* "struct dentry", "" when not checked */
	int free_arg;	    /* index of the object among free's arguments */
	bool in_btf;	    /* both have BTF: fentry/fexit can attach */
	char note[256];	    /* a warning to show, "" when none */
};

/*
 * Checks the pair: both exist (BTF or /proc/kallsyms), the allocator
 * returns a pointer, the free function takes it. -ENOENT (unknown name,
 * with close names) or -EINVAL (types do not pair, with candidates).
 */
int count_funcs_check(const char *alloc, const char *free, struct count_funcs *f, struct kerr *e);

#endif

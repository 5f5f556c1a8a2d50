/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel symbols for `kleak trace` call sites: a thin wrapper over the
 * shared table (parse/kallsyms.h + analyze/ksym.h) that loads the live
 * /proc/kallsyms and /proc/modules once.
 */
#ifndef KLEAK_TRACE_KSYM_H
#define KLEAK_TRACE_KSYM_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze/ksym.h"
#include "util/err.h"

struct trace_ksyms {
	struct ksym_table t;
	bool loaded;
};

/* Reads /proc/kallsyms (and module ranges); -EPERM when addresses are hidden. */
int trace_ksyms_load(struct trace_ksyms *k, struct kerr *e);
/* Symbol name (NULL when unknown), offset and module (NULL: vmlinux). */
bool trace_ksyms_lookup(const struct trace_ksyms *k, uint64_t addr, const char **name,
			uint64_t *offset, const char **module);
void trace_ksyms_free(struct trace_ksyms *k);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel symbols for `kleak trace` call sites: a thin wrapper over the
 * shared table (parse/kallsyms.h + analyze/ksym.h) that loads the live
 * /proc/kallsyms and /proc/modules, and loads them again when the modules
 * change while kleak runs ("start tracing, then load the driver"). The
 * tables of before are kept behind the new one, so the call sites of a
 * module unloaded since are still named.
 */
#ifndef KLEAK_TRACE_KSYM_H
#define KLEAK_TRACE_KSYM_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze/ksym.h"
#include "util/err.h"

#define TRACE_KSYMS_KEPT 4 /* older tables kept for unloaded modules */

struct trace_ksyms {
	struct ksym_table t;
	bool loaded;
	uint64_t modsig;	   /* the modules (name, address) it was loaded with */
	struct trace_ksyms *older; /* the table before the modules changed */
};

/* Reads /proc/kallsyms (and module ranges); -EPERM when addresses are hidden. */
int trace_ksyms_load(struct trace_ksyms *k, struct kerr *e);
/*
 * Loads the symbols again when /proc/modules lists other modules than the
 * table has (a module loaded or unloaded since); *changed says so. The
 * current table is kept as the older one. A failure leaves k as it was.
 */
int trace_ksyms_refresh(struct trace_ksyms *k, bool *changed, struct kerr *e);
/*
 * Symbol name (NULL when unknown), offset and module (NULL: vmlinux), from
 * the newest table that knows the address.
 */
bool trace_ksyms_lookup(const struct trace_ksyms *k, uint64_t addr, const char **name,
			uint64_t *offset, const char **module);
void trace_ksyms_free(struct trace_ksyms *k);

#endif

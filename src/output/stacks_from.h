/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Adapters from the producers of stacks to the stacks model (stacks.h) and
 * to the HTML report's kmemleak and trace sections:
 *
 * - kmemleak: one stack per group, its backtrace (as the kernel printed it,
 *   leaf first: "leak_kmalloc_work+0x2f/0xa0 [kleak_kmalloc_leak]"), frames
 *   reduced to "function [module]" (offsets dropped so that equal functions
 *   merge), holding the group's bytes.
 * - trace: per call site, its stacks (leaf first, addresses symbolized
 *   through the kallsyms table), the call site's outstanding_bytes shared
 *   out over its stacks in proportion to their object counts (largest
 *   remainder, so a call site's stacks add up to its outstanding_bytes
 *   exactly); a call site without stacks is one frame, itself. A stack
 *   whose leaf is not the call site's function gets the call site as leaf.
 */
#ifndef KLEAK_OUTPUT_STACKS_FROM_H
#define KLEAK_OUTPUT_STACKS_FROM_H

#include "analyze/kmemleak_group.h"
#include "output/html_report.h"
#include "output/stacks.h"
#include "trace/trace_report.h"

/* Returns 0 or -ENOMEM. */
int stacks_from_kmemleak(struct stacks *out, const struct kmemleak_groups *g);
int stacks_from_trace(struct stacks *out, const struct trace_report *r,
		      const struct trace_ksyms *ks);

/*
 * "func+0x1/0x2 [mod]" -> function "func", module "mod" (NULL when none),
 * written into fn and mod. The kernel's %pS frame, also trace's.
 */
void stacks_split_frame(const char *frame, char *fn, size_t fnlen, char *mod, size_t modlen,
			bool *has_mod);

/*
 * The HTML rows: out holds g->n (r->ncs) entries; they point into g (r),
 * which must outlive them. The call sites are those trace's --json lists
 * (under --min-age, those with old objects) that hold memory, in its
 * order; returns how many.
 */
void html_groups_from_kmemleak(struct html_kmemleak_group *out, const struct kmemleak_groups *g);
size_t html_callsites_from_trace(struct html_callsite *out, const struct trace_report *r);

#endif

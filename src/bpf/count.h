/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared between count.bpf.c and its user side (src/trace/count_bpf.c):
 * the counters. The scope, the object record and the kmalloc flavours are
 * every program's (kleak.h). Plain __u64 fields only, the same layout on
 * both sides.
 */
#ifndef KLEAK_BPF_COUNT_H
#define KLEAK_BPF_COUNT_H

#include "kleak.h"

#define COUNT_CACHE_NAME_LEN 64

/* Per-CPU counters, cumulative since the programs were attached. */
enum count_stat {
	CS_ALLOC,	   /* allocations by the scope */
	CS_FREE,	   /* frees of objects the scope allocated */
	CS_FREE_UNTRACKED, /* frees of other objects of the kind */
	CS_REPAIRED,	   /* address allocated again: its free was missed */
	CS_DROPPED,	   /* allocation not tracked: the object map is full */
	CS_BUSY,	   /* map update/delete refused (-EBUSY: nested programs) */
	CS_NR,
};

#endif

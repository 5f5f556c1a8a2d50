/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared between count.bpf.c and its user side (src/trace/count_bpf.c):
 * the counters, the scope kinds and the per-object record. Plain __u64
 * fields only, the same layout on both sides.
 */
#ifndef KLEAK_BPF_COUNT_H
#define KLEAK_BPF_COUNT_H

#define COUNT_CACHE_NAME_LEN 64
#define COUNT_CGROUP_DEPTH 32 /* ancestors walked for --cgroup */

/* Per-CPU counters, cumulative since the programs were attached. */
enum count_stat {
	CS_ALLOC,	    /* allocations by the scope */
	CS_FREE,	    /* frees of objects the scope allocated */
	CS_FREE_UNTRACKED,  /* frees of other objects of the kind */
	CS_REPAIRED,	    /* address allocated again: its free was missed */
	CS_DROPPED,	    /* allocation not tracked: the object map is full */
	CS_BUSY,	    /* map update/delete refused (-EBUSY: nested programs) */
	CS_NR,
};

enum count_scope {
	COUNT_SCOPE_ALL,
	COUNT_SCOPE_PID,       /* tgid == targ_tgid */
	COUNT_SCOPE_CGROUP_V2, /* unified cgroup targ_cgid or a descendant */
	COUNT_SCOPE_CGROUP_V1, /* memory controller's v1 cgroup or below */
};

/* Values of the object map (key: the object's address). */
struct count_obj {
	__u64 alloc_ns; /* bpf_ktime_get_ns() at allocation */
	__u32 tgid;	/* the allocating process */
	__u32 pad;
};

#endif

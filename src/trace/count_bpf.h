/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF side of `kleak count` seen from user space: one session owns the
 * skeleton's whole lifecycle (open, configure, load, attach, read,
 * destroy). The mechanism is chosen here: raw tracepoints for --cache;
 * fentry/fexit, else kprobe/kretprobe, for --alloc/--free.
 */
#ifndef KLEAK_TRACE_COUNT_BPF_H
#define KLEAK_TRACE_COUNT_BPF_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/types.h>

#include "bpf/count.h"
#include "trace/count_funcs.h"
#include "trace/target.h"
#include "util/err.h"

/* --mechanism: which attachment --alloc/--free may use. */
enum count_mech {
	COUNT_MECH_AUTO,   /* fentry/fexit, else kprobe/kretprobe */
	COUNT_MECH_FENTRY, /* fentry/fexit only */
	COUNT_MECH_KPROBE, /* kprobe/kretprobe only */
};

struct count_config {
	const struct target *target;	 /* whom (-p, --cgroup) and --cache */
	const struct count_funcs *funcs; /* --alloc/--free, or NULL for --cache */
	uint32_t max_objects;		 /* object map size */
	enum count_mech mech;		 /* for funcs */
};

struct count_counters {
	uint64_t stat[CS_NR];	   /* summed over CPUs, see enum count_stat */
	uint64_t recursion_misses; /* runs the kernel skipped, all programs */
};

struct count_session;

/*
 * Loads and attaches. On failure e says why; for a function pair it gives
 * each mechanism's reason and suggests --cache.
 */
int count_session_open(const struct count_config *cfg, struct count_session **out, struct kerr *e);
/* "raw_tp", "fentry/fexit" or "kprobe/kretprobe". */
const char *count_session_mechanism(const struct count_session *s);
/* Why a preferred mechanism was not used ("" when none was refused). */
const char *count_session_note(const struct count_session *s);
int count_session_read(struct count_session *s, struct count_counters *c, struct kerr *e);
/* Detaches and frees; NULL-safe. */
void count_session_close(struct count_session *s);

#endif

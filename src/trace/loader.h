/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the user sides of kleak's BPF programs (trace_session.c,
 * count_bpf.c) share about libbpf itself: one print hook and one debug
 * switch, and the kernel's statistics of loaded programs.
 *
 * libbpf's messages are kept, not printed: the first warning (it names the
 * program and the cause) goes into the error a failed load or attach
 * reports. KLEAK_DEBUG=1 in the environment prints them all on stderr,
 * the verifier's log included.
 */
#ifndef KLEAK_TRACE_LOADER_H
#define KLEAK_TRACE_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bpf_object;
struct btf;

/* Installs the print hook and forgets any earlier warning. */
void loader_log_init(void);
/*
 * "Operation not permitted (libbpf: prog 'x': ...)": strerror(err) and the
 * first warning libbpf gave since the last call, which it forgets. err is
 * an errno, either sign.
 */
const char *loader_why(int err, char *buf, size_t len);

struct loader_prog_stat {
	char name[32];	    /* the tracepoint, or the program's name */
	uint64_t run_count; /* 0 unless kernel.bpf_stats_enabled=1 */
	uint64_t run_time_ns;
	uint64_t recursion_misses; /* runs the kernel skipped (5.12+) */
};

/* Whether the kernel has raw tracepoint tp (its btf_trace_<tp> type). */
bool loader_tp_exists(const struct btf *btf, const char *tp);
/*
 * Turns the kernel's run-time statistics of BPF programs on while the
 * returned descriptor is open (BPF_ENABLE_STATS, 5.8+: a reference, so
 * kernel.bpf_stats_enabled is left as it was); a negative errno when the
 * kernel refuses. Close it with close().
 */
int loader_stats_enable(void);

/* Statistics of the object's loaded programs, at most max; returns how many. */
size_t loader_prog_stats(const struct bpf_object *obj, struct loader_prog_stat *v, size_t max);

#endif

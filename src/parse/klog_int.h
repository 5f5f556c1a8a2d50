/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the kernel-log parser: klog.c turns the lines of a log (any of
 * its formats) into message lines with their stamps; klog_report.c puts
 * those together into events; klog_match.c reads one message line of a
 * report. Not for use outside src/parse/klog*.c.
 */
#ifndef KLEAK_PARSE_KLOG_INT_H
#define KLEAK_PARSE_KLOG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/klog.h"

/* One line of a message: the log's prefix removed, leading blanks too. */
struct klog_msg {
	const char *text;
	size_t len;
	struct klog_stamp at;
};

/* The parts of a report, in the order the kernel prints them. */
enum klog_section {
	SEC_START,	/* the first line */
	SEC_CPU,	/* "CPU: 1 UID: 0 PID: 90 Comm: awk ..." and the trace */
	SEC_MEMCG,	/* "memory: usage ...", "Memory cgroup stats for ..." */
	SEC_MEMINFO,	/* "Mem-Info:" and what follows */
	SEC_ALLOCS,	/* "Memory allocations:" (6.10+) */
	SEC_SLAB,	/* "Unreclaimable slab info:" */
	SEC_TASKS,	/* "Tasks state (memory values in pages):" */
	SEC_CONSTRAINT, /* "oom-kill:constraint=..." */
	SEC_END,	/* "Killed process ..." */
};

/* A report still taking lines. */
struct klog_slot {
	size_t ev; /* index in log->v */
	enum klog_section sec;
	bool memcg_stats;   /* inside "Memory cgroup stats for" */
	uint64_t last_mono; /* stamp of its last line, when has_mono */
	bool has_mono;
	char caller[12];
	unsigned long order; /* when it started, to find the latest */
};

#define KLOG_SLOTS 8

struct klog_ctx {
	struct klog_log *log;
	const struct klog_parse_opts *o;
	const char *src;
	struct kerr *e;
	struct klog_slot slots[KLOG_SLOTS];
	size_t nslots;
	unsigned long started; /* reports started so far */
	uint64_t last_mono;    /* the last stamp seen */
	bool has_last_mono;
};

/* klog_report.c */
void klog_ctx_init(struct klog_ctx *c, struct klog_log *log, const char *src,
		   const struct klog_parse_opts *o, struct kerr *e);
int klog_ctx_line(struct klog_ctx *c, const struct klog_msg *m);
/* Records were lost or the log restarted: every open report is cut. */
void klog_ctx_break(struct klog_ctx *c);
/* End of input: reports still open are truncated, or open when live and recent. */
void klog_ctx_finish(struct klog_ctx *c);
struct klog_event *klog_ctx_event(struct klog_ctx *c, const struct klog_slot *s);

/*
 * klog_match.c: each returns true when the line is of its kind, filling
 * the event; a false return leaves the event untouched.
 */
bool klog_match_oom_start(const char *t, size_t n, struct klog_event *ev, struct klog_oom *oom);
bool klog_match_unload(const char *t, size_t n, struct klog_event *ev);
bool klog_match_kmemleak(const char *t, size_t n, struct klog_event *ev);
bool klog_match_page_failure(const char *t, size_t n, struct klog_event *ev);
bool klog_match_vmalloc_error(const char *t, size_t n, struct klog_event *ev);
bool klog_match_slub_start(const char *t, size_t n, struct klog_event *ev);
bool klog_match_slub_cache(const char *t, size_t n, struct klog_slub *s);
bool klog_match_slub_node(const char *t, size_t n, struct klog_slub *s);
bool klog_match_cpu(const char *t, size_t n, int64_t *pid, char *comm, size_t commlen);
bool klog_match_meminfo(const char *t, size_t n, struct klog_mem_info *m);
bool klog_match_alloc_site(const char *t, size_t n, struct klog_alloc_site *s);
bool klog_match_slab_row(const char *t, size_t n, struct klog_slab_row *r);
bool klog_match_memcg_usage(const char *t, size_t n, struct klog_oom *oom);
bool klog_match_memcg_stat(const char *t, size_t n, struct klog_oom *oom);
bool klog_match_constraint(const char *t, size_t n, struct klog_oom *oom);
bool klog_match_killed(const char *t, size_t n, struct klog_oom *oom);

/* Helpers shared by the three files. */
bool klog_starts(const char *s, size_t n, const char *pfx);
const char *klog_find(const char *s, size_t n, const char *needle);
void klog_copy(char *dst, size_t dstlen, const char *s, size_t n);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel log, read for what the kernel says about its own memory: OOM
 * reports, allocation profiling's unload warning, kmemleak's count of new
 * leaks, page allocation, vmalloc and SLUB allocation failures. Pure: a
 * buffer in, events out; docs/klog.md has the details and JSON fields.
 *
 * Formats (detected from the first line that is not blank or "-- ..."):
 *
 *   /dev/kmsg records ("prio,seq,usec,flags[,caller=T12];text", the text
 *   \xNN-escaped, a newline inside a record as \x0a; " KEY=value" lines):
 *     4,365,8899383,-;insmod: page allocation failure: order:10, mode:...
 *   dmesg, with or without stamps, priorities (dmesg -r), the caller field
 *   of CONFIG_PRINTK_CALLER, util-linux's -x, -T and --time-format iso:
 *     [    8.899383] insmod: page allocation failure: order:10, mode:...
 *     <4>[    8.899383][  T82] insmod: page allocation failure: ...
 *     kern  :warn  : [    8.899383] insmod: page allocation failure: ...
 *     [Mon Nov 30 12:42:15 2026] insmod: page allocation failure: ...
 *     2026-11-30T12:42:15,899383+00:00 insmod: page allocation failure: ...
 *     insmod: page allocation failure: order:10, mode:...
 *   journalctl -k, -o short, short-precise, short-iso, short-iso-precise,
 *   short-full, short-monotonic, short-unix (lines of other programs than
 *   "kernel" are skipped; "-- Boot ... --" starts a new boot):
 *     Nov 30 12:42:15 kleak-vm kernel: insmod: page allocation failure: ...
 *     [    8.899383] kleak-vm kernel: insmod: page allocation failure: ...
 *
 * A line of a multi-line record (Mem-Info) is its own line in dmesg, an
 * indented line without a stamp in util-linux and journalctl output, and
 * "\x0a" inside a raw record: all are read as lines of that record.
 *
 * Reports span many lines and may be interleaved with other messages.
 * With a caller field ("T123", "C1") a line joins a report of the same
 * caller only. Without one (most kernels: CONFIG_PRINTK_CALLER is off in
 * Debian's), the kernel's own serialisation is relied upon: OOM reports
 * are printed under oom_lock, warn_alloc() prints at most one warning per
 * 10 s, so at most one report of a kind is being printed at a time. A line
 * that only one kind prints (the unreclaimable-slab table, "Killed
 * process") joins the open report of that kind; a line several kinds
 * print (the CPU/Comm line, Mem-Info, "Memory allocations:") joins the
 * report started last that has not yet gone past that part. A report
 * closes when its last line comes, when another of its kind starts, when
 * records are lost (a gap in /dev/kmsg sequence numbers), or when no line
 * joined it for KLOG_REPORT_GAP_NS; closed early it is `truncated`.
 */
#ifndef KLEAK_PARSE_KLOG_H
#define KLEAK_PARSE_KLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* A report's lines come within milliseconds; a minute means it was cut. */
#define KLOG_REPORT_GAP_NS (60ULL * 1000000000ULL)
/* Live reads: an unfinished report this recent may still be printing. */
#define KLOG_OPEN_GRACE_NS (10ULL * 1000000000ULL)

enum klog_format {
	KLOG_FMT_NONE,	  /* empty input */
	KLOG_FMT_KMSG,	  /* /dev/kmsg records */
	KLOG_FMT_DMESG,	  /* dmesg (any of the variants above) */
	KLOG_FMT_JOURNAL, /* journalctl -k, short formats */
};

enum klog_kind {
	KLOG_OOM,		 /* the OOM killer ran: global or in a memory cgroup */
	KLOG_ALLOC_TAG_UNLOAD,	 /* a module unloaded with profiled allocations live */
	KLOG_KMEMLEAK,		 /* kmemleak: "N new suspected memory leaks" */
	KLOG_PAGE_ALLOC_FAILURE, /* "comm: page allocation failure: order:N, ..." */
	KLOG_VMALLOC_ERROR,	 /* "comm: vmalloc error: size N, ..." */
	KLOG_SLUB_ALLOC_FAILURE, /* "SLUB: Unable to allocate memory on node ..." */
	KLOG_KIND_COUNT,
};

/* "oom", "alloc_tag_unload", "kmemleak", "page_alloc_failure", ... */
const char *klog_kind_name(enum klog_kind k);
const char *klog_format_name(enum klog_format f);

/* Where and when a line was logged. */
struct klog_stamp {
	uint64_t seq;	  /* /dev/kmsg sequence number, when has_seq */
	uint64_t mono_ns; /* printk's clock (local_clock: stops in suspend) */
	int64_t wall_ns;  /* wall clock the log itself gives (journalctl, dmesg -T) */
	bool has_seq, has_mono, has_wall;
	int prio;	 /* 0 (emerg) .. 7 (debug), -1 unknown */
	char caller[12]; /* "T123" (task) or "C1" (CPU), "" unknown */
	long line;	 /* 1-based line in the source */
};

#define KLOG_COMM_LEN 64
#define KLOG_NAME_LEN 96
#define KLOG_PATH_LEN 256
#define KLOG_MAX_ALLOC_SITES 16 /* the kernel prints the top 10 */

/* show_mem()'s "Mem-Info:" block: system-wide counters, in pages. */
struct klog_mem_info {
	bool present;
	uint64_t active_anon, inactive_anon, isolated_anon;
	uint64_t active_file, inactive_file, isolated_file;
	uint64_t unevictable, dirty, writeback;
	uint64_t slab_reclaimable, slab_unreclaimable;
	uint64_t mapped, shmem, pagetables, free;
	uint64_t ram_pages, reserved_pages, pagecache_pages; /* "N pages RAM" ... */
	uint64_t total_swap_bytes, free_swap_bytes;
	bool have_ram, have_reserved; /* "N pages reserved" ends the fixed part */
};

/* One line of "Memory allocations:" (allocation profiling, 6.10+). */
struct klog_alloc_site {
	uint64_t bytes; /* as printed: rounded to 3 significant digits */
	uint64_t calls;
	char site[KLOG_PATH_LEN];   /* "mm/slub.c:2478" */
	char module[KLOG_NAME_LEN]; /* "" for built-in code */
	char function[KLOG_NAME_LEN];
};

/* What show_mem() printed inside an OOM report or an allocation failure. */
struct klog_show_mem {
	struct klog_mem_info info;
	struct klog_alloc_site sites[KLOG_MAX_ALLOC_SITES]; /* largest first */
	size_t nsites;
};

/* One row of "Unreclaimable slab info:". */
struct klog_slab_row {
	char cache[KLOG_NAME_LEN];
	uint64_t used_bytes, total_bytes; /* printed in KB */
};

struct klog_oom {
	uint32_t gfp_mask;
	char gfp_flags[KLOG_NAME_LEN]; /* "GFP_KERNEL|__GFP_ZERO" */
	int order;
	int oom_score_adj;
	char constraint[32];		/* "CONSTRAINT_NONE", "CONSTRAINT_MEMCG" ... */
	bool global;			/* "global_oom" in the constraint line */
	bool memcg;			/* a memory cgroup's limit: oom_memcg is set */
	char oom_memcg[KLOG_PATH_LEN];	/* the cgroup over its limit */
	char task_memcg[KLOG_PATH_LEN]; /* the victim's cgroup */
	bool have_memcg_usage;
	uint64_t memcg_usage_bytes, memcg_limit_bytes, memcg_failcnt;
	uint64_t memcg_kmem_bytes; /* cgroup v1: "kmem: usage" */
	/* cgroup v2 "Memory cgroup stats for PATH:" lines, bytes */
	bool have_memcg_stats;
	uint64_t memcg_anon, memcg_file, memcg_kernel, memcg_shmem;
	uint64_t memcg_slab_unreclaimable, memcg_percpu, memcg_vmalloc, memcg_sock;
	bool killed; /* a "Killed process" line came */
	int64_t killed_pid;
	char killed_comm[KLOG_COMM_LEN];
	uint64_t killed_total_vm_bytes, killed_anon_rss_bytes;
	uint64_t killed_file_rss_bytes, killed_shmem_rss_bytes;
	int killed_oom_score_adj;
	bool no_killable;	    /* "Out of memory and no killable processes" */
	bool slab_table;	    /* "Unreclaimable slab info:" came */
	struct klog_slab_row *slab; /* its rows, in the kernel's order */
	size_t nslab, capslab;
};

struct klog_unload {
	char site[KLOG_PATH_LEN]; /* "drivers/x.c:34" */
	char module[KLOG_NAME_LEN];
	char function[KLOG_NAME_LEN];
	uint64_t bytes;
};

struct klog_alloc_failure {	    /* page allocation failure, vmalloc error */
	unsigned order;		    /* page allocation failure */
	uint64_t size;		    /* vmalloc error: bytes asked for */
	char reason[KLOG_NAME_LEN]; /* vmalloc error: "exceeds total pages" ... */
	uint32_t gfp_mask;
	char gfp_flags[KLOG_NAME_LEN];
	char nodemask[32]; /* "(null)" or a node list */
};

struct klog_slub {
	int node; /* node asked for, -1 any */
	uint32_t gfp_mask;
	char gfp_flags[KLOG_NAME_LEN];
	char cache[KLOG_NAME_LEN];
	uint64_t object_size, buffer_size;
	unsigned default_order, min_order;
	uint64_t slabs, objs, free; /* summed over the "node N:" lines */
};

struct klog_event {
	enum klog_kind kind;
	struct klog_stamp at;	  /* of its first line */
	long last_line;		  /* its last line in the source */
	bool complete;		  /* its last expected line came */
	bool truncated;		  /* it ended before that: lines lost or cut off */
	bool open;		  /* live: unfinished and recent, may still be printing */
	char comm[KLOG_COMM_LEN]; /* the task that printed it, "" unknown */
	int64_t pid;		  /* its pid (the "CPU: ... PID: N Comm:" line), -1 unknown */
	uint64_t count;		  /* kmemleak: new suspected leaks */
	union {
		struct klog_unload unload;
		struct klog_alloc_failure fail;
		struct klog_slub slub;
	};
	struct klog_oom *oom;	   /* KLOG_OOM only */
	struct klog_show_mem *mem; /* oom and failures: NULL until Mem-Info came */
};

/* A log holds at most this many events (about 1 KiB each): a larger one is an error. */
#define KLOG_MAX_EVENTS 1000000

struct klog_parse_opts {
	/*
	 * Live reads: printk's clock now (CLOCK_MONOTONIC stands in). An
	 * unfinished report at the end newer than KLOG_OPEN_GRACE_NS is `open`
	 * instead of truncated. 0: a file, nothing is open.
	 */
	uint64_t now_mono_ns;
	/*
	 * Year-less or zone-less stamps (journalctl -o short, dmesg -T) are
	 * local time: wall_ns needs the reader's UTC offset and, for the year,
	 * the wall clock now (the latest year not putting the stamp in the
	 * future). now_wall_ns 0: such stamps give no wall_ns.
	 */
	int64_t now_wall_ns;
	long utc_offset_s;
};

struct klog_log {
	struct klog_event *v; /* in the order their first lines came */
	size_t n, cap;
	enum klog_format format;
	uint64_t lines, records;
	uint64_t lost_records; /* gaps in /dev/kmsg sequence numbers */
	unsigned boots;	       /* log restarts seen (sequence back to 0, "-- Boot") */
	bool has_seq;
	uint64_t first_seq, next_seq; /* seq of the first record, last + 1 */
	/*
	 * Where a live reader should start next time: the first record of an
	 * open event, else next_seq. Events before it are final.
	 */
	uint64_t resume_seq;
};

/*
 * Parses a kernel log. o may be NULL (a file read now: no open events,
 * year-less stamps without wall clock). Returns 0, or a negative errno
 * with e filled ("src:LINE: ..."); out is empty then.
 */
int klog_parse(const char *buf, size_t len, const char *src, const struct klog_parse_opts *o,
	       struct klog_log *out, struct kerr *e);
void klog_log_free(struct klog_log *l);
/* Appends a copy of ev (its OOM and Mem-Info parts too) to l. 0 or -ENOMEM. */
int klog_log_append(struct klog_log *l, const struct klog_event *ev);

/* User memory by the kernel's measure (should_dump_unreclaim_slab): LRU pages. */
uint64_t klog_mem_info_lru_pages(const struct klog_mem_info *m);

#endif

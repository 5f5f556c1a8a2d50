/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kleak investigate`'s decisions, pure: what the lesson's expert decides
 * by hand at each link of the chain, from the numbers the other layers
 * measured. cmd/investigate.c gathers the numbers (samples, BPF tracing,
 * kmemleak, /proc facts) and calls these; output/investigate_render.h
 * renders the result (struct inv_report).
 *
 * - Detect (investigate_detect.c): which series grows with family-wise
 *   confidence at a material rate (the suspect), when nothing grows (stop
 *   early), the widening interval.
 * - Localize (investigate_localize.c): the chain from kernel memory to the
 *   suspect and the share of the growth each link explains; the allocinfo
 *   site and the series that grow with it; caches growing at one object
 *   rate are one object graph, named by its owner.
 * - Confirm (investigate_confirm.c): which method fits the suspect and the
 *   machine, and what the evidence says: the call site that holds aged
 *   objects and never frees them, the caller behind a generic helper, the
 *   allocinfo site joined by name or by matching growth, the kmemleak
 *   group, whether reclaimable growth is unused (reclaimable) or in use.
 * - Verdict (investigate_verdict.c): the chain of evidence with its
 *   numbers, the culprit, the next actions.
 *
 * Every threshold is a field of struct inv_opts with its default and why
 * (docs/investigate.md).
 */
#ifndef KLEAK_ANALYZE_INVESTIGATE_H
#define KLEAK_ANALYZE_INVESTIGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/check.h"
#include "analyze/kmemleak_group.h"
#include "analyze/trend.h"
#include "model/series.h"
#include "parse/kstate.h"
#include "parse/slab_aliases.h"
#include "parse/slabinfo.h"
#include "trace/trace_report.h"

struct inv_opts {
	/* Detect: the interval starts here and doubles when the points fill. */
	double interval0_s;    /* 1: a fast leak shows within a minute */
	double interval_max_s; /* 8: a slow one needs span, not points */
	size_t points;	       /* 128: points kept before the interval doubles */
	/* Growth seen at least this long before a series is a suspect. */
	double detect_evidence_s; /* 30 */
	/* Nothing grows: stop after this long when no series comes near the bar. */
	double quiet_s; /* 60: 16 KiB a minute is 1 MB/h */
	double quiet_p; /* 0.1: ten times the family-wise bar keeps detect going */
	/*
	 * ... nor while a specific series grows at this many times the rate
	 * floor (min_rate_bytes_per_hour) by this many times its own noise,
	 * its lowest points rising: the p-value of a steady grower under
	 * other workloads' bursts says nothing.
	 */
	double strong_rate_factor; /* 16: 4 MB/h, under half the 10 MB/h target */
	double strong_noise_ratio; /* 3: leak's own noise rule */
	/* Share of -d MAX kept for confirming (clamped to min..max seconds). */
	double reserve_frac;  /* 0.25 */
	double reserve_min_s; /* 30 */
	double reserve_max_s; /* 180 */
	/* Two growths are the same one when their rates are within this factor. */
	double match_factor; /* 2 */
	/* Caches whose object rates are within this share grow as one object graph. */
	double follow_tolerance; /* 0.25 */
	/* Confirm: objects older than this are aged (clamped from a third of the budget). */
	double age_max_s; /* 30: far above RCU, work queues, in-flight I/O */
	double age_min_s; /* 5 */
	/* Aged objects a call site needs before it is the culprit. */
	uint64_t min_aged; /* 16 */
	/* A call site that still holds this share of what it allocated is not churning. */
	double held_frac; /* 0.5 */
	/* ... or whose outstanding growth covers this share of the series' growth. */
	double explain_frac; /* 0.25 */
	/* During confirm the series must still grow at this share of its detect rate. */
	double sustain_frac; /* 0.25 */
	/* Unused objects (dentry-state, inode-state) covering this share: reclaimable. */
	double unused_frac; /* 0.5 */
	/* A container whose kernel memory growth covers this share is localized. */
	double container_frac; /* 0.5 */
};

void inv_opts_default(struct inv_opts *o);

/* What the culprit is (JSON culprit.kind). */
enum inv_kind {
	INV_KIND_NONE,
	INV_KIND_SLAB,	    /* "slab_cache" */
	INV_KIND_VMALLOC,   /* "vmalloc_caller" */
	INV_KIND_ALLOCINFO, /* "allocinfo_site" */
	INV_KIND_CGROUP,    /* "container" */
	INV_KIND_MEMINFO,   /* "meminfo": memory nothing itemises (or no root) */
};
const char *inv_kind_name(enum inv_kind k);
enum inv_kind inv_kind_of(enum series_source s);

/* One series as the report shows it. */
struct inv_series {
	enum series_source source;
	char name[256];
	char module[64]; /* "" none */
	int reclaimable; /* 1, 0, -1 unknown */
	bool aggregate;
	double bytes; /* the latest value */
	double growth_bytes;
	double rate_bytes_per_hour;
	double trend_confidence;
	double p_adjusted;
	enum trend_verdict verdict;
	enum trend_reason reason;
	double evidence_s;
};

/* Fills s from a series of set and its analysis l (l may be NULL: no trend). */
void inv_series_fill(struct inv_series *s, const struct series_set *set, size_t k,
		     const struct trend_leak *l);

/* ---- detect ---- */

enum inv_stop {
	INV_STOP_RUNNING,
	INV_STOP_SUSPECT,  /* "suspect": a series grows, family-wise */
	INV_STOP_QUIET,	   /* "nothing_grows" */
	INV_STOP_DEADLINE, /* "max_duration": detect's share of -d passed */
	INV_STOP_SIGNAL,   /* "signal" */
};
const char *inv_stop_name(enum inv_stop s);

struct inv_detect_decision {
	enum inv_stop stop;
	long suspect; /* index into the analysis' v[], -1 none */
	bool weak;    /* the likeliest grower at the deadline, below the family bar */
};

/*
 * One look at an analysis made with the detect window (trend_opts with
 * leak_window_s = detect_evidence_s): a suspect when a series that is
 * specific (or an aggregate nothing explains) has all the evidence of
 * `leak` over that window, or is reclaimable with the same evidence;
 * nothing grows when, after quiet_s, no growing series comes within
 * quiet_p family-wise and no specific series grows strongly (by its
 * rate, noise and floor, whatever its p-value); at the deadline, the
 * likeliest grower (trend significant alone) as a weak suspect, or nothing.
 */
void investigate_detect_decide(const struct series_set *set, const struct trend_report *rep,
			       const struct trend_opts *to, const struct inv_opts *o,
			       double elapsed_s, bool at_deadline, struct inv_detect_decision *d);

/* Detect's deadline within -d MAX: MAX less the share kept for confirming. */
double investigate_detect_budget(const struct inv_opts *o, double max_s);
/* The slowest growth visible after elapsed_s: min_growth_bytes per elapsed, per hour. */
double investigate_floor_bph(const struct trend_opts *to, double elapsed_s);

/* ---- localize ---- */

#define INV_LINKS_MAX 12

enum inv_role {
	INV_ROLE_KERNEL,    /* itemised kernel memory */
	INV_ROLE_AGGREGATE, /* the meminfo field the suspect is part of */
	INV_ROLE_SUSPECT,   /* what confirm goes after */
	INV_ROLE_SITE,	    /* the allocinfo site joined with the suspect */
	INV_ROLE_MODULE,    /* the vmalloc module of a vmalloc caller */
	INV_ROLE_FOLLOWER,  /* a cache growing at the suspect's object rate */
	INV_ROLE_OTHER,	    /* another grower, part of the same aggregate */
};
const char *inv_role_name(enum inv_role r);

struct inv_link {
	struct inv_series s;
	enum inv_role role;
	int parent;		 /* index of the link it is a part of, -1 none */
	double share;		 /* of the parent's growth rate (0..1), -1 unknown */
	char aliases[256];	 /* merged slab caches, ", "-joined */
	double object_bytes;	 /* slab: bytes of slab per object (pages / objects per slab) */
	double objects_per_hour; /* slab: rate in objects */
};

struct inv_localize {
	struct inv_link v[INV_LINKS_MAX];
	size_t n;
	int suspect;   /* link confirm goes after, -1 none */
	int aggregate; /* its meminfo parent, -1 */
	int site;      /* allocinfo site joined by growth, -1 */
	enum inv_kind kind;
	bool weak;
	/* a container whose kernel memory grew (cgroups read at both ends) */
	bool has_container;
	char container[128];
	char container_path[256];
	double container_growth_bytes, container_share;
};

/* The facts localize reads beside the series (latest sample). */
struct inv_localize_in {
	const struct series_set *set;
	const struct trend_report *rep; /* the detect analysis */
	long suspect;			/* its v[] index, -1 none */
	bool weak;
	const struct series_set *kernel; /* one series: itemised kernel memory; may be NULL */
	const struct trend_report *kernel_rep;
	const struct slabinfo *slabinfo;    /* latest; may be NULL */
	const struct slab_aliases *aliases; /* may be NULL */
	uint64_t page_size;
};

int investigate_localize(const struct inv_localize_in *in, const struct inv_opts *o,
			 struct inv_localize *out);

/* A container's kernel memory growth (read at detect start and at the suspect). */
struct inv_container_growth {
	const char *name; /* NULL: named by path */
	const char *path;
	double growth_bytes;
};
/* Picks the container whose growth covers container_frac of the kernel growth. */
void investigate_container(struct inv_localize *l, const struct inv_container_growth *v, size_t n,
			   double kernel_growth_bytes, const struct inv_opts *o);

/* ---- confirm ---- */

enum inv_method {
	INV_M_TRACE,	     /* "trace": BPF on the kmem tracepoints, filtered */
	INV_M_VMALLOC_TRACE, /* "vmalloc_trace": alloc_vmap_area (6.2+) with stacks */
	INV_M_VMALLOCINFO,   /* "vmallocinfo": the caller as vmallocinfo names it */
	INV_M_ALLOCINFO,     /* "allocinfo": the site's own counters */
	INV_M_KMEMLEAK,	     /* "kmemleak": scan, matched to the series */
	INV_M_COUNT,	     /* "count": allocations against frees */
	INV_M_RECLAIM,	     /* "reclaim": dentry-state, inode-state, sockstat */
	INV_M_N,
};
const char *inv_method_name(enum inv_method m);

enum inv_confirm_choice {
	INV_CONFIRM_AUTO,
	INV_CONFIRM_TRACE,
	INV_CONFIRM_COUNT,
	INV_CONFIRM_KMEMLEAK,
	INV_CONFIRM_NONE,
};

/* What the machine allows (cmd probes it). */
struct inv_caps {
	bool root;		/* privileged enough for BPF and /proc's root-only files */
	bool btf;		/* /sys/kernel/btf/vmlinux */
	bool vmalloc_tp;	/* alloc_vmap_area exists (6.2+) */
	bool kmemleak;		/* /sys/kernel/debug/kmemleak usable */
	char kmemleak_why[200]; /* why not, when not */
	bool allocinfo;
};

#define INV_NOTRUN_MAX 8

struct inv_notrun {
	enum inv_method method;
	char reason[200];  /* why it did not run */
	char missing[200]; /* what the result lacks because of it */
};

struct inv_plan {
	bool run[INV_M_N];
	struct inv_notrun not_run[INV_NOTRUN_MAX];
	size_t nnot;
	bool trace_pages; /* trace also page allocations (memory nothing itemises) */
};

void investigate_plan(enum inv_kind kind, const char *suspect_name, const struct inv_caps *c,
		      enum inv_confirm_choice ch, struct inv_plan *p);
/* Records a method that could not run (cmd: a load failure). */
void inv_plan_not_run(struct inv_plan *p, enum inv_method m, const char *reason,
		      const char *missing);

/* How old an object must be to count as aged, for a confirm budget. */
double investigate_min_age_s(const struct inv_opts *o, double budget_s);

#define INV_SITES_MAX 8
#define INV_PIDS_MAX 3

struct inv_pid {
	uint32_t pid; /* 0: interrupt context or unknown */
	char comm[16];
	uint64_t count;
	char container[128];
};

struct inv_callsite {
	char callsite[160]; /* function+0xoff */
	char function[128];
	char module[64];
	char cache[64];
	char caller[160]; /* behind a generic helper (from stacks), "" */
	char caller_module[64];
	uint64_t allocs, frees, outstanding, outstanding_bytes;
	uint64_t aged, aged_bytes;
	double oldest_age_s;
	double rate_bytes_per_hour; /* outstanding bytes gained per hour of tracing */
	double share;		    /* of the series' growth during confirm (0..1), -1 unknown */
	struct inv_pid pids[INV_PIDS_MAX];
	size_t npids;
	bool leaking;
	char site[200];	     /* the allocinfo site joined with it, "" */
	bool site_by_growth; /* joined by matching growth, not by name */
};

struct inv_trace_result {
	bool ran;
	double elapsed_s;
	double min_age_s;
	struct inv_callsite v[INV_SITES_MAX]; /* by aged bytes, then outstanding */
	size_t n, total;		      /* kept, seen */
	int culprit;			      /* index, -1 none */
	uint64_t allocs, frees;		      /* over every call site seen */
	uint64_t recursion_misses, dropped, unmatched_frees;
	uint64_t map_bytes;
	char events[200];
};

/*
 * Judges a trace report (tracing filtered to the suspect) against the
 * suspect's growth during the trace: a call site is leaking when it holds
 * min_aged objects older than the minimum age and either still holds
 * held_frac of what it allocated or its outstanding growth covers
 * explain_frac of the series'. The culprit is the leaking site with the
 * most aged bytes. A site in a generic helper gets the caller behind it
 * from its stacks.
 */
void investigate_judge_trace(const struct trace_report *rep, double series_rate_bph,
			     const struct inv_opts *o, struct inv_trace_result *out);

/* kstrdup, kmemdup, kvasprintf ...: allocators that allocate for their callers. */
bool investigate_generic_helper(const char *function);

/* An allocinfo site growing during confirm, for the join. */
struct inv_site_growth {
	const char *name; /* "function file:line [module]" as the series is named */
	const char *function;
	const char *location; /* "file:line" */
	const char *module;   /* NULL: built in */
	double rate_bytes_per_hour;
};
/*
 * Joins trace call sites with allocinfo sites: by function name, else (an
 * inlined allocator: kallsyms names the outer function) the site of the
 * same module whose growth matches the call site's within match_factor.
 */
void investigate_join_sites(struct inv_trace_result *t, const struct inv_site_growth *v, size_t n,
			    const struct inv_opts *o);

struct inv_kmemleak_result {
	bool ran;
	size_t objects, groups; /* in the whole report (new since the clear) */
	size_t matched_objects; /* in the groups matched to the suspect */
	uint64_t matched_bytes;
	size_t matched_groups;
	char function[128], module[64], backtrace[400];
	char why[200]; /* when not ran: the reason */
};
/*
 * Matches kmemleak's groups to the suspect: by function and module (the
 * culprit's call site or the vmalloc caller), else by module alone.
 */
void investigate_match_kmemleak(const struct kmemleak_groups *g, const char *function,
				const char *module, struct inv_kmemleak_result *out);

enum inv_reclaim {
	INV_RECLAIM_NA,	     /* not a reclaimable suspect */
	INV_RECLAIM_UNUSED,  /* "unused": on the LRU, freed under pressure */
	INV_RECLAIM_IN_USE,  /* "in_use": pinned (open files, sockets) */
	INV_RECLAIM_UNKNOWN, /* "unknown": no counter tells */
};
const char *inv_reclaim_name(enum inv_reclaim r);

struct inv_reclaim_result {
	enum inv_reclaim state;
	const char *counter; /* "dentry-state", "inode-state", "sockstat" */
	double objects;	     /* the suspect's objects gained */
	double unused;	     /* unused objects gained (dentries, inodes) */
	double negative;     /* negative dentries gained */
	double in_use;	     /* sockets gained (sockstat used) */
};
/*
 * For a suspect cache that grew by `objects` objects between two readings
 * of the kernel's object counters: dentries and inodes on the LRU are
 * unused (the shrinkers free them); sockets counted in use are pinned.
 */
void investigate_reclaim(const char *cache, const char *aliases, int reclaimable, double objects,
			 const struct kstate *a, const struct kstate *b, const struct inv_opts *o,
			 struct inv_reclaim_result *out);

struct inv_count_result {
	bool ran;
	uint64_t alloc, free, outstanding;
	const char *verdict; /* count_verdict_name */
	double elapsed_s;
};

/* What the culprit's process and module are, read by cmd. */
struct inv_process {
	bool have;
	uint32_t pid;
	char comm[16];
	uint64_t fds, sockets; /* open file descriptors, of which sockets */
	bool have_fds;
	char container[128];
	char cgroup[256];
};

struct inv_module {
	bool have;
	char name[64];
	char taints[16]; /* from /proc/modules: O out-of-tree, E unsigned */
	char srcversion[64];
	char version[64];
	bool loaded;
};

struct inv_confirm {
	struct inv_plan plan;
	double budget_s;
	double elapsed_s;
	bool series_have;	/* the suspect series was sampled during confirm */
	double series_rate_bph; /* its rate during confirm */
	double series_growth_bytes;
	bool sustained;
	struct inv_trace_result trace;
	struct inv_kmemleak_result kmemleak;
	struct inv_count_result count;
	struct inv_reclaim_result reclaim;
	/* vmallocinfo's evidence for a vmalloc caller (and the line's offset) */
	bool vmalloc_have;
	char vmalloc_callsite[160];
	uint64_t vmalloc_areas, vmalloc_bytes;
	double vmalloc_areas_gained;
	struct inv_process process;
	struct inv_module module;
};

/* ---- verdict ---- */

struct inv_culprit {
	enum inv_kind kind;
	char name[256];
	char module[64];    /* "" none */
	char callsite[160]; /* "" unknown */
	char site[200];	    /* allocinfo file:line, "" unknown */
	bool has_pid;
	uint32_t pid;
	char comm[16];
	char container[128];	  /* "" none */
	double explains_fraction; /* of its aggregate's growth, -1 unknown */
};

#define INV_CHAIN_MAX 12
#define INV_NEXT_MAX 6

struct inv_chain_link {
	char step[16]; /* "kernel", "aggregate", "series", "site", "callsite", ... */
	char text[400];
	double rate_bytes_per_hour; /* 0 when not a rate */
	double share;		    /* -1 none */
};

struct inv_verdict {
	bool has_verdict; /* false: nothing grew */
	enum trend_verdict verdict;
	char reason[32]; /* why not leak ("" for a leak) */
	char summary[768];
	bool has_culprit;
	struct inv_culprit culprit;
	bool has_suspect; /* what grew, culprit or not */
	struct inv_culprit suspect;
	struct inv_chain_link chain[INV_CHAIN_MAX];
	size_t nchain;
	char next[INV_NEXT_MAX][300];
	size_t nnext;
};

#define INV_GROWING_MAX 10
#define INV_SIGNALS_MAX 8
#define INV_SOURCES 6

struct inv_signal {
	enum severity severity;
	char id[32];
	char subject[96];
	char summary[200];
};

struct inv_source {
	const char *name; /* "meminfo", "slabinfo", "vmallocinfo", "allocinfo", "modules", "klog" */
	bool ok;
	char error[240];
};

struct inv_detect {
	enum inv_stop stop;
	double elapsed_s;
	uint64_t samples;
	double interval_first_s, interval_last_s;
	size_t series;
	size_t by_source[SERIES_NSOURCES];
	struct inv_source sources[INV_SOURCES];
	size_t nsources;
	bool have_kernel;
	struct inv_series kernel;
	struct inv_series growing[INV_GROWING_MAX];
	size_t ngrowing;
	bool has_suspect;
	bool weak;
	struct inv_series suspect;
	double found_at_s;
	double floor_bytes_per_hour;
	struct inv_signal signals[INV_SIGNALS_MAX];
	size_t nsignals;
};

struct inv_cost {
	double cpu_user_s, cpu_sys_s;
	bool bpf_stats; /* run times measured (BPF_ENABLE_STATS) */
	uint64_t bpf_run_time_ns, bpf_run_count;
	uint64_t max_rss_bytes;
	uint64_t bpf_map_bytes;
	uint64_t samples;
};

struct inv_report {
	char release[128], hostname[128];
	double elapsed_s, max_s, leak_window_s;
	bool final;
	struct inv_detect detect;
	struct inv_localize localize;
	struct inv_confirm confirm;
	struct inv_verdict verdict;
	struct inv_cost cost;
};

/* The verdict from everything above (pure; fills r->verdict). */
void investigate_verdict(struct inv_report *r, const struct inv_opts *o);

#endif

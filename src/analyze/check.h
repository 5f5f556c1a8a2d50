/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kleak check`'s analysis: from one snapshot to a report of kernel memory
 * components, slab caches by memory (with SLUB aliases), vmalloc by caller
 * and module, and findings, each with a severity, its evidence and the
 * next command to run. Every threshold is in struct check_opts, with its
 * default and reason in check.c and docs/check.md.
 */
#ifndef KLEAK_ANALYZE_CHECK_H
#define KLEAK_ANALYZE_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze/allocinfo_top.h"
#include "analyze/kmem.h"
#include "analyze/vmalloc_group.h"
#include "model/snapshot.h"
#include "parse/klog.h"

enum severity { SEV_INFO, SEV_WARNING, SEV_CRITICAL };

/*
 * Every kmemleak group is a finding at warning level: kmemleak suspects a
 * leak, and its suspicions include false positives (pointers it cannot see).
 */
#define KMEMLEAK_GROUP_SEVERITY SEV_WARNING

const char *severity_name(enum severity s);
int severity_parse(const char *s, enum severity *out);

struct check_opts {
	double kernel_pct_warn, kernel_pct_crit; /* kernel total, % MemTotal */
	double sunreclaim_pct_warn, sunreclaim_pct_crit;
	double vmalloc_pct_warn;      /* VmallocUsed, % MemTotal */
	double cache_pct_warn;	      /* one slab cache, % MemTotal */
	uint64_t module_vmalloc_warn; /* bytes vmalloc'd by a module */
	double unaccounted_pct_warn;
	uint64_t module_allocinfo_warn; /* bytes a module's allocinfo sites hold */
};

void check_opts_default(struct check_opts *o);

#define CHECK_MAX_ALIASES 16

struct slab_row {
	const struct slab_cache *cache;
	uint64_t bytes, objects_bytes;
	int reclaimable; /* 1, 0, -1 unknown */
	/* at most CHECK_MAX_ALIASES names, in the report's alias_names
	 * (most caches have none: no array per row) */
	const char **aliases;
	size_t naliases; /* may exceed CHECK_MAX_ALIASES: count kept */
};

struct finding {
	enum severity severity;
	char id[32];	  /* stable: "kernel-memory-high", "module-vmalloc" ... */
	char subject[96]; /* what it is about: a cache, a module, a field */
	char summary[200];
	char evidence[300];
	char next[200]; /* the command to run next */
	/* A kernel-log finding: when and where the kernel said it. */
	bool from_log;
	struct klog_stamp at; /* of its (latest) event */
	bool has_wall;
	int64_t wall_ns;
	uint64_t count; /* events it stands for (1 unless from the log) */
};

/*
 * Appends a finding to the array *v of *n (room *cap, doubled as needed),
 * count 1; the strings are copied (cut to their fields). 0 or -ENOMEM.
 */
int finding_push(struct finding **v, size_t *n, size_t *cap, enum severity sev, const char *id,
		 const char *subject, const char *summary, const char *evidence, const char *next);

struct check_report {
	const struct snapshot *snap;
	struct kmem_summary kmem;
	bool have_kmem;
	struct slab_row *slabs; /* sorted by bytes */
	size_t nslabs;
	const char **alias_names; /* the rows' aliases */
	uint64_t slab_bytes;	  /* sum over caches */
	struct vmalloc_groups vm;
	bool have_vm;
	bool have_kmemleak; /* a non-empty kmemleak report was read */
	size_t kmemleak_objects, kmemleak_groups;
	uint64_t kmemleak_bytes;
	char kmemleak_top[200];	  /* "function [module]" of the top group */
	bool have_allocinfo;	  /* /proc/allocinfo was read */
	struct allocinfo_top ai;  /* its sites ranked, by module, by function */
	bool have_base_allocinfo; /* the --baseline had allocinfo too */
	struct allocinfo_top base_ai;
	bool have_cgroups;	     /* the memory cgroups were read: their findings are in */
	size_t cgroups;		     /* how many */
	bool have_klog;		     /* the kernel log was read */
	const struct klog_log *klog; /* its events (the snapshot's) */
	struct finding *findings;    /* sorted: most severe first */
	size_t nfindings, capfindings;
};

/* Returns 0, or a negative errno with e filled (a source that does not parse). */
int check_analyze(const struct snapshot *s, const struct snapshot *baseline,
		  const struct check_opts *o, struct check_report *r, struct kerr *e);
int check_add_finding(struct check_report *r, enum severity sev, const char *id,
		      const char *subject, const char *summary, const char *evidence,
		      const char *next);
enum severity check_max_severity(const struct check_report *r, bool *any);
void check_report_free(struct check_report *r);

#endif

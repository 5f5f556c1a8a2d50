// SPDX-License-Identifier: GPL-2.0
/*
 * Verdicts of series that belong together (docs/verdicts.md, "Series
 * judged together"). trend.c has judged every series on its own evidence;
 * here:
 *
 * - the context series (the task count, the page cache, the memory
 *   processes map) are measured and judged alone: they are never listed,
 *   but followers are judged with them;
 * - a follower, whose objects live and die with another's (security blobs
 *   in lsm_inode_cache with inodes, ext4's extent status with ext4
 *   inodes, buffer heads with page-cache folios, thread stacks and task
 *   structs with tasks, page tables and VMAs with processes' memory or
 *   number, vmap_area with freed vmalloc areas not yet purged, slab
 *   extension vectors with the slab pages, a memory cgroup's kernel
 *   memory with its reclaimable slab), is judged with its leader
 *   when the leader's growth covers its own (now and over the recent
 *   half; or, where the kernel bounds it, by what the leader can bring):
 *   it follows a reclaimable leader into growing_reclaimable (the
 *   unpurged areas too: the purge frees them), the slab pages into
 *   growing, and the task count or processes' memory into growing
 *   (workload) unless the leader itself keeps piling up (a thread leak:
 *   then the follower keeps its own verdict). A follower
 *   that grows while its leader is flat, shrinking or stopped is judged
 *   on its own: that is what a leak in it looks like;
 * - an aggregate (Slab, SUnreclaim, VmallocUsed, KernelStack, the slab
 *   pages of allocinfo, kmemleak_object) is explained when the series it
 *   contains cover at least explain_frac of its rate, and then inherits:
 *   growing_reclaimable when reclaimable series cover most of it, `leak`
 *   only through a leak among them (and never counted itself), else the
 *   verdict of its most suspicious part. Containment only: an allocinfo
 *   site explains no meminfo aggregate (its memory may be of any kind).
 */
#include <string.h>

#include "trend_int.h"

enum lead {
	LEAD_TASKS,	   /* the task count (context "tasks") */
	LEAD_INODES,	   /* the reclaimable inode caches */
	LEAD_EXT4,	   /* ext4's inodes */
	LEAD_PAGE_CACHE,   /* the page cache (context "page_cache") */
	LEAD_USER,	   /* processes' mapped memory (context "user_memory") */
	LEAD_LAZY_VMALLOC, /* freed vmalloc areas not yet purged (context "vmalloc_unpurged") */
	LEAD_SLAB_PAGES,   /* slab pages (allocinfo alloc_slab_page) */
	/* a cgroup's reclaimable slab (v2), or the host's reclaimable caches (v1: no split) */
	LEAD_CGROUP_RECLAIMABLE,
	LEAD_HOST_RECLAIMABLE, /* v1 without slabinfo: meminfo SReclaimable */
};

/*
 * An unpurged area spans at least two pages (one and its guard) and brings
 * one struct vmap_area (72 bytes on 6.12; its slab object at most 96) plus
 * one preloaded for the next; a page of kernel PTEs maps 2 MiB of them.
 */
#define PER_LAZY_AREA (96.0 / 8192)
#define PER_LAZY_PTE (4096.0 / (2 << 20))
/* Metadata that lives inside what the leader holds: follows whenever there is one. */
#define PER_CONTAINED (-1.0)
/* A part of the follower, byte for byte. */
#define PER_BYTE 1.0

/* Followers, by source and name (allocinfo: the function). */
static const struct follow_rule {
	enum series_source source;
	const char *name;
	enum lead lead;
	bool or_tasks; /* also follows the number of tasks (processes come with their maps) */
	/*
	 * Bytes of follower per byte of leader, the most the kernel adds;
	 * 0: the ratio at the follower's first point. Set where that ratio
	 * means nothing (vmap_area also counts the busy areas, and the
	 * unpurged ones are often none at the start: just purged).
	 */
	double per; /* or PER_CONTAINED */
} rules[] = {
	/* LSM security blobs: security_inode_alloc() with every inode, freed with it */
	{ SERIES_SLAB, "lsm_inode_cache", LEAD_INODES, false, 0 },
	{ SERIES_ALLOCINFO, "lsm_inode_alloc", LEAD_INODES, false, 0 },
	{ SERIES_ALLOCINFO, "security_inode_alloc", LEAD_INODES, false, 0 },
	/* ext4's extent status tree and jbd2 inode: per ext4 inode, freed with it */
	{ SERIES_SLAB, "extent_status", LEAD_EXT4, false, 0 },
	{ SERIES_SLAB, "ext4_extent_status", LEAD_EXT4, false, 0 },
	{ SERIES_SLAB, "jbd2_inode", LEAD_EXT4, false, 0 },
	{ SERIES_ALLOCINFO, "ext4_es_alloc_extent", LEAD_EXT4, false, 0 },
	/* buffer heads: attached to page-cache folios, freed when the folio is */
	{ SERIES_SLAB, "buffer_head", LEAD_PAGE_CACHE, false, 0 },
	{ SERIES_ALLOCINFO, "alloc_buffer_head", LEAD_PAGE_CACHE, false, 0 },
	/* one per task (thread) or per process: exist while it does */
	{ SERIES_VMALLOC_CALLER, "kernel_clone", LEAD_TASKS, false, 0 },
	{ SERIES_VMALLOC_CALLER, "alloc_thread_stack_node", LEAD_TASKS, false, 0 },
	{ SERIES_VMALLOC_CALLER, "dup_task_struct", LEAD_TASKS, false, 0 },
	{ SERIES_VMALLOC_CALLER, "copy_process", LEAD_TASKS, false, 0 },
	{ SERIES_SLAB, "thread_stack", LEAD_TASKS, false, 0 },
	{ SERIES_SLAB, "task_struct", LEAD_TASKS, false, 0 },
	{ SERIES_SLAB, "pid", LEAD_TASKS, false, 0 },
	{ SERIES_SLAB, "task_delay_info", LEAD_TASKS, false, 0 },
	{ SERIES_SLAB, "signal_cache", LEAD_TASKS, false, 0 },
	{ SERIES_SLAB, "sighand_cache", LEAD_TASKS, false, 0 },
	{ SERIES_MEMINFO, "KernelStack", LEAD_TASKS, false, 0 },
	{ SERIES_ALLOCINFO, "dup_task_struct", LEAD_TASKS, false, 0 },
	{ SERIES_ALLOCINFO, "alloc_thread_stack_node", LEAD_TASKS, false, 0 },
	{ SERIES_ALLOCINFO, "alloc_pid", LEAD_TASKS, false, 0 },
	/*
	 * Page tables map processes' memory (a page of PTEs per 2 MiB touched);
	 * VMAs, their maple tree nodes and anon_vma chains describe it: freed
	 * with the mappings (munmap, exit). Which grows first depends on the
	 * processes: a compiler maps and touches memory, a sanitized binary
	 * maps page tables over a shadow it only reads (the zero page, no
	 * memory), a new process brings its VMAs and tables: either leader.
	 */
	{ SERIES_MEMINFO, "PageTables", LEAD_USER, true, 0 },
	{ SERIES_SLAB, "vm_area_struct", LEAD_USER, true, 0 },
	{ SERIES_SLAB, "maple_node", LEAD_USER, true, 0 },
	{ SERIES_SLAB, "anon_vma", LEAD_USER, true, 0 },
	{ SERIES_SLAB, "anon_vma_chain", LEAD_USER, true, 0 },
	{ SERIES_ALLOCINFO, "vm_area_alloc", LEAD_USER, true, 0 },
	{ SERIES_ALLOCINFO, "vm_area_dup", LEAD_USER, true, 0 },
	/*
	 * vfree() frees the pages at once but the address range lazily: its
	 * vmap_area stays until enough pages are lazy (lazy_max_pages(), 32
	 * MiB per log2(CPUs)) and a batch is purged. A busy machine's forks
	 * (each thread stack is a vmalloc area) make the cache grow steadily
	 * for minutes between purges; the kernel page tables under those
	 * addresses come with them. The purge frees it: growing_reclaimable.
	 * A vmap_area leak (vm_map_ram() never unmapped) grows with no
	 * unpurged areas behind it and keeps its own verdict.
	 */
	{ SERIES_SLAB, "vmap_area", LEAD_LAZY_VMALLOC, false, PER_LAZY_AREA },
	{ SERIES_ALLOCINFO, "alloc_vmap_area", LEAD_LAZY_VMALLOC, false, PER_LAZY_AREA },
	{ SERIES_ALLOCINFO, "preload_this_cpu_lock", LEAD_LAZY_VMALLOC, false, PER_LAZY_AREA },
	{ SERIES_ALLOCINFO, "__pte_alloc_kernel", LEAD_LAZY_VMALLOC, false, PER_LAZY_PTE },
	/*
	 * With memory allocation profiling or memcg accounting a slab gets a
	 * vector of slabobj_ext (16 bytes per object), kmalloc'ed by
	 * alloc_slab_obj_exts() when the slab is made or first accounted,
	 * freed with the slab: it grows with new slabs and as old ones get
	 * theirs (a quiet 6.12 VM: +84 KB in 100 s while slab pages fell
	 * back). It cannot outlive its slab: a leak shows in the cache.
	 */
	{ SERIES_ALLOCINFO, "alloc_slab_obj_exts", LEAD_SLAB_PAGES, false, PER_CONTAINED },
	/*
	 * The caches those vectors come from: allocated with
	 * __GFP_NO_OBJ_EXT (a vector of its own would recurse), they get
	 * kmalloc caches of their own, kmalloc-no-objext-N. A 10 MB/h leak
	 * into kmalloc-512 grew kmalloc-no-objext-256 at 0.3 MB/h (a 6.12
	 * VM, bench/calibration vm-busy): the leak's metadata, not a second
	 * leak.
	 */
	{ SERIES_SLAB, "kmalloc-no-objext-*", LEAD_SLAB_PAGES, false, PER_CONTAINED },
	/*
	 * A memory cgroup's kernel memory (its counter, not its name) holds
	 * its reclaimable slab: the dentries and inodes of every file its
	 * processes touch, which the kernel frees under pressure (a build's
	 * cgroup, 14.7 MB/h over 15 minutes). v2 reports that part
	 * (memory.stat slab_reclaimable): growth it covers is
	 * growing_reclaimable. v1 reports one kmem counter: growth the host's
	 * reclaimable slab covers may be the same memory, so it is growing,
	 * never a leak; a leak in that cgroup still shows in its cache,
	 * judged host-wide.
	 */
	{ SERIES_CGROUP, "kernel", LEAD_CGROUP_RECLAIMABLE, false, PER_BYTE },
};

/*
 * The name rules match: an allocinfo series' function (its first word), a
 * cgroup's counter; a name ending in '*' is a prefix.
 */
static bool name_is(const struct series *s, const char *name)
{
	size_t n = strlen(name);

	if (n && name[n - 1] == '*')
		return s->source != SERIES_CGROUP && !strncmp(s->name, name, n - 1);
	if (s->source == SERIES_CGROUP)
		return !strcmp(s->counter, name);
	if (s->source != SERIES_ALLOCINFO)
		return !strcmp(s->name, name);
	return !strncmp(s->name, name, n) && s->name[n] == ' ';
}

static const struct follow_rule *rule_of(const struct series *s)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].source == s->source && name_is(s, rules[i].name))
			return &rules[i];
	return NULL;
}

static const struct trend_leak *entry_of(const struct trend_report *rep, size_t slot)
{
	for (size_t i = 0; i < rep->n; i++)
		if (rep->v[i].series == slot)
			return &rep->v[i];
	for (size_t i = 0; i < rep->ncontext; i++)
		if (rep->context[i].series == slot)
			return &rep->context[i];
	return NULL;
}

const struct trend_leak *trend_context(const struct trend_report *rep, const struct series_set *set,
				       const char *name)
{
	for (size_t i = 0; i < rep->ncontext; i++)
		if (!strcmp(set->v[rep->context[i].series].name, name))
			return &rep->context[i];
	return NULL;
}

/*
 * The context series, judged alone with the strictness of the most
 * significant series of the family (its p times the family's size), and
 * no byte thresholds (the task count is a count): tasks piling up is a
 * thread leak only on the evidence a leak needs.
 */
static void judge_context(const struct series_set *set, const struct trend_opts *o,
			  struct trend_report *rep)
{
	struct trend_opts co = *o;

	co.min_rate_bytes_per_hour = 0;
	for (size_t k = 0; k < set->count && rep->ncontext < TREND_CONTEXT_MAX; k++) {
		struct trend_leak *l = &rep->context[rep->ncontext];

		if (set->v[k].source != SERIES_CONTEXT)
			continue;
		trend_measure(set, k, &co, rep->scratch, l);
		l->p_adjusted = l->p * (double)rep->family;
		if (l->p_adjusted > 1)
			l->p_adjusted = 1;
		trend_decide(&set->v[k], &co, l);
		rep->ncontext++;
	}
}

/* A leader: one series or the sum of a group, at the follower's first point and now. */
struct leader {
	double level0;	  /* at the follower's first point */
	double rate;	  /* per hour, as measured (members that did not grow: 0) */
	double recent;	  /* per hour over the recent half */
	bool trending;	  /* some member trends up (p_trend <= alpha_series) */
	bool reclaimable; /* every member is reclaimable memory */
	bool leak;	  /* its own verdict is leak (the tasks keep piling up) */
	bool pending;	  /* growing, its window not yet passed: it may become one */
	size_t slot;	  /* the member to name: the fastest */
	double best;
	bool found;
};

static bool in_group(const struct series *s, const struct series *f, enum lead lead)
{
	if (s == f)
		return false;
	switch (lead) {
	case LEAD_TASKS:
		return s->source == SERIES_CONTEXT && !strcmp(s->name, "tasks");
	case LEAD_PAGE_CACHE:
		return s->source == SERIES_CONTEXT && !strcmp(s->name, "page_cache");
	case LEAD_USER:
		return s->source == SERIES_CONTEXT && !strcmp(s->name, "user_memory");
	case LEAD_LAZY_VMALLOC:
		return s->source == SERIES_CONTEXT && !strcmp(s->name, "vmalloc_unpurged");
	case LEAD_SLAB_PAGES:
		return s->source == SERIES_ALLOCINFO && name_is(s, "alloc_slab_page");
	case LEAD_HOST_RECLAIMABLE:
		return s->source == SERIES_MEMINFO && !strcmp(s->name, "SReclaimable");
	case LEAD_CGROUP_RECLAIMABLE:
		/*
		 * v1: the caches' own growth, not SReclaimable's net: the
		 * cgroup's new dentries can grow while the kernel reclaims
		 * others' (a build's cgroup at 14 MB/h, dentry at 9.4, net
		 * SReclaimable at 6.6).
		 */
		if (!f->split)
			return s->source == SERIES_SLAB && s->reclaimable == 1;
		return s->source == SERIES_CGROUP && name_is(s, "slab_reclaimable") && s->path &&
		       f->path && !strcmp(s->path, f->path);
	case LEAD_EXT4:
		return s->source == f->source &&
		       (name_is(s, "ext4_inode_cache") || name_is(s, "ext4_alloc_inode"));
	case LEAD_INODES:
		if (s->source != f->source || s->reclaimable != 1 || rule_of(s))
			return false;
		if (s->source == SERIES_ALLOCINFO) /* "ext4_alloc_inode fs/ext4/super.c:..." */
			return strstr(s->name, "alloc_inode ") != NULL;
		return strstr(s->name, "inode") != NULL;
	}
	return false;
}

static void add_member(struct leader *ld, const struct series_set *set, size_t k,
		       const struct trend_leak *f, const struct trend_report *rep,
		       const struct trend_opts *o)
{
	const struct series *s = &set->v[k];
	const struct trend_leak *l = entry_of(rep, k);

	if (!ld->found)
		ld->reclaimable = true;
	ld->found = true;
	ld->level0 += s->v[f->first];
	ld->reclaimable &= s->reclaimable == 1;
	if (!l)
		return; /* did not grow: rate 0 */
	ld->rate += l->rate_bytes_per_hour;
	/*
	 * Recent means the follower's recent half, not the leader's own: a
	 * leader whose evidence began later has a later half, and where both
	 * stopped growing a while ago that half is mostly flat (the 6.1 VM
	 * under load: a cgroup's kernel memory 9.5 s back from the end, its
	 * reclaimable slab 8.5 s, 6 s flat at the end; the slab's Theil-Sen
	 * slope near 0 against the kernel's 1 GB/h, and the kernel a leak).
	 */
	ld->recent += trend_series_rate(set, k, set->t[f->recent_first], rep->scratch);
	ld->trending |= l->rate_bytes_per_hour > 0 && l->p_trend <= o->alpha_series;
	ld->leak |= l->verdict == TREND_LEAK;
	ld->pending |= l->verdict == TREND_GROWING && l->reason == TREND_REASON_WINDOW;
	if (l->rate_bytes_per_hour > ld->best || ld->slot == (size_t)-1) {
		ld->best = l->rate_bytes_per_hour;
		ld->slot = k;
	}
}

/*
 * Bytes per hour a series climbed over the follower's recent half, its
 * falls left out: what became lazy, whatever was purged meanwhile.
 */
static double climb_rate(const struct series_set *set, size_t k, const struct trend_leak *f)
{
	const double *v = set->v[k].v, *t = set->t;
	size_t i = f->recent_first;
	double up = 0;

	if (i + 1 >= set->n || t[set->n - 1] <= t[i])
		return 0;
	for (size_t j = i + 1; j < set->n; j++)
		if (v[j] > v[j - 1])
			up += v[j] - v[j - 1];
	return up / (t[set->n - 1] - t[i]) * 3600;
}

static struct leader leader_of(const struct series_set *set, const struct trend_leak *f,
			       enum lead lead, const struct trend_report *rep,
			       const struct trend_opts *o)
{
	struct leader ld = { .slot = (size_t)-1 };
	double climb = 0;

	for (size_t k = 0; k < set->count; k++)
		if (in_group(&set->v[k], &set->v[f->series], lead)) {
			add_member(&ld, set, k, f, rep, o);
			if (lead == LEAD_LAZY_VMALLOC)
				climb += climb_rate(set, k, f);
		}
	/*
	 * The unpurged areas are a saw-tooth: they climb as vfree()s make
	 * areas lazy and fall at each purge. Just after a purge their recent
	 * slope is flat or negative while the followers still hold what the
	 * climb brought (the 6.12 VM beside a busy shell: 65 MB purged at
	 * 530 s, vmap_area `leak` at 658 s). Recently, what they climbed is
	 * what the followers can have come with.
	 */
	if (climb > ld.recent)
		ld.recent = climb;
	return ld;
}

/*
 * Whether the leader's growth covers the follower's, now and over the
 * recent half: the leader's rate scaled by how much follower there was
 * per leader unit at the start (bytes per task, lsm blobs per inode
 * byte), or by per_max, the most the kernel adds per leader byte, where
 * the rule knows it; PER_CONTAINED: always, where there is a leader.
 */
static bool covers(const struct leader *ld, const struct series_set *set,
		   const struct trend_leak *f, double per_max, const struct trend_opts *o)
{
	double f0 = set->v[f->series].v[f->first], per = per_max;

	/*
	 * A leader scaled by what the kernel adds at most need not pass the
	 * trend test itself: the unpurged bytes climb in bursts (a fork, a
	 * purge of per-CPU stacks), a staircase whose steps the test reads as
	 * a walk (p 0.05 over a steady 740 MB/h in the 6.12 VM). Its robust
	 * rate, now and recently, covering the follower's is the evidence.
	 */
	if (per_max == PER_CONTAINED)
		return ld->found;
	if (!ld->found || ld->rate <= 0 || (per_max <= 0 && !ld->trending))
		return false;
	if (per <= 0) {
		if (ld->level0 <= 0 || f0 <= 0)
			return false;
		per = f0 / ld->level0;
	}
	if (per * ld->rate < o->explain_frac * f->rate_bytes_per_hour)
		return false;
	return f->recent_rate_bytes_per_hour <= 0 ||
	       per * ld->recent >= o->explain_frac * f->recent_rate_bytes_per_hour;
}

static void follow(const struct series_set *set, const struct trend_opts *o,
		   const struct trend_report *rep, struct trend_leak *f)
{
	const struct follow_rule *r = rule_of(&set->v[f->series]);
	struct leader ld;
	enum lead lead;

	if (!r || !trend_growing(f->verdict) || f->verdict == TREND_RECLAIMABLE)
		return;
	lead = r->lead;
	ld = leader_of(set, f, lead, rep, o);
	if (!ld.found && lead == LEAD_CGROUP_RECLAIMABLE)
		ld = leader_of(set, f, LEAD_HOST_RECLAIMABLE, rep, o);
	if (!covers(&ld, set, f, r->per, o) && r->or_tasks) {
		lead = LEAD_TASKS;
		ld = leader_of(set, f, lead, rep, o);
	}
	if (!covers(&ld, set, f, lead == r->lead ? r->per : 0, o))
		return;
	f->follows = true;
	f->leader = ld.slot;
	if (lead == LEAD_TASKS || lead == LEAD_USER) {
		/*
		 * Workload, unless the tasks themselves pile up (threads held
		 * and never ended: a thread leak, whose stacks and task structs
		 * keep their own verdict); growing for less than the window yet:
		 * one in the making? Page tables and VMAs that follow user
		 * memory are never a kernel leak of their own: memory a process
		 * holds (a user-space leak, or a build's compilers) brings them.
		 */
		if (ld.leak && lead == LEAD_TASKS)
			return;
		f->verdict = TREND_GROWING;
		f->reason = ld.pending		? TREND_REASON_WINDOW
			    : lead == LEAD_USER ? TREND_REASON_FOLLOWS_USER
						: TREND_REASON_FOLLOWS_TASKS;
	} else if (lead == LEAD_CGROUP_RECLAIMABLE && !set->v[f->series].split) {
		/* v1: the host's reclaimable slab may be this memory, or not */
		f->verdict = TREND_GROWING;
		f->reason = TREND_REASON_HOST_RECLAIMABLE;
	} else if (lead == LEAD_SLAB_PAGES) {
		/* the slab pages are judged through their caches */
		f->verdict = TREND_GROWING;
		f->reason = TREND_REASON_FOLLOWS_SLAB;
	} else if (ld.reclaimable) {
		f->verdict = TREND_RECLAIMABLE;
		f->reason = lead == LEAD_LAZY_VMALLOC ? TREND_REASON_FOLLOWS_LAZY_VMALLOC
						      : TREND_REASON_FOLLOWS_RECLAIMABLE;
	}
}

/* ---- aggregates and what they contain ---- */

static bool is_stack_caller(const char *name)
{
	static const char *const callers[] = { "kernel_clone", "alloc_thread_stack_node",
					       "dup_task_struct", "copy_process" };

	for (size_t i = 0; i < sizeof(callers) / sizeof(callers[0]); i++)
		if (!strcmp(name, callers[i]))
			return true;
	return false;
}

/*
 * meminfo's own parts: when the caches alone do not explain Slab (growth
 * spread thinly over many, caches that grew and shrank, or no slabinfo),
 * SReclaimable and SUnreclaim do.
 */
static bool meminfo_part(const char *agg, const char *part)
{
	if (!strcmp(agg, "Slab"))
		return !strcmp(part, "SReclaimable") || !strcmp(part, "SUnreclaim");
	return !strcmp(agg, "KReclaimable") && !strcmp(part, "SReclaimable");
}

static bool slab_part(const char *agg, const struct series *s)
{
	if (!strcmp(agg, "Slab"))
		return true;
	if (!strcmp(agg, "SUnreclaim"))
		return s->reclaimable != 1;
	if (!strcmp(agg, "SReclaimable") || !strcmp(agg, "KReclaimable"))
		return s->reclaimable == 1;
	return !strcmp(agg, "KernelStack") && !strcmp(s->name, "thread_stack");
}

/* cgroup path p is q or below it. */
static bool path_below(const char *p, const char *q)
{
	size_t n = strlen(q);

	if (n == 1 && q[0] == '/')
		return true;
	return !strncmp(p, q, n) && (p[n] == '/' || p[n] == '\0');
}

/*
 * A cgroup's counter is part of its ancestors' same counter, and of the
 * meminfo aggregates its memory is counted in: unreclaimable slab in Slab
 * and SUnreclaim, reclaimable slab in Slab, SReclaimable and KReclaimable;
 * kernel memory, of any kind, in whichever grows with it.
 */
static bool cgroup_in(const struct series *agg, const struct series *s)
{
	const char *a = agg->name;

	if (agg->source == SERIES_CGROUP)
		return agg->path && s->path && !strcmp(agg->counter, s->counter) &&
		       path_below(s->path, agg->path);
	if (agg->source != SERIES_MEMINFO)
		return false;
	if (!strcmp(s->counter, "slab_unreclaimable"))
		return !strcmp(a, "Slab") || !strcmp(a, "SUnreclaim");
	if (!strcmp(s->counter, "slab_reclaimable"))
		return !strcmp(a, "Slab") || !strcmp(a, "SReclaimable") ||
		       !strcmp(a, "KReclaimable");
	return true;
}

/* Whether series s is part of aggregate agg: containment only. */
static bool contains(const struct series *agg, const struct series *s, bool parts)
{
	const char *a = agg->name;

	if (s == agg)
		return false;
	if (agg->source == SERIES_CGROUP || s->source == SERIES_CGROUP)
		return !parts && s->source == SERIES_CGROUP && cgroup_in(agg, s);
	if (agg->source == SERIES_SLAB) /* kmemleak_object: an object per one tracked */
		return s->source == SERIES_SLAB || s->source == SERIES_VMALLOC_CALLER;
	if (agg->source == SERIES_ALLOCINFO) /* slab pages hold every cache's slabs */
		return s->source == SERIES_SLAB && strstr(a, " mm/slub.c:");
	if (agg->source != SERIES_MEMINFO)
		return false;
	switch (s->source) {
	case SERIES_SLAB:
		return !parts && slab_part(a, s);
	case SERIES_VMALLOC_CALLER:
		return !parts && (!strcmp(a, "VmallocUsed") ||
				  (!strcmp(a, "KernelStack") && is_stack_caller(s->name)));
	case SERIES_MEMINFO:
		return parts && meminfo_part(a, s->name);
	default:
		return false;
	}
}

/* An explainer: a specific series, or (parts: for Slab, KReclaimable) a meminfo part. */
static bool explains(const struct series_set *set, const struct trend_leak *agg,
		     const struct trend_leak *c, bool parts)
{
	if (c == agg || !trend_growing(c->verdict))
		return false;
	if (c->aggregate && set->v[c->series].source != SERIES_MEMINFO)
		return false;
	return contains(&set->v[agg->series], &set->v[c->series], parts);
}

/* Keeps the TREND_EXPLAIN_MAX fastest explainers, fastest first. */
static void keep_top(struct trend_leak *agg, double *top, const struct trend_leak *c)
{
	int k;

	for (k = agg->nexplained; k > 0 && top[k - 1] < c->rate_bytes_per_hour; k--)
		if (k < TREND_EXPLAIN_MAX) {
			top[k] = top[k - 1];
			agg->explained_by[k] = agg->explained_by[k - 1];
		}
	if (k < TREND_EXPLAIN_MAX) {
		top[k] = c->rate_bytes_per_hour;
		agg->explained_by[k] = c->series;
		if (agg->nexplained < TREND_EXPLAIN_MAX)
			agg->nexplained++;
	}
}

/* What an explained aggregate inherits from its parts. */
struct parts {
	double covered, reclaimable;
	bool leak;
	const struct trend_leak *worst; /* growing or possible_leak, most suspicious, fastest */
};

static void inherit(struct trend_leak *agg, const struct parts *p, const struct trend_opts *o)
{
	if (p->reclaimable >= o->explain_frac * agg->rate_bytes_per_hour) {
		agg->verdict = TREND_RECLAIMABLE;
		agg->reason = TREND_REASON_RECLAIMABLE;
	} else if (p->leak) {
		agg->verdict = TREND_LEAK;
		agg->reason = TREND_REASON_NONE;
	} else if (p->worst) {
		agg->verdict = p->worst->verdict;
		agg->reason = p->worst->reason;
	} else {
		agg->verdict = TREND_RECLAIMABLE;
		agg->reason = TREND_REASON_RECLAIMABLE;
	}
}

static bool explain_by(const struct series_set *set, const struct trend_opts *o,
		       struct trend_report *rep, struct trend_leak *agg, bool parts)
{
	double top[TREND_EXPLAIN_MAX];
	struct parts p = { 0 };

	agg->nexplained = 0;
	for (size_t i = 0; i < rep->n; i++) {
		const struct trend_leak *c = &rep->v[i];

		if (!explains(set, agg, c, parts))
			continue;
		p.covered += c->rate_bytes_per_hour;
		if (c->verdict == TREND_RECLAIMABLE)
			p.reclaimable += c->rate_bytes_per_hour;
		p.leak |= c->verdict == TREND_LEAK;
		if (c->verdict != TREND_RECLAIMABLE && c->verdict != TREND_LEAK &&
		    (!p.worst || c->verdict < p.worst->verdict ||
		     (c->verdict == p.worst->verdict &&
		      c->rate_bytes_per_hour > p.worst->rate_bytes_per_hour)))
			p.worst = c;
		keep_top(agg, top, c);
	}
	agg->explained = agg->rate_bytes_per_hour > 0 &&
			 p.covered >= o->explain_frac * agg->rate_bytes_per_hour;
	if (!agg->explained) {
		agg->nexplained = 0;
		return false;
	}
	inherit(agg, &p, o);
	return true;
}

/* Slab and KReclaimable last: their meminfo parts are aggregates too. */
static bool outer(const struct series *s)
{
	return s->source == SERIES_MEMINFO &&
	       (!strcmp(s->name, "Slab") || !strcmp(s->name, "KReclaimable"));
}

static void explain(const struct series_set *set, const struct trend_opts *o,
		    struct trend_report *rep, struct trend_leak *agg)
{
	if (!explain_by(set, o, rep, agg, false) && outer(&set->v[agg->series]))
		explain_by(set, o, rep, agg, true);
}

void trend_relate(const struct series_set *set, const struct trend_opts *o,
		  struct trend_report *rep)
{
	judge_context(set, o, rep);
	for (size_t i = 0; i < rep->n; i++)
		follow(set, o, rep, &rep->v[i]);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < rep->n; i++) {
			struct trend_leak *l = &rep->v[i];

			if (l->aggregate && trend_growing(l->verdict) &&
			    outer(&set->v[l->series]) == (pass == 1))
				explain(set, o, rep, l);
		}
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own words as findings: from the events of a kernel log
 * (parse/klog.h) to findings in the shape `kleak check` gives (severity,
 * id, subject, summary, evidence, next command; analyze/check.h), each
 * with its time. Pure: the caller passes the boot time that turns
 * printk's clock into wall-clock time. Rules and ids: docs/klog.md.
 */
#ifndef KLEAK_ANALYZE_KLOG_FINDINGS_H
#define KLEAK_ANALYZE_KLOG_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/check.h"
#include "model/cgroups.h"
#include "parse/klog.h"

struct klog_findings_opts {
	/*
	 * Wall clock at printk's 0 (now_wall - now_mono on the live system;
	 * a snapshot's meta). 0: unknown, times come only from logs that
	 * print the wall clock (journalctl, dmesg -T).
	 */
	int64_t boot_wall_ns;
	uint64_t page_size;    /* bytes per page of Mem-Info (4096) */
	unsigned top_caches;   /* caches an OOM finding names (3) */
	unsigned costly_order; /* page allocation failures above it: info (3) */
	/*
	 * The memory cgroups of the same machine (NULL: none): a memcg OOM
	 * names the container whose cgroup it is, as `kleak cgroups` does.
	 */
	const struct cgroup_set *cgroups;
};

void klog_findings_opts_default(struct klog_findings_opts *o);

struct klog_finding {
	struct finding f;     /* severity, id, subject, summary, evidence, next */
	size_t event;	      /* index of its (last) event in the log */
	uint64_t count;	      /* events it stands for (same id and subject) */
	uint64_t total;	      /* summed over them: bytes (unload), leaks (kmemleak) */
	struct klog_stamp at; /* of that event */
	int64_t wall_ns;      /* its time, when has_wall */
	bool has_wall;
};

struct klog_findings {
	struct klog_finding *v; /* most severe first, then by time */
	size_t n, cap;
};

/*
 * An event's wall-clock time: from the log when it gives one, else boot
 * time + printk's clock. false when neither is known.
 */
bool klog_event_wall_ns(const struct klog_event *ev, int64_t boot_wall_ns, int64_t *wall_ns);

/*
 * Whether an OOM happened with unreclaimable slab above user memory: the
 * kernel printed its "Unreclaimable slab info:" table (it does exactly
 * then), or Mem-Info says so.
 */
bool klog_oom_slab_exceeds_user(const struct klog_event *ev);

/* The rows of an OOM's unreclaimable-slab table by used bytes (largest first), into out (n of them). */
size_t klog_oom_top_caches(const struct klog_event *ev, const struct klog_slab_row **out, size_t n);

/*
 * Findings for every event that deserves one; events that are `open`
 * (still being printed) are left for the next read. Returns 0 or -ENOMEM
 * with e filled.
 */
int klog_findings(const struct klog_log *log, const struct klog_findings_opts *o,
		  struct klog_findings *out, struct kerr *e);
void klog_findings_free(struct klog_findings *f);

#endif

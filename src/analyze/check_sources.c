// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak check`'s findings from two more sources of the snapshot: the
 * memory cgroups (analyze/cgroups.h: the lesson's container at its limit
 * with mostly kernel memory, OOM kills, limit hits, kmem failures) and the
 * kernel's own words in its log (analyze/klog_findings.h: OOMs, unload
 * warnings, allocation failures, kmemleak's announcements), each kernel-
 * log finding with its time. They join the snapshot's findings in one
 * list, most severe first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/cgroups.h"
#include "analyze/check.h"
#include "analyze/klog_findings.h"

int check_source_findings(struct check_report *r, struct kerr *e);

static int from_cgroups(struct check_report *r, struct kerr *e)
{
	const struct snapshot *s = r->snap;
	struct cgroups_report cg;
	struct cgroups_opts o;
	int rc;

	cgroups_opts_default(&o);
	rc = cgroups_analyze(&s->cgroups, snapshot_has(s, SRC_MEMINFO) ? &s->meminfo : NULL, &o,
			     &cg, e);
	if (rc)
		return rc;
	r->have_cgroups = true;
	r->cgroups = cg.nrows;
	for (size_t i = 0; !rc && i < cg.nfindings; i++) {
		const struct finding *f = &cg.findings[i];

		rc = check_add_finding(r, f->severity, f->id, f->subject, f->summary, f->evidence,
				       f->next);
	}
	cgroups_report_free(&cg);
	return rc ? kerr_set(e, -ENOMEM, "check", 0, "out of memory") : 0;
}

static int from_klog(struct check_report *r, struct kerr *e)
{
	const struct snapshot *s = r->snap;
	struct klog_findings_opts o;
	struct klog_findings kf;
	int rc;

	klog_findings_opts_default(&o);
	o.boot_wall_ns = s->boot_wall_ns;
	o.page_size = s->page_size;
	o.cgroups = snapshot_has(s, SRC_CGROUPS) ? &s->cgroups : NULL;
	rc = klog_findings(&s->klog, &o, &kf, e);
	if (rc)
		return rc;
	r->have_klog = true;
	r->klog = &s->klog;
	for (size_t i = 0; !rc && i < kf.n; i++) {
		const struct klog_finding *k = &kf.v[i];
		struct finding *f;

		rc = check_add_finding(r, k->f.severity, k->f.id, k->f.subject, k->f.summary,
				       k->f.evidence, k->f.next);
		if (rc)
			break;
		f = &r->findings[r->nfindings - 1];
		f->from_log = true;
		f->at = k->at;
		f->has_wall = k->has_wall;
		f->wall_ns = k->wall_ns;
		f->count = k->count;
	}
	klog_findings_free(&kf);
	return rc ? kerr_set(e, -ENOMEM, "check", 0, "out of memory") : 0;
}

int check_source_findings(struct check_report *r, struct kerr *e)
{
	const struct snapshot *s = r->snap;
	int rc = 0;

	if (snapshot_has(s, SRC_CGROUPS))
		rc = from_cgroups(r, e);
	if (!rc && snapshot_has(s, SRC_KMSG))
		rc = from_klog(r, e);
	/* most severe first; the snapshot's and the cgroups' before the log's,
	 * each in its own order (the log's: by severity, then time) */
	if (!rc && r->nfindings > 1) {
		struct finding *tmp = malloc(r->nfindings * sizeof(*tmp));
		size_t k = 0;

		if (!tmp)
			return kerr_set(e, -ENOMEM, "check", 0, "out of memory");
		for (int sev = SEV_CRITICAL; sev >= SEV_INFO; sev--)
			for (int log = 0; log <= 1; log++)
				for (size_t i = 0; i < r->nfindings; i++)
					if ((int)r->findings[i].severity == sev &&
					    r->findings[i].from_log == log)
						tmp[k++] = r->findings[i];
		memcpy(r->findings, tmp, r->nfindings * sizeof(*tmp));
		free(tmp);
	}
	return rc;
}

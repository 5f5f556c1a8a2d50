// SPDX-License-Identifier: GPL-2.0
/* The kernel log's events over successive samples, each once; see klog_stream.h. */
#include "analyze/klog_stream.h"

#include <errno.h>
#include <string.h>

#include "analyze/klog_findings.h"

/* The copy carries its wall-clock time: the sample's boot time is its. */
static int take(struct klog_stream *ks, const struct klog_event *ev, int64_t boot_wall_ns)
{
	struct klog_event c = *ev;
	int64_t wall;

	if (ks->events.n >= KLOG_STREAM_MAX) {
		ks->dropped++;
		return 0;
	}
	if (!c.at.has_wall && klog_event_wall_ns(ev, boot_wall_ns, &wall)) {
		c.at.has_wall = true;
		c.at.wall_ns = wall;
	}
	return klog_log_append(&ks->events, &c);
}

/* An event of log that comes again with the next sample, or is still printing. */
static bool waits(const struct klog_log *log, const struct klog_event *ev)
{
	return ev->open || (log->has_seq && ev->at.has_seq && ev->at.seq >= log->resume_seq);
}

int klog_stream_add(struct klog_stream *ks, const struct snapshot *snap, struct kerr *e)
{
	const struct klog_log *log = &snap->klog;

	ks->new_from = ks->events.n;
	ks->waiting = 0;
	if (!snapshot_has(snap, SRC_KMSG))
		return 0;
	ks->seen = true;
	if (snap->kmsg_restarted) { /* another boot: its numbers start again */
		ks->has_cursor = false;
		ks->restarted = true;
	}
	ks->records += log->records;
	ks->lost += snap->kmsg_lost;
	ks->overruns += snap->kmsg_overruns;
	ks->lost_records += log->lost_records;
	ks->boots += log->boots;
	for (size_t i = 0; i < log->n; i++) {
		const struct klog_event *ev = &log->v[i];

		if (waits(log, ev)) {
			ks->waiting++;
			continue;
		}
		if (ks->has_cursor && ev->at.has_seq && ev->at.seq < ks->cursor)
			continue; /* taken in with an earlier sample */
		if (take(ks, ev, snap->boot_wall_ns))
			return kerr_set(e, -ENOMEM, "kernel log", 0, "out of memory");
	}
	if (log->has_seq) {
		ks->cursor = log->resume_seq;
		ks->has_cursor = true;
	}
	return 0;
}

int klog_stream_finish(struct klog_stream *ks, const struct snapshot *snap, struct kerr *e)
{
	const struct klog_log *log = &snap->klog;

	if (!snapshot_has(snap, SRC_KMSG))
		return 0;
	for (size_t i = 0; i < log->n; i++)
		if (waits(log, &log->v[i]) && take(ks, &log->v[i], snap->boot_wall_ns))
			return kerr_set(e, -ENOMEM, "kernel log", 0, "out of memory");
	ks->waiting = 0;
	return 0;
}

void klog_stream_free(struct klog_stream *ks)
{
	if (!ks)
		return;
	klog_log_free(&ks->events);
	memset(ks, 0, sizeof(*ks));
}

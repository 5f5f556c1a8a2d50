// SPDX-License-Identifier: GPL-2.0
/* Verdict and rates of `kleak count`; see count_report.h. */
#include "trace/count_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const struct count_verdict_opts count_verdict_defaults = {
	.min_outstanding = 64,
	.min_share = 0.10,
};

uint64_t count_outstanding(const struct count_counters *c)
{
	uint64_t gone = c->stat[CS_FREE] + c->stat[CS_REPAIRED];

	return c->stat[CS_ALLOC] > gone ? c->stat[CS_ALLOC] - gone : 0;
}

bool count_incomplete(const struct count_counters *c)
{
	return c->stat[CS_DROPPED] || c->stat[CS_BUSY];
}

/* "; incomplete: ..." after the verdict's sentence, when objects went untracked. */
static void incomplete_note(const struct count_counters *c, char *reason, size_t len)
{
	size_t n = strlen(reason);

	if (!count_incomplete(c) || n >= len)
		return;
	snprintf(reason + n, len - n,
		 "; incomplete: %" PRIu64
		 " allocations were not tracked (object map full: "
		 "raise --max-objects) and %" PRIu64
		 " map operations refused (busy), so "
		 "this judges only the objects tracked",
		 c->stat[CS_DROPPED], c->stat[CS_BUSY]);
}

static enum count_verdict judge(const struct count_counters *c, const struct count_verdict_opts *o,
				char *reason, size_t len)
{
	uint64_t alloc = c->stat[CS_ALLOC], out = count_outstanding(c);
	double share = alloc ? (double)out / (double)alloc : 0;

	if (!alloc) {
		snprintf(reason, len, "no allocation seen in the scope");
		return COUNT_NO_ALLOCATIONS;
	}
	if (out >= o->min_outstanding && share >= o->min_share) {
		snprintf(reason, len,
			 "allocations outrun frees: %" PRIu64 " of %" PRIu64
			 " objects allocated (%.0f%%) are still held",
			 out, alloc, share * 100);
		return COUNT_OUTRUN;
	}
	snprintf(reason, len,
		 "frees keep up with allocations: %" PRIu64 " of %" PRIu64
		 " objects allocated (%.1f%%) are still held",
		 out, alloc, share * 100);
	return COUNT_BALANCED;
}

enum count_verdict count_judge(const struct count_counters *c, const struct count_verdict_opts *o,
			       char *reason, size_t len)
{
	enum count_verdict v = judge(c, o, reason, len);

	incomplete_note(c, reason, len);
	return v;
}

const char *count_verdict_name(enum count_verdict v)
{
	switch (v) {
	case COUNT_NO_ALLOCATIONS:
		return "no_allocations";
	case COUNT_BALANCED:
		return "balanced";
	case COUNT_OUTRUN:
		return "allocs_outrun_frees";
	}
	return "unknown";
}

static struct count_rates rates_of(const struct count_report *r)
{
	struct count_rates x = { 0 };
	const struct count_counters *a = &r->prev.c, *b = &r->cur.c;

	if (r->cur.t_ns <= r->prev.t_ns)
		return x;
	x.dt_s = (double)(r->cur.t_ns - r->prev.t_ns) / 1e9;
	x.alloc = (double)(b->stat[CS_ALLOC] - a->stat[CS_ALLOC]) / x.dt_s;
	x.free = (double)(b->stat[CS_FREE] - a->stat[CS_FREE]) / x.dt_s;
	x.outstanding = ((double)count_outstanding(b) - (double)count_outstanding(a)) / x.dt_s;
	return x;
}

void count_report_update(struct count_report *r)
{
	r->outstanding = count_outstanding(&r->cur.c);
	r->rates = rates_of(r);
	r->verdict = count_judge(&r->cur.c, &count_verdict_defaults, r->reason, sizeof(r->reason));
	r->incomplete = count_incomplete(&r->cur.c);
}

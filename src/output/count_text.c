// SPDX-License-Identifier: GPL-2.0
/* `kleak count`'s text view (see count_render.h). */
#include "output/count_render.h"

#include <inttypes.h>
#include <string.h>

#include "output/fmt.h"
#include "util/text.h"

void count_render_header(FILE *f, const struct count_report *r)
{
	const struct target *t = r->target;
	char b1[512], b2[512];

	/* names the user typed, read from the kernel or a container runtime */
	if (!r->funcs) {
		fprintf(f, "counting slab cache %s", text_safe(t->cache.cache, b1, sizeof(b1)));
		if (strcmp(t->cache.user, t->cache.cache))
			fprintf(f, " (%s is merged into it)",
				text_safe(t->cache.user, b2, sizeof(b2)));
		if (t->cache.kmalloc_size)
			fprintf(f, " (kmalloc events of %" PRIu64 " bytes too)",
				t->cache.kmalloc_size);
	} else {
		fprintf(f, "counting %s returns against %s calls", r->funcs->alloc, r->funcs->free);
		if (r->funcs->obj_type[0])
			fprintf(f, " (%s *, argument %d)", r->funcs->obj_type,
				r->funcs->free_arg + 1);
	}
	if (t->tgid)
		fprintf(f, " for pid %u", t->tgid);
	else if (t->has_cgroup)
		fprintf(f, " for cgroup %s (v%d)", text_safe(t->cgroup.path, b1, sizeof(b1)),
			t->cgroup.version);
	else
		fprintf(f, " system-wide");
	fprintf(f, " via %s; Ctrl-C ends\n", r->mechanism);
}

/* The counters and the verdict, after the final line. */
static void text_final(FILE *f, const struct count_report *r, bool color)
{
	const struct count_counters *c = &r->cur.c;
	char d[32];

	fprintf(f,
		"over %s: frees of other objects %" PRIu64 ", repaired %" PRIu64
		", dropped (map full) %" PRIu64 ", map busy %" PRIu64 ", recursion misses %" PRIu64
		"\n",
		fmt_duration_ns(r->cur.t_ns, d, sizeof(d)), c->stat[CS_FREE_UNTRACKED],
		c->stat[CS_REPAIRED], c->stat[CS_DROPPED], c->stat[CS_BUSY], c->recursion_misses);
	fprintf(f, "%sverdict: %s%s\n",
		color ? (r->verdict == COUNT_OUTRUN ? FMT_RED : FMT_GREEN) : "", r->reason,
		color ? FMT_RESET : "");
	if (c->stat[CS_DROPPED])
		fprintf(f,
			"note: %" PRIu64
			" allocations were not tracked (object map full at %u); raise --max-objects\n",
			c->stat[CS_DROPPED], r->max_objects);
}

static void text(FILE *f, const struct count_report *r, const struct render_opts *o, bool refresh)
{
	const struct count_counters *c = &r->cur.c;

	if (refresh)
		fputs("\r\033[K", f);
	fprintf(f,
		"%salloc %" PRIu64 " free %" PRIu64 " outstanding %" PRIu64
		"  (%.0f alloc/s, %.0f free/s)",
		r->final ? "total: " : "", c->stat[CS_ALLOC], c->stat[CS_FREE], r->outstanding,
		r->rates.alloc, r->rates.free);
	if (c->stat[CS_DROPPED] || c->stat[CS_BUSY] || c->recursion_misses)
		fprintf(f,
			"  [dropped %" PRIu64 ", busy %" PRIu64 ", recursion misses %" PRIu64 "]",
			c->stat[CS_DROPPED], c->stat[CS_BUSY], c->recursion_misses);
	if (refresh && !r->final)
		return;
	fputc('\n', f);
	if (r->final)
		text_final(f, r, o->color);
}

void count_render_line(FILE *f, const struct count_report *r, const struct render_opts *o)
{
	text(f, r, o, false);
}

void count_render_live(FILE *f, const struct count_report *r, const struct render_opts *o)
{
	text(f, r, o, true);
}

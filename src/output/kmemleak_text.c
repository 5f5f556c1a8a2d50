// SPDX-License-Identifier: GPL-2.0
/* `kleak kmemleak`'s readable report: groups ranked, with their evidence. */
#include <inttypes.h>
#include <string.h>

#include "output/fmt.h"
#include "output/kmemleak_render.h"
#include "util/text.h"

static void group_sizes(FILE *f, const struct kmemleak_group *g)
{
	char b1[32], b2[32];

	fprintf(f, "    size %s", fmt_bytes(g->size_typical, b2, sizeof(b2)));
	if (g->size_min != g->size_max)
		fprintf(f, " typical (%s..%s)", fmt_bytes(g->size_min, b1, sizeof(b1)),
			fmt_bytes(g->size_max, b2, sizeof(b2)));
	if (g->allocator) {
		fputs(", allocated by ", f);
		text_fputs(g->allocator, f);
	}
}

/* Who allocated (comm is any process's to set: made safe) and when. */
static void group_who(FILE *f, const struct kmemleak_group *g)
{
	char cb[128];

	fprintf(f, "\n    comm");
	for (size_t i = 0; i < KMEMLEAK_TOP_COMMS && g->comms[i].comm; i++)
		fprintf(f, "%s %s (%zu)", i ? "," : "", text_safe(g->comms[i].comm, cb, sizeof(cb)),
			g->comms[i].count);
	if (g->ncomms > KMEMLEAK_TOP_COMMS)
		fprintf(f, ", %zu more", g->ncomms - KMEMLEAK_TOP_COMMS);
	fprintf(f, "; %zu pid%s", g->npids, g->npids == 1 ? "" : "s");
	if (g->has_age && g->age_min_s != g->age_max_s)
		fprintf(f, "; age %.1fs..%.1fs", g->age_min_s, g->age_max_s);
	else if (g->has_age)
		fprintf(f, "; age %.1fs", g->age_min_s);
	else if (g->jiffies_min != g->jiffies_max)
		fprintf(f, "; jiffies %" PRIu64 "..%" PRIu64, g->jiffies_min, g->jiffies_max);
	else
		fprintf(f, "; jiffies %" PRIu64, g->jiffies_min);
}

static void group(FILE *f, size_t rank, const struct kmemleak_group *g,
		  const struct kmemleak_report *r, const struct render_opts *o)
{
	const char *hex = kmemleak_str(r, g->sample->hex);
	char b[32];

	/* names and frames come from a report file a user may hand in */
	fprintf(f, "%s#%zu  %s in %zu object%s%s  ", o->color ? FMT_BOLD : "", rank,
		fmt_bytes(g->bytes, b, sizeof(b)), g->count, g->count == 1 ? "" : "s",
		o->color ? FMT_RESET : "");
	text_fputs(g->function, f);
	if (g->module) {
		fputs(" [", f);
		text_fputs(g->module, f);
		fputc(']', f);
	}
	fputc('\n', f);
	group_sizes(f, g);
	group_who(f, g);
	fprintf(f, "\n    backtrace:\n");
	for (size_t i = 0; i < g->nframes; i++) {
		fputs("      ", f);
		text_fputs(g->backtrace[i], f);
		fputc('\n', f);
	}
	if (!hex)
		return;
	fprintf(f, "    hex dump (first %u bytes):\n", g->sample->hex_bytes);
	for (const char *p = hex; *p;) {
		size_t n = strcspn(p, "\n");
		char l[256];

		fprintf(f, "      %s\n", kmemleak_hex_line(p, n, o, l, sizeof(l)));
		p += n + (p[n] == '\n');
	}
}

static void by_module(FILE *f, const struct kmemleak_groups *g, size_t top)
{
	char b[32], name[256];

	fprintf(f, "by module:");
	for (size_t i = 0; i < g->nmods && i < top; i++)
		fprintf(f, "%s %s %s (%zu)", i ? "," : "",
			g->mods[i].module     ? text_safe(g->mods[i].module, name, sizeof(name))
			: g->mods[i].unloaded ? KMEMLEAK_UNLOADED
					      : "vmlinux",
			fmt_bytes(g->mods[i].bytes, b, sizeof(b)), g->mods[i].count);
	if (g->nmods > top)
		fprintf(f, ", %zu more", g->nmods - top);
	fputc('\n', f);
}

void kmemleak_render_text(FILE *f, const struct kmemleak_view *v, const struct render_opts *o)
{
	const struct kmemleak_groups *g = v->groups;
	size_t top = (size_t)o->top;
	char b[32], src[8192];

	if (v->ran)
		fprintf(f, "workload exited with status %d%s\n", v->status,
			v->since_jiffies ? "; objects allocated before it are left out" : "");
	if (g->objects == 0) {
		fprintf(f,
			"kmemleak: no unreferenced objects in %s.\n"
			"An empty report is not proof of no leak: kmemleak misses objects whose\n"
			"last pointer survives in a stale stack slot or register.\n",
			text_safe(v->source, src, sizeof(src)));
		return;
	}
	fprintf(f, "kmemleak: %zu unreferenced object%s, %s, in %zu group%s (%s)\n", g->objects,
		g->objects == 1 ? "" : "s", fmt_bytes(g->bytes, b, sizeof(b)), g->n,
		g->n == 1 ? "" : "s", text_safe(v->source, src, sizeof(src)));
	if (g->raw_frames)
		fprintf(f, "raw frames: %zu distinct, %zu resolved (symbols: %s)\n", g->raw_frames,
			g->raw_resolved, v->symbols);
	by_module(f, g, top);
	for (size_t i = 0; i < g->n && i < top; i++) {
		fputc('\n', f);
		group(f, i + 1, &g->v[i], v->report, o);
	}
	if (g->n > top)
		fprintf(f, "\n%zu more group%s (--top, or --json for all)\n", g->n - top,
			g->n - top == 1 ? "" : "s");
}

void kmemleak_render_unavailable_text(FILE *f, const char *avail, const char *msg)
{
	/* The report itself says it, not only stderr (CONTRACTS). */
	fprintf(f, "kmemleak: not available (%s): ", avail);
	text_fputs(msg, f);
	fprintf(f,
		"\nOn this machine use `kleak watch` (growth over time) or "
		"`kleak trace` (live allocations).\n");
}

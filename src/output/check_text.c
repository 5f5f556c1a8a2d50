// SPDX-License-Identifier: GPL-2.0
/* `kleak check`'s readable report: tables of the report struct, nothing more. */
#include <limits.h>
#include <string.h>
#include <time.h>

#include "output/check_render.h"
#include "output/fmt.h"
#include "util/text.h"

/*
 * Every name below comes from the kernel or from files a user handed in
 * (cache names, callers, modules, allocinfo functions, release and
 * hostname, paths): shown through text_safe, never raw.
 */
#define SAFE(s, b) text_safe((s), (b), sizeof(b))

struct style {
	const char *bold, *warn, *crit, *dim, *reset;
};

static void heading(FILE *f, const struct style *st, const char *title)
{
	fprintf(f, "\n%s%s%s\n", st->bold, title, st->reset);
}

static void kernel(FILE *f, const struct check_report *r, const struct style *st)
{
	const struct kmem_summary *k = &r->kmem;
	char b1[32], b2[32];

	if (!r->have_kmem) {
		heading(f, st, "Kernel memory: meminfo not available (see below)");
		return;
	}
	fprintf(f, "\n%sKernel memory %s%s (%.1f%% of MemTotal %s)\n", st->bold,
		fmt_bytes(k->kernel_bytes, b1, sizeof(b1)), st->reset, kmem_pct(k, k->kernel_bytes),
		fmt_bytes(k->mem_total, b2, sizeof(b2)));
	for (int i = 0; i < k->ncomp; i++) {
		const struct kmem_component *c = &k->comp[i];
		bool sub = !c->in_total;

		char name[32];

		snprintf(name, sizeof(name), "%s%s", sub ? "  " : "", c->name);
		fprintf(f, "  %-16s %10s %6.1f%%  %s%s%s\n", name,
			fmt_bytes(c->bytes, b1, sizeof(b1)), kmem_pct(k, c->bytes), st->dim,
			c->note, st->reset);
	}
}

static void slabs(FILE *f, const struct check_report *r, const struct style *st, int top)
{
	char b1[32], b2[32], title[96];

	if (!r->nslabs) {
		heading(f, st, "Slab caches: slabinfo not available (see below)");
		return;
	}
	snprintf(title, sizeof(title), "Top slab caches by memory (%zu caches, %s)", r->nslabs,
		 fmt_bytes(r->slab_bytes, b1, sizeof(b1)));
	heading(f, st, title);
	fprintf(f, "  %-24s %10s %10s %9s %7s  %s\n", "CACHE", "BYTES", "OBJ_BYTES", "OBJS",
		"OBJSIZE", "SHARED WITH");
	for (size_t i = 0; i < r->nslabs && (int)i < top; i++) {
		const struct slab_row *s = &r->slabs[i];
		char name[256];

		fprintf(f, "  %-24s %10s %10s %9llu %7llu", SAFE(s->cache->name, name),
			fmt_bytes(s->bytes, b1, sizeof(b1)),
			fmt_bytes(s->objects_bytes, b2, sizeof(b2)),
			(unsigned long long)s->cache->active_objs,
			(unsigned long long)s->cache->objsize);
		if (s->reclaimable == 1)
			fprintf(f, "  %s(reclaimable)%s", st->dim, st->reset);
		for (size_t a = 0; a < s->naliases && a < CHECK_MAX_ALIASES; a++)
			fprintf(f, "%s%s", a ? "," : "  ", SAFE(s->aliases[a], name));
		if (s->naliases > CHECK_MAX_ALIASES)
			fprintf(f, ",+%zu", s->naliases - CHECK_MAX_ALIASES);
		fputc('\n', f);
	}
}

static void vmalloc(FILE *f, const struct check_report *r, const struct style *st,
		    const struct render_opts *o)
{
	const struct vmalloc_groups *g = &r->vm;
	char b1[32], title[128];

	if (!r->have_vm) {
		heading(f, st, "vmalloc: vmallocinfo not available (see below)");
		return;
	}
	snprintf(title, sizeof(title), "vmalloc by module (%s in modules; suspect drivers first)",
		 fmt_bytes(g->total_bytes - g->builtin_bytes, b1, sizeof(b1)));
	heading(f, st, title);
	if (!g->nmodules)
		fprintf(f, "  %s(no module holds vmalloc memory)%s\n", st->dim, st->reset);
	for (size_t i = 0; i < g->nmodules; i++) {
		const struct vmalloc_module *m = &g->modules[i];
		char name[256];

		fprintf(f, "  %s%-30s%s %10s %6llu areas%s%s\n", m->unloaded ? st->crit : "",
			SAFE(m->module, name), m->unloaded ? st->reset : "",
			fmt_bytes(m->bytes, b1, sizeof(b1)), (unsigned long long)m->areas,
			m->unloaded ? "  UNLOADED: leaked until reboot" : "",
			m->tainted ? "  (out-of-tree)" : "");
	}
	snprintf(title, sizeof(title), "vmalloc by caller (%s total, %s unpurged)",
		 fmt_bytes(g->total_bytes, b1, sizeof(b1)),
		 fmt_bytes(g->unpurged_bytes, title + 100, 28));
	heading(f, st, title);
	fprintf(f, "  %-40s %-18s %10s %6s\n", "CALLER", "MODULE", "BYTES", "AREAS");
	for (size_t i = 0; i < g->ncallers && (int)i < o->top; i++) {
		const struct vmalloc_caller *c = &g->callers[i];
		char mod[300], name[256], caller[512];

		snprintf(mod, sizeof(mod), c->module[0] ? "[%s]" : "%s",
			 c->module[0] ? SAFE(c->module, name) : "-");
		fprintf(f, "  %-40s %-18s %10s %6llu", SAFE(c->caller, caller), mod,
			fmt_bytes(c->bytes, b1, sizeof(b1)), (unsigned long long)c->areas);
		if (c->unloaded && o->show_addresses)
			fprintf(f, "  0x%llx", (unsigned long long)c->addr);
		fputc('\n', f);
	}
}

/* allocinfo: modules first (suspect drivers), then the top sites. */
static void allocinfo(FILE *f, const struct check_report *r, const struct style *st, int top)
{
	const struct allocinfo_top *t = &r->ai;
	char b1[32], title[160], loc[512], mod[300], name[256], sloc[1024], fn[512];

	if (!r->have_allocinfo)
		return; /* most kernels: CONFIG_MEM_ALLOC_PROFILING is 6.10+ */
	snprintf(title, sizeof(title),
		 "Top allocation sites (allocinfo: %zu sites hold memory, %s in modules)",
		 t->nsites, fmt_bytes(t->module_bytes, b1, sizeof(b1)));
	heading(f, st, title);
	for (size_t i = 0; i < t->nmodules && t->by_module[i].module; i++)
		fprintf(f, "  [%s] %s in %zu site%s, %llu allocations\n",
			SAFE(t->by_module[i].module, name),
			fmt_bytes(t->by_module[i].bytes, b1, sizeof(b1)), t->by_module[i].sites,
			t->by_module[i].sites == 1 ? "" : "s",
			(unsigned long long)t->by_module[i].calls);
	fprintf(f, "  %-44s %-28s %-18s %10s %8s\n", "SITE", "FUNCTION", "MODULE", "BYTES",
		"CALLS");
	for (size_t i = 0; i < t->nsites && (int)i < top; i++) {
		const struct alloc_site *s = t->sites[i];

		snprintf(mod, sizeof(mod), s->module ? "[%s]" : "%s",
			 s->module ? SAFE(s->module, name) : "-");
		fprintf(f, "  %-44s %-28s %-18s %10s %8llu%s\n",
			SAFE(alloc_site_location(s, loc, sizeof(loc)), sloc), SAFE(s->function, fn),
			mod, fmt_bytes(alloc_site_bytes(s), b1, sizeof(b1)),
			(unsigned long long)s->calls, s->accurate ? "" : " (inaccurate)");
	}
}

/* " (2026-11-30 12:42:15, 3 times)": when the kernel said it, local time. */
static const char *when_said(const struct finding *x, char *buf, size_t len)
{
	char t[40] = "", n[32] = "";
	time_t secs = (time_t)(x->wall_ns / 1000000000LL);
	struct tm tm;

	if (x->has_wall && localtime_r(&secs, &tm))
		strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm);
	else if (x->at.has_mono)
		snprintf(t, sizeof(t), "%.1f s after boot", (double)x->at.mono_ns / 1e9);
	if (x->count > 1)
		snprintf(n, sizeof(n), "%s%llu times", t[0] ? ", " : "",
			 (unsigned long long)x->count);
	if (t[0] || n[0])
		snprintf(buf, len, " (%s%s)", t, n);
	else
		buf[0] = '\0';
	return buf;
}

static void findings(FILE *f, const struct check_report *r, const struct style *st)
{
	char b[96], top[512];

	if (r->have_kmemleak) {
		heading(f, st, "kmemleak");
		fprintf(f, "  %zu unreferenced objects, %s, %zu groups; largest: %s\n",
			r->kmemleak_objects, fmt_bytes(r->kmemleak_bytes, b, sizeof(b)),
			r->kmemleak_groups, SAFE(r->kmemleak_top, top));
	}
	heading(f, st, "Findings");
	if (!r->nfindings)
		fprintf(f,
			"  none: nothing in this snapshot is unusually large. A leak shows as growth: kleak watch\n");
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *x = &r->findings[i];
		const char *c = x->severity == SEV_CRITICAL  ? st->crit
				: x->severity == SEV_WARNING ? st->warn
							     : "";

		fprintf(f, "  %s[%s]%s ", c, severity_name(x->severity), st->reset);
		text_fputs(x->subject, f);
		fputs(": ", f);
		text_fputs(x->summary, f);
		if (x->from_log)
			fputs(when_said(x, b, sizeof(b)), f);
		fputs("\n      ", f);
		text_fputs(x->evidence, f);
		fputs("\n      next: ", f); /* shell-quoted where it was built */
		text_fputs(x->next, f);
		fputc('\n', f);
	}
}

/* What the kernel log held: its events by kind (the findings say more). */
static void kernel_log(FILE *f, const struct check_report *r, const struct style *st)
{
	const struct klog_log *l = r->klog;
	size_t by[KLOG_KIND_COUNT] = { 0 };
	char src[PATH_MAX + 64];
	bool first = true;

	if (!r->have_klog)
		return;
	for (size_t i = 0; i < l->n; i++)
		by[l->v[i].kind]++;
	heading(f, st, "Kernel log");
	fprintf(f, "  %llu records of %s: ", (unsigned long long)l->records,
		snapshot_src(r->snap, SRC_KMSG, src, sizeof(src)));
	if (!l->n)
		fputs("no OOM, unload warning, allocation failure or kmemleak report", f);
	for (int k = 0; k < KLOG_KIND_COUNT; k++) {
		if (!by[k])
			continue;
		fprintf(f, "%s%zu %s", first ? "" : ", ", by[k], klog_kind_name(k));
		first = false;
	}
	fputc('\n', f);
}

static void problems(FILE *f, const struct check_report *r, const struct style *st)
{
	const struct snapshot *s = r->snap;
	char msg[1024];
	bool any = false;

	for (int i = 0; i < SRC_COUNT; i++) {
		if (s->status[i] == SOURCE_OK || source_descs[i].optional)
			continue;
		if (!any)
			heading(f, st, "Not read");
		any = true;
		fputs("  ", f);
		text_fputs(kerr_str(&s->err[i], msg, sizeof(msg)), f);
		fputc('\n', f);
	}
}

void check_render_text(FILE *f, const struct check_report *r, const struct render_opts *o)
{
	struct style st = { "", "", "", "", "" };
	const struct snapshot *s = r->snap;
	char when[64] = "?", host[512], rel[512], from[PATH_MAX * 2];
	time_t t = (time_t)s->time_s;
	struct tm tm;

	if (o->color)
		st = (struct style){ FMT_BOLD, FMT_YELLOW, FMT_RED, FMT_DIM, FMT_RESET };
	if (t && localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "%skleak check%s: %s, kernel %s, %s%s%s\n", st.bold, st.reset,
		s->hostname[0] ? SAFE(s->hostname, host) : "?",
		s->release[0] ? SAFE(s->release, rel) : "?", when, s->from[0] ? ", from " : "",
		SAFE(s->from, from));
	kernel(f, r, &st);
	slabs(f, r, &st, o->top);
	vmalloc(f, r, &st, o);
	allocinfo(f, r, &st, o->top);
	kernel_log(f, r, &st);
	findings(f, r, &st);
	problems(f, r, &st);
}

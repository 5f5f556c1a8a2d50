// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak cgroups`' readable view: the cgroups ranked by kernel memory (top
 * N), then the findings. Names and paths come from the system and from
 * the runtimes' files: shown through text_safe.
 */
#include <string.h>

#include "output/cgroups_render.h"
#include "output/fmt.h"
#include "util/text.h"

struct style {
	const char *bold, *warn, *crit, *dim, *reset;
};

/* A byte value or "-" when the kernel does not report it. */
static const char *val(const struct memcg *m, enum memcg_value v, char *buf, size_t len)
{
	return memcg_has(m, v) ? fmt_bytes(m->v[v], buf, len) : "-";
}

static void header(FILE *f, const struct cgroups_report *r, const struct style *st)
{
	const struct cgroup_set *s = r->set;
	char b1[32], b2[32];

	fprintf(f, "%skleak cgroups%s: %zu memory cgroups", st->bold, st->reset, s->stats.visited);
	for (size_t i = 0; i < s->hiers.n; i++)
		fprintf(f, "%s v%d %s", i ? "," : " in", s->hiers.v[i].version, s->hiers.v[i].dir);
	if (r->have_host)
		fprintf(f, "; host %s available of %s",
			fmt_bytes(r->host_available_bytes, b1, sizeof(b1)),
			fmt_bytes(r->host_total_bytes, b2, sizeof(b2)));
	fputc('\n', f);
	if (s->stats.capped)
		fprintf(f, "%sonly the first %zu cgroups were read (--max-cgroups)%s\n", st->warn,
			s->max_cgroups, st->reset);
}

static void table(FILE *f, const struct cgroups_report *r, const struct style *st, int top)
{
	char b[6][32], label[160], safe[128];

	fprintf(f, "\n%s%-44s %10s %10s %10s %10s %10s%s\n", st->bold, "CGROUP", "KERNEL",
		"SLAB_UNREC", "SLAB_REC", "MEMORY", "LIMIT", st->reset);
	for (size_t i = 0; i < r->nrows && (int)i < top; i++) {
		const struct cgroup_row *x = &r->rows[i];
		const struct memcg *m = &x->ent->m;

		text_safe(cgroup_row_label(x), safe, sizeof(safe));
		snprintf(label, sizeof(label), "%s%s", safe, x->aggregate ? " (sum)" : "");
		fprintf(f, "%-44s %10s %10s %10s %10s %10s\n", label,
			fmt_bytes(x->kernel_bytes, b[0], sizeof(b[0])),
			val(m, MEMCG_SLAB_UNRECLAIMABLE, b[1], sizeof(b[1])),
			val(m, MEMCG_SLAB_RECLAIMABLE, b[2], sizeof(b[2])),
			val(m, MEMCG_MEMORY, b[3], sizeof(b[3])),
			x->has_limit ? fmt_bytes(x->limit_bytes, b[4], sizeof(b[4])) : "-");
		if (x->name[0])
			fprintf(f, "  %s%s%s\n", st->dim,
				text_safe(x->ent->path, safe, sizeof(safe)), st->reset);
	}
	if (r->nrows > (size_t)top)
		fprintf(f, "%s... %zu more (--top N, or --json for all)%s\n", st->dim,
			r->nrows - (size_t)top, st->reset);
}

static void findings(FILE *f, const struct cgroups_report *r, const struct style *st)
{
	fprintf(f, "\n%sFindings%s\n", st->bold, st->reset);
	if (!r->nfindings)
		fprintf(f, "  none: no cgroup reached its limit, no OOM or kmem failure counted\n");
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *x = &r->findings[i];
		const char *c = x->severity == SEV_CRITICAL  ? st->crit
				: x->severity == SEV_WARNING ? st->warn
							     : "";

		fprintf(f, "  %s[%s]%s ", c, severity_name(x->severity), st->reset);
		text_fputs(x->summary, f);
		fputs("\n      ", f);
		text_fputs(x->evidence, f);
		fputs("\n      next: ", f);
		text_fputs(x->next, f);
		fputc('\n', f);
	}
}

void cgroups_render_text(FILE *f, const struct cgroups_report *r, const struct render_opts *o)
{
	struct style st = { "", "", "", "", "" };
	char msg[1024];

	if (o->color)
		st = (struct style){ FMT_BOLD, FMT_YELLOW, FMT_RED, FMT_DIM, FMT_RESET };
	header(f, r, &st);
	table(f, r, &st, o->top);
	findings(f, r, &st);
	if (r->set->names_err.code) {
		fputs("\nA runtime's metadata did not parse (containers named by path): ", f);
		text_fputs(kerr_str(&r->set->names_err, msg, sizeof(msg)), f);
		fputc('\n', f);
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Text views of the growth report: a live screen for a TTY (in the manner
 * of slabtop: components, top growers, elapsed time, redrawn in place),
 * one line per sample for pipes and files, and the final report.
 */
#include <limits.h>
#include <string.h>
#include <time.h>

#include "output/fmt.h"
#include "util/text.h"
#include "watch_render.h"

static const char *const shown_fields[] = { "Slab",	   "SUnreclaim",  "SReclaimable",
					    "VmallocUsed", "KernelStack", "PageTables",
					    "Percpu",	   "Unaccounted", NULL };

static const char *rate_str(double bytes_per_hour, char *buf, size_t len)
{
	char b[32];

	snprintf(buf, len, "%s/h", fmt_sbytes(bytes_per_hour, b, sizeof(b)));
	return buf;
}

static const char *col(const struct watch_view *v, enum trend_verdict vd)
{
	if (!v->color)
		return "";
	switch (vd) {
	case TREND_LEAK:
		return FMT_RED;
	case TREND_RECLAIMABLE:
	case TREND_POSSIBLE:
		return FMT_YELLOW;
	default:
		return FMT_DIM;
	}
}

/*
 * A module is named with it; a cgroup with its counter unless `kernel`.
 * Names come from the kernel or a recording handed in: shown escaped.
 */
static const char *display_name(const struct series *s, char *buf, size_t len)
{
	char raw[sizeof(((struct series *)0)->name) + 96];

	if (s->module[0] && s->source != SERIES_ALLOCINFO)
		snprintf(raw, sizeof(raw), "%s [%s]", s->name, s->module);
	else if (s->source == SERIES_CGROUP && strcmp(s->counter, "kernel"))
		snprintf(raw, sizeof(raw), "%s (%s)", s->name, s->counter);
	else
		snprintf(raw, sizeof(raw), "%s", s->name);
	return text_safe(raw, buf, len);
}

static void render_leak_rows(FILE *f, const struct watch_view *v, size_t max)
{
	const struct series_set *set = v->set;
	size_t shown = 0;

	fprintf(f, "  %-19s %-14s %-32s %10s %11s %14s %5s  %s\n", "VERDICT", "SOURCE", "NAME",
		"NOW", "GROWTH", "RATE", "CONF", "WHY NOT A LEAK");
	for (size_t i = 0; i < v->rep->n && shown < max; i++, shown++) {
		const struct trend_leak *l = &v->rep->v[i];
		const struct series *s = &set->v[l->series];
		char now[32], gr[32], rate[40], name[512];

		fprintf(f, "  %s%-19s%s %-14s %-32.32s %10s %11s %14s %5.2f  %s\n",
			col(v, l->verdict),
			l->explained ? "explained" : trend_verdict_name(l->verdict),
			v->color ? FMT_RESET : "", series_source_name(s->source),
			display_name(s, name, sizeof(name)), fmt_bytes(s->last, now, sizeof(now)),
			fmt_sbytes(l->growth_bytes, gr, sizeof(gr)),
			rate_str(l->rate_bytes_per_hour, rate, sizeof(rate)), l->confidence,
			trend_reason_name(l->reason) ? trend_reason_name(l->reason) : "");
		if (l->explained && l->nexplained) {
			fprintf(f, "  %-19s %-14s   by", "", "");
			for (int k = 0; k < l->nexplained; k++)
				fprintf(f, "%s %s", k ? "," : "",
					text_safe(set->v[l->explained_by[k]].name, name,
						  sizeof(name)));
			fputc('\n', f);
		}
	}
	if (v->rep->n > shown)
		fprintf(f, "  ... %zu more (--top N, or --json for all)\n", v->rep->n - shown);
}

/* " kernel: 2 new events (oom, kmemleak)": what the log said since the last line. */
static void new_events(FILE *f, const struct watch_view *v)
{
	const struct klog_stream *ks = v->klog;
	size_t n = ks ? ks->events.n - ks->new_from : 0;

	if (!n)
		return;
	fprintf(f, "  kernel: %zu new event%s (", n, n == 1 ? "" : "s");
	for (size_t i = ks->new_from; i < ks->events.n && i < ks->new_from + 4; i++)
		fprintf(f, "%s%s", i > ks->new_from ? ", " : "",
			klog_kind_name(ks->events.v[i].kind));
	fputs(n > 4 ? ", ...)" : ")", f);
}

/* The final report's kernel log: its findings, each with its time. */
static void render_klog(FILE *f, const struct watch_view *v)
{
	const struct klog_findings *kf = v->klog_findings;

	if (!v->klog || !v->klog->seen)
		return;
	fprintf(f, "\nKernel log: %zu event%s in %llu records\n", v->klog->events.n,
		v->klog->events.n == 1 ? "" : "s", (unsigned long long)v->klog->records);
	for (size_t i = 0; kf && i < kf->n; i++) {
		const struct klog_finding *x = &kf->v[i];
		char t[40] = "";
		time_t secs = (time_t)(x->wall_ns / 1000000000LL);
		struct tm tm;

		if (x->has_wall && localtime_r(&secs, &tm))
			strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S ", &tm);
		fprintf(f, "  [%s] %s%s: %s\n      %s\n      next: %s\n",
			severity_name(x->f.severity), t, x->f.subject, x->f.summary, x->f.evidence,
			x->f.next);
	}
}

static const struct trend_leak *leak_of(const struct watch_view *v, const struct series *s)
{
	for (size_t i = 0; i < v->rep->n; i++)
		if (&v->set->v[v->rep->v[i].series] == s)
			return &v->rep->v[i];
	return NULL;
}

void watch_render_live(FILE *f, const struct watch_view *v)
{
	const struct series_set *set = v->set;
	char el[32], rel[512];

	fputs("\033[H\033[2J", f);
	fprintf(f, "%skleak watch%s  %s  elapsed %s  samples %llu  every %.3gs  series %zu\n\n",
		v->color ? FMT_BOLD : "", v->color ? FMT_RESET : "",
		v->snap && v->snap->release[0] ? text_safe(v->snap->release, rel, sizeof(rel)) : "",
		fmt_duration_ns((uint64_t)(set->last_t * 1e9), el, sizeof(el)),
		(unsigned long long)set->samples, v->interval_s, set->count);
	fprintf(f, "  %-14s %10s %11s %14s\n", "COMPONENT", "NOW", "GROWTH", "RATE");
	for (int i = 0; shown_fields[i]; i++) {
		const struct series *s = series_find(set, SERIES_MEMINFO, shown_fields[i], NULL);
		const struct trend_leak *l;
		char now[32], gr[32], rate[40];

		if (!s)
			continue;
		/* Growth since the first point for all; a rate where analysed. */
		l = leak_of(v, s);
		fprintf(f, "  %-14s %10s %11s %14s\n", s->name,
			fmt_bytes(s->last, now, sizeof(now)),
			set->n ? fmt_sbytes((double)s->last - s->v[0], gr, sizeof(gr)) : "",
			l ? rate_str(l->rate_bytes_per_hour, rate, sizeof(rate)) : "");
	}
	fputs("\nSeries that grew, most suspicious first\n", f);
	if (!v->rep->n)
		fputs("  nothing has grown yet\n", f);
	else
		render_leak_rows(f, v, v->top);
	if (v->klog && v->klog->events.n) {
		fputc('\n', f);
		new_events(f, v);
		fprintf(f, "%s%zu in all\n",
			v->klog->events.n > v->klog->new_from ? "; " : "  kernel: ",
			v->klog->events.n);
	}
	fputs("\nCtrl-C ends the watch and prints the growth report.\n", f);
	fflush(f);
}

void watch_render_line(FILE *f, const struct watch_view *v)
{
	const struct series_set *set = v->set;

	fprintf(f, "%7.1fs", set->last_t);
	for (int i = 0; shown_fields[i]; i++) {
		const struct series *s = series_find(set, SERIES_MEMINFO, shown_fields[i], NULL);
		char b[32];

		if (s && i < 5)
			fprintf(f, "  %s %s", s->name, fmt_bytes(s->last, b, sizeof(b)));
	}
	if (v->rep->n && v->rep->v[0].verdict <= TREND_POSSIBLE) {
		const struct trend_leak *l = &v->rep->v[0];
		char rate[40], name[512];

		fprintf(f, "  top: %s %s %s (%.2f, %s)",
			series_source_name(set->v[l->series].source),
			display_name(&set->v[l->series], name, sizeof(name)),
			rate_str(l->rate_bytes_per_hour, rate, sizeof(rate)), l->confidence,
			trend_verdict_name(l->verdict));
	}
	new_events(f, v);
	fputc('\n', f);
	fflush(f);
}

void watch_render_report(FILE *f, const struct watch_view *v)
{
	const struct series_set *set = v->set;
	size_t leaks = 0, growing = 0;
	char el[32];

	for (size_t i = 0; i < v->rep->n; i++) {
		leaks += v->rep->v[i].verdict == TREND_LEAK && !v->rep->v[i].explained;
		growing += v->rep->v[i].verdict <= TREND_POSSIBLE;
	}
	char file[PATH_MAX * 2];

	if (v->file)
		fprintf(f, "Growth report for %s%s\n", text_safe(v->file, file, sizeof(file)),
			v->truncated ? " (ends in an incomplete sample: ignored)" : "");
	fprintf(f, "%llu samples over %s (every %.3gs), %zu series, %zu points kept\n",
		(unsigned long long)set->samples,
		fmt_duration_ns((uint64_t)(set->last_t * 1e9), el, sizeof(el)), v->interval_s,
		set->count, set->n);
	if (set->n < 3) {
		fputs("Too few samples for a trend: take at least 5.\n", f);
		render_klog(f, v);
		return;
	}
	if (!v->rep->n) {
		fputs("Nothing grew: no kernel memory leak seen in this window.\n", f);
		render_klog(f, v);
		return;
	}
	fprintf(f, "%zu series growing, %zu steady unreclaimable growth (leak)\n", growing, leaks);
	fprintf(f, "Leak window %s: growth seen for less is `growing`, never `leak`.\n\n",
		fmt_duration_ns((uint64_t)(v->rep->leak_window_s * 1e9), el, sizeof(el)));
	render_leak_rows(f, v, v->top);
	render_klog(f, v);
}

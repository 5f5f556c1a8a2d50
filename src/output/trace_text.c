// SPDX-License-Identifier: GPL-2.0
/* `kleak trace`'s text view and start banner (see trace_render.h). */
#include "output/trace_render.h"

#include <string.h>

#include "output/fmt.h"
#include "util/text.h"

bool trace_render_shown(const struct trace_report *rep, const struct trace_callsite *c)
{
	return !rep->min_age_ns || c->outstanding_count.v > 0;
}

const char *trace_render_frame(const struct trace_report *rep, uint64_t addr,
			       const struct render_opts *o, char *buf, size_t len)
{
	char sym[200];
	const char *mod;

	trace_sym_format(rep->ksyms, addr, sym, sizeof(sym), &mod);
	if (o->show_addresses)
		snprintf(buf, len, "0x%llx %s%s%s%s", (unsigned long long)addr, sym,
			 mod ? " [" : "", mod ? mod : "", mod ? "]" : "");
	else
		snprintf(buf, len, "%s%s%s%s", sym, mod ? " [" : "", mod ? mod : "",
			 mod ? "]" : "");
	return buf;
}

void trace_render_banner(FILE *f, const struct trace_info *in)
{
	char mem[32];

	fprintf(f,
		"kleak trace: tracking at most %u objects (--max-entries) and %u call sites; "
		"the BPF maps hold %s; events:",
		in->max_entries, in->max_callsites, fmt_bytes(in->map_bytes, mem, sizeof(mem)));
	for (size_t i = 0; i < in->nattached; i++)
		fprintf(f, " %s", in->attached[i]);
	if (in->sample > 1)
		fprintf(f, "; sampling 1 in %u objects, seed %llu (estimates with 95%% bounds)",
			in->sample, (unsigned long long)in->sample_seed);
	fputc('\n', f);
	for (size_t i = 0; i < in->nmissing; i++)
		fprintf(f, "kleak trace: tracepoint %s is absent in this kernel: not traced\n",
			in->missing[i]);
}

static const char *short_num(double v, char *buf, size_t len)
{
	if (v >= 1e6)
		snprintf(buf, len, "%.1fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.0fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
	return buf;
}

/* "1.2k" or, for an estimate, "~1.2k (1.0k-1.4k)": never "+- 0". */
static const char *est_str(const struct trace_est *e, bool bytes, char *buf, size_t len)
{
	char v[32], lo[32], hi[32];

	if (bytes) {
		fmt_bytes(e->v, v, sizeof(v));
		fmt_bytes(e->lo, lo, sizeof(lo));
		fmt_bytes(e->hi, hi, sizeof(hi));
	} else {
		short_num((double)e->v, v, sizeof(v));
		short_num((double)e->lo, lo, sizeof(lo));
		short_num((double)e->hi, hi, sizeof(hi));
	}
	if (e->lo == e->hi)
		snprintf(buf, len, "%s", v);
	else
		snprintf(buf, len, "~%s (%s-%s)", v, lo, hi);
	return buf;
}

/* The lines above the table: time, outstanding, unconfirmed, missed events. */
static void text_head(FILE *f, const struct trace_report *rep, const struct render_opts *o)
{
	const uint64_t *ct = rep->counters;
	char b1[32], b2[128], b3[128], b4[32];

	fprintf(f, "%skleak trace%s %s  %s, %llu objects tracked (max %u)%s\n",
		o->color ? FMT_BOLD : "", o->color ? FMT_RESET : "",
		fmt_duration_ns(rep->elapsed_ns, b1, sizeof(b1)),
		rep->sample > 1 ? "sampled, 95% bounds" : "exact", (unsigned long long)rep->objects,
		rep->info->max_entries, rep->final ? "  (final)" : "");
	fprintf(f, "outstanding %s objects, %s%s%s\n",
		est_str(&rep->outstanding_count, false, b2, sizeof(b2)),
		est_str(&rep->outstanding_bytes, true, b3, sizeof(b3)),
		rep->min_age_ns ? " older than " : "",
		rep->min_age_ns ? fmt_duration_ns(rep->min_age_ns, b4, sizeof(b4)) : "");
	if (rep->unconfirmed_count.v)
		fprintf(f,
			"of which unconfirmed %s objects, %s: their call sites have missed frees "
			"(bulk frees, recursion): they may be gone\n",
			est_str(&rep->unconfirmed_count, false, b2, sizeof(b2)),
			est_str(&rep->unconfirmed_bytes, true, b3, sizeof(b3)));
	fprintf(f,
		"%smissed events: recursion %llu, dropped %llu, delete failures %llu; "
		"repaired %llu; frees of untracked objects %llu%s\n",
		o->color && (rep->recursion_misses || ct[TC_DROPPED_OBJECTS] ||
			     ct[TC_DROPPED_SITES])
			? FMT_YELLOW
			: "",
		(unsigned long long)rep->recursion_misses,
		(unsigned long long)(ct[TC_DROPPED_OBJECTS] + ct[TC_DROPPED_SITES]),
		(unsigned long long)ct[TC_MISSED_DELETES], (unsigned long long)ct[TC_REPAIRED],
		(unsigned long long)ct[TC_UNMATCHED_FREES], o->color ? FMT_RESET : "");
	if (ct[TC_STACK_ERRORS])
		fprintf(f, "stacks not recorded %llu (hash collisions in the stack map %llu)\n",
			(unsigned long long)ct[TC_STACK_ERRORS],
			(unsigned long long)ct[TC_STACK_COLLISIONS]);
	if (ct[TC_DROPPED_OBJECTS])
		fprintf(f,
			"warning: the object map was full %llu times: raise --max-entries or "
			"use --sample N\n",
			(unsigned long long)ct[TC_DROPPED_OBJECTS]);
	if (ct[TC_DROPPED_SITES])
		fprintf(f,
			"warning: %llu allocations at call sites beyond the %u kleak can hold "
			"were not counted\n",
			(unsigned long long)ct[TC_DROPPED_SITES], rep->info->max_callsites);
}

static void text_stacks(FILE *f, const struct trace_report *rep, const struct trace_callsite *c,
			const struct render_opts *o)
{
	char buf[300];

	for (size_t i = 0; i < c->nstacks; i++) {
		fprintf(f, "      stack (%llu sampled objects):\n",
			(unsigned long long)c->stacks[i].count);
		for (size_t k = 0; k < c->stacks[i].nframes && k < 12; k++) {
			trace_render_frame(rep, c->stacks[i].frames[k], o, buf, sizeof(buf));
			fputs("        ", f);
			text_fputs(buf, f);
			fputc('\n', f);
		}
	}
}

/* "getname_flags+0x2f", or "getname_flags (.part.0+0x2f)" for a clone. */
static const char *site_name(const struct trace_callsite *c, char *buf, size_t len)
{
	const char *off = strchr(c->callsite, '+');

	if (c->clone[0])
		snprintf(buf, len, "%s (%s%s)", c->function, c->clone, off ? off : "");
	else
		snprintf(buf, len, "%s", c->callsite);
	return buf;
}

static void text_row(FILE *f, const struct trace_report *rep, const struct trace_callsite *c,
		     const struct render_opts *o)
{
	char b1[128], b2[128], b3[32], b4[32], b5[32], name[300], site[320], who[64], comm[64];
	char unconf[64] = "", ssite[1300], cache[256], mod[256];

	site_name(c, name, sizeof(name));
	if (o->show_addresses)
		snprintf(site, sizeof(site), "0x%llx %s", (unsigned long long)c->addr, name);
	else
		snprintf(site, sizeof(site), "%s", name);
	if (c->npids && c->outstanding_count.v)
		snprintf(who, sizeof(who), "  (%s %u: %llu)",
			 c->pids[0].comm[0] ? text_safe(c->pids[0].comm, comm, sizeof(comm)) : "?",
			 c->pids[0].pid, (unsigned long long)c->pids[0].count.v);
	else
		who[0] = 0;
	if (c->unconfirmed_count.v)
		snprintf(unconf, sizeof(unconf), "  [unconfirmed: frees missed here]");
	/* sampled: the bytes' estimate, the count's with its bounds */
	if (rep->sample > 1)
		snprintf(b1, sizeof(b1), "~%s", fmt_bytes(c->outstanding_bytes.v, b3, sizeof(b3)));
	else
		fmt_bytes(c->outstanding_bytes.v, b1, sizeof(b1));
	fprintf(f, "%10s %*s %9s %9s %8s  %-22s %s%s%s%s%s%s\n", b1, rep->sample > 1 ? 22 : 9,
		est_str(&c->outstanding_count, false, b2, sizeof(b2)),
		short_num(c->alloc_rate.v, b3, sizeof(b3)),
		short_num(c->free_rate.v, b4, sizeof(b4)),
		c->oldest_age_ns ? fmt_duration_ns(c->oldest_age_ns, b5, sizeof(b5)) : "-",
		c->cache_name[0] ? text_safe(c->cache_name, cache, sizeof(cache))
				 : trace_kind_name(c->kind),
		text_safe(site, ssite, sizeof(ssite)), c->module[0] ? " [" : "",
		text_safe(c->module, mod, sizeof(mod)), c->module[0] ? "]" : "", who, unconf);
	text_stacks(f, rep, c, o);
}

void trace_render_text(FILE *f, const struct trace_report *rep, const struct render_opts *o)
{
	int shown = 0;

	text_head(f, rep, o);
	fprintf(f, "\n%10s %*s %9s %9s %8s  %-22s %s\n", "BYTES", rep->sample > 1 ? 22 : 9,
		rep->sample > 1 ? "COUNT (95% bounds)" : "COUNT", "ALLOC/s", "FREE/s", "OLDEST",
		"CACHE", "CALL SITE  (top process: its objects)");
	for (size_t i = 0; i < rep->ncs && shown < o->top; i++) {
		const struct trace_callsite *c = &rep->cs[i];

		if (!trace_render_shown(rep, c) || (!c->outstanding_count.v && !c->alloc_rate.v))
			continue;
		shown++;
		text_row(f, rep, c, o);
	}
	fputc('\n', f);
	fflush(f);
}

void trace_render_live(FILE *f, const struct trace_report *rep, const struct render_opts *o)
{
	fputs("\033[H\033[2J", f);
	trace_render_text(f, rep, o);
}

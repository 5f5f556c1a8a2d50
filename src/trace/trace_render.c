// SPDX-License-Identifier: GPL-2.0
/* Text and NDJSON views of one trace interval (see trace_render.h). */
#include "trace/trace_render.h"

#include <string.h>

#include "output/fmt.h"
#include "output/json.h"

static bool shown(const struct trace_callsite *c, const struct trace_render_opts *o)
{
	return !o->min_age_ns || c->outstanding_count > 0;
}

static void frame_str(const struct trace_ksyms *ks, uint64_t addr, bool addrs, char *buf,
		      size_t len)
{
	char sym[200];
	const char *mod;

	trace_sym_format(ks, addr, sym, sizeof(sym), &mod);
	if (addrs)
		snprintf(buf, len, "0x%llx %s%s%s%s", (unsigned long long)addr, sym,
			 mod ? " [" : "", mod ? mod : "", mod ? "]" : "");
	else
		snprintf(buf, len, "%s%s%s%s", sym, mod ? " [" : "", mod ? mod : "",
			 mod ? "]" : "");
}

static void json_callsite(struct json *j, const struct trace_callsite *c,
			  const struct trace_ksyms *ks, const struct trace_render_opts *o)
{
	char buf[300];

	json_obj_begin(j);
	json_kv_str(j, "callsite", c->callsite);
	json_kv_str(j, "function", c->function);
	json_kv_str(j, "module", c->module[0] ? c->module : NULL);
	json_kv_str(j, "cache", c->cache_name[0] ? c->cache_name : NULL);
	json_key(j, "aliases");
	json_arr_begin(j);
	for (size_t i = 0; i < c->naliases && i < 8; i++)
		json_str(j, c->aliases[i]);
	json_arr_end(j);
	json_kv_str(j, "kind", trace_kind_name(c->kind));
	if (o->show_addresses) {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)c->addr);
		json_kv_str(j, "address", buf);
	}
	json_kv_u64(j, "outstanding_count", c->outstanding_count);
	json_kv_u64(j, "outstanding_bytes", c->outstanding_bytes);
	json_kv_double(j, "outstanding_count_error", c->count_error);
	json_kv_u64(j, "allocs", c->allocs);
	json_kv_u64(j, "frees", c->frees);
	json_kv_u64(j, "repaired", c->repaired);
	json_kv_u64(j, "alloc_bytes", c->alloc_bytes);
	json_kv_u64(j, "free_bytes", c->free_bytes);
	json_kv_double(j, "alloc_rate_per_s", c->alloc_rate);
	json_kv_double(j, "free_rate_per_s", c->free_rate);
	json_kv_double(j, "oldest_age_s", c->oldest_age_ns / 1e9);
	json_key(j, "pids");
	json_arr_begin(j);
	for (size_t i = 0; i < c->npids; i++) {
		json_obj_begin(j);
		json_kv_u64(j, "pid", c->pids[i].pid);
		json_kv_str(j, "comm", c->pids[i].comm[0] ? c->pids[i].comm : NULL);
		json_kv_u64(j, "outstanding_count", c->pids[i].count);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "stacks");
	json_arr_begin(j);
	for (size_t i = 0; i < c->nstacks; i++) {
		json_obj_begin(j);
		json_kv_u64(j, "count", c->stacks[i].count);
		json_key(j, "frames");
		json_arr_begin(j);
		for (size_t f = 0; f < c->stacks[i].nframes; f++) {
			frame_str(ks, c->stacks[i].frames[f], o->show_addresses, buf,
				  sizeof(buf));
			json_str(j, buf);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void trace_render_json(FILE *f, const struct trace_session *s,
		       const struct trace_report *rep, const struct trace_ksyms *ks,
		       const struct trace_render_opts *o)
{
	const uint64_t *ct = rep->counters;
	struct json j;

	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_bool(&j, "final", o->final);
	json_kv_double(&j, "elapsed_s", rep->elapsed_ns / 1e9);
	json_kv_double(&j, "interval_s", rep->interval_ns / 1e9);
	json_key(&j, "events");
	json_arr_begin(&j);
	for (size_t i = 0; i < s->nattached; i++)
		json_str(&j, s->attached[i]);
	json_arr_end(&j);
	json_key(&j, "missing_events");
	json_arr_begin(&j);
	for (size_t i = 0; i < s->nmissing; i++)
		json_str(&j, s->missing[i]);
	json_arr_end(&j);
	json_kv_u64(&j, "sample", rep->sample);
	json_kv_bool(&j, "estimated", rep->sample > 1);
	json_kv_double(&j, "min_age_s", o->min_age_ns / 1e9);
	json_kv_u64(&j, "max_entries", s->opts.max_entries);
	json_kv_u64(&j, "map_bytes", s->memlock_bytes);
	json_kv_u64(&j, "objects_tracked", rep->objects);
	json_kv_u64(&j, "outstanding_count", rep->outstanding_count);
	json_kv_u64(&j, "outstanding_bytes", rep->outstanding_bytes);
	json_kv_u64(&j, "lost", 0); /* no event stream: nothing to lose */
	json_kv_u64(&j, "dropped", ct[TC_DROPPED_OBJECTS] + ct[TC_DROPPED_SITES]);
	json_kv_u64(&j, "dropped_objects", ct[TC_DROPPED_OBJECTS]);
	json_kv_u64(&j, "dropped_callsites", ct[TC_DROPPED_SITES]);
	json_kv_u64(&j, "missed_deletes", ct[TC_MISSED_DELETES]);
	json_kv_u64(&j, "recursion_misses", rep->recursion_misses);
	json_kv_u64(&j, "repaired", ct[TC_REPAIRED]);
	json_kv_u64(&j, "unmatched_frees", ct[TC_UNMATCHED_FREES]);
	json_kv_u64(&j, "stack_errors", ct[TC_STACK_ERRORS]);
	json_key(&j, "programs");
	json_arr_begin(&j);
	for (size_t i = 0; i < rep->nprogs; i++) {
		json_obj_begin(&j);
		json_kv_str(&j, "event", rep->progs[i].name);
		json_kv_u64(&j, "run_count", rep->progs[i].run_count);
		json_kv_u64(&j, "run_time_ns", rep->progs[i].run_time_ns);
		json_kv_u64(&j, "recursion_misses", rep->progs[i].recursion_misses);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "callsites");
	json_arr_begin(&j);
	for (size_t i = 0; i < rep->ncs; i++)
		if (shown(&rep->cs[i], o))
			json_callsite(&j, &rep->cs[i], ks, o);
	json_arr_end(&j);
	json_obj_end(&j);
	json_end_doc(&j);
}

void trace_render_banner(FILE *f, const struct trace_session *s)
{
	char mem[32];

	fprintf(f, "kleak trace: tracking at most %u objects (--max-entries); the BPF maps "
		   "hold %s; events:",
		s->opts.max_entries, fmt_bytes(s->memlock_bytes, mem, sizeof(mem)));
	for (size_t i = 0; i < s->nattached; i++)
		fprintf(f, " %s", s->attached[i]);
	if (s->opts.sample > 1)
		fprintf(f, "; sampling 1 in %u objects (estimates)", s->opts.sample);
	fputc('\n', f);
	for (size_t i = 0; i < s->nmissing; i++)
		fprintf(f, "kleak trace: tracepoint %s is absent in this kernel: not traced\n",
			s->missing[i]);
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

static void text_stacks(FILE *f, const struct trace_callsite *c, const struct trace_ksyms *ks,
			const struct trace_render_opts *o)
{
	char buf[300];

	for (size_t i = 0; i < c->nstacks; i++) {
		fprintf(f, "      stack (%llu sampled objects):\n",
			(unsigned long long)c->stacks[i].count);
		for (size_t k = 0; k < c->stacks[i].nframes && k < 12; k++) {
			frame_str(ks, c->stacks[i].frames[k], o->show_addresses, buf, sizeof(buf));
			fprintf(f, "        %s\n", buf);
		}
	}
}

void trace_render_text(FILE *f, const struct trace_session *s,
		       const struct trace_report *rep, const struct trace_ksyms *ks,
		       const struct trace_render_opts *o)
{
	const uint64_t *ct = rep->counters;
	char b1[32], b2[32], b3[32], b4[32], b5[32];
	bool color = o->tty && fmt_use_color(f);
	int shown_n = 0;

	if (o->tty)
		fputs("\033[H\033[2J", f);
	fprintf(f, "%skleak trace%s %s  %s, %llu objects tracked (max %u)%s\n",
		color ? FMT_BOLD : "", color ? FMT_RESET : "",
		fmt_duration_ns(rep->elapsed_ns, b1, sizeof(b1)),
		rep->sample > 1 ? "sampled" : "exact", (unsigned long long)rep->objects,
		s->opts.max_entries, o->final ? "  (final)" : "");
	fprintf(f, "outstanding %s%s objects, %s%s%s\n", rep->sample > 1 ? "~" : "",
		short_num((double)rep->outstanding_count, b2, sizeof(b2)),
		fmt_bytes(rep->outstanding_bytes, b3, sizeof(b3)),
		o->min_age_ns ? " older than " : "",
		o->min_age_ns ? fmt_duration_ns(o->min_age_ns, b4, sizeof(b4)) : "");
	fprintf(f, "%smissed events: recursion %llu, dropped %llu, delete failures %llu, "
		   "lost 0; repaired %llu; frees of untracked objects %llu%s\n",
		color && (rep->recursion_misses || ct[TC_DROPPED_OBJECTS] ||
			  ct[TC_DROPPED_SITES]) ? FMT_YELLOW : "",
		(unsigned long long)rep->recursion_misses,
		(unsigned long long)(ct[TC_DROPPED_OBJECTS] + ct[TC_DROPPED_SITES]),
		(unsigned long long)ct[TC_MISSED_DELETES], (unsigned long long)ct[TC_REPAIRED],
		(unsigned long long)ct[TC_UNMATCHED_FREES], color ? FMT_RESET : "");
	if (ct[TC_DROPPED_OBJECTS])
		fprintf(f, "warning: the object map was full %llu times: raise --max-entries or "
			   "use --sample N\n", (unsigned long long)ct[TC_DROPPED_OBJECTS]);
	fprintf(f, "\n%10s %9s %9s %9s %8s  %-22s %s\n", "BYTES", "COUNT", "ALLOC/s",
		"FREE/s", "OLDEST", "CACHE", "CALL SITE  (top process: its objects)");
	for (size_t i = 0; i < rep->ncs && shown_n < o->top; i++) {
		const struct trace_callsite *c = &rep->cs[i];
		char site[300], who[64];

		if (!shown(c, o) || (!c->outstanding_count && !c->alloc_rate))
			continue;
		shown_n++;
		if (o->show_addresses)
			snprintf(site, sizeof(site), "0x%llx %s", (unsigned long long)c->addr,
				 c->callsite);
		else
			snprintf(site, sizeof(site), "%s", c->callsite);
		if (c->npids && c->outstanding_count)
			snprintf(who, sizeof(who), "  (%s %u: %llu)",
				 c->pids[0].comm[0] ? c->pids[0].comm : "?", c->pids[0].pid,
				 (unsigned long long)c->pids[0].count);
		else
			who[0] = 0;
		fprintf(f, "%10s %9s %9s %9s %8s  %-22s %s%s%s%s%s\n",
			fmt_bytes(c->outstanding_bytes, b1, sizeof(b1)),
			short_num((double)c->outstanding_count, b2, sizeof(b2)),
			short_num(c->alloc_rate, b3, sizeof(b3)),
			short_num(c->free_rate, b4, sizeof(b4)),
			c->oldest_age_ns ? fmt_duration_ns(c->oldest_age_ns, b5, sizeof(b5)) : "-",
			c->cache_name[0] ? c->cache_name : trace_kind_name(c->kind), site,
			c->module[0] ? " [" : "", c->module, c->module[0] ? "]" : "", who);
		text_stacks(f, c, ks, o);
	}
	fputc('\n', f);
	fflush(f);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Putting a report's lines together (the rules are in klog.h): a first
 * line opens a report in a slot; later lines go to the open report they
 * belong to, found by kind, by caller when the log names callers, and by
 * the part of the report the line comes from (a second "Mem-Info:" is not
 * the first one's continuation). Slots close at the report's last line,
 * at a break in the log, or when nothing joined them for a while.
 */
#include "klog_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/vec.h"

void klog_ctx_init(struct klog_ctx *c, struct klog_log *log, const char *src,
		   const struct klog_parse_opts *o, struct kerr *e)
{
	memset(c, 0, sizeof(*c));
	c->log = log;
	c->src = src;
	c->o = o;
	c->e = e;
}

struct klog_event *klog_ctx_event(struct klog_ctx *c, const struct klog_slot *s)
{
	return &c->log->v[s->ev];
}

static void close_slot(struct klog_ctx *c, size_t i)
{
	struct klog_event *ev = klog_ctx_event(c, &c->slots[i]);

	ev->truncated = !ev->complete;
	c->slots[i] = c->slots[--c->nslots];
}

void klog_ctx_break(struct klog_ctx *c)
{
	while (c->nslots)
		close_slot(c, c->nslots - 1);
}

/* Reports nothing joined for KLOG_REPORT_GAP_NS were cut off. */
static void close_stale(struct klog_ctx *c, const struct klog_msg *m)
{
	if (!m->at.has_mono)
		return;
	for (size_t i = c->nslots; i-- > 0;)
		if (c->slots[i].has_mono &&
		    m->at.mono_ns > c->slots[i].last_mono + KLOG_REPORT_GAP_NS)
			close_slot(c, i);
}

static bool same_caller(const struct klog_slot *s, const struct klog_msg *m)
{
	return !s->caller[0] || !m->at.caller[0] || !strcmp(s->caller, m->at.caller);
}

/*
 * The open report a line of section sec joins: of kind k (or any kind
 * that prints such a line when k is KLOG_KIND_COUNT), by the same caller,
 * not past sec (equal only when again is true: more lines of that part),
 * the one started last.
 */
static struct klog_slot *find(struct klog_ctx *c, const struct klog_msg *m, enum klog_kind k,
			      enum klog_section sec, bool again)
{
	struct klog_slot *best = NULL;

	for (size_t i = 0; i < c->nslots; i++) {
		struct klog_slot *s = &c->slots[i];
		enum klog_kind sk = klog_ctx_event(c, s)->kind;

		if (k == KLOG_KIND_COUNT ? sk == KLOG_SLUB_ALLOC_FAILURE : sk != k)
			continue;
		if (!same_caller(s, m) || (again ? s->sec != sec : s->sec >= sec))
			continue;
		if (!best || s->order > best->order)
			best = s;
	}
	return best;
}

static void joined(struct klog_ctx *c, struct klog_slot *s, const struct klog_msg *m,
		   enum klog_section sec)
{
	klog_ctx_event(c, s)->last_line = m->at.line;
	s->sec = sec;
	if (m->at.has_mono) {
		s->last_mono = m->at.mono_ns;
		s->has_mono = true;
	}
}

static int oom_error(struct klog_ctx *c, const struct klog_msg *m)
{
	return kerr_set(c->e, -ENOMEM, c->src, m->at.line, "out of memory");
}

/* Appends ev (its stamp, comm and kind-specific part filled) to the log. */
static int add_event(struct klog_ctx *c, const struct klog_msg *m, struct klog_event *ev)
{
	struct klog_log *log = c->log;

	if (log->n >= KLOG_MAX_EVENTS) {
		free(ev->oom);
		return kerr_set(c->e, -E2BIG, c->src, m->at.line, "more than %d events",
				KLOG_MAX_EVENTS);
	}
	ev->at = m->at;
	ev->last_line = m->at.line;
	if (vec_push(&log->v, &log->n, &log->cap, sizeof(*ev), ev)) {
		free(ev->oom);
		return oom_error(c, m);
	}
	return 0;
}

/* Opens a slot for the event just added, closing an older one of its kind. */
static void open_slot(struct klog_ctx *c, const struct klog_msg *m)
{
	enum klog_kind k = c->log->v[c->log->n - 1].kind;
	struct klog_slot *s;

	for (size_t i = c->nslots; i-- > 0;)
		if (klog_ctx_event(c, &c->slots[i])->kind == k && same_caller(&c->slots[i], m))
			close_slot(c, i);
	if (c->nslots == KLOG_SLOTS) { /* the oldest goes */
		size_t old = 0;

		for (size_t i = 1; i < c->nslots; i++)
			if (c->slots[i].order < c->slots[old].order)
				old = i;
		close_slot(c, old);
	}
	s = &c->slots[c->nslots++];
	memset(s, 0, sizeof(*s));
	s->ev = c->log->n - 1;
	s->order = ++c->started;
	snprintf(s->caller, sizeof(s->caller), "%s", m->at.caller);
	joined(c, s, m, SEC_START);
}

/* A report's first line, or a one-line event. 1 when taken. */
static int start(struct klog_ctx *c, const struct klog_msg *m)
{
	struct klog_event ev = { .pid = -1 };
	bool report = true;
	int r;

	if (klog_starts(m->text, m->len, "kmemleak: ")) {
		ev.kind = KLOG_KMEMLEAK;
		if (!klog_match_kmemleak(m->text, m->len, &ev))
			return 0;
		report = false;
	} else if (klog_match_unload(m->text, m->len, &ev)) {
		ev.kind = KLOG_ALLOC_TAG_UNLOAD;
		report = false;
	} else if (klog_match_page_failure(m->text, m->len, &ev)) {
		ev.kind = KLOG_PAGE_ALLOC_FAILURE;
	} else if (klog_match_vmalloc_error(m->text, m->len, &ev)) {
		ev.kind = KLOG_VMALLOC_ERROR;
	} else if (klog_match_slub_start(m->text, m->len, &ev)) {
		ev.kind = KLOG_SLUB_ALLOC_FAILURE;
	} else {
		struct klog_oom oom = { 0 };

		if (!klog_match_oom_start(m->text, m->len, &ev, &oom))
			return 0;
		ev.kind = KLOG_OOM;
		if (!(ev.oom = malloc(sizeof(oom))))
			return oom_error(c, m);
		*ev.oom = oom;
	}
	ev.complete = !report;
	if ((r = add_event(c, m, &ev)))
		return r;
	if (report)
		open_slot(c, m);
	return 1;
}

/* The show_mem() part of a report, allocated when its first line comes. */
static struct klog_show_mem *show_mem(struct klog_ctx *c, struct klog_slot *s)
{
	struct klog_event *ev = klog_ctx_event(c, s);

	if (!ev->mem)
		ev->mem = calloc(1, sizeof(*ev->mem));
	return ev->mem;
}

/* Lines that OOM reports and allocation failures share. 1 when taken. */
static int shared_line(struct klog_ctx *c, const struct klog_msg *m)
{
	const char *t = m->text;
	size_t n = m->len;
	struct klog_slot *s;
	struct klog_show_mem *sm;
	struct klog_alloc_site site;

	if (klog_starts(t, n, "CPU: ") && (s = find(c, m, KLOG_KIND_COUNT, SEC_CPU, false))) {
		struct klog_event *ev = klog_ctx_event(c, s);
		char comm[KLOG_COMM_LEN];

		if (!klog_match_cpu(t, n, &ev->pid, comm, sizeof(comm)))
			return 0;
		if (!ev->comm[0])
			snprintf(ev->comm, sizeof(ev->comm), "%s", comm);
		joined(c, s, m, SEC_CPU);
		return 1;
	}
	if (n == 9 && !memcmp(t, "Mem-Info:", 9) &&
	    (s = find(c, m, KLOG_KIND_COUNT, SEC_MEMINFO, false))) {
		if (!(sm = show_mem(c, s)))
			return oom_error(c, m);
		sm->info.present = true;
		joined(c, s, m, SEC_MEMINFO);
		return 1;
	}
	if ((s = find(c, m, KLOG_KIND_COUNT, SEC_MEMINFO, true)) && klog_ctx_event(c, s)->mem &&
	    klog_match_meminfo(t, n, &klog_ctx_event(c, s)->mem->info)) {
		struct klog_event *ev = klog_ctx_event(c, s);

		if (ev->kind != KLOG_OOM && ev->mem->info.have_reserved)
			ev->complete = true; /* the fixed part of show_mem() is over */
		joined(c, s, m, SEC_MEMINFO);
		return 1;
	}
	if (n == 19 && !memcmp(t, "Memory allocations:", 19) &&
	    (s = find(c, m, KLOG_KIND_COUNT, SEC_ALLOCS, false))) {
		if (!show_mem(c, s))
			return oom_error(c, m);
		joined(c, s, m, SEC_ALLOCS);
		return 1;
	}
	if ((s = find(c, m, KLOG_KIND_COUNT, SEC_ALLOCS, true)) &&
	    klog_match_alloc_site(t, n, &site)) {
		sm = klog_ctx_event(c, s)->mem;
		if (sm && sm->nsites < KLOG_MAX_ALLOC_SITES)
			sm->sites[sm->nsites++] = site;
		joined(c, s, m, SEC_ALLOCS);
		return 1;
	}
	return 0;
}

static int slab_row(struct klog_ctx *c, struct klog_slot *s, const struct klog_msg *m)
{
	struct klog_oom *oom = klog_ctx_event(c, s)->oom;
	struct klog_slab_row row;

	if (m->len == 0 || !klog_match_slab_row(m->text, m->len, &row))
		return 0;
	if (vec_push(&oom->slab, &oom->nslab, &oom->capslab, sizeof(row), &row))
		return oom_error(c, m);
	joined(c, s, m, SEC_SLAB);
	return 1;
}

/* Lines only an OOM report prints. 1 when taken. */
static int oom_line(struct klog_ctx *c, const struct klog_msg *m)
{
	const char *t = m->text;
	size_t n = m->len;
	struct klog_slot *s;
	struct klog_event *ev;
	int r;

	/* the memory cgroup's part: usage lines, then its memory.stat */
	if ((s = find(c, m, KLOG_OOM, SEC_MEMINFO, false))) {
		bool hdr = klog_starts(t, n, "Memory cgroup stats for ");

		ev = klog_ctx_event(c, s);
		if (hdr || klog_match_memcg_usage(t, n, ev->oom) ||
		    (s->memcg_stats && s->sec == SEC_MEMCG &&
		     klog_match_memcg_stat(t, n, ev->oom))) {
			s->memcg_stats |= hdr;
			joined(c, s, m, SEC_MEMCG);
			return 1;
		}
	}
	if (n == 24 && !memcmp(t, "Unreclaimable slab info:", 24) &&
	    (s = find(c, m, KLOG_OOM, SEC_SLAB, false))) {
		klog_ctx_event(c, s)->oom->slab_table = true;
		joined(c, s, m, SEC_SLAB);
		return 1;
	}
	if ((s = find(c, m, KLOG_OOM, SEC_SLAB, true)) && (r = slab_row(c, s, m)))
		return r;
	if (klog_starts(t, n, "Tasks state (memory values in pages)") &&
	    (s = find(c, m, KLOG_OOM, SEC_TASKS, false))) {
		joined(c, s, m, SEC_TASKS);
		return 1;
	}
	if (klog_starts(t, n, "oom-kill:") && (s = find(c, m, KLOG_OOM, SEC_CONSTRAINT, false)) &&
	    klog_match_constraint(t, n, klog_ctx_event(c, s)->oom)) {
		joined(c, s, m, SEC_CONSTRAINT);
		return 1;
	}
	return 0;
}

/* The lines that end an OOM report. 1 when taken. */
static int oom_end(struct klog_ctx *c, const struct klog_msg *m)
{
	struct klog_slot *s = find(c, m, KLOG_OOM, SEC_END, false);
	struct klog_event *ev;

	if (!s)
		return 0;
	ev = klog_ctx_event(c, s);
	if (klog_starts(m->text, m->len, "Out of memory and no killable processes")) {
		ev->oom->no_killable = true;
	} else if (!klog_find(m->text, m->len, "Killed process ") ||
		   !klog_match_killed(m->text, m->len, ev->oom)) {
		return 0;
	}
	ev->complete = true;
	joined(c, s, m, SEC_END);
	close_slot(c, (size_t)(s - c->slots));
	return 1;
}

static int slub_line(struct klog_ctx *c, const struct klog_msg *m)
{
	struct klog_slot *s = find(c, m, KLOG_SLUB_ALLOC_FAILURE, SEC_START, true);
	struct klog_event *ev;

	if (!s)
		return 0;
	ev = klog_ctx_event(c, s);
	if (klog_match_slub_cache(m->text, m->len, &ev->slub))
		ev->complete = true;
	else if (!klog_match_slub_node(m->text, m->len, &ev->slub) &&
		 !klog_find(m->text, m->len, " debugging increased min order"))
		return 0;
	joined(c, s, m, SEC_START);
	return 1;
}

int klog_ctx_line(struct klog_ctx *c, const struct klog_msg *m)
{
	int r;

	if (m->at.has_mono) {
		c->last_mono = m->at.mono_ns;
		c->has_last_mono = true;
	}
	if (c->nslots)
		close_stale(c, m);
	if ((r = start(c, m)))
		return r < 0 ? r : 0;
	if (!c->nslots)
		return 0;
	if ((r = shared_line(c, m)) || (r = oom_line(c, m)) || (r = oom_end(c, m)) ||
	    (r = slub_line(c, m)))
		return r < 0 ? r : 0;
	return 0;
}

void klog_ctx_finish(struct klog_ctx *c)
{
	const struct klog_parse_opts *o = c->o;
	struct klog_log *log = c->log;

	log->resume_seq = log->next_seq;
	while (c->nslots) {
		struct klog_slot *s = &c->slots[c->nslots - 1];
		struct klog_event *ev = klog_ctx_event(c, s);

		if (!ev->complete && o && o->now_mono_ns && s->has_mono &&
		    o->now_mono_ns < s->last_mono + KLOG_OPEN_GRACE_NS) {
			ev->open = true;
			if (ev->at.has_seq && ev->at.seq < log->resume_seq)
				log->resume_seq = ev->at.seq;
			c->nslots--;
			continue;
		}
		close_slot(c, c->nslots - 1);
	}
}

uint64_t klog_mem_info_lru_pages(const struct klog_mem_info *m)
{
	return m->active_anon + m->inactive_anon + m->isolated_anon + m->active_file +
	       m->inactive_file + m->isolated_file + m->unevictable;
}

int klog_log_append(struct klog_log *l, const struct klog_event *ev)
{
	struct klog_event c = *ev;

	c.oom = NULL;
	c.mem = NULL;
	if (ev->oom && !(c.oom = malloc(sizeof(*c.oom))))
		goto nomem;
	if (ev->oom) {
		*c.oom = *ev->oom;
		c.oom->slab = NULL;
		c.oom->capslab = c.oom->nslab;
		if (c.oom->nslab && !(c.oom->slab = malloc(c.oom->nslab * sizeof(*c.oom->slab))))
			goto nomem;
		if (c.oom->nslab)
			memcpy(c.oom->slab, ev->oom->slab, c.oom->nslab * sizeof(*c.oom->slab));
	}
	if (ev->mem && !(c.mem = malloc(sizeof(*c.mem))))
		goto nomem;
	if (ev->mem)
		*c.mem = *ev->mem;
	if (!vec_push(&l->v, &l->n, &l->cap, sizeof(c), &c))
		return 0;
nomem:
	if (c.oom)
		free(c.oom->slab);
	free(c.oom);
	free(c.mem);
	return -ENOMEM;
}

void klog_log_free(struct klog_log *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].oom)
			free(l->v[i].oom->slab);
		free(l->v[i].oom);
		free(l->v[i].mem);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

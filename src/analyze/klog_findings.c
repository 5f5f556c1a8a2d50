// SPDX-License-Identifier: GPL-2.0
/*
 * The rules that turn kernel-log events into findings (docs/klog.md):
 * an OOM whose unreclaimable slab outweighed user memory names its top
 * caches and the command that traces the first; a memory cgroup's OOM
 * names the cgroup; an unload warning the module and its sites; kmemleak's
 * count, allocation failures and SLUB failures what failed. Events of the
 * same finding (id and subject) are counted into one, with the latest
 * event's details: a log may repeat a warning for days.
 */
#include "analyze/klog_findings.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/allocinfo_top.h"
#include "util/fmt.h"
#include "util/text.h"
#include "util/vec.h"

void klog_findings_opts_default(struct klog_findings_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->page_size = 4096; /* Mem-Info counts pages; x86-64 and most arm64 */
	o->top_caches = 3;   /* the leak is nearly always the first: two for scale */
	o->costly_order = 3; /* PAGE_ALLOC_COSTLY_ORDER: above it the kernel gives up early */
}

bool klog_event_wall_ns(const struct klog_event *ev, int64_t boot_wall_ns, int64_t *wall_ns)
{
	if (ev->at.has_wall) {
		*wall_ns = ev->at.wall_ns;
		return true;
	}
	if (ev->at.has_mono && boot_wall_ns) {
		*wall_ns = boot_wall_ns + (int64_t)ev->at.mono_ns;
		return true;
	}
	return false;
}

bool klog_oom_slab_exceeds_user(const struct klog_event *ev)
{
	const struct klog_mem_info *m;

	if (ev->kind != KLOG_OOM || !ev->oom)
		return false;
	if (ev->oom->slab_table)
		return true;
	m = ev->mem ? &ev->mem->info : NULL;
	return m && m->present && m->slab_unreclaimable > klog_mem_info_lru_pages(m);
}

size_t klog_oom_top_caches(const struct klog_event *ev, const struct klog_slab_row **out, size_t n)
{
	size_t k = 0;

	if (!ev->oom)
		return 0;
	for (size_t i = 0; i < ev->oom->nslab; i++) { /* insertion into the top n */
		const struct klog_slab_row *r = &ev->oom->slab[i];
		size_t j = k < n ? k++ : n;

		while (j > 0 && out[j - 1]->used_bytes < r->used_bytes) {
			if (j < n)
				out[j] = out[j - 1];
			j--;
		}
		if (j < n)
			out[j] = r;
	}
	return k;
}

/* snprintf that may cut: evidence is capped at the finding's field size. */
__attribute__((format(printf, 3, 4))) static void textf(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, len, fmt, ap);
	va_end(ap);
}

/* "[   15.665271] " as the log stamped it, or "" */
static const char *stamp(const struct klog_event *ev, char *buf, size_t len)
{
	if (ev->at.has_mono)
		snprintf(buf, len, "[%llu.%06llu] ",
			 (unsigned long long)(ev->at.mono_ns / 1000000000ULL),
			 (unsigned long long)(ev->at.mono_ns % 1000000000ULL / 1000));
	else
		buf[0] = '\0';
	return buf;
}

struct ctx {
	const struct klog_log *log;
	const struct klog_findings_opts *o;
	struct klog_findings *out;
	size_t ev; /* the event being turned into a finding */
};

/* The finding with this id and subject so far, or NULL. */
static const struct klog_finding *prev(const struct ctx *c, const char *id, const char *subject)
{
	for (size_t i = 0; i < c->out->n; i++)
		if (!strcmp(c->out->v[i].f.id, id) && !strcmp(c->out->v[i].f.subject, subject))
			return &c->out->v[i];
	return NULL;
}

/*
 * Adds a finding, or counts the event into the one with the same id and
 * subject (which then shows the latest event, at the highest severity).
 */
static int add(struct ctx *c, enum severity sev, const char *id, const char *subject,
	       const char *summary, const char *evidence, const char *next, uint64_t total)
{
	const struct klog_event *ev = &c->log->v[c->ev];
	const struct klog_finding *p = prev(c, id, subject);
	struct klog_finding f = { .event = c->ev, .count = 1, .total = total, .at = ev->at };

	if (p) {
		f.count = p->count + 1;
		if (p->f.severity > sev)
			sev = p->f.severity;
		c->out->v[p - c->out->v] = c->out->v[--c->out->n];
	}
	f.f.severity = sev;
	snprintf(f.f.id, sizeof(f.f.id), "%s", id);
	snprintf(f.f.subject, sizeof(f.f.subject), "%s", subject);
	snprintf(f.f.summary, sizeof(f.f.summary), "%s", summary);
	snprintf(f.f.evidence, sizeof(f.f.evidence), "%s", evidence);
	snprintf(f.f.next, sizeof(f.f.next), "%s", next);
	f.has_wall = klog_event_wall_ns(ev, c->o->boot_wall_ns, &f.wall_ns);
	return vec_push(&c->out->v, &c->out->n, &c->out->cap, sizeof(f), &f) ? -ENOMEM : 0;
}

/* The largest site of show_mem's list that is not a container (slab pages). */
static const struct klog_alloc_site *top_site(const struct klog_event *ev)
{
	for (size_t i = 0; ev->mem && i < ev->mem->nsites; i++) {
		const struct klog_alloc_site *s = &ev->mem->sites[i];
		struct alloc_site as = { .file = s->site,
					 .function = s->function,
					 .module = s->module[0] ? s->module : NULL };

		if (alloc_site_kind(&as) == ALLOC_SITE_KERNEL)
			return s;
	}
	return NULL;
}

static int oom_slab(struct ctx *c, const struct klog_event *ev, const char *killed)
{
	const struct klog_slab_row *top[8];
	const struct klog_mem_info *m = ev->mem ? &ev->mem->info : NULL;
	const struct klog_alloc_site *site = top_site(ev);
	size_t k = klog_oom_top_caches(ev, top, c->o->top_caches < 8 ? c->o->top_caches : 8);
	char ev_s[400], caches[160] = "", b1[32], b2[32], st[32], next[200], q[128];
	size_t used = 0;

	for (size_t i = 0; i < k && used < sizeof(caches); i++) {
		textf(caches + used, sizeof(caches) - used, "%s%s %s", i ? ", " : "", top[i]->cache,
		      fmt_bytes(top[i]->used_bytes, b1, sizeof(b1)));
		used += strlen(caches + used);
	}
	textf(ev_s, sizeof(ev_s), "%s%s; unreclaimable slab %s > user memory %s%s%s%s%s%s%s",
	      stamp(ev, st, sizeof(st)), killed,
	      fmt_bytes(m ? m->slab_unreclaimable * c->o->page_size : 0, b1, sizeof(b1)),
	      fmt_bytes(m ? klog_mem_info_lru_pages(m) * c->o->page_size : 0, b2, sizeof(b2)),
	      k ? "; top caches: " : "", caches, site ? "; top site: " : "", site ? site->site : "",
	      site ? " func:" : "", site ? site->function : "");
	if (k)
		textf(next, sizeof(next),
		      "kleak trace --cache %s  (who allocates it without freeing)",
		      text_shell_quote(top[0]->cache, q, sizeof(q)));
	else
		textf(next, sizeof(next), "kleak trace --min-age 60  (which call sites hold slab)");
	return add(c, SEV_CRITICAL, "oom-unreclaimable-slab", k ? top[0]->cache : "slab",
		   "the OOM killer ran while unreclaimable slab outweighed user memory: kernel memory filled the machine",
		   ev_s, next, 0);
}

/* The container (or pod) whose cgroup path is, as the runtime names it; NULL. */
static const char *container_of(const struct ctx *c, const char *path, char *buf, size_t len)
{
	struct cgroup_ident id;

	if (!c->o->cgroups)
		return NULL;
	cgroup_path_classify(path, &id);
	if (id.kind != CGROUP_CONTAINER && id.kind != CGROUP_POD)
		return NULL;
	return cgroup_set_name(c->o->cgroups, path, &id, buf, len);
}

static int oom_memcg(struct ctx *c, const struct klog_event *ev, const char *killed)
{
	const struct klog_oom *oom = ev->oom;
	const char *cg = oom->oom_memcg[0] ? oom->oom_memcg : oom->task_memcg;
	uint64_t kernel = oom->have_memcg_stats ? oom->memcg_kernel : oom->memcg_kmem_bytes;
	bool kmem = oom->have_memcg_usage && kernel * 2 >= oom->memcg_usage_bytes;
	char ev_s[400], b1[32], b2[32], b3[32], st[32], next[200], q[KLOG_PATH_LEN + 8];
	char name[CONTAINER_NAME_LEN], in[CONTAINER_NAME_LEN + 16] = "";
	const char *ctr = container_of(c, cg, name, sizeof(name));

	if (ctr)
		textf(in, sizeof(in), " (container %s)", ctr);
	textf(ev_s, sizeof(ev_s), "%smemcg %s%s at its limit %s (kernel memory %s, anon %s); %s",
	      stamp(ev, st, sizeof(st)), cg, in, fmt_bytes(oom->memcg_limit_bytes, b1, sizeof(b1)),
	      fmt_bytes(kernel, b2, sizeof(b2)), fmt_bytes(oom->memcg_anon, b3, sizeof(b3)),
	      killed);
	textf(next, sizeof(next), "kleak trace %s %s --min-age 60  (%s)",
	      ctr ? "--container" : "--cgroup", text_shell_quote(ctr ? ctr : cg, q, sizeof(q)),
	      kmem ? "which kernel call sites hold its memory" : "if its kernel memory grows");
	return add(c, kmem ? SEV_WARNING : SEV_INFO, "memcg-oom", ctr ? ctr : cg,
		   kmem ? "a memory cgroup ran out of memory, mostly kernel memory: a kernel leak charged to it?"
			: "a memory cgroup hit its limit (memory.max) with user memory",
		   ev_s, next, 0);
}

static int oom(struct ctx *c, const struct klog_event *ev)
{
	const struct klog_oom *oom = ev->oom;
	const struct klog_mem_info *m = ev->mem ? &ev->mem->info : NULL;
	char killed[160], ev_s[400], b1[32], b2[32], b3[32], st[32];

	if (oom->killed)
		textf(killed, sizeof(killed), "killed %s (pid %lld, anon-rss %s)%s",
		      oom->killed_comm, (long long)oom->killed_pid,
		      fmt_bytes(oom->killed_anon_rss_bytes, b1, sizeof(b1)),
		      ev->truncated ? "; report truncated" : "");
	else
		textf(killed, sizeof(killed), "%s",
		      oom->no_killable ? "no killable process: the kernel panics"
				       : "report truncated before the kill");
	if (oom->memcg)
		return oom_memcg(c, ev, killed);
	if (klog_oom_slab_exceeds_user(ev))
		return oom_slab(c, ev, killed);
	textf(ev_s, sizeof(ev_s), "%s%s; user memory %s, unreclaimable slab %s, free %s",
	      stamp(ev, st, sizeof(st)), killed,
	      fmt_bytes(m ? klog_mem_info_lru_pages(m) * c->o->page_size : 0, b1, sizeof(b1)),
	      fmt_bytes(m ? m->slab_unreclaimable * c->o->page_size : 0, b2, sizeof(b2)),
	      fmt_bytes(m ? m->free * c->o->page_size : 0, b3, sizeof(b3)));
	return add(c, SEV_WARNING, "oom", oom->killed ? oom->killed_comm : "?",
		   "the OOM killer ran: memory ran out (processes held most of it)", ev_s,
		   "kleak watch -i 10 -d 10m  (does kernel memory keep growing?)", 0);
}

/* Sums every unload warning of the module (all its sites). */
static int unload(struct ctx *c, const struct klog_event *ev)
{
	const struct klog_unload *u = &ev->unload;
	const struct klog_finding *p = prev(c, "module-unload-leak", u->module);
	uint64_t bytes = (p ? p->total : 0) + u->bytes, sites = (p ? p->count : 0) + 1;
	char ev_s[400], b[32], st[32], next[200], q[128];

	textf(ev_s, sizeof(ev_s),
	      "%s[%s] unloaded holding %s in %llu warning%s; the last: %s func:%s has %llu bytes",
	      stamp(ev, st, sizeof(st)), u->module, fmt_bytes(bytes, b, sizeof(b)),
	      (unsigned long long)sites, sites == 1 ? "" : "s", u->site, u->function,
	      (unsigned long long)u->bytes);
	textf(next, sizeof(next),
	      "kleak trace --min-age 60  (load %s again: which call sites keep objects)",
	      text_shell_quote(u->module, q, sizeof(q)));
	return add(c, SEV_CRITICAL, "module-unload-leak", u->module,
		   "a module was unloaded with memory it allocated still live: leaked until reboot",
		   ev_s, next, bytes);
}

static int kmemleak(struct ctx *c, const struct klog_event *ev)
{
	const struct klog_finding *p = prev(c, "kmemleak-new-leaks", "kmemleak");
	uint64_t total = (p ? p->total : 0) + ev->count, times = (p ? p->count : 0) + 1;
	char ev_s[300], st[32];

	textf(ev_s, sizeof(ev_s),
	      "%skmemleak: %llu new suspected memory leaks (%llu in %llu announcement%s)",
	      stamp(ev, st, sizeof(st)), (unsigned long long)ev->count, (unsigned long long)total,
	      (unsigned long long)times, times == 1 ? "" : "s");
	return add(c, SEV_WARNING, "kmemleak-new-leaks", "kmemleak",
		   "kmemleak found new unreferenced objects", ev_s,
		   "kleak kmemleak report  (grouped by backtrace, with module and function)",
		   total);
}

static int alloc_failure(struct ctx *c, const struct klog_event *ev)
{
	const struct klog_alloc_failure *f = &ev->fail;
	const struct klog_mem_info *m = ev->mem ? &ev->mem->info : NULL;
	bool vm = ev->kind == KLOG_VMALLOC_ERROR;
	bool minor = vm ? strstr(f->reason, "exceeds total pages") != NULL
			: f->order > c->o->costly_order;
	char ev_s[300], what[96], b1[32], b2[32], st[32];

	if (vm)
		textf(what, sizeof(what), "vmalloc of %s failed (%s)",
		      fmt_bytes(f->size, b1, sizeof(b1)), f->reason);
	else
		textf(what, sizeof(what), "order-%u allocation (%s) failed", f->order,
		      fmt_bytes(c->o->page_size << (f->order < 40 ? f->order : 40), b1,
				sizeof(b1)));
	textf(ev_s, sizeof(ev_s), "%s%s: %s, mode %s; free %s", stamp(ev, st, sizeof(st)),
	      ev->comm[0] ? ev->comm : "?", what, f->gfp_flags,
	      m && m->present ? fmt_bytes(m->free * c->o->page_size, b2, sizeof(b2)) : "unknown");
	if (vm)
		return add(c, minor ? SEV_INFO : SEV_WARNING, "vmalloc-failure", ev->comm,
			   minor ? "a vmalloc asked for more than the machine has: a caller's bug, not a shortage"
				 : "a vmalloc failed: memory is short",
			   ev_s, "kleak trace --vmalloc  (vmalloc areas by call site)", 0);
	return add(c, minor ? SEV_INFO : SEV_WARNING, "page-alloc-failure", ev->comm,
		   minor ? "a large contiguous allocation failed: memory is fragmented or short"
			 : "a small page allocation failed: memory is exhausted",
		   ev_s, "kleak trace --pages  (page allocations by call site)", 0);
}

static int slub(struct ctx *c, const struct klog_event *ev)
{
	const struct klog_slub *s = &ev->slub;
	char ev_s[300], st[32], next[200], q[128];

	textf(ev_s, sizeof(ev_s),
	      "%sSLUB could not grow %s (objects of %llu bytes, %s): %llu objects in %llu slabs, %llu free",
	      stamp(ev, st, sizeof(st)), s->cache[0] ? s->cache : "?",
	      (unsigned long long)s->object_size, s->gfp_flags, (unsigned long long)s->objs,
	      (unsigned long long)s->slabs, (unsigned long long)s->free);
	textf(next, sizeof(next), "kleak count --cache %s -i 5  (allocations against frees)",
	      text_shell_quote(s->cache[0] ? s->cache : "?", q, sizeof(q)));
	return add(c, SEV_WARNING, "slub-alloc-failure", s->cache[0] ? s->cache : "?",
		   "a slab cache could not get pages to grow", ev_s, next, 0);
}

static int cmp(const void *a, const void *b)
{
	const struct klog_finding *x = a, *y = b;

	if (x->f.severity != y->f.severity)
		return x->f.severity > y->f.severity ? -1 : 1;
	return (x->event > y->event) - (x->event < y->event);
}

int klog_findings(const struct klog_log *log, const struct klog_findings_opts *o,
		  struct klog_findings *out, struct kerr *e)
{
	struct klog_findings_opts def;
	struct ctx c = { .log = log, .o = o, .out = out };
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (!o) {
		klog_findings_opts_default(&def);
		c.o = &def;
	}
	for (c.ev = 0; c.ev < log->n && !r; c.ev++) {
		const struct klog_event *ev = &log->v[c.ev];

		if (ev->open)
			continue;
		switch (ev->kind) {
		case KLOG_OOM:
			r = ev->oom ? oom(&c, ev) : 0;
			break;
		case KLOG_ALLOC_TAG_UNLOAD:
			r = unload(&c, ev);
			break;
		case KLOG_KMEMLEAK:
			r = kmemleak(&c, ev);
			break;
		case KLOG_PAGE_ALLOC_FAILURE:
		case KLOG_VMALLOC_ERROR:
			r = alloc_failure(&c, ev);
			break;
		case KLOG_SLUB_ALLOC_FAILURE:
			r = slub(&c, ev);
			break;
		default:
			break;
		}
	}
	if (r) {
		klog_findings_free(out);
		return kerr_set(e, r, "kernel log", 0, "out of memory");
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp);
	return 0;
}

void klog_findings_free(struct klog_findings *f)
{
	if (!f)
		return;
	free(f->v);
	memset(f, 0, sizeof(*f));
}

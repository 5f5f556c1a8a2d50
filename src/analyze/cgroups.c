// SPDX-License-Identifier: GPL-2.0
/*
 * Ranking the memory cgroups by kernel memory and the per-cgroup findings;
 * the rules and why in cgroups.h, the thresholds in cgroups_opts_default.
 */
#include "cgroups.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"
#include "util/num.h"
#include "util/strmap.h"
#include "util/text.h"

void cgroups_opts_default(struct cgroups_opts *o)
{
	/* Reclaim starts at the limit: 90% is where a container lives when
	 * its memory cannot go anywhere but back to the kernel. */
	o->near_limit_pct = 90;
	/* Most containers hold mostly page cache and anon; half kernel memory
	 * is what the lesson's dentry case looks like. */
	o->kernel_share_pct = 50;
	/* "The host has plenty": a fifth of its memory still available. */
	o->host_free_pct = 20;
	/* Children holding most of it: the parent is their sum. */
	o->aggregate_pct = 50;
	o->only = NULL;
}

/* path is only, or below it. */
static bool in_subtree(const char *path, const char *only)
{
	size_t n;

	if (!only)
		return true;
	n = strlen(only);
	if (n == 1 && only[0] == '/')
		return true;
	return !strncmp(path, only, n) && (path[n] == '\0' || path[n] == '/');
}

const char *cgroup_row_label(const struct cgroup_row *row)
{
	return row->name[0] ? row->name : row->ent->path;
}

/* memcg `kernel`, else what the kernel does report of it. */
static uint64_t kernel_of(const struct memcg *m, bool *reported)
{
	static const enum memcg_value parts[] = {
		MEMCG_SLAB_RECLAIMABLE, MEMCG_SLAB_UNRECLAIMABLE, MEMCG_KERNEL_STACK,
		MEMCG_PAGETABLES,	MEMCG_SEC_PAGETABLES,	  MEMCG_PERCPU,
		MEMCG_VMALLOC,
	};
	uint64_t sum = 0;

	*reported = memcg_has(m, MEMCG_KERNEL);
	if (*reported)
		return m->v[MEMCG_KERNEL];
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (memcg_has(m, parts[i]))
			sum = num_sat_add(sum, m->v[parts[i]]);
	return sum;
}

/* "v<version>:<path>" -> index, to find each cgroup's parent. */
static size_t parent_of(const struct strmap *map, const struct cgroup_entry *ent)
{
	char key[PATH_MAX + 8];
	const char *slash = strrchr(ent->path, '/');
	int n;

	if (!ent->depth || !slash)
		return STRMAP_NONE;
	n = snprintf(key, sizeof(key), "v%d:%.*s", ent->m.version,
		     slash == ent->path ? 1 : (int)(slash - ent->path), ent->path);
	if (n < 0 || (size_t)n >= sizeof(key))
		return STRMAP_NONE;
	return strmap_get(map, key, (size_t)n);
}

static int index_paths(const struct cgroup_set *s, struct strmap *map, size_t *parent)
{
	char key[PATH_MAX + 8];

	for (size_t i = 0; i < s->n; i++) {
		int n = snprintf(key, sizeof(key), "v%d:%s", s->v[i].m.version, s->v[i].path);

		if (n > 0 && (size_t)n < sizeof(key) &&
		    strmap_intern(map, key, (size_t)n, i) == STRMAP_NONE)
			return -ENOMEM;
	}
	for (size_t i = 0; i < s->n; i++)
		parent[i] = parent_of(map, &s->v[i]);
	return 0;
}

/* Own limit, else the nearest ancestor's (v1 reports it in memory.stat). */
static void effective_limit(const struct cgroup_set *s, const size_t *parent, size_t i,
			    struct cgroup_row *row)
{
	uint64_t v;

	for (size_t j = i, hops = 0; j != STRMAP_NONE && hops < CGROUPS_MAX_DEPTH + 1;
	     j = parent[j], hops++) {
		if (memcg_get(&s->v[j].m, MEMCG_LIMIT, &v) &&
		    (!row->has_limit || v < row->limit_bytes)) {
			row->limit_bytes = v;
			row->has_limit = true;
		}
	}
	if (memcg_get(&s->v[i].m, MEMCG_HIER_LIMIT, &v) &&
	    (!row->has_limit || v < row->limit_bytes)) {
		row->limit_bytes = v;
		row->has_limit = true;
	}
}

/*
 * A cgroupfs Kubernetes path does not say which runtime runs the
 * container; the runtime whose files named it does.
 */
static void runtime_from_names(const struct cgroup_set *s, struct cgroup_ident *id)
{
	const struct container_name *cn;

	if (id->kind != CGROUP_CONTAINER)
		return;
	cn = container_names_find(&s->names, id->id);
	if (cn && cn->runtime[0])
		id->runtime = cn->runtime;
}

static int rank_cmp(const void *a, const void *b)
{
	const struct cgroup_row *x = a, *y = b;

	if (x->aggregate != y->aggregate)
		return x->aggregate ? 1 : -1;
	if (x->kernel_bytes != y->kernel_bytes)
		return x->kernel_bytes > y->kernel_bytes ? -1 : 1;
	return strcmp(x->ent->path, y->ent->path);
}

static int build_rows(const struct cgroup_set *s, const struct cgroups_opts *o,
		      struct cgroups_report *r)
{
	struct strmap map = { 0 };
	size_t *parent = calloc(s->n ? s->n : 1, sizeof(*parent));
	uint64_t *kern = calloc(s->n ? s->n : 1, sizeof(*kern));
	uint64_t *child = calloc(s->n ? s->n : 1, sizeof(*child));
	int ret = -ENOMEM;

	r->rows = calloc(s->n ? s->n : 1, sizeof(*r->rows));
	if (!parent || !kern || !child || !r->rows || index_paths(s, &map, parent))
		goto out;
	for (size_t i = 0; i < s->n; i++) {
		bool rep;

		kern[i] = kernel_of(&s->v[i].m, &rep);
		if (parent[i] != STRMAP_NONE)
			child[parent[i]] += kern[i];
	}
	for (size_t i = 0; i < s->n; i++) {
		struct cgroup_row *row = &r->rows[r->nrows];
		char name[CONTAINER_NAME_LEN];

		if (!s->v[i].depth || !in_subtree(s->v[i].path, o->only))
			continue;
		row->ent = &s->v[i];
		row->kernel_bytes = kernel_of(&s->v[i].m, &row->kernel_reported);
		row->children_kernel_bytes = child[i];
		row->aggregate = row->kernel_bytes &&
				 child[i] * 100.0 >= o->aggregate_pct * row->kernel_bytes;
		cgroup_path_classify(s->v[i].path, &row->ident);
		runtime_from_names(s, &row->ident);
		if (cgroup_set_name(s, s->v[i].path, &row->ident, name, sizeof(name)))
			snprintf(row->name, sizeof(row->name), "%s", name);
		effective_limit(s, parent, i, row);
		r->nrows++;
	}
	qsort(r->rows, r->nrows, sizeof(*r->rows), rank_cmp);
	ret = 0;
out:
	strmap_free(&map);
	free(parent);
	free(kern);
	free(child);
	return ret;
}

static int add_finding(struct cgroups_report *r, enum severity sev, const char *id,
		       const char *subject, const char *summary, const char *evidence,
		       const char *next)
{
	return finding_push(&r->findings, &r->nfindings, &r->capfindings, sev, id, subject, summary,
			    evidence, next);
}

/* snprintf for finding texts: a long container name may cut them, by design. */
__attribute__((format(printf, 3, 4))) static void say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* The limit was reached: memory near it now, or the kernel counted hits. */
static bool at_limit(const struct cgroup_row *row, const struct cgroups_opts *o, uint64_t *hits)
{
	const struct memcg *m = &row->ent->m;
	uint64_t mem = 0;

	*hits = 0;
	if (!row->has_limit)
		return false;
	memcg_get(m, m->version == 2 ? MEMCG_EV_MAX : MEMCG_FAILCNT, hits);
	memcg_get(m, MEMCG_MEMORY, &mem);
	return *hits > 0 || pct(mem, row->limit_bytes) >= o->near_limit_pct;
}

/* "slab 62% of its memory, mostly reclaimable (58% of it)" or why not. */
static void slab_words(const struct memcg *m, uint64_t mem, char *buf, size_t len,
		       bool *reclaimable)
{
	uint64_t rec = 0, unrec = 0, slab = 0;
	bool split = memcg_get(m, MEMCG_SLAB_RECLAIMABLE, &rec) &&
		     memcg_get(m, MEMCG_SLAB_UNRECLAIMABLE, &unrec);

	*reclaimable = false;
	if (split) {
		*reclaimable = rec >= unrec;
		say(buf, len,
		    "slab is %.0f%% of its memory, %s (reclaimable %.0f%%, unreclaimable %.0f%% of the slab)",
		    pct(rec + unrec, mem),
		    *reclaimable
			    ? "mostly reclaimable: the kernel could free it under pressure, and that it stays is the lesson's case"
			    : "mostly unreclaimable: only the code that allocated it frees it",
		    pct(rec, rec + unrec), pct(unrec, rec + unrec));
	} else if (memcg_get(m, MEMCG_SLAB, &slab)) {
		say(buf, len,
		    "slab is %.0f%% of its memory (largest cache %s; this kernel does not split reclaimable from unreclaimable per cgroup)",
		    pct(slab, mem), m->top_cache[0] ? m->top_cache : "?");
	} else {
		say(buf, len,
		    "cgroup v%d on this kernel reports kernel memory but no slab split: whether it is reclaimable is unknown",
		    m->version);
	}
}

/*
 * The share of a cgroup's memory that is kernel memory. The files are read
 * one after the other while the cgroup runs, and a cgroup at its limit
 * reclaims in between: kernel can read above memory. Capped at 100%.
 */
static double kernel_share(uint64_t kernel, uint64_t mem)
{
	return kernel >= mem ? 100.0 : pct(kernel, mem);
}

static int lesson_finding(struct cgroups_report *r, const struct cgroup_row *row,
			  const struct cgroups_opts *o)
{
	const struct memcg *m = &row->ent->m;
	char sum[200], ev[300], next[200], slab[240], q[160];
	char b1[32], b2[32], b3[32], b4[32];
	uint64_t mem = 0, hits;
	bool rec;

	memcg_get(m, MEMCG_MEMORY, &mem);
	if (row->aggregate || !row->kernel_bytes || !at_limit(row, o, &hits) ||
	    kernel_share(row->kernel_bytes, mem) < o->kernel_share_pct)
		return 0;
	if (r->have_host && pct(r->host_available_bytes, r->host_total_bytes) < o->host_free_pct)
		return 0; /* the whole host is short: not this container's own case */
	slab_words(m, mem > row->kernel_bytes ? mem : row->kernel_bytes, slab, sizeof(slab), &rec);
	say(sum, sizeof(sum),
	    "%s is at its memory limit and %.0f%% of its memory is kernel memory%s",
	    cgroup_row_label(row), kernel_share(row->kernel_bytes, mem),
	    r->have_host ? " while the host has plenty free" : "");
	say(ev, sizeof(ev),
	    "memory %s of limit %s (limit hit %llu times), kernel %s; %s; host available %s",
	    fmt_bytes(mem, b1, sizeof(b1)), fmt_bytes(row->limit_bytes, b2, sizeof(b2)),
	    (unsigned long long)hits, fmt_bytes(row->kernel_bytes, b3, sizeof(b3)), slab,
	    r->have_host ? fmt_bytes(r->host_available_bytes, b4, sizeof(b4)) : "unknown");
	say(next, sizeof(next), "kleak count --cache %s --container %s",
	    m->top_cache[0] ? m->top_cache : "dentry",
	    text_shell_quote(cgroup_row_label(row), q, sizeof(q)));
	return add_finding(r, SEV_WARNING, "cgroup-kernel-at-limit", cgroup_row_label(row), sum, ev,
			   next);
}

/* The kernel's own per-cgroup signals. */
static int signal_findings(struct cgroups_report *r, const struct cgroup_row *row, bool lesson)
{
	const struct memcg *m = &row->ent->m;
	const char *who = cgroup_row_label(row);
	char ev[300], sum[200], next[200], q[160];
	uint64_t v;
	int ret = 0;

	text_shell_quote(who, q, sizeof(q));
	say(next, sizeof(next), "kleak cgroups --container %s", q);
	if (memcg_get(m, MEMCG_EV_OOM_KILL, &v) && v) {
		say(sum, sizeof(sum), "the kernel OOM-killed %llu processes in %s",
		    (unsigned long long)v, who);
		say(ev, sizeof(ev), "memory.events oom_kill %llu", (unsigned long long)v);
		ret = add_finding(r, SEV_WARNING, "cgroup-oom-kill", who, sum, ev, next);
	} else if (memcg_get(m, MEMCG_EV_OOM, &v) && v) {
		say(sum, sizeof(sum), "%s ran out of memory %llu times", who,
		    (unsigned long long)v);
		say(ev, sizeof(ev), "memory.events oom %llu", (unsigned long long)v);
		ret = add_finding(r, SEV_INFO, "cgroup-oom", who, sum, ev, next);
	}
	/* the limit reached (reclaim ran inside it): said by the lesson's
	 * finding when kernel memory is most of it, else on its own */
	if (!ret && !lesson && memcg_get(m, m->version == 2 ? MEMCG_EV_MAX : MEMCG_FAILCNT, &v) &&
	    v) {
		say(sum, sizeof(sum), "%s reached its memory limit %llu times", who,
		    (unsigned long long)v);
		say(ev, sizeof(ev), "%s %llu",
		    m->version == 2 ? "memory.events max" : "memory.failcnt",
		    (unsigned long long)v);
		ret = add_finding(r, SEV_INFO, "cgroup-limit-hit", who, sum, ev, next);
	}
	if (!ret && memcg_get(m, MEMCG_KMEM_FAILCNT, &v) && v) {
		say(sum, sizeof(sum),
		    "kernel allocations of %s failed %llu times against its kmem limit", who,
		    (unsigned long long)v);
		say(ev, sizeof(ev), "memory.kmem.failcnt %llu", (unsigned long long)v);
		ret = add_finding(r, SEV_WARNING, "cgroup-kmem-failcnt", who, sum, ev, next);
	}
	return ret;
}

/* Most severe first; within a severity, in rank order (a stable sort). */
static int sort_findings(struct cgroups_report *r, struct kerr *e)
{
	struct finding *out;
	size_t k = 0;

	if (r->nfindings < 2)
		return 0;
	out = malloc(r->nfindings * sizeof(*out));
	if (!out) {
		cgroups_report_free(r);
		return kerr_set(e, -ENOMEM, "cgroups", 0, "out of memory");
	}
	for (int sev = SEV_CRITICAL; sev >= SEV_INFO; sev--)
		for (size_t i = 0; i < r->nfindings; i++)
			if ((int)r->findings[i].severity == sev)
				out[k++] = r->findings[i];
	free(r->findings);
	r->findings = out;
	r->capfindings = r->nfindings;
	return 0;
}

int cgroups_analyze(const struct cgroup_set *s, const struct meminfo *host,
		    const struct cgroups_opts *o, struct cgroups_report *r, struct kerr *e)
{
	int ret;

	memset(r, 0, sizeof(*r));
	r->set = s;
	r->have_host = host && meminfo_get(host, "MemTotal", &r->host_total_bytes) &&
		       meminfo_get(host, "MemAvailable", &r->host_available_bytes);
	ret = build_rows(s, o, r);
	for (size_t i = 0; !ret && i < r->nrows; i++) {
		size_t before = r->nfindings;

		ret = lesson_finding(r, &r->rows[i], o);
		if (!ret && !r->rows[i].aggregate)
			ret = signal_findings(r, &r->rows[i], r->nfindings > before);
	}
	if (ret) {
		cgroups_report_free(r);
		return kerr_set(e, ret, "cgroups", 0, "out of memory");
	}
	return sort_findings(r, e);
}

void cgroups_report_free(struct cgroups_report *r)
{
	if (!r)
		return;
	free(r->rows);
	free(r->findings);
	memset(r, 0, sizeof(*r));
}

enum severity cgroups_max_severity(const struct cgroups_report *r, bool *any)
{
	enum severity max = SEV_INFO;

	*any = r->nfindings > 0;
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].severity > max)
			max = r->findings[i].severity;
	return max;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * investigate's localize step: from the suspect the detect step found, the
 * chain of series that explains kernel memory's growth (itemised kernel
 * memory -> its meminfo aggregate -> the suspect -> the allocinfo site
 * inside it), each with the share of its parent's growth it explains; see
 * investigate.h.
 *
 * Joins are by matching growth: an allocinfo site is inside the slab cache
 * or vmalloc caller that grows at its rate (allocinfo does not say which
 * cache an object is in). Caches that grow at one object rate are one
 * object graph (a socket: sock_inode_cache, the protocol's sock cache,
 * its dentry and file); the suspect is the object users know, its owner:
 * the socket inode, else an inode, else the dentry.
 */
#include "investigate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct loc {
	const struct inv_localize_in *in;
	const struct inv_opts *o;
	struct inv_localize *out;
	double scratch[TREND_RATE_SCRATCH];
};

const char *inv_role_name(enum inv_role r)
{
	static const char *const names[] = {
		[INV_ROLE_KERNEL] = "kernel",	[INV_ROLE_AGGREGATE] = "aggregate",
		[INV_ROLE_SUSPECT] = "suspect", [INV_ROLE_SITE] = "site",
		[INV_ROLE_MODULE] = "module",	[INV_ROLE_FOLLOWER] = "follower",
		[INV_ROLE_OTHER] = "other",
	};

	return r <= INV_ROLE_OTHER ? names[r] : "other";
}

static const struct trend_leak *leak_of(const struct trend_report *rep, size_t k)
{
	for (size_t i = 0; rep && i < rep->n; i++)
		if (rep->v[i].series == k)
			return &rep->v[i];
	return NULL;
}

static double rate_of(struct loc *c, size_t k)
{
	const struct trend_leak *l = leak_of(c->in->rep, k);

	return l ? l->rate_bytes_per_hour : trend_series_rate(c->in->set, k, 0, c->scratch);
}

static bool grows(const struct loc *c, size_t k)
{
	const struct trend_leak *l = leak_of(c->in->rep, k);

	return l && l->verdict <= TREND_POSSIBLE && l->rate_bytes_per_hour > 0;
}

static const struct slab_cache *slab_row(const struct loc *c, const char *name)
{
	const struct slabinfo *si = c->in->slabinfo;

	for (size_t i = 0; si && i < si->n; i++)
		if (!strcmp(si->v[i].name, name))
			return &si->v[i];
	return NULL;
}

/* Bytes of slab per object: a slab's pages over its objects. */
static double object_bytes(const struct loc *c, const char *cache)
{
	const struct slab_cache *r = slab_row(c, cache);

	if (!r || !r->objperslab)
		return 0;
	return (double)(r->pagesperslab * c->in->page_size) / (double)r->objperslab;
}

/* The growth ratio of two rates, >= 1 (a factor), or HUGE_VAL. */
static double factor(double a, double b)
{
	if (a <= 0 || b <= 0)
		return HUGE_VAL;
	return a > b ? a / b : b / a;
}

/* "function" of an allocinfo series "function file:line [module]". */
static size_t site_function(const char *name, char *fn, size_t len)
{
	size_t n = strcspn(name, " ");

	snprintf(fn, len, "%.*s", (int)n, name);
	return n;
}

/*
 * The growing series of source src closest in rate to k's (within
 * match_factor), preferring one named fn in module mod; -1 when none.
 */
static long closest(struct loc *c, size_t k, enum series_source src, const char *fn,
		    const char *mod)
{
	const struct series_set *set = c->in->set;
	double rk = rate_of(c, k), best = c->o->match_factor;
	long bi = -1;

	for (size_t i = 0; i < set->count; i++) {
		const struct series *s = &set->v[i];
		double f;

		if (i == k || s->source != src || s->aggregate || !grows(c, i))
			continue;
		f = factor(rk, rate_of(c, i));
		if (fn && src == SERIES_ALLOCINFO) {
			char sf[128];

			site_function(s->name, sf, sizeof(sf));
			if (!strcmp(sf, fn) && !strcmp(s->module, mod ? mod : ""))
				f = 1; /* the same function's site wins */
		} else if (fn && !strcmp(s->name, fn) && !strcmp(s->module, mod ? mod : "")) {
			f = 1;
		}
		if (f <= best) {
			best = f;
			bi = (long)i;
		}
	}
	return bi;
}

/*
 * The file object graph: an open file (filp) pins its dentry, the dentry
 * its inode (a socket's inode, sock_inode_cache, holds the socket, whose
 * sock lives in the protocol's cache: UNIX, TCP ...), and LSM blobs live
 * and die with inodes and files. The rank says how much an object names
 * the others: the socket inode, then an inode, then the dentry; 0 for the
 * parts that follow them, -1 for a cache outside the graph (kmalloc-N, a
 * driver's cache: never renamed after a cache that happens to grow at the
 * same rate).
 */
static int owner_rank(const struct loc *c, size_t k)
{
	static const char *const parts[] = { "filp",
					     "lsm_inode_cache",
					     "lsm_file_cache",
					     "UNIX",
					     "UNIX-STREAM",
					     "TCP",
					     "TCPv6",
					     "UDP",
					     "UDPv6",
					     "RAW",
					     "RAWv6",
					     "PING",
					     "PINGv6",
					     "MPTCP",
					     "sock_inode_cache" };
	const char *name = c->in->set->v[k].name;
	const char *al[16];
	size_t n = strlen(name), na;

	if (!strcmp(name, "sock_inode_cache"))
		return 3;
	if ((n >= 11 && !strcmp(name + n - 11, "inode_cache")) ||
	    (n >= 6 && !strcmp(name + n - 6, "_inode")))
		return 2;
	if (!strcmp(name, "dentry"))
		return 1;
	na = c->in->aliases ? slab_aliases_of(c->in->aliases, name, al, 16) : 0;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (!strcmp(name, parts[i]))
			return 0;
		for (size_t j = 0; j < na && j < 16; j++)
			if (!strcmp(al[j], parts[i]))
				return 0;
	}
	return -1;
}

/* Slab series of the file object graph growing at k's object rate. */
static bool co_grows(struct loc *c, size_t k, size_t i)
{
	const struct series_set *set = c->in->set;
	double bk, bi, ok, oi;

	if (i == k || set->v[i].source != SERIES_SLAB || set->v[i].aggregate || !grows(c, i) ||
	    owner_rank(c, k) < 0 || owner_rank(c, i) < 0)
		return false;
	bk = object_bytes(c, set->v[k].name);
	bi = object_bytes(c, set->v[i].name);
	if (bk <= 0 || bi <= 0)
		return false;
	ok = rate_of(c, k) / bk;
	oi = rate_of(c, i) / bi;
	return factor(ok, oi) <= 1 + c->o->follow_tolerance;
}

/*
 * The owner of the object graph slab suspect k is part of: a cache of the
 * graph that outranks it and grows within match_factor of its object rate
 * (on a busy machine other processes open and close files too: the rates
 * of the graph's caches drift apart more than follow_tolerance).
 */
static size_t owner_of(struct loc *c, size_t k)
{
	const struct series_set *set = c->in->set;
	double bk = object_bytes(c, set->v[k].name);
	size_t best = k;

	if (owner_rank(c, k) < 0 || bk <= 0)
		return k;
	for (size_t i = 0; i < set->count; i++) {
		double bi = object_bytes(c, set->v[i].name);

		if (i == k || set->v[i].source != SERIES_SLAB || set->v[i].aggregate ||
		    !grows(c, i) || bi <= 0 || owner_rank(c, i) <= owner_rank(c, best) ||
		    factor(rate_of(c, k) / bk, rate_of(c, i) / bi) > c->o->match_factor)
			continue;
		best = i;
	}
	return best;
}

/* vmalloc module -> its fastest growing caller. */
static long caller_of_module(struct loc *c, size_t k)
{
	const struct series_set *set = c->in->set;
	long best = -1;

	for (size_t i = 0; i < set->count; i++)
		if (set->v[i].source == SERIES_VMALLOC_CALLER &&
		    !strcmp(set->v[i].module, set->v[k].name) && grows(c, i) &&
		    (best < 0 || rate_of(c, i) > rate_of(c, (size_t)best)))
			best = (long)i;
	return best;
}

/* The series confirm goes after, and the site and module beside it. */
static size_t refine(struct loc *c, size_t k, long *site, long *module)
{
	const struct series_set *set = c->in->set;
	const struct series *s = &set->v[k], *ms;
	char fn[128];
	long m;

	*site = *module = -1;
	switch (s->source) {
	case SERIES_VMALLOC_MODULE:
		m = caller_of_module(c, k);
		if (m < 0)
			return k;
		refine(c, (size_t)m, site, module);
		*module = (long)k;
		return (size_t)m;
	case SERIES_ALLOCINFO:
		site_function(s->name, fn, sizeof(fn));
		m = closest(c, k, SERIES_VMALLOC_CALLER, fn, s->module);
		if (m < 0)
			m = closest(c, k, SERIES_SLAB, NULL, NULL);
		if (m < 0)
			return k;
		*site = (long)k;
		return (size_t)m;
	case SERIES_SLAB:
		k = owner_of(c, k);
		*site = closest(c, k, SERIES_ALLOCINFO, NULL, NULL);
		return k;
	case SERIES_VMALLOC_CALLER:
		ms = s->module[0] ? series_find(set, SERIES_VMALLOC_MODULE, s->module, NULL) : NULL;
		*site = closest(c, k, SERIES_ALLOCINFO, s->name, s->module);
		*module = ms ? (long)(ms - set->v) : -1;
		return k;
	default:
		return k;
	}
}

/* The meminfo field suspect k is part of, or -1. */
static long aggregate_of(const struct loc *c, size_t k)
{
	const struct series_set *set = c->in->set;
	const struct series *s = &set->v[k], *a = NULL;

	if (s->source == SERIES_SLAB)
		a = series_find(set, SERIES_MEMINFO,
				s->reclaimable == 1 ? "SReclaimable" : "SUnreclaim", NULL);
	else if (s->source == SERIES_VMALLOC_CALLER || s->source == SERIES_VMALLOC_MODULE)
		a = series_find(set, SERIES_MEMINFO, "VmallocUsed", NULL);
	return a ? (long)(a - set->v) : -1;
}

static double share(double part, double whole)
{
	if (whole <= 0 || part < 0)
		return -1;
	return part >= whole ? 1 : part / whole;
}

static int add(struct loc *c, size_t k, enum inv_role role, int parent)
{
	struct inv_localize *out = c->out;
	struct inv_link *l;

	if (out->n >= INV_LINKS_MAX)
		return -1;
	l = &out->v[out->n];
	memset(l, 0, sizeof(*l));
	inv_series_fill(&l->s, c->in->set, k, leak_of(c->in->rep, k));
	if (!leak_of(c->in->rep, k))
		l->s.rate_bytes_per_hour = rate_of(c, k);
	l->role = role;
	l->parent = parent;
	l->share = parent >= 0
			   ? share(l->s.rate_bytes_per_hour, out->v[parent].s.rate_bytes_per_hour)
			   : -1;
	if (l->s.source == SERIES_SLAB) {
		const char *al[16];
		size_t na = c->in->aliases ? slab_aliases_of(c->in->aliases, l->s.name, al, 16) : 0;

		for (size_t i = 0; i < na && i < 16; i++)
			snprintf(l->aliases + strlen(l->aliases),
				 sizeof(l->aliases) - strlen(l->aliases), "%s%s", i ? ", " : "",
				 al[i]);
		l->object_bytes = object_bytes(c, l->s.name);
		if (l->object_bytes > 0)
			l->objects_per_hour = l->s.rate_bytes_per_hour / l->object_bytes;
	}
	return (int)out->n++;
}

/* Itemised kernel memory, from the one-series set beside. */
static int add_kernel(struct loc *c)
{
	const struct series_set *ks = c->in->kernel;
	struct inv_link *l;
	const struct trend_leak *tl;

	if (!ks || !ks->count || c->out->n >= INV_LINKS_MAX)
		return -1;
	l = &c->out->v[c->out->n];
	memset(l, 0, sizeof(*l));
	tl = leak_of(c->in->kernel_rep, 0);
	inv_series_fill(&l->s, ks, 0, tl);
	if (!tl)
		l->s.rate_bytes_per_hour = trend_series_rate(ks, 0, 0, c->scratch);
	l->role = INV_ROLE_KERNEL;
	l->parent = -1;
	l->share = -1;
	return (int)c->out->n++;
}

/* Followers (same object graph) and the other growers of the aggregate. */
static void add_rest(struct loc *c, size_t k, int sus, int agg)
{
	const struct series_set *set = c->in->set;
	const struct trend_report *rep = c->in->rep;
	int others = 0;

	for (size_t i = 0; i < set->count && set->v[k].source == SERIES_SLAB; i++)
		if (co_grows(c, k, i)) {
			int f = add(c, i, INV_ROLE_FOLLOWER, sus);

			if (f >= 0)
				c->out->v[f].share = share(c->out->v[f].objects_per_hour,
							   c->out->v[sus].objects_per_hour);
		}
	for (size_t i = 0; i < rep->n && others < 3; i++) {
		size_t j = rep->v[i].series;
		bool seen = false;

		if (rep->v[i].aggregate || rep->v[i].verdict > TREND_POSSIBLE ||
		    aggregate_of(c, j) != aggregate_of(c, k) ||
		    set->v[j].source == SERIES_ALLOCINFO ||
		    set->v[j].source == SERIES_VMALLOC_MODULE)
			continue;
		for (size_t m = 0; m < c->out->n; m++)
			seen |= !strcmp(c->out->v[m].s.name, set->v[j].name) &&
				c->out->v[m].s.source == set->v[j].source;
		if (!seen && add(c, j, INV_ROLE_OTHER, agg >= 0 ? agg : -1) >= 0)
			others++;
	}
}

int investigate_localize(const struct inv_localize_in *in, const struct inv_opts *o,
			 struct inv_localize *out)
{
	struct loc c = { .in = in, .o = o, .out = out };
	long site, module, agg_k;
	int kern, agg = -1, sus;
	size_t k;

	memset(out, 0, sizeof(*out));
	out->suspect = out->aggregate = out->site = -1;
	kern = add_kernel(&c);
	if (in->suspect < 0 || (size_t)in->suspect >= in->rep->n)
		return 0;
	out->weak = in->weak;
	k = refine(&c, in->rep->v[in->suspect].series, &site, &module);
	out->kind = inv_kind_of(in->set->v[k].source);
	agg_k = aggregate_of(&c, k);
	if (agg_k >= 0)
		agg = add(&c, (size_t)agg_k, INV_ROLE_AGGREGATE, kern);
	sus = add(&c, k, INV_ROLE_SUSPECT, agg >= 0 ? agg : kern);
	out->aggregate = agg;
	out->suspect = sus;
	if (site >= 0)
		out->site = add(&c, (size_t)site, INV_ROLE_SITE, sus);
	if (module >= 0)
		add(&c, (size_t)module, INV_ROLE_MODULE, agg);
	add_rest(&c, k, sus, agg);
	return 0;
}

void investigate_container(struct inv_localize *l, const struct inv_container_growth *v, size_t n,
			   double kernel_growth_bytes, const struct inv_opts *o)
{
	const struct inv_container_growth *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (v[i].growth_bytes > 0 && (!best || v[i].growth_bytes > best->growth_bytes))
			best = &v[i];
	if (!best || kernel_growth_bytes <= 0 ||
	    best->growth_bytes < o->container_frac * kernel_growth_bytes)
		return;
	l->has_container = true;
	snprintf(l->container, sizeof(l->container), "%s", best->name ? best->name : best->path);
	snprintf(l->container_path, sizeof(l->container_path), "%s", best->path);
	l->container_growth_bytes = best->growth_bytes;
	l->container_share = share(best->growth_bytes, kernel_growth_bytes);
}

// SPDX-License-Identifier: GPL-2.0
/* allocinfo sites ranked and grouped by module and function; see allocinfo_top.h. */
#include "allocinfo_top.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/num.h"

/* Pages that hold other sites' objects. */
static const char *const container_fns[] = {
	"alloc_slab_page", "allocate_slab", /* mm/slub.c: slab pages */
	"pcpu_alloc_pages",		    /* mm/percpu-vm.c: percpu chunks */
};

/* Folios of processes and files: anon, page cache, shmem, hugetlb, THP. */
static const char *const user_fns[] = {
	"folio_prealloc",
	"alloc_anon_folio",
	"vma_alloc_anon_folio_pmd",
	"do_huge_pmd_anonymous_page",
	"wp_page_copy",
	"do_cow_fault",
	"shmem_alloc_folio",
	"shmem_alloc_and_add_folio",
	"filemap_alloc_folio",
	"__filemap_get_folio",
	"ractl_alloc_folio",
	"page_cache_ra_unbounded",
	"page_cache_ra_order",
	"__read_swap_cache_async",
	"swap_cache_alloc_folio",
	"alloc_hugetlb_folio",
	"alloc_buddy_hugetlb_folio",
	"alloc_fresh_hugetlb_folio",
	"alloc_surplus_hugetlb_folio",
	"alloc_charge_folio",
	"hpage_collapse_alloc_folio",
	"alloc_migration_target",
	"compaction_alloc",
	/* page cache filled by reads (filemap_read, read_cache_folio) and swap-in */
	"filemap_create_folio",
	"do_read_cache_folio",
	"alloc_swap_folio",
};

static bool in_list(const char *fn, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(fn, v[i]))
			return true;
	return false;
}

enum alloc_site_kind alloc_site_kind(const struct alloc_site *s)
{
	if (s->module || strncmp(s->file, "mm/", 3))
		return ALLOC_SITE_KERNEL; /* the lists are mm/'s own */
	if (in_list(s->function, container_fns, sizeof(container_fns) / sizeof(container_fns[0])))
		return ALLOC_SITE_CONTAINER;
	if (in_list(s->function, user_fns, sizeof(user_fns) / sizeof(user_fns[0])))
		return ALLOC_SITE_USER;
	return ALLOC_SITE_KERNEL;
}

/*
 * Sites that allocate from one slab cache of reclaimable objects (their
 * cache has SLAB_RECLAIM_ACCOUNT where the kernel can shrink it): the
 * cache's own reclaim flag says whether the site's memory is reclaimable.
 */
static const struct {
	const char *fn, *cache;
} site_caches[] = {
	{ "__d_alloc", "dentry" },	    /* fs/dcache.c: dentries (and long names) */
	{ "xas_alloc", "radix_tree_node" }, /* lib/xarray.c: page cache xarray nodes */
	{ "xas_nomem", "radix_tree_node" },
	{ "radix_tree_node_alloc", "radix_tree_node" },
	{ "ext4_es_alloc_extent", "extent_status" }, /* ext4's extent status tree */
	{ "alloc_buffer_head", "buffer_head" },	     /* fs/buffer.c */
	{ "bdev_alloc_inode", "bdev_cache" },
};

/* "ext4_alloc_inode" -> "ext4_inode_cache" or "ext4_inode"; "alloc_inode" -> "inode_cache". */
static int inode_cache_flag(const char *fn, const struct slab_aliases *a)
{
	size_t n = strlen(fn), p = n - strlen("alloc_inode");
	char name[96];
	int r;

	if (n < strlen("alloc_inode") || strcmp(fn + p, "alloc_inode") || p >= 64)
		return -1;
	snprintf(name, sizeof(name), "%.*sinode_cache", (int)p, fn);
	r = slab_alias_reclaimable(a, name);
	if (r < 0) {
		snprintf(name, sizeof(name), "%.*sinode", (int)p, fn);
		r = slab_alias_reclaimable(a, name);
	}
	return r;
}

int alloc_site_reclaimable(const struct alloc_site *s, const struct slab_aliases *a)
{
	if (!s->function)
		return -1;
	for (size_t i = 0; i < sizeof(site_caches) / sizeof(site_caches[0]); i++)
		if (!strcmp(s->function, site_caches[i].fn))
			return slab_alias_reclaimable(a, site_caches[i].cache);
	return inode_cache_flag(s->function, a);
}

const char *alloc_site_kind_name(enum alloc_site_kind k)
{
	return k == ALLOC_SITE_CONTAINER ? "container" : k == ALLOC_SITE_USER ? "user" : "kernel";
}

static bool site_empty(const struct alloc_site *s)
{
	return !alloc_site_bytes(s) && !s->calls;
}

static int nullcmp(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b; /* NULL (built in) after a module */
	return strcmp(a, b);
}

static int cmp_site(const void *a, const void *b)
{
	const struct alloc_site *x = *(const struct alloc_site *const *)a,
				*y = *(const struct alloc_site *const *)b;
	uint64_t bx = alloc_site_bytes(x), by = alloc_site_bytes(y);
	int c;

	if (bx != by)
		return bx > by ? -1 : 1;
	c = strcmp(x->file, y->file);
	if (c)
		return c;
	if (x->src_line != y->src_line)
		return x->src_line < y->src_line ? -1 : 1;
	return nullcmp(x->module, y->module);
}

/* Modules before the kernel, then bytes, then names: deterministic. */
static int cmp_group(const void *a, const void *b)
{
	const struct allocinfo_group *x = a, *y = b;

	if (!x->module != !y->module)
		return !x->module ? 1 : -1;
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (nullcmp(x->module, y->module))
		return nullcmp(x->module, y->module);
	return nullcmp(x->function, y->function);
}

static void add(struct allocinfo_group *g, const struct alloc_site *s)
{
	uint64_t b = alloc_site_bytes(s);

	g->bytes = g->bytes + b < g->bytes ? UINT64_MAX : g->bytes + b;
	g->calls = g->calls + s->calls < g->calls ? UINT64_MAX : g->calls + s->calls;
	g->sites++;
}

static int cmp_key(const void *a, const void *b, void *arg)
{
	const struct alloc_site *x = *(const struct alloc_site *const *)a,
				*y = *(const struct alloc_site *const *)b;
	int c = nullcmp(x->module, y->module);

	return c || !*(const bool *)arg ? c : strcmp(x->function, y->function);
}

/*
 * Groups the sites by module (with_function false) or module and
 * function: sorted by the key and cut into runs, so memory is one
 * pointer per site while it works and one row per group after (a table
 * per site and a copy of each key cost 15 times a short-lined file).
 */
static int group(const struct alloc_site *const *sites, size_t nsites, bool with_function,
		 struct allocinfo_group **out, size_t *n)
{
	const struct alloc_site **v = malloc((nsites ? nsites : 1) * sizeof(*v));
	struct allocinfo_group *g;
	size_t ng = 0;

	*n = 0;
	if (!v)
		return -ENOMEM;
	if (nsites)
		memcpy(v, sites, nsites * sizeof(*v));
	qsort_r(v, nsites, sizeof(*v), cmp_key, &with_function);
	for (size_t i = 0; i < nsites; i++)
		ng += !i || cmp_key(&v[i - 1], &v[i], &with_function);
	g = calloc(ng ? ng : 1, sizeof(*g));
	if (!g) {
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nsites; i++) {
		if (!i || cmp_key(&v[i - 1], &v[i], &with_function)) {
			g[*n].module = v[i]->module;
			g[*n].function = with_function ? v[i]->function : NULL;
			(*n)++;
		}
		add(&g[*n - 1], v[i]);
	}
	free(v);
	qsort(g, *n, sizeof(*g), cmp_group);
	*out = g;
	return 0;
}

int allocinfo_top_build(const struct allocinfo *ai, struct allocinfo_top *out)
{
	memset(out, 0, sizeof(*out));
	out->sites = calloc(ai->n ? ai->n : 1, sizeof(*out->sites));
	if (!out->sites)
		return -ENOMEM;
	for (size_t i = 0; i < ai->n; i++) {
		const struct alloc_site *s = &ai->v[i];
		uint64_t b = alloc_site_bytes(s);

		if (site_empty(s)) {
			out->empty++;
			continue;
		}
		out->sites[out->nsites++] = s;
		out->total_bytes = num_sat_add(out->total_bytes, b);
		if (s->module)
			out->module_bytes = num_sat_add(out->module_bytes, b);
		out->inaccurate += !s->accurate;
	}
	if (out->nsites > 1)
		qsort(out->sites, out->nsites, sizeof(*out->sites), cmp_site);
	if (group(out->sites, out->nsites, false, &out->by_module, &out->nmodules) ||
	    group(out->sites, out->nsites, true, &out->by_function, &out->nfunctions)) {
		allocinfo_top_free(out);
		return -ENOMEM;
	}
	return 0;
}

void allocinfo_top_free(struct allocinfo_top *t)
{
	if (!t)
		return;
	free(t->sites);
	free(t->by_module);
	free(t->by_function);
	memset(t, 0, sizeof(*t));
}

const char *alloc_site_location(const struct alloc_site *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u", s->file, s->src_line);
	return buf;
}

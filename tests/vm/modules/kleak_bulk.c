// SPDX-License-Identifier: GPL-2.0
/*
 * kleak_bulk: objects whose frees the kmem tracepoints never see, made on
 * demand in the context of whoever writes a parameter.
 *
 * Writing N to `bulk` allocates N objects of the cache "kleak_bulk_cache"
 * in bulk_alloc_one() and frees them all with kmem_cache_free_bulk(),
 * which fires no per-object tracepoint (as kfree_rcu's batches, which end
 * in kfree_bulk): to a tracer they stay allocated until their addresses
 * come back. Writing N to `cycle` allocates N objects in cycle_alloc_one()
 * (on the same CPU these are mostly the addresses just bulk-freed:
 * `reused` counts them, the repairs a tracer must make) and frees them one
 * by one with kmem_cache_free(), which is traced. `bulk_freed` counts the
 * objects freed in bulk.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include "kleak_cache.h"

#define KLEAK_BULK_MAX 4096

static struct kmem_cache *cache;
static void *last[KLEAK_BULK_MAX]; /* the last bulk-freed addresses */
static unsigned int nlast;
static DEFINE_MUTEX(lock);

static unsigned long reused;
module_param(reused, ulong, 0444);
MODULE_PARM_DESC(reused, "cycle allocations that got a bulk-freed address back (read-only)");

static unsigned long bulk_freed;
module_param(bulk_freed, ulong, 0444);
MODULE_PARM_DESC(bulk_freed, "objects freed with kmem_cache_free_bulk (read-only)");

/* Not a tail call: the tracepoint's call site stays in this function. */
static noinline void *bulk_alloc_one(void)
{
	char *p = kmem_cache_alloc(cache, GFP_KERNEL);

	if (p)
		p[0] = 1;
	return p;
}

static noinline void *cycle_alloc_one(void)
{
	char *p = kmem_cache_alloc(cache, GFP_KERNEL);

	if (p)
		p[0] = 2;
	return p;
}

static int count_of(const char *val, unsigned int *n)
{
	int r = kstrtouint(val, 0, n);

	if (!r && (*n == 0 || *n > KLEAK_BULK_MAX))
		r = -EINVAL;
	return r;
}

static int bulk_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n, i;
	int r = count_of(val, &n);

	if (r)
		return r;
	mutex_lock(&lock);
	for (i = 0; i < n; i++)
		if (!(last[i] = bulk_alloc_one()))
			break;
	nlast = i;
	kmem_cache_free_bulk(cache, nlast, last);
	bulk_freed += nlast;
	mutex_unlock(&lock);
	return 0;
}

static int cycle_set(const char *val, const struct kernel_param *kp)
{
	static void *got[KLEAK_BULK_MAX];
	unsigned int n, i, j;
	int r = count_of(val, &n);

	if (r)
		return r;
	mutex_lock(&lock);
	for (i = 0; i < n; i++) {
		if (!(got[i] = cycle_alloc_one()))
			break;
		for (j = 0; j < nlast; j++)
			if (got[i] == last[j])
				reused++;
	}
	n = i;
	for (i = 0; i < n; i++)
		kmem_cache_free(cache, got[i]);
	mutex_unlock(&lock);
	return 0;
}

static const struct kernel_param_ops bulk_ops = { .set = bulk_set };
static const struct kernel_param_ops cycle_ops = { .set = cycle_set };
module_param_cb(bulk, &bulk_ops, NULL, 0200);
MODULE_PARM_DESC(bulk, "write N: allocate N objects and free them with kmem_cache_free_bulk");
module_param_cb(cycle, &cycle_ops, NULL, 0200);
MODULE_PARM_DESC(cycle, "write N: allocate N objects and free them with kmem_cache_free");

static int __init kleak_bulk_init(void)
{
	cache = kleak_cache_create("kleak_bulk_cache", 1000, false);
	return cache ? 0 : -ENOMEM;
}

static void __exit kleak_bulk_exit(void)
{
	kmem_cache_destroy(cache);
}

module_init(kleak_bulk_init);
module_exit(kleak_bulk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kleak test: frees the kmem tracepoints do not see (kmem_cache_free_bulk)");

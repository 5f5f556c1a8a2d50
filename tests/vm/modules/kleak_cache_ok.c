// SPDX-License-Identifier: GPL-2.0
/*
 * kleak_cache_ok: the well-behaved twin of kleak_cache_leak. Its cache
 * "kleak_ok_cache" sees the same allocation rate from ok_cache_work(), but
 * every object replaces and frees an older one (a ring of RING slots);
 * unload frees the rest and destroys the cache, which leaves slabinfo.
 */
#include <linux/module.h>
#include <linux/workqueue.h>
#include "kleak_cache.h"

#define RING 16

static unsigned int objsize = 320;
module_param(objsize, uint, 0444);
MODULE_PARM_DESC(objsize, "object size in bytes (default 320)");

static unsigned int interval_ms = 5;
module_param(interval_ms, uint, 0444);
MODULE_PARM_DESC(interval_ms, "milliseconds between allocations (default 5)");

static unsigned long allocs;
module_param(allocs, ulong, 0444);
MODULE_PARM_DESC(allocs, "objects allocated so far (read-only)");

static struct kmem_cache *cache;
static void *ring[RING];
static bool stopping;

static void ok_cache_work(struct work_struct *w);
static DECLARE_DELAYED_WORK(ok_work, ok_cache_work);

static void ok_cache_work(struct work_struct *w)
{
	unsigned int slot = allocs % RING;
	char *p = kmem_cache_alloc(cache, GFP_KERNEL);

	if (p) {
		memset(p, 0x6b, objsize);
		if (ring[slot])
			kmem_cache_free(cache, ring[slot]);
		ring[slot] = p;
		allocs++;
	}
	if (!READ_ONCE(stopping))
		schedule_delayed_work(&ok_work, msecs_to_jiffies(interval_ms));
}

static int __init kleak_cache_ok_init(void)
{
	cache = kleak_cache_create("kleak_ok_cache", objsize, false);
	if (!cache)
		return -ENOMEM;
	schedule_delayed_work(&ok_work, 0);
	return 0;
}

static void __exit kleak_cache_ok_exit(void)
{
	int i;

	WRITE_ONCE(stopping, true);
	cancel_delayed_work_sync(&ok_work);
	for (i = 0; i < RING; i++)
		if (ring[i])
			kmem_cache_free(cache, ring[i]);
	kmem_cache_destroy(cache);
}

module_init(kleak_cache_ok_init);
module_exit(kleak_cache_ok_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kleak test: its own kmem_cache, allocs matched by frees");

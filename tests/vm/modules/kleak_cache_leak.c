// SPDX-License-Identifier: GPL-2.0
/*
 * kleak_cache_leak: creates its own cache "kleak_leak_cache" (objects of
 * `objsize` bytes) and every `interval_ms` leak_cache_work() allocates one
 * object and drops it: a slab cache growing steadily from one call site.
 * Unload calls kmem_cache_destroy() as a real driver would; with objects
 * still allocated the kernel WARNs and the memory stays.
 */
#include <linux/module.h>
#include <linux/workqueue.h>
#include "kleak_cache.h"

static unsigned int objsize = 320;
module_param(objsize, uint, 0444);
MODULE_PARM_DESC(objsize, "object size in bytes (default 320)");

static unsigned int interval_ms = 5;
module_param(interval_ms, uint, 0444);
MODULE_PARM_DESC(interval_ms, "milliseconds between allocations (default 5)");

static unsigned long max_allocs = 20000;
module_param(max_allocs, ulong, 0444);
MODULE_PARM_DESC(max_allocs, "stop leaking after this many (default 20000)");

static bool mergeable;
module_param(mergeable, bool, 0444);
MODULE_PARM_DESC(mergeable, "1: let SLUB merge the cache with a same-size one");

static unsigned long allocs;
module_param(allocs, ulong, 0444);
MODULE_PARM_DESC(allocs, "objects allocated so far (read-only)");

static struct kmem_cache *cache;

static void leak_cache_work(struct work_struct *w);
static DECLARE_DELAYED_WORK(leak_work, leak_cache_work);

static void leak_cache_work(struct work_struct *w)
{
	char *p = kmem_cache_alloc(cache, GFP_KERNEL);

	if (p) {
		memset(p, 0x6b, objsize);
		allocs++;
	}
	if (allocs < max_allocs)
		schedule_delayed_work(&leak_work, msecs_to_jiffies(interval_ms));
}

static int __init kleak_cache_leak_init(void)
{
	cache = kleak_cache_create("kleak_leak_cache", objsize, mergeable);
	if (!cache)
		return -ENOMEM;
	schedule_delayed_work(&leak_work, 0);
	return 0;
}

static void __exit kleak_cache_leak_exit(void)
{
	cancel_delayed_work_sync(&leak_work);
	pr_info("kleak_cache_leak: leaked %lu x %u bytes\n", allocs, objsize);
	kmem_cache_destroy(cache);
}

module_init(kleak_cache_leak_init);
module_exit(kleak_cache_leak_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kleak test: its own kmem_cache, growing, never freed");

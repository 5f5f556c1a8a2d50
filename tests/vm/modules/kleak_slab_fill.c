// SPDX-License-Identifier: GPL-2.0
/*
 * kleak_slab_fill: at load, takes objects of its own cache
 * "kleak_oom_cache" (`objsize` bytes, not merged) until the page allocator
 * refuses or `max_mb` is reached: a slab leak that has eaten the machine.
 * Allocations use __GFP_NORETRY, so the module itself never calls the OOM
 * killer: its last allocation fails and the kernel says so ("page
 * allocation failure", "SLUB: Unable to allocate memory"). The next user
 * process that allocates then meets the OOM killer, whose report carries
 * the "Unreclaimable slab info:" table (unreclaimable slab now outweighs
 * user memory) naming kleak_oom_cache. The objects are chained through
 * their first word and freed at unload, so that a test can go on after
 * the OOM with memory to spare: the kernel log is what it is about. After
 * the failure `spare_mb` are given back at once, so that user space (insmod
 * itself) can run on until the test's own process allocates.
 */
#include <linux/module.h>
#include <linux/sched.h>
#include "kleak_cache.h"

static unsigned int objsize = 8192;
module_param(objsize, uint, 0444);
MODULE_PARM_DESC(objsize, "object size in bytes, at least a pointer (default 8192)");

static unsigned long max_mb = 1UL << 20;
module_param(max_mb, ulong, 0444);
MODULE_PARM_DESC(max_mb, "stop after this many MiB (default: no limit)");

static unsigned int spare_mb = 24;
module_param(spare_mb, uint, 0444);
MODULE_PARM_DESC(spare_mb, "MiB given back after the failure, for user space to go on (default 24)");

static unsigned long allocs;
module_param(allocs, ulong, 0444);
MODULE_PARM_DESC(allocs, "objects held (read-only)");

static struct kmem_cache *cache;
static void *held; /* the objects, each holding the previous one's address */

static void fill_slab(void)
{
	unsigned long max = (max_mb << 20) / objsize;

	while (allocs < max) {
		void **p = kmem_cache_alloc(cache, GFP_KERNEL | __GFP_NORETRY);

		if (!p)
			break;
		memset(p, 0x6b, objsize);
		*p = held;
		held = p;
		allocs++;
		cond_resched();
	}
}

/* Frees the newest objects (all when n is 0): whole slabs go back. */
static void release(unsigned long n)
{
	unsigned long i;

	for (i = 0; held && (!n || i < n); i++) {
		void **p = held;

		held = *p;
		kmem_cache_free(cache, p);
		allocs--;
	}
	kmem_cache_shrink(cache);
}

static int __init kleak_slab_fill_init(void)
{
	if (objsize < sizeof(void *))
		return -EINVAL;
	cache = kleak_cache_create("kleak_oom_cache", objsize, false);
	if (!cache)
		return -ENOMEM;
	fill_slab();
	/* the failure is logged; without a spare, insmod's own next page
	 * fault would call the OOM killer, not the test's process */
	release(((unsigned long)spare_mb << 20) / objsize);
	pr_info("kleak_slab_fill: holds %lu x %u bytes\n", allocs, objsize);
	return 0;
}

static void __exit kleak_slab_fill_exit(void)
{
	release(0);
	kmem_cache_destroy(cache);
}

module_init(kleak_slab_fill_init);
module_exit(kleak_slab_fill_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kleak test: fill slab until allocations fail, free at unload");

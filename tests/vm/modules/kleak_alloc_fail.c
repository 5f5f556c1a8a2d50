// SPDX-License-Identifier: GPL-2.0
/*
 * kleak_alloc_fail: at load, makes the allocators fail the way a driver
 * meets them, with the kernel's warnings on: order-`order` page blocks
 * (GFP_KERNEL | __GFP_NORETRY, no __GFP_NOWARN) are taken until one fails
 * ("insmod: page allocation failure: order:10, mode:..."), then all given
 * back (`pages`=1, the default); a vmalloc of `vmalloc_bytes` (when not 0:
 * give more than the machine has) fails ("vmalloc error: size N, exceeds
 * total pages"). Nothing is kept. Both warnings come from warn_alloc(),
 * which prints at most one per 10 s: load the module once for each.
 */
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

static unsigned int order = 10;
module_param(order, uint, 0444);
MODULE_PARM_DESC(order, "order of the page blocks (default 10: 4 MiB)");

static bool pages = true;
module_param(pages, bool, 0444);
MODULE_PARM_DESC(pages, "take page blocks until one fails (default 1)");

static unsigned long vmalloc_bytes;
module_param(vmalloc_bytes, ulong, 0444);
MODULE_PARM_DESC(vmalloc_bytes, "size of a vmalloc that must fail (default 0: none)");

static unsigned long blocks;
module_param(blocks, ulong, 0444);
MODULE_PARM_DESC(blocks, "blocks taken before the failure (read-only)");

#define MAX_BLOCKS 8192

static void fail_pages(void)
{
	struct page **held = kcalloc(MAX_BLOCKS, sizeof(*held), GFP_KERNEL);
	unsigned long i;

	if (!held)
		return;
	while (blocks < MAX_BLOCKS) {
		held[blocks] = alloc_pages(GFP_KERNEL | __GFP_NORETRY, order);
		if (!held[blocks])
			break;
		blocks++;
		cond_resched();
	}
	for (i = 0; i < blocks; i++)
		__free_pages(held[i], order);
	kfree(held);
}

static void fail_vmalloc(void)
{
	void *p = vmalloc(vmalloc_bytes);

	vfree(p); /* NULL when it failed, as it should */
}

static int __init kleak_alloc_fail_init(void)
{
	if (pages)
		fail_pages();
	if (vmalloc_bytes)
		fail_vmalloc();
	pr_info("kleak_alloc_fail: %lu blocks of order %u before the failure\n",
		blocks, order);
	return 0;
}

static void __exit kleak_alloc_fail_exit(void)
{
}

module_init(kleak_alloc_fail_init);
module_exit(kleak_alloc_fail_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kleak test: page allocation and vmalloc failures");

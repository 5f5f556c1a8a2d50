// SPDX-License-Identifier: GPL-2.0
/*
 * kleak_kmalloc_ok: the well-behaved twin of kleak_kmalloc_leak. Every
 * `interval_ms`, ok_kmalloc_work() kmallocs `size` bytes into a ring of
 * RING slots and kfrees the allocation it replaces; unload frees the rest.
 * Same rate and call pattern, no growth, nothing left after rmmod.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#define RING 16

static unsigned int size = 512;
module_param(size, uint, 0444);
MODULE_PARM_DESC(size, "bytes per kmalloc (default 512)");

static unsigned int interval_ms = 5;
module_param(interval_ms, uint, 0444);
MODULE_PARM_DESC(interval_ms, "milliseconds between allocations (default 5)");

static unsigned long allocs;
module_param(allocs, ulong, 0444);
MODULE_PARM_DESC(allocs, "allocations made so far (read-only)");

static void *ring[RING];
static bool stopping;

static void ok_kmalloc_work(struct work_struct *w);
static DECLARE_DELAYED_WORK(ok_work, ok_kmalloc_work);

static void ok_kmalloc_work(struct work_struct *w)
{
	unsigned int slot = allocs % RING;
	char *p = kmalloc(size, GFP_KERNEL);

	if (p) {
		memset(p, 0x6b, size);
		kfree(ring[slot]);
		ring[slot] = p;
		allocs++;
	}
	if (!READ_ONCE(stopping))
		schedule_delayed_work(&ok_work, msecs_to_jiffies(interval_ms));
}

static int __init kleak_kmalloc_ok_init(void)
{
	schedule_delayed_work(&ok_work, 0);
	return 0;
}

static void __exit kleak_kmalloc_ok_exit(void)
{
	int i;

	WRITE_ONCE(stopping, true);
	cancel_delayed_work_sync(&ok_work);
	for (i = 0; i < RING; i++)
		kfree(ring[i]);
}

module_init(kleak_kmalloc_ok_init);
module_exit(kleak_kmalloc_ok_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kleak test: kmalloc and kfree at the same rate");

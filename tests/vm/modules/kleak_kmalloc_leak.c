// SPDX-License-Identifier: GPL-2.0
/*
 * kleak_kmalloc_leak: every `interval_ms` a delayed work runs
 * leak_kmalloc_work(), which kmallocs `size` bytes (kmalloc-512 by default)
 * and drops the pointer: steady growth of one kmalloc-N cache, all from one
 * call site, visible to the kmem tracepoints, /proc/allocinfo and kmemleak.
 * Stops after `max_allocs` so a long run cannot exhaust the VM.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

static unsigned int size = 512;
module_param(size, uint, 0444);
MODULE_PARM_DESC(size, "bytes per kmalloc (default 512)");

static unsigned int interval_ms = 5;
module_param(interval_ms, uint, 0444);
MODULE_PARM_DESC(interval_ms, "milliseconds between allocations (default 5)");

static unsigned long max_allocs = 20000;
module_param(max_allocs, ulong, 0444);
MODULE_PARM_DESC(max_allocs, "stop leaking after this many (default 20000)");

static unsigned long allocs;
module_param(allocs, ulong, 0444);
MODULE_PARM_DESC(allocs, "allocations made so far (read-only)");

static void leak_kmalloc_work(struct work_struct *w);
static DECLARE_DELAYED_WORK(leak_work, leak_kmalloc_work);

static void leak_kmalloc_work(struct work_struct *w)
{
	char *p = kmalloc(size, GFP_KERNEL);

	if (p) {
		memset(p, 0x6b, size);	/* touch it, like a real user */
		allocs++;
	}
	/* p goes out of scope here: the leak */
	if (allocs < max_allocs)
		schedule_delayed_work(&leak_work, msecs_to_jiffies(interval_ms));
}

static int __init kleak_kmalloc_leak_init(void)
{
	schedule_delayed_work(&leak_work, 0);
	return 0;
}

static void __exit kleak_kmalloc_leak_exit(void)
{
	cancel_delayed_work_sync(&leak_work);
	pr_info("kleak_kmalloc_leak: leaked %lu x %u bytes\n", allocs, size);
}

module_init(kleak_kmalloc_leak_init);
module_exit(kleak_kmalloc_leak_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kleak test: kmalloc every few ms, never kfree");

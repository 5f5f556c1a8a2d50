// SPDX-License-Identifier: GPL-2.0
/*
 * kmem_test: the lesson's module. At load, kmem_alloc() vmallocs `size`
 * bytes; at unload the area is vfreed unless leak=1, in which case it is
 * lost until reboot (kernel memory outlives the module). /proc/vmallocinfo
 * then shows, while loaded:
 *   0x...-0x... 8392704 kmem_alloc+0x1e/0x50 [kmem_test] pages=2048 vmalloc ...
 * plus a second, small line for the page array, with the same caller, and
 * after rmmod the caller as a bare address.
 *
 * every_ms=N turns it into a steady leaker (investigate's vmalloc case): a
 * delayed work calls kmem_alloc() every N ms, up to max_areas, and with
 * leak=1 drops each area (with leak=0 it vfrees the previous one: the
 * balanced twin). `areas` counts the calls.
 */
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

static unsigned long size = 8UL << 20;
module_param(size, ulong, 0444);
MODULE_PARM_DESC(size, "bytes to vmalloc at load, or per call with every_ms (default 8 MiB)");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "1: never vfree the area (a leak)");

static unsigned int every_ms;
module_param(every_ms, uint, 0444);
MODULE_PARM_DESC(every_ms, "vmalloc size bytes every N ms instead of once at load (0: once)");

static unsigned long max_areas = 10000;
module_param(max_areas, ulong, 0444);
MODULE_PARM_DESC(max_areas, "with every_ms: stop after this many (default 10000)");

static unsigned long areas;
module_param(areas, ulong, 0444);
MODULE_PARM_DESC(areas, "areas vmalloc'd so far (read-only)");

static void *area;

/*
 * noinline, and no tail call (`return vmalloc(...)` compiles to a jump on
 * 6.1, where vmalloc is a plain function): the caller vmallocinfo names must
 * be this function, not kmem_test_init, whose .init.text is freed after
 * loading and would show as a bare address even while the module is loaded.
 */
static noinline int kmem_alloc(unsigned long bytes)
{
	area = vmalloc(bytes);
	return area ? 0 : -ENOMEM;
}

static void kmem_every(struct work_struct *w);
static DECLARE_DELAYED_WORK(every_work, kmem_every);

static void kmem_every(struct work_struct *w)
{
	void *prev = area;

	if (!kmem_alloc(size)) {
		areas++;
		if (!leak)
			vfree(prev);
	}
	if (areas < max_areas)
		schedule_delayed_work(&every_work, msecs_to_jiffies(every_ms));
}

static int __init kmem_test_init(void)
{
	int err;

	if (every_ms) {
		schedule_delayed_work(&every_work, 0);
		return 0;
	}
	err = kmem_alloc(size);
	if (err)
		return err;
	areas = 1;
	pr_info("kmem_test: vmalloc'd %lu bytes, leak=%d\n", size, leak);
	return 0;
}

static void __exit kmem_test_exit(void)
{
	if (every_ms)
		cancel_delayed_work_sync(&every_work);
	if (!leak)
		vfree(area);
	area = NULL;	/* the last reference goes: kmemleak can see the leak */
}

module_init(kmem_test_init);
module_exit(kmem_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kleak test: vmalloc at load (or every N ms), leak=1 never vfrees");

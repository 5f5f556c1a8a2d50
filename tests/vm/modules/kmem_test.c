// SPDX-License-Identifier: GPL-2.0
/*
 * kmem_test: the lesson's module. At load, kmem_alloc() vmallocs `size`
 * bytes; at unload the area is vfreed unless leak=1, in which case it is
 * lost until reboot (kernel memory outlives the module). /proc/vmallocinfo
 * then shows, while loaded:
 *   0x...-0x... 8392704 kmem_alloc+0x1e/0x50 [kmem_test] pages=2048 vmalloc ...
 * plus a second, small line for the page array, with the same caller, and
 * after rmmod the caller as a bare address.
 */
#include <linux/module.h>
#include <linux/vmalloc.h>

static unsigned long size = 8UL << 20;
module_param(size, ulong, 0444);
MODULE_PARM_DESC(size, "bytes to vmalloc at load (default 8 MiB)");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "1: never vfree the area (a leak)");

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

static int __init kmem_test_init(void)
{
	int err = kmem_alloc(size);

	if (err)
		return err;
	pr_info("kmem_test: vmalloc'd %lu bytes, leak=%d\n", size, leak);
	return 0;
}

static void __exit kmem_test_exit(void)
{
	if (!leak)
		vfree(area);
	area = NULL;	/* the last reference goes: kmemleak can see the leak */
}

module_init(kmem_test_init);
module_exit(kmem_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kleak test: vmalloc at load, leak=1 never vfrees");

// SPDX-License-Identifier: GPL-2.0
/*
 * kleak_fleet: one driver, two builds, for the fleet test (docs/exporter.md
 * "The fleet test"). Both builds vmalloc a 16 KiB buffer every
 * `interval_ms`; the leaking build (kleak_fleet_build.h: KLEAK_FLEET_LEAK 1) keeps each one, the
 * fixed build frees the previous one first. MODULE_VERSION differs, so
 * modpost writes a different srcversion for each build (the 6.12 test
 * kernel has no CONFIG_MODULE_SRCVERSION_ALL: without MODULE_VERSION there
 * would be none), and `kleak exporter` labels the growing vmalloc series
 * of the leaking host with module="kleak_fleet" and its srcversion.
 * Stops after `max_allocs` so a long run cannot exhaust the VM.
 */
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

/*
 * The build's one difference. It sits in a local header, not on the
 * command line, because srcversion is a checksum of the module's source
 * files (modpost, sumversion.c): a -D flag alone leaves it unchanged.
 */
#include "kleak_fleet_build.h"

static unsigned int interval_ms = 50;
module_param(interval_ms, uint, 0444);
MODULE_PARM_DESC(interval_ms, "milliseconds between allocations (default 50)");

static unsigned long max_allocs = 4000;
module_param(max_allocs, ulong, 0444);
MODULE_PARM_DESC(max_allocs, "stop after this many (default 4000: 64 MiB leaked)");

static unsigned long allocs;
static void *last;

static void fleet_work(struct work_struct *w);
static DECLARE_DELAYED_WORK(work, fleet_work);

static void fleet_work(struct work_struct *w)
{
	void *p = vmalloc(16384);

	if (!KLEAK_FLEET_LEAK)
		vfree(last); /* the fix */
	last = p;
	if (++allocs < max_allocs)
		schedule_delayed_work(&work, msecs_to_jiffies(interval_ms));
}

static int __init fleet_init(void)
{
	schedule_delayed_work(&work, 0);
	return 0;
}

static void __exit fleet_exit(void)
{
	cancel_delayed_work_sync(&work);
	vfree(last); /* the leaking build loses all but this one */
}

module_init(fleet_init);
module_exit(fleet_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kleak test: one driver, a leaking and a fixed build");
#if KLEAK_FLEET_LEAK
MODULE_VERSION("1.0-leaky");
#else
MODULE_VERSION("1.0-fixed");
#endif

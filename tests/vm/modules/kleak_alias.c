// SPDX-License-Identifier: GPL-2.0
/*
 * kleak_alias: a slab cache with many names. It creates "kleak_zz_real"
 * (objects of 2968 bytes, a size no kernel cache has, mergeable) and then
 * nine caches of the same size, "kleak_alias_0" ... "kleak_alias_8", which
 * SLUB merges into it: /proc/slabinfo and the tracepoints say
 * kleak_zz_real, /sys/kernel/slab links ten names to one directory, and
 * the real name sorts after the nine others. Writing N to `alloc`
 * allocates N objects through kleak_alias_4 in alias_alloc_one() and holds
 * them; writing anything to `release` frees them.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#define KLEAK_ALIAS_MAX 4096
#define KLEAK_ALIAS_SIZE 2968

static const char *const names[] = {
	"kleak_alias_0", "kleak_alias_1", "kleak_alias_2", "kleak_alias_3", "kleak_alias_4",
	"kleak_alias_5", "kleak_alias_6", "kleak_alias_7", "kleak_alias_8",
};
static struct kmem_cache *real, *alias[ARRAY_SIZE(names)];
static void *held[KLEAK_ALIAS_MAX];
static unsigned int nheld;
static DEFINE_MUTEX(lock);

static unsigned long allocs;
module_param(allocs, ulong, 0444);
MODULE_PARM_DESC(allocs, "objects allocated (read-only)");

/* Not a tail call: the tracepoint's call site stays in this function. */
static noinline void *alias_alloc_one(void)
{
	char *p = kmem_cache_alloc(alias[4], GFP_KERNEL);

	if (p)
		p[0] = 4;
	return p;
}

static int alloc_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int r = kstrtouint(val, 0, &n);

	if (r)
		return r;
	mutex_lock(&lock);
	while (n-- && nheld < KLEAK_ALIAS_MAX && (held[nheld] = alias_alloc_one())) {
		nheld++;
		allocs++;
	}
	mutex_unlock(&lock);
	return 0;
}

static void release_all(void)
{
	while (nheld)
		kmem_cache_free(alias[4], held[--nheld]);
}

static int release_set(const char *val, const struct kernel_param *kp)
{
	mutex_lock(&lock);
	release_all();
	mutex_unlock(&lock);
	return 0;
}

static const struct kernel_param_ops alloc_ops = { .set = alloc_set };
static const struct kernel_param_ops release_ops = { .set = release_set };
module_param_cb(alloc, &alloc_ops, NULL, 0200);
MODULE_PARM_DESC(alloc, "write N: allocate N objects through kleak_alias_4 and hold them");
module_param_cb(release, &release_ops, NULL, 0200);
MODULE_PARM_DESC(release, "write anything: free the objects held");

static void destroy(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(alias); i++)
		kmem_cache_destroy(alias[i]);
	kmem_cache_destroy(real);
}

static int __init kleak_alias_init(void)
{
	real = kmem_cache_create("kleak_zz_real", KLEAK_ALIAS_SIZE, 0, 0, NULL);
	for (size_t i = 0; real && i < ARRAY_SIZE(names); i++)
		if (!(alias[i] = kmem_cache_create(names[i], KLEAK_ALIAS_SIZE, 0, 0, NULL))) {
			destroy();
			return -ENOMEM;
		}
	return real ? 0 : -ENOMEM;
}

static void __exit kleak_alias_exit(void)
{
	release_all();
	destroy();
}

module_init(kleak_alias_init);
module_exit(kleak_alias_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kleak test: one slab cache, ten names (SLUB merging)");

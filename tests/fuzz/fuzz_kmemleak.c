// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: kmemleak parser, then grouping with and without symbols. */
#include <stdint.h>
#include <string.h>

#include "analyze/kmemleak_group.h"
#include "analyze/ksym.h"
#include "parse/kallsyms.h"
#include "parse/kmemleak.h"

static const char syms[] =
	"ffffffff81000000 T _text\n"
	"ffffffffa0937000 t kmem_alloc\t[kmem_test]\n"
	"ffffffffa0937030 t kmem_free\t[kmem_test]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmemleak_report r;
	struct kmemleak_groups g;
	struct kmemleak_group_opts o = { 0 };
	struct kallsyms ks;
	struct ksym_table t;
	struct kerr e = { 0 };

	if (kmemleak_parse((const char *)data, size, "fuzz", &r, &e))
		return 0;
	if (!kmemleak_group(&r, &o, &g, &e))
		kmemleak_groups_free(&g);
	if (!kallsyms_parse(syms, sizeof(syms) - 1, "syms", &ks, &e) &&
	    !ksym_table_init(&t, &ks, &e)) {
		o.syms = &t;
		o.sort = KMEMLEAK_SORT_COUNT;
		o.show_addresses = true;
		o.since_jiffies = 4294893212ULL;
		if (!kmemleak_group(&r, &o, &g, &e))
			kmemleak_groups_free(&g);
		ksym_table_free(&t);
	}
	kmemleak_report_free(&r);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: vmallocinfo parsing and the by-caller/by-module
 * aggregation on arbitrary bytes must not crash or leak.
 */
#include <stddef.h>
#include <stdint.h>

#include "analyze/vmalloc_group.h"
#include "parse/module_sections.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char mods[] = "kmem_test 16384 0 - Live 0xffffffffc0420000 (O)\n";
	static const char syms[] = "ffffffffc0422000 t kmem_alloc\t[kmem_test]\n";
	static const char secs[] = "kmem_test .init.text 0xffffffffc0430000\n";
	struct module_sections s;
	struct modules m;
	struct vmalloc_baseline base;
	struct vmalloc_groups g;
	struct kerr e;

	if (modules_parse(mods, sizeof(mods) - 1, "m", &m, &e))
		return 0;
	if (module_sections_parse(secs, sizeof(secs) - 1, "s", &s, &e)) {
		modules_free(&m);
		return 0;
	}
	base = (struct vmalloc_baseline){ .modules = &m,
					  .kallsyms = syms,
					  .kallsyms_len = sizeof(syms) - 1,
					  .sections = &s,
					  .loaded_sections = &s };
	if (!vmalloc_group((const char *)data, size, "fuzz", 4096, &m, &base, &g, &e))
		vmalloc_groups_free(&g);
	module_sections_free(&s);
	modules_free(&m);
	return 0;
}

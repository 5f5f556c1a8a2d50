// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: kallsyms parser, then a table and a few lookups. */
#include <stdint.h>
#include <string.h>

#include "analyze/ksym.h"
#include "parse/kallsyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kallsyms ks;
	struct ksym_table t;
	struct ksym_loc loc;
	struct kerr e = { 0 };
	char buf[256];

	if (kallsyms_parse((const char *)data, size, "fuzz", &ks, &e))
		return 0;
	if (ksym_table_init(&t, &ks, &e))
		return 0;
	ksym_table_add_module(&t, "m", 0xffffffffa0000000ULL, 0x10000);
	for (size_t i = 0; i < t.ks.n && i < 64; i++) {
		uint64_t a = t.ks.v[i].addr;

		if (ksym_lookup(&t, a + 1, &loc))
			ksym_format(&loc, buf, sizeof(buf));
		ksym_lookup(&t, a - 1, &loc);
	}
	ksym_lookup(&t, 0, &loc);
	ksym_lookup(&t, UINT64_MAX, &loc);
	ksym_table_free(&t);
	return 0;
}

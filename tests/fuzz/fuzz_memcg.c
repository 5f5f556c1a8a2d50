// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: every memory cgroup file parser (memory.stat v1 and
 * v2, memory.events, single numbers, memory.max, v1 limits, v1 slabinfo)
 * on arbitrary bytes must not crash, leak or read past the buffer.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/memcg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct memcg_raw raw[MEMCG_F_COUNT];
	struct memcg m = { 0 };
	struct kerr e;
	uint64_t v;
	bool b;

	memcg_stat_parse(s, size, "fuzz", 1, &m, &e);
	memcg_stat_parse(s, size, "fuzz", 2, &m, &e);
	memcg_events_parse(s, size, "fuzz", &m, &e);
	memcg_number_parse(s, size, "fuzz", &v, &e);
	memcg_max_parse(s, size, "fuzz", &v, &b, &e);
	memcg_v1_limit_parse(s, size, "fuzz", &v, &b, &e);
	memcg_slabinfo_parse(s, size, "fuzz", 4096, &m, &b, &e);
	/* the same bytes as every file of a v1 and a v2 cgroup */
	for (int i = 0; i < MEMCG_F_COUNT; i++)
		raw[i] = (struct memcg_raw){ s, size, "fuzz" };
	memcg_parse(1, raw, 4096, &m, &e);
	memcg_parse(2, raw, 4096, &m, &e);
	return 0;
}

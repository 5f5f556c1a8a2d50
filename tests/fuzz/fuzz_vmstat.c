// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: vmstat_parse() on arbitrary bytes must not crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/vmstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct meminfo out;
	struct kerr e;

	if (!vmstat_parse((const char *)data, size, "fuzz", &out, &e))
		meminfo_free(&out);
	return 0;
}

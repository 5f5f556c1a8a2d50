// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: zoneinfo_parse() on arbitrary bytes must not crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/zoneinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zoneinfo out;
	struct kerr e;

	if (!zoneinfo_parse((const char *)data, size, "fuzz", &out, &e))
		(void)out;
	return 0;
}

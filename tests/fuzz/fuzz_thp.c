// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: thp_parse() on arbitrary bytes must not crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/thp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct thp out;
	struct kerr e;

	if (!thp_parse((const char *)data, size, "fuzz", &out, &e))
		(void)out;
	return 0;
}

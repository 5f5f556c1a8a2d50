// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: allocinfo_parse() on arbitrary bytes must not crash or leak. */
#include <stddef.h>
#include <stdint.h>

#include "parse/allocinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct allocinfo out;
	struct kerr e;

	if (!allocinfo_parse((const char *)data, size, "fuzz", &out, &e))
		allocinfo_free(&out);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: slabinfo_parse() on arbitrary bytes must not crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/slabinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slabinfo out;
	struct kerr e;

	if (!slabinfo_parse((const char *)data, size, "fuzz", &out, &e))
		slabinfo_free(&out);
	return 0;
}

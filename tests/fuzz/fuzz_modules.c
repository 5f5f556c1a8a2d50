// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: modules_parse() on arbitrary bytes must not crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/modules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modules out;
	struct kerr e;

	if (!modules_parse((const char *)data, size, "fuzz", &out, &e))
		modules_free(&out);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: meta_parse() on arbitrary bytes must not crash. */
#include <stddef.h>
#include <stdint.h>

#include "parse/meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct meta m;
	struct kerr e;

	meta_parse((const char *)data, size, "fuzz", &m, &e);
	return 0;
}

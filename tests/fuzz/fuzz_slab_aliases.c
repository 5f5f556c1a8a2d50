// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: slab_aliases_parse() on arbitrary bytes must not crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/slab_aliases.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slab_aliases out;
	struct kerr e;

	if (!slab_aliases_parse((const char *)data, size, "fuzz", &out, &e))
		slab_aliases_free(&out);
	return 0;
}

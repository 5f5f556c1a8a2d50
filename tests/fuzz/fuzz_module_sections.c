// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: module_sections_parse() on arbitrary bytes must not crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/module_sections.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct module_sections out;
	struct kerr e;

	if (!module_sections_parse((const char *)data, size, "fuzz", &out, &e))
		module_sections_free(&out);
	return 0;
}

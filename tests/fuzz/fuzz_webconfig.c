// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: webconfig_parse() (libyaml) on arbitrary bytes must not crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/webconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct webconfig out;
	struct kerr e;

	if (!webconfig_parse((const char *)data, size, "fuzz", &out, &e))
		webconfig_free(&out);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: mountinfo_parse() on arbitrary bytes must not crash or leak. */
#include <stddef.h>
#include <stdint.h>

#include "parse/mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cgroup_mounts m;
	struct kerr e;

	if (!mountinfo_parse((const char *)data, size, "fuzz", &m, &e))
		mountinfo_free(&m);
	return 0;
}

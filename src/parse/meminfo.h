/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/meminfo, every field kept in kernel order, values in bytes where
 * the kernel prints kB (HugePages_* stay counts), unknown fields kept.
 *
 *   MemTotal:       24684092 kB
 *   HugePages_Total:       0
 */
#ifndef KLEAK_PARSE_MEMINFO_H
#define KLEAK_PARSE_MEMINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct meminfo_field {
	char name[48];
	uint64_t value; /* bytes when is_bytes, else a count */
	bool is_bytes;
	long line;
};

struct meminfo {
	struct meminfo_field *v;
	size_t n;
};

int meminfo_parse(const char *buf, size_t len, const char *src, struct meminfo *out,
		  struct kerr *e);
/* Returns true and sets *val when the field exists. */
bool meminfo_get(const struct meminfo *mi, const char *name, uint64_t *val);
void meminfo_free(struct meminfo *mi);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/vmstat: "name value" per line, the kernel's page and event
 * counters, every one kept in kernel order (the same list as meminfo's,
 * values as printed: pages or events, never bytes):
 *
 *   nr_free_pages 2790674
 *   nr_zspages 0
 */
#ifndef KLEAK_PARSE_VMSTAT_H
#define KLEAK_PARSE_VMSTAT_H

#include "parse/meminfo.h"

int vmstat_parse(const char *buf, size_t len, const char *src, struct meminfo *out, struct kerr *e);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/zoneinfo's per-CPU page lists (the whole file, or the lines the
 * live reader keeps):
 *
 *   Node 0, zone   Normal
 *     pagesets
 *       cpu: 0
 *                 count:    6005
 *                 high:     19376
 *     vm stats threshold: 32
 *
 * `count` is the free pages one CPU holds on its page lists: free, yet
 * not in MemFree (NR_FREE_PAGES counts the buddy lists only). The
 * threshold is how far one CPU's share of a vmstat counter may drift
 * before it is folded into the total meminfo reads.
 */
#ifndef KLEAK_PARSE_ZONEINFO_H
#define KLEAK_PARSE_ZONEINFO_H

#include <stdint.h>

#include "util/err.h"

struct zoneinfo {
	uint64_t pcp_pages;   /* sum of count: over zones and CPUs */
	uint64_t drift_pages; /* sum of the thresholds over zones and CPUs */
	unsigned zones;	      /* "Node N, zone NAME" lines */
	unsigned pagesets;    /* "cpu:" lines */
};

int zoneinfo_parse(const char *buf, size_t len, const char *src, struct zoneinfo *out,
		   struct kerr *e);

#endif

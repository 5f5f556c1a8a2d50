/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Partially mapped anonymous THPs (the thp source), one line per THP size,
 * rendered from /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/
 * stats/nr_anon_partially_mapped (6.12+):
 *
 *   2048kB 3
 *   64kB 0
 *
 * A large folio partly unmapped keeps all its pages until the deferred
 * split frees the unmapped ones; those are used memory that AnonPages no
 * longer counts. Their number is not exported: folios x size bounds it.
 */
#ifndef KLEAK_PARSE_THP_H
#define KLEAK_PARSE_THP_H

#include <stdint.h>

#include "util/err.h"

struct thp {
	uint64_t partial_folios;
	uint64_t partial_bytes; /* sum of folios x folio size: a bound */
};

int thp_parse(const char *buf, size_t len, const char *src, struct thp *out, struct kerr *e);

#endif

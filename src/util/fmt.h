/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers in human units: sizes ("1.5 GiB"), signed deltas and rates
 * ("+96 KiB"), durations ("2m05s"). Pure string formatting, used by the
 * renderers and by the analyses that write a finding's evidence.
 */
#ifndef KLEAK_UTIL_FMT_H
#define KLEAK_UTIL_FMT_H

#include <stddef.h>
#include <stdint.h>

/* "1.5 GiB", "812 KiB", "96 B" */
const char *fmt_bytes(uint64_t v, char *buf, size_t len);
/* Signed variant for deltas and rates: "+1.5 MiB", "-96 B". */
const char *fmt_sbytes(double v, char *buf, size_t len);
/* "2m05s", "1h02m", "850ms" */
const char *fmt_duration_ns(uint64_t ns, char *buf, size_t len);

#endif

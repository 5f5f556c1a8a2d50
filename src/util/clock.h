/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clocks kleak reads: CLOCK_MONOTONIC for intervals, rates and ages
 * (it never jumps when the wall clock is set), the wall clock only for
 * timestamps shown to people.
 */
#ifndef KLEAK_UTIL_CLOCK_H
#define KLEAK_UTIL_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t clock_mono_ns(void);
/* CLOCK_BOOTTIME in nanoseconds (counts suspend: the kernel log's clock is monotonic, not this). */
uint64_t clock_boot_ns(void);
/* Wall clock in nanoseconds since the epoch. */
int64_t clock_wall_ns(void);

#endif

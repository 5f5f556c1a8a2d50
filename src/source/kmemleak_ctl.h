/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live kmemleak interface: /sys/kernel/debug/kmemleak, read for the
 * report and written to control it ("scan", "clear"). Mounts debugfs when
 * it is not mounted. Each failure names its reason, so the user learns
 * whether the kernel lacks CONFIG_DEBUG_KMEMLEAK, kmemleak is disabled
 * (booted with kmemleak=off, or it turned itself off), or debugfs could
 * not be mounted.
 *
 * A write of "scan" runs the whole scan in the writer's context: when it
 * returns, the scan is over. Objects younger than the minimum age (1000 ms
 * in the docs, 5000 ms in the 6.12 code) are not reported, and an object
 * whose contents changed since the previous scan is not either (its
 * checksum is new on its first scan): hence "wait, scan, scan".
 *
 * KLEAK_KMEMLEAK=PATH in the environment replaces the path (for tests).
 */
#ifndef KLEAK_SOURCE_KMEMLEAK_CTL_H
#define KLEAK_SOURCE_KMEMLEAK_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

#define KMEMLEAK_PATH "/sys/kernel/debug/kmemleak"
#define KMEMLEAK_MIN_AGE_NS 5000000000ULL /* 6.12: jiffies_min_age 5000 ms */

enum kmemleak_avail {
	KMEMLEAK_AVAILABLE,
	KMEMLEAK_NO_DEBUGFS, /* not mounted and mounting failed */
	KMEMLEAK_ABSENT,     /* kernel without CONFIG_DEBUG_KMEMLEAK */
	KMEMLEAK_DISABLED,   /* EPERM/EBUSY: kmemleak=off or turned off */
	KMEMLEAK_NO_ACCESS,  /* not root */
	KMEMLEAK_ERROR,	     /* anything else */
};

/* The path in use (KMEMLEAK_PATH unless KLEAK_KMEMLEAK is set). */
const char *kmemleak_ctl_path(void);
/*
 * Reads the live report into out, mounting debugfs when mount is true and
 * it is missing. Returns 0 or a negative errno; e says why and *avail
 * classifies it.
 */
int kmemleak_ctl_read(struct buf *out, bool mount, enum kmemleak_avail *avail, struct kerr *e);
/* Writes a command ("scan", "clear"). Same error reporting. */
int kmemleak_ctl_write(const char *cmd, enum kmemleak_avail *avail, struct kerr *e);
/* The kernel's jiffies now, from /proc/timer_list; 0 when unknown. */
uint64_t kmemleak_ctl_jiffies(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/self/mountinfo, only the cgroup mounts kept: where the memory
 * controller's hierarchy is (v1, `memory` in the super options) and where
 * the unified (v2) hierarchy is, wherever the system mounted them. A line:
 *
 *   35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
 *   41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
 *
 * (mount id, parent id, major:minor, root within the filesystem, mount
 * point with space, tab, newline and backslash as \ooo octal, options,
 * optional fields up to "-", filesystem type, source, super options).
 */
#ifndef KLEAK_PARSE_MOUNTINFO_H
#define KLEAK_PARSE_MOUNTINFO_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct cgroup_mount {
	int version;	      /* 1: cgroup, 2: cgroup2 */
	bool memory;	      /* v1: the memory controller's hierarchy */
	char dev[32];	      /* "0:32": one hierarchy may be mounted twice */
	char root[PATH_MAX];  /* the hierarchy's directory seen here, "/" usually */
	char point[PATH_MAX]; /* the mount point */
	long line;
};

struct cgroup_mounts {
	struct cgroup_mount *v;
	size_t n;
};

/* Keeps the cgroup and cgroup2 mounts; other lines are only checked for shape. */
int mountinfo_parse(const char *buf, size_t len, const char *src, struct cgroup_mounts *out,
		    struct kerr *e);
void mountinfo_free(struct cgroup_mounts *m);

#endif

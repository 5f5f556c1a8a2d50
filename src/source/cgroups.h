/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory cgroups' raw files, from the live system or a snapshot
 * directory. Nothing here parses a memory file or prints.
 *
 * Live, the hierarchies are found in /proc/self/mountinfo, never guessed:
 * the v1 `cgroup` mount whose super options hold `memory`
 * (/sys/fs/cgroup/memory on hybrid hosts like Debian's with
 * systemd.unified_cgroup_hierarchy=0), and every `cgroup2` mount whose
 * root cgroup.controllers lists `memory` (pure v2: /sys/fs/cgroup). On a
 * hybrid host the unified tree beside v1 has no memory controller and is
 * skipped. A cgroup's path is the hierarchy's mount root (`/` unless the
 * mount shows a subtree, as inside a container) joined with the directory
 * below the mount point.
 *
 * Snapshot layout (what `kleak snapshot` writes and `--from DIR` reads):
 *
 *   DIR/cgroup/v1/<path>/memory.stat, memory.kmem.usage_in_bytes, ...
 *   DIR/cgroup/v2/<path>/memory.stat, memory.current, memory.max, ...
 *   DIR/cgroup/containers     "<runtime> <id> <name>" lines (names resolved
 *                             when the snapshot was taken: the runtimes'
 *                             files stay on the machine)
 *
 * with <path> the cgroup's path ("" for the root: DIR/cgroup/v2/memory.stat).
 * Only the files of parse/memcg.h's list are copied, as the kernel printed
 * them; a directory with none of them is a parent only.
 *
 * Bounds: the walk stops after max_cgroups cgroups (saying so), descends
 * at most CGROUPS_MAX_DEPTH levels, never follows a symlink (O_NOFOLLOW at
 * every step) or leaves the hierarchy's filesystem, and reads each file
 * with a cap. Memory use is one buffer per file kind, reused: what is kept
 * is up to the visitor.
 */
#ifndef KLEAK_SOURCE_CGROUPS_H
#define KLEAK_SOURCE_CGROUPS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "parse/memcg.h"
#include "util/buf.h"
#include "util/err.h"

#define CGROUPS_MAX_DEPTH 64
#define CGROUPS_DEFAULT_MAX 65536  /* cgroups read at most, by default */
#define CGROUPS_FILE_CAP (64u << 20) /* a v1 slabinfo is the largest */

struct cgroup_hier {
	int version;		/* 1 or 2 */
	char dir[PATH_MAX];	/* walked: the mount point, or DIR/cgroup/vN */
	char prefix[PATH_MAX];	/* cgroup path of dir: the mount root, "/" */
	bool snapshot;		/* from a snapshot: dirs without files are parents */
};

struct cgroup_hiers {
	struct cgroup_hier v[4];
	size_t n;
};

/*
 * The memory hierarchies: live (dir NULL) from /proc/self/mountinfo, or
 * DIR/cgroup/v1 and v2. -ENOENT with e saying why when there is none.
 */
int cgroups_find(const char *dir, struct cgroup_hiers *out, struct kerr *e);

/* The same from a mountinfo text already read (for tests). */
int cgroups_find_mountinfo(const char *buf, size_t len, const char *src,
			   struct cgroup_hiers *out, struct kerr *e);

struct cgroup_visit {
	const char *path; /* "/docker/6c96...", "/" for a hierarchy's root */
	int version;
	int depth;	  /* 0 at the root */
	struct memcg_raw raw[MEMCG_F_COUNT]; /* data NULL: absent or unreadable */
};

/* Non-zero stops the walk and is returned by cgroups_walk. */
typedef int (*cgroup_visit_fn)(const struct cgroup_visit *v, void *ctx);

struct cgroup_walk_stats {
	size_t visited;
	bool capped;	     /* stopped at max_cgroups */
	size_t too_deep;     /* directories below CGROUPS_MAX_DEPTH skipped */
	size_t unreadable;   /* files present but not readable */
	struct kerr first;   /* the first unreadable file or directory */
};

/*
 * Visits every cgroup of h in path order, parents first, at most
 * max_cgroups (0: CGROUPS_DEFAULT_MAX). Returns 0, the visitor's value,
 * or a negative errno when the hierarchy itself cannot be opened.
 */
int cgroups_walk(const struct cgroup_hier *h, size_t max_cgroups,
		 cgroup_visit_fn fn, void *ctx, struct cgroup_walk_stats *st,
		 struct kerr *e);

/*
 * Copies what cgroups_walk would visit, live, into DIR/cgroup/vN/ (the
 * layout above), replacing an older copy. Returns 0 or a negative errno.
 */
int cgroups_copy(const char *dir, size_t max_cgroups,
		 struct cgroup_walk_stats *st, struct kerr *e);

#endif

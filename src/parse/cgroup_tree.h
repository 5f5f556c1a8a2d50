/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cgroups source: the memory cgroups' raw files as one text (written
 * by source/cgroups.c from the live hierarchies or a snapshot directory;
 * a recording stores it as its `cgroups` file). Pure: a buffer in, a
 * visitor called per hierarchy and per cgroup, with each file's bytes
 * pointing into the buffer (no copy: thousands of cgroups cost no more
 * than their text). The format:
 *
 *   kleak-cgroups 1
 *   hierarchy 1 / /sys/fs/cgroup/memory       version, root, dir walked
 *   cgroup 1 1 /docker/6c96...                 version, depth, path
 *   file memory.stat 1187                      name, length; then exactly
 *   cache 0                                    that many bytes and "\n"
 *   ...
 *   walk visited=3 capped=0 too_deep=0 unreadable=0 max=65536
 *   unreadable /sys/fs/cgroup/memory/x/memory.stat: Permission denied
 *   containers 95                              length; "<runtime> <id>
 *   docker 6c96... web                         <name>" lines (container_meta.h)
 *   names_error /var/lib/docker/...: ...       a runtime file that did not parse
 *
 * Paths carry mountinfo's \ooo escapes (space, tab, newline, backslash).
 * Lines count through the files' bytes, so an error's line is the line of
 * the text. Unknown line kinds are errors; unknown file names are passed
 * on (a later kleak's files).
 */
#ifndef KLEAK_PARSE_CGROUP_TREE_H
#define KLEAK_PARSE_CGROUP_TREE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define CGROUP_TREE_VERSION 1
#define CGROUP_TREE_MAX_FILES 16 /* per cgroup: kleak copies 11 */
#define CGROUP_TREE_MAX_DEPTH 64
#define CGROUP_TREE_MAX_HIERS 4

struct cgroup_tree_hier {
	int version;	     /* 1 or 2 */
	char root[PATH_MAX]; /* the cgroup path of dir: "/" unless a subtree */
	char dir[PATH_MAX];  /* the directory walked */
};

struct cgroup_tree_file {
	char name[64];
	const char *data; /* into the buffer */
	size_t len;
};

struct cgroup_tree_node {
	int version;
	int depth;			     /* 0: a hierarchy's root */
	char path[PATH_MAX];		     /* "/docker/6c96...", "/" */
	const struct cgroup_tree_hier *hier; /* of its version */
	struct cgroup_tree_file files[CGROUP_TREE_MAX_FILES];
	size_t nfiles;
	long line; /* of its `cgroup` line */
};

struct cgroup_tree_info {
	struct cgroup_tree_hier hiers[CGROUP_TREE_MAX_HIERS];
	size_t nhiers;
	size_t cgroups;
	bool have_walk; /* a `walk` line came */
	size_t visited, too_deep, unreadable, max;
	bool capped;
	char first_unreadable[PATH_MAX + 128];
	char names_error[PATH_MAX + 128];
	const char *names; /* the containers section, NULL when none */
	size_t names_len;
	long names_line; /* line of its first byte */
};

/* Called per cgroup; non-zero stops the parse and is returned. */
typedef int (*cgroup_tree_fn)(const struct cgroup_tree_node *n, void *ctx);

/*
 * Parses the text, calling fn (may be NULL) per cgroup. Returns 0, the
 * visitor's value, or -EINVAL / -EPROTONOSUPPORT with e ("src:LINE: ...").
 */
int cgroup_tree_parse(const char *buf, size_t len, const char *src, cgroup_tree_fn fn, void *ctx,
		      struct cgroup_tree_info *info, struct kerr *e);

#endif

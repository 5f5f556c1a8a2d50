/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory cgroups as one raw source: every cgroup's memory files,
 * read from the live hierarchies or a snapshot directory, rendered as one
 * text (as read_slab_dir renders /sys/kernel/slab), so that a sample, a
 * snapshot and a recording carry them like any other source. Nothing here
 * parses a memory file, mountinfo or a runtime's metadata: which
 * hierarchies to walk is found by model/ (from /proc/self/mountinfo, never
 * guessed) and handed in; the containers' names are resolved there too and
 * appended as a section.
 *
 * The text ("the cgroups source", parse/cgroup_tree.h reads it):
 *
 *   kleak-cgroups 1
 *   hierarchy 1 / /sys/fs/cgroup/memory       version, root (the cgroup path
 *                                              of dir), dir walked
 *   cgroup 1 1 /docker/6c96...                 version, depth, path
 *   file memory.stat 1187                      name, length, then exactly
 *   cache 0                                    that many bytes as the kernel
 *   ...                                        printed them and a newline
 *   walk visited=3 capped=0 too_deep=0 unreadable=0 max=65536
 *   unreadable /sys/fs/cgroup/memory/x/memory.stat: Permission denied
 *   containers 95                              "<runtime> <id> <name>" lines
 *   docker 6c96... web                         (model/ appends them, and
 *   names_error /var/lib/...: ...              a metadata file that did not parse)
 *
 * Paths are written with mountinfo's escapes: space, tab, newline and
 * backslash as \040, \011, \012, \134.
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
 * A directory with none of the files is a parent only. A directory made
 * by unpacking a recording has the rendered text as DIR/cgroups instead.
 *
 * Bounds: the walk stops after max cgroups (saying so in `walk`), descends
 * at most CGROUPS_MAX_DEPTH levels, never follows a symlink (O_NOFOLLOW at
 * every step), reads regular files only, never leaves the hierarchy's
 * filesystem, and reads each file with a cap. The text costs about what
 * the files hold (a v2 memory.stat is 1-2 KiB).
 */
#ifndef KLEAK_SOURCE_CGROUPS_H
#define KLEAK_SOURCE_CGROUPS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define CGROUPS_MAX_DEPTH 64
#define CGROUPS_DEFAULT_MAX 65536	/* cgroups read at most, by default */
#define CGROUPS_SNAPSHOT_MAX (1u << 24) /* a snapshot holds what its walk kept */
#define CGROUPS_FILE_CAP (64u << 20)	/* a v1 slabinfo is the largest */

/* The files of a memory cgroup that are copied, and which version has them. */
struct cgroup_file_desc {
	const char *name;
	unsigned versions; /* bit 1: v1, bit 2: v2 */
};

extern const struct cgroup_file_desc cgroup_files[];
extern const size_t cgroup_nfiles;

struct cgroup_hier {
	int version;	       /* 1 or 2 */
	char dir[PATH_MAX];    /* walked: the mount point, or DIR/cgroup/vN */
	char prefix[PATH_MAX]; /* cgroup path of dir: the mount root, "/" */
	bool snapshot;	       /* from a snapshot: dirs without files are parents */
};

struct cgroup_hiers {
	struct cgroup_hier v[4];
	size_t n;
};

/*
 * Renders every cgroup of the hierarchies in hs, at most max (0:
 * CGROUPS_DEFAULT_MAX), appending to out. An unreadable file is counted
 * in the `walk` line, not an error. Returns 0, or a negative errno when
 * no hierarchy could be opened or memory ran out (e says which).
 */
int cgroups_render(const struct cgroup_hiers *hs, size_t max, struct buf *out, struct kerr *e);

/*
 * The source from a snapshot directory: DIR/cgroup/v1 and v2 walked and
 * DIR/cgroup/containers appended, else the text file DIR/cgroups.
 * -ENOENT when the directory has neither.
 */
int cgroups_read_dir(const char *dir, struct buf *out, struct kerr *e);

/*
 * Appends the containers section ("<runtime> <id> <name>" lines) and, when
 * error is not NULL, the names_error line.
 */
int cgroups_render_names(struct buf *out, const char *names, size_t len, const char *error);

/* Raw reads for finding the hierarchies (model/ parses them). */
int cgroups_read_mountinfo(struct buf *b, struct kerr *e);
/* <point>/cgroup.controllers of a cgroup2 mount. */
int cgroups_read_controllers(const char *point, struct buf *b, struct kerr *e);

/* ---- writing a snapshot's copy (the layout above) ---- */

/* Removes DIR/cgroup/v1, v2 and containers of an older snapshot. */
int cgroups_copy_clear(const char *dir, struct kerr *e);
/* Writes DIR/cgroup/v<version><path>/<name> with the file's bytes. */
int cgroups_copy_file(const char *dir, int version, const char *path, const char *name,
		      const char *data, size_t len, struct kerr *e);
/* Writes DIR/cgroup/containers; creates DIR/cgroup when there is none. */
int cgroups_copy_names(const char *dir, const char *data, size_t len, struct kerr *e);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A cgroup sample: every memory cgroup's parsed counters (struct memcg,
 * about 260 bytes each with its path: 65,536 cgroups cost ~17 MiB) and the
 * names of the containers among them, taken live or from a snapshot
 * directory (layout in source/cgroups.h). Also what `kleak snapshot`
 * calls to copy the cgroups, and the `--container NAME` resolver.
 */
#ifndef KLEAK_MODEL_CGROUPS_H
#define KLEAK_MODEL_CGROUPS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/cgroup_path.h"
#include "parse/container_meta.h"
#include "parse/memcg.h"
#include "source/cgroups.h"
#include "util/err.h"

struct cgroup_entry {
	char *path;	/* "/docker/6c96...", owned */
	int depth;	/* 0: a hierarchy's root */
	struct memcg m; /* m.version: the hierarchy's */
};

struct cgroup_set {
	struct cgroup_entry *v;
	size_t n, cap;
	struct cgroup_hiers hiers;
	struct container_names names;
	struct cgroup_walk_stats stats; /* summed over the hierarchies */
	size_t max_cgroups;
	struct kerr names_err; /* a runtime file that did not parse (shown, not fatal) */
};

/*
 * Reads every memory cgroup, live (dir NULL) or from DIR, at most
 * max_cgroups (0: CGROUPS_DEFAULT_MAX), and the names of its containers.
 * Returns 0, -ENOENT when there is no memory cgroup hierarchy (e filled),
 * or another negative errno: a file that exists but does not parse is an
 * error ("DIR/cgroup/v2/a/memory.stat:3: expected 'name value' ...").
 */
int cgroup_set_take(struct cgroup_set *s, const char *dir, size_t max_cgroups,
		    uint64_t page_size, struct kerr *e);
void cgroup_set_free(struct cgroup_set *s);

/*
 * For `kleak snapshot`: copies the live cgroups into DIR/cgroup/ and
 * writes DIR/cgroup/containers with the names the runtimes give.
 */
int cgroups_snapshot_write(const char *dir, size_t max_cgroups,
			   struct cgroup_walk_stats *st, struct kerr *e);

/* The display name of a cgroup: the container's, the pod's, the unit's, or NULL. */
const char *cgroup_set_name(const struct cgroup_set *s, const char *path,
			    const struct cgroup_ident *id, char *buf, size_t len);

struct cgroup_target {
	char dir[PATH_MAX * 2]; /* the live directory: mount point + path */
	char path[PATH_MAX];	/* the cgroup path, "/docker/6c96..." */
	int version;		/* of the memory hierarchy it is in */
	char name[CONTAINER_NAME_LEN];
};

/*
 * `--container NAME`: the memory cgroup of the container (or pod, or
 * systemd unit) users call NAME, or whose id is NAME or starts with it
 * (12 characters at least, as docker shows ids). Matched in s. -ENOENT
 * with the closest names in e on a miss; -EEXIST when an id prefix is
 * ambiguous.
 */
int cgroup_set_find(const struct cgroup_set *s, const char *name,
		    struct cgroup_target *t, struct kerr *e);
/* The same on the live system: takes the set, finds, frees. */
int cgroups_container_resolve(const char *name, struct cgroup_target *t,
			      struct kerr *e);

#endif

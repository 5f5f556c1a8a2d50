/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A cgroup sample: every memory cgroup's parsed counters (struct memcg,
 * about 260 bytes each with its path: 65,536 cgroups cost ~17 MiB) and the
 * names of the containers among them, parsed from the cgroups source's
 * text (source/cgroups.h, parse/cgroup_tree.h). Also the live reading of
 * that source, which needs parsing to know what to read (the hierarchies
 * from mountinfo, the containers' names from the runtimes' metadata), the
 * writing of a snapshot's DIR/cgroup/ copy, and the `--container NAME`
 * resolver.
 */
#ifndef KLEAK_MODEL_CGROUPS_H
#define KLEAK_MODEL_CGROUPS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/containers.h"
#include "parse/cgroup_path.h"
#include "parse/container_meta.h"
#include "parse/memcg.h"
#include "source/cgroups.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strmap.h"

struct cgroup_entry {
	char *path;	/* "/docker/6c96...", owned */
	int depth;	/* 0: a hierarchy's root */
	struct memcg m; /* m.version: the hierarchy's */
};

struct cgroup_walk_stats {
	size_t visited;
	bool capped;	   /* stopped at max_cgroups */
	size_t too_deep;   /* directories below CGROUPS_MAX_DEPTH skipped */
	size_t unreadable; /* files present but not readable */
	struct kerr first; /* the first unreadable file or directory */
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
 * Parses the cgroups source's text (buf, len; src names it in errors)
 * into s, which is zeroed first: at most max cgroups (0: all the text
 * holds), the rest counted as capped. Returns 0 or a negative errno: a
 * text or a cgroup's file that does not parse is an error naming the file
 * and its line ("DIR/cgroup/v2/a/memory.stat:3: expected 'name value' ...").
 */
int cgroup_set_parse(struct cgroup_set *s, const char *buf, size_t len, const char *src,
		     uint64_t page_size, size_t max, struct kerr *e);

/*
 * What reading the cgroups live keeps from one sample to the next: the
 * runtimes' roots, the names found (looked up once per container), the
 * ids that had no name.
 */
struct cgroups_live {
	bool init;
	struct container_sources cs;
	struct container_names names;
	struct strmap unnamed;
};

/*
 * Reads the live cgroups as the source's text into out (reset first): the
 * hierarchies from /proc/self/mountinfo, at most max cgroups (0: the
 * default), and the containers' names. -ENOENT with e when no memory
 * cgroup hierarchy is mounted.
 */
int cgroups_read_live(struct cgroups_live *l, size_t max, struct buf *out, struct kerr *e);
void cgroups_live_free(struct cgroups_live *l);

/* The hierarchies from a mountinfo text (tests: dir names of a fixture). */
int cgroups_find_mountinfo(const char *buf, size_t len, const char *src, struct cgroup_hiers *out,
			   struct kerr *e);

/*
 * Reads every memory cgroup, live (dir NULL) or from DIR, at most
 * max_cgroups (0: CGROUPS_DEFAULT_MAX), and the names of its containers:
 * the source read and parsed in one call. Returns as cgroup_set_parse, or
 * -ENOENT when there is no memory cgroup hierarchy (e filled).
 */
int cgroup_set_take(struct cgroup_set *s, const char *dir, size_t max_cgroups, uint64_t page_size,
		    struct kerr *e);
void cgroup_set_free(struct cgroup_set *s);

/*
 * For `kleak snapshot`: writes the cgroups of the source's text (as a
 * live sample read it) into DIR/cgroup/ (layout in source/cgroups.h),
 * replacing an older copy, with DIR/cgroup/containers.
 */
int cgroups_snapshot_write(const char *dir, const char *text, size_t len, const char *src,
			   struct kerr *e);

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
int cgroup_set_find(const struct cgroup_set *s, const char *name, struct cgroup_target *t,
		    struct kerr *e);
/* The same on the live system: takes the set, finds, frees. */
int cgroups_container_resolve(const char *name, struct cgroup_target *t, struct kerr *e);

#endif

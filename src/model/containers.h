/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names of the containers a cgroup walk found, from the runtimes' own
 * metadata: source/runtimes.h reads the files raw, parse/container_meta.h
 * parses them. Only the files of containers that have a cgroup are read
 * (a node with thousands of exited containers costs nothing more).
 *
 * A runtime file that is missing or unreadable leaves the container
 * unnamed (named by its path); one that does not parse too, with the
 * error kept for the caller to show.
 */
#ifndef KLEAK_MODEL_CONTAINERS_H
#define KLEAK_MODEL_CONTAINERS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "parse/cgroup_path.h"
#include "parse/container_meta.h"
#include "util/err.h"

#define CONTAINERS_MAX_DOCKER_ROOTS 4

struct container_sources {
	char docker[CONTAINERS_MAX_DOCKER_ROOTS][PATH_MAX];
	size_t ndocker;
	bool podman_read; /* containers.json read once */
	struct container_names podman;
	struct kerr err; /* the first metadata file that did not parse */
};

/* Finds the runtimes' roots (running dockerds' data roots). */
void containers_init(struct container_sources *cs);
/*
 * Adds the name of the container or pod id describes to names, when a
 * runtime's file gives it. Returns 0 (unknown is not an error) or -ENOMEM.
 */
int containers_lookup(struct container_sources *cs, const struct cgroup_ident *id,
		      struct container_names *names);
void containers_free(struct container_sources *cs);

#endif

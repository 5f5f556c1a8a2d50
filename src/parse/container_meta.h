/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Container names from the runtimes' own metadata files, parsed with
 * json-c (no I/O here; source/containers.c reads the files):
 *
 *   docker  <data-root>/containers/<id>/config.v2.json
 *           {"ID": "6c96...", "Name": "/web", "Config": {"Labels": {...}}}
 *           and /etc/docker/daemon.json {"data-root": "/srv/docker"}
 *   podman  <storage>/overlay-containers/containers.json
 *           [{"id": "6c96...", "names": ["web"], ...}, ...]
 *   OCI bundles of containerd (/run/containerd/io.containerd.runtime.v2.task/
 *           <namespace>/<id>/config.json) and CRI-O (/run/containers/storage/
 *           overlay-containers/<id>/userdata/config.json):
 *           {"annotations": {"io.kubernetes.cri.container-name": "nginx",
 *            "io.kubernetes.cri.sandbox-name": "nginx-7d4", ...}}
 *
 * Kubernetes containers are named "<namespace>/<pod>/<container>", their
 * pods "<namespace>/<pod>", as kubectl shows them. Also the "containers"
 * file of a snapshot directory, one "<runtime> <id> <name>" a line.
 */
#ifndef KLEAK_PARSE_CONTAINER_META_H
#define KLEAK_PARSE_CONTAINER_META_H

#include <stddef.h>

#include "parse/cgroup_path.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strmap.h"

#define CONTAINER_NAME_LEN 256

struct container_meta {
	char id[CGROUP_ID_LEN];
	char name[CONTAINER_NAME_LEN];	   /* what users call it; "" when unknown */
	char pod_uid[CGROUP_UID_LEN];	   /* Kubernetes only */
	char pod_name[CONTAINER_NAME_LEN]; /* "<namespace>/<pod>" */
};

/* docker's config.v2.json. */
int container_meta_docker(const char *buf, size_t len, const char *src, struct container_meta *m,
			  struct kerr *e);
/* dockerd's daemon.json: "data-root" (or the older "graph"); "" when unset. */
int container_meta_docker_root(const char *buf, size_t len, const char *src, char *root,
			       size_t rootlen, struct kerr *e);
/*
 * dockerd's command line (/proc/PID/cmdline: NUL-separated arguments):
 * --data-root (or the older -g/--graph) and --config-file, "" when absent.
 */
void container_meta_dockerd_args(const char *cmdline, size_t len, char *root, size_t rootlen,
				 char *config, size_t configlen);
/*
 * podman's containers.json: calls fn for each container with an id and a
 * name. fn returning non-zero stops the walk with that value.
 */
int container_meta_podman(const char *buf, size_t len, const char *src,
			  int (*fn)(const struct container_meta *m, void *ctx), void *ctx,
			  struct kerr *e);
/* An OCI bundle's config.json (containerd, CRI-O): names from annotations. */
int container_meta_oci(const char *buf, size_t len, const char *src, struct container_meta *m,
		       struct kerr *e);

/* One known container (or pod: id "pod:<uid>") and its name. */
struct container_name {
	char runtime[16];
	char id[CGROUP_UID_LEN + CGROUP_ID_LEN];
	char name[CONTAINER_NAME_LEN];
};

struct container_names {
	struct container_name *v;
	size_t n, cap;
	struct strmap by_id; /* id -> index in v */
};

/* Adds or replaces id's name. 0 or -ENOMEM. */
int container_names_add(struct container_names *cn, const char *runtime, const char *id,
			const char *name);
/* The name of id, or NULL. */
const struct container_name *container_names_find(const struct container_names *cn, const char *id);
/* The snapshot file: "<runtime> <id> <name>" lines (names have no spaces
 * or newlines; those that do are written with them as '_'). */
int container_names_render(const struct container_names *cn, struct buf *out);
int container_names_parse(const char *buf, size_t len, const char *src, struct container_names *cn,
			  struct kerr *e);
void container_names_free(struct container_names *cn);

#endif

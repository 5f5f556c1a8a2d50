/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a cgroup path says about who runs in it, from the path alone: the
 * container runtime, the container id, the Kubernetes pod UID, or the
 * systemd unit. The layouts the runtimes create:
 *
 *   /docker/<id>                                       docker, cgroupfs driver
 *   /system.slice/docker-<id>.scope                    docker, systemd driver
 *   /machine.slice/libpod-<id>.scope, /libpod_parent/libpod-<id>  podman
 *   /kubepods/burstable/pod<uid>/<id>                  Kubernetes, cgroupfs
 *   /kubepods.slice/kubepods-burstable.slice/
 *     kubepods-burstable-pod<uid_with_underscores>.slice/
 *       cri-containerd-<id>.scope | crio-<id>.scope | docker-<id>.scope
 *   /system.slice/nginx.service, /user.slice           systemd units, slices
 *
 * Names users know (`web`, `default/nginx-7d4/nginx`) come from the
 * runtimes' own files, read elsewhere; this is pure string work.
 */
#ifndef KLEAK_PARSE_CGROUP_PATH_H
#define KLEAK_PARSE_CGROUP_PATH_H

#include <stdbool.h>
#include <stddef.h>

enum cgroup_kind {
	CGROUP_PLAIN,	  /* nothing known: named by its path */
	CGROUP_CONTAINER, /* a container's cgroup (or one inside it) */
	CGROUP_POD,	  /* a Kubernetes pod's cgroup */
	CGROUP_UNIT,	  /* a systemd unit or slice */
};

#define CGROUP_ID_LEN 65  /* 64 hex digits */
#define CGROUP_UID_LEN 37 /* a UUID */
#define CGROUP_UNIT_LEN 256

struct cgroup_ident {
	enum cgroup_kind kind;
	/* "docker", "podman", "containerd", "cri-o", "kubernetes" (a pod, or a
	 * container whose runtime the cgroupfs path does not say), "systemd" */
	const char *runtime;
	char id[CGROUP_ID_LEN];	      /* container id, "" when none */
	char pod_uid[CGROUP_UID_LEN]; /* with dashes, "" when none */
	char unit[CGROUP_UNIT_LEN];   /* systemd unit or slice, "" when none */
	/* Offset in the path past the container's own component: a cgroup
	 * inside a container ("/docker/<id>/init.scope") has rest > 0 and
	 * path[rest] == '/'; 0 for the container's own cgroup. */
	size_t rest;
};

/* Classifies path ("/" for a hierarchy's root). Never fails. */
void cgroup_path_classify(const char *path, struct cgroup_ident *out);

/* Whether s is n lowercase hex digits (a container id is 64). */
bool cgroup_is_hex(const char *s, size_t n);

#endif

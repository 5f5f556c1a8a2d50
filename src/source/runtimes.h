/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the container runtimes of this machine keep their metadata, read
 * raw: model/containers.c parses what these return to name the containers
 * a cgroup walk found. Nothing here parses JSON.
 *
 *   docker   <data-root>/containers/<id>/config.v2.json, data-root from
 *            each running dockerd's --data-root, else its --config-file or
 *            /etc/docker/daemon.json "data-root", else /var/lib/docker
 *   podman   /var/lib/containers/storage/overlay-containers/containers.json
 *   containerd  /run/containerd/io.containerd.runtime.v2.task/<ns>/<id>/config.json
 *   CRI-O    /run/containers/storage/overlay-containers/<id>/userdata/config.json
 *
 * A file is read only when it is a regular file (no FIFO, no device; the
 * last component never a symlink) and at most RUNTIMES_META_CAP bytes.
 */
#ifndef KLEAK_SOURCE_RUNTIMES_H
#define KLEAK_SOURCE_RUNTIMES_H

#include <limits.h>
#include <stddef.h>

#include "util/buf.h"

#define RUNTIMES_DOCKER_ROOT "/var/lib/docker"
#define RUNTIMES_DOCKER_CONFIG "/etc/docker/daemon.json"
#define RUNTIMES_PODMAN_JSON "/var/lib/containers/storage/overlay-containers/containers.json"
#define RUNTIMES_META_CAP (16u << 20) /* a config.v2.json is a few KiB */

/*
 * Calls fn with the raw command line (/proc/PID/cmdline: NUL-separated
 * arguments) of every running dockerd.
 */
void runtimes_each_dockerd(void (*fn)(const char *cmdline, size_t len, void *ctx), void *ctx);

enum runtime_file_kind {
	RUNTIME_FILE_DOCKER, /* docker's config.v2.json */
	RUNTIME_FILE_OCI,    /* an OCI bundle's config.json (containerd, CRI-O) */
};

struct runtime_file {
	char path[PATH_MAX];
	const char *runtime; /* "docker", "containerd", "cri-o" */
	enum runtime_file_kind kind;
};

/*
 * The metadata files that may describe container id, in the order to try:
 * config.v2.json under each docker data root given, the bundle in each
 * containerd namespace, CRI-O's. Returns how many were filled (at most max).
 */
size_t runtimes_files(const char *id, const char (*docker_roots)[PATH_MAX], size_t nroots,
		      struct runtime_file *out, size_t max);

/* Reads one metadata file into b; 0, or a negative errno (absent is normal). */
int runtimes_read(const char *path, struct buf *b);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the container runtimes' metadata parsers (docker's
 * config.v2.json and daemon.json, podman's containers.json, OCI bundle
 * annotations, dockerd's command line, a snapshot's names file) and the
 * cgroup path classifier on arbitrary bytes: no crash, no leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/cgroup_path.h"
#include "parse/container_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(const struct container_meta *m, void *ctx)
{
	(*(size_t *)ctx) += strlen(m->name) > 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct container_meta m;
	struct container_names cn;
	struct cgroup_ident id;
	struct kerr e;
	char root[256], config[256], *path;
	size_t n = 0;

	container_meta_docker(s, size, "fuzz", &m, &e);
	container_meta_docker_root(s, size, "fuzz", root, sizeof(root), &e);
	container_meta_podman(s, size, "fuzz", count, &n, &e);
	container_meta_oci(s, size, "fuzz", &m, &e);
	container_meta_dockerd_args(s, size, root, sizeof(root), config, sizeof(config));
	if (!container_names_parse(s, size, "fuzz", &cn, &e))
		container_names_free(&cn);
	path = strndup(s, size > 4096 ? 4096 : size);
	if (path) {
		cgroup_path_classify(path, &id);
		free(path);
	}
	return 0;
}

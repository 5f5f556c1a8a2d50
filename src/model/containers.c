// SPDX-License-Identifier: GPL-2.0
/*
 * Naming containers: the runtimes' metadata files (read raw by
 * source/runtimes.c) parsed with parse/container_meta.h; see containers.h.
 */
#include "containers.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "source/runtimes.h"
#include "util/buf.h"

static void add_docker_root(struct container_sources *cs, const char *root)
{
	for (size_t i = 0; i < cs->ndocker; i++)
		if (!strcmp(cs->docker[i], root))
			return;
	if (cs->ndocker < CONTAINERS_MAX_DOCKER_ROOTS && root[0] == '/')
		snprintf(cs->docker[cs->ndocker++], PATH_MAX, "%s", root);
}

static void keep_err(struct container_sources *cs, const struct kerr *e)
{
	if (!cs->err.code)
		cs->err = *e;
}

/* The data root of one dockerd: its arguments, else its config file. */
static void dockerd_root(const char *cmdline, size_t len, void *ctx)
{
	struct container_sources *cs = ctx;
	char root[PATH_MAX], config[PATH_MAX];
	const char *cfg;
	struct buf b = { 0 };
	struct kerr e;

	container_meta_dockerd_args(cmdline, len, root, sizeof(root), config, sizeof(config));
	cfg = config[0] ? config : RUNTIMES_DOCKER_CONFIG;
	if (!root[0] && !runtimes_read(cfg, &b) &&
	    container_meta_docker_root(b.data, b.len, cfg, root, sizeof(root), &e))
		keep_err(cs, &e);
	buf_free(&b);
	add_docker_root(cs, root[0] ? root : RUNTIMES_DOCKER_ROOT);
}

void containers_init(struct container_sources *cs)
{
	memset(cs, 0, sizeof(*cs));
	runtimes_each_dockerd(dockerd_root, cs);
	add_docker_root(cs, RUNTIMES_DOCKER_ROOT);
}

static int podman_add(const struct container_meta *m, void *ctx)
{
	return container_names_add(ctx, "podman", m->id, m->name);
}

static void podman_load(struct container_sources *cs, struct buf *b)
{
	struct kerr e;

	cs->podman_read = true;
	if (!runtimes_read(RUNTIMES_PODMAN_JSON, b) &&
	    container_meta_podman(b->data, b->len, RUNTIMES_PODMAN_JSON, podman_add, &cs->podman,
				  &e))
		keep_err(cs, &e);
}

/* Names a container (and its pod) from one metadata file. */
static int add_meta(struct container_names *names, const char *runtime, const char *id,
		    const struct container_meta *m)
{
	char pod[CGROUP_UID_LEN + 8];
	int r = 0;

	if (m->name[0])
		r = container_names_add(names, runtime, id, m->name);
	if (!r && m->pod_uid[0] && m->pod_name[0]) {
		snprintf(pod, sizeof(pod), "pod:%s", m->pod_uid);
		r = container_names_add(names, "kubernetes", pod, m->pod_name);
	}
	return r;
}

/* The first metadata file of id that exists names it (or fails to). */
static int lookup_files(struct container_sources *cs, const char *id, struct container_names *names,
			struct buf *b, bool *found)
{
	struct runtime_file files[16];
	size_t n = runtimes_files(id, (const char(*)[PATH_MAX])cs->docker, cs->ndocker, files,
				  sizeof(files) / sizeof(files[0]));

	for (size_t i = 0; i < n; i++) {
		struct container_meta m;
		struct kerr e;
		int r;

		if (runtimes_read(files[i].path, b))
			continue;
		*found = true;
		r = files[i].kind == RUNTIME_FILE_DOCKER
			    ? container_meta_docker(b->data, b->len, files[i].path, &m, &e)
			    : container_meta_oci(b->data, b->len, files[i].path, &m, &e);
		if (r) {
			keep_err(cs, &e);
			return 0;
		}
		return add_meta(names, files[i].runtime, id, &m);
	}
	return 0;
}

int containers_lookup(struct container_sources *cs, const struct cgroup_ident *id,
		      struct container_names *names)
{
	const struct container_name *pn;
	struct buf b = { 0 };
	bool found = false;
	int r = 0;

	if (id->kind != CGROUP_CONTAINER || !id->id[0] || container_names_find(names, id->id))
		return 0;
	r = lookup_files(cs, id->id, names, &b, &found);
	if (!r && !found) {
		if (!cs->podman_read)
			podman_load(cs, &b);
		pn = container_names_find(&cs->podman, id->id);
		if (pn)
			r = container_names_add(names, "podman", id->id, pn->name);
	}
	buf_free(&b);
	return r;
}

void containers_free(struct container_sources *cs)
{
	if (!cs)
		return;
	container_names_free(&cs->podman);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the container runtimes' metadata files for the containers a
 * cgroup walk found; where they are in containers.h, their formats in
 * parse/container_meta.h.
 */
#include "containers.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

#define META_CAP (16u << 20) /* a config.v2.json is a few KiB */

static void add_docker_root(struct container_sources *cs, const char *root)
{
	for (size_t i = 0; i < cs->ndocker; i++)
		if (!strcmp(cs->docker[i], root))
			return;
	if (cs->ndocker < CONTAINERS_MAX_DOCKER_ROOTS && root[0] == '/')
		snprintf(cs->docker[cs->ndocker++], PATH_MAX, "%s", root);
}

/* Reads path into b; false (quietly) when absent or unreadable. */
static bool read_meta(const char *path, struct buf *b)
{
	struct kerr e;

	buf_reset(b);
	return !buf_read_file(b, path, META_CAP, &e);
}

static void keep_err(struct container_sources *cs, const struct kerr *e)
{
	if (!cs->err.code)
		cs->err = *e;
}

/* The data root of one dockerd: its arguments, else its config file. */
static void dockerd_root(struct container_sources *cs, const char *pid,
			 struct buf *b)
{
	char path[64], root[PATH_MAX], config[PATH_MAX];
	struct kerr e;

	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	if (!read_meta(path, b))
		return;
	container_meta_dockerd_args(b->data, b->len, root, sizeof(root), config,
				    sizeof(config));
	if (!root[0] && read_meta(config[0] ? config : "/etc/docker/daemon.json", b) &&
	    container_meta_docker_root(b->data, b->len,
				       config[0] ? config : "/etc/docker/daemon.json",
				       root, sizeof(root), &e))
		keep_err(cs, &e);
	add_docker_root(cs, root[0] ? root : "/var/lib/docker");
}

void containers_init(struct container_sources *cs)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	struct buf b = { 0 };

	memset(cs, 0, sizeof(*cs));
	while (d && (de = readdir(d))) {
		char path[300];

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		if (read_meta(path, &b) && !strcmp(b.data, "dockerd\n"))
			dockerd_root(cs, de->d_name, &b);
	}
	if (d)
		closedir(d);
	buf_free(&b);
	add_docker_root(cs, "/var/lib/docker");
}

static int podman_add(const struct container_meta *m, void *ctx)
{
	return container_names_add(ctx, "podman", m->id, m->name);
}

static void podman_load(struct container_sources *cs, struct buf *b)
{
	static const char path[] =
		"/var/lib/containers/storage/overlay-containers/containers.json";
	struct kerr e;

	cs->podman_read = true;
	if (read_meta(path, b) &&
	    container_meta_podman(b->data, b->len, path, podman_add, &cs->podman, &e))
		keep_err(cs, &e);
}

/* Names a container (and its pod) from one metadata file. */
static int add_meta(struct container_names *names, const char *runtime,
		    const char *id, const struct container_meta *m)
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

typedef int (*meta_parse_fn)(const char *buf, size_t len, const char *src,
			     struct container_meta *m, struct kerr *e);

static int try_file(struct container_sources *cs, const char *path,
		    meta_parse_fn parse, const char *runtime, const char *id,
		    struct container_names *names, struct buf *b, bool *found)
{
	struct container_meta m;
	struct kerr e;

	if (!read_meta(path, b))
		return 0;
	*found = true;
	if (parse(b->data, b->len, path, &m, &e)) {
		keep_err(cs, &e);
		return 0;
	}
	return add_meta(names, runtime, id, &m);
}

/* containerd keeps one bundle per namespace: k8s.io, moby, default ... */
static int try_containerd(struct container_sources *cs, const char *id,
			  struct container_names *names, struct buf *b, bool *found)
{
	static const char base[] = "/run/containerd/io.containerd.runtime.v2.task";
	DIR *d = opendir(base);
	struct dirent *de;
	int r = 0;

	while (!r && !*found && d && (de = readdir(d))) {
		char path[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%.64s/%s/config.json", base,
			 de->d_name, id);
		r = try_file(cs, path, container_meta_oci, "containerd", id, names,
			     b, found);
	}
	if (d)
		closedir(d);
	return r;
}

static int lookup_container(struct container_sources *cs, const struct cgroup_ident *id,
			    struct container_names *names, struct buf *b)
{
	const struct container_name *pn;
	char path[PATH_MAX + 128];
	bool found = false;
	int r = 0;

	for (size_t i = 0; !r && !found && i < cs->ndocker; i++) {
		snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json",
			 cs->docker[i], id->id);
		r = try_file(cs, path, container_meta_docker, "docker", id->id,
			     names, b, &found);
	}
	if (!r && !found)
		r = try_containerd(cs, id->id, names, b, &found);
	if (!r && !found) {
		snprintf(path, sizeof(path),
			 "/run/containers/storage/overlay-containers/%s/userdata/config.json",
			 id->id);
		r = try_file(cs, path, container_meta_oci, "cri-o", id->id, names,
			     b, &found);
	}
	if (!r && !found) {
		if (!cs->podman_read)
			podman_load(cs, b);
		pn = container_names_find(&cs->podman, id->id);
		if (pn)
			r = container_names_add(names, "podman", id->id, pn->name);
	}
	return r;
}

int containers_lookup(struct container_sources *cs, const struct cgroup_ident *id,
		      struct container_names *names)
{
	struct buf b = { 0 };
	int r = 0;

	if (id->kind == CGROUP_CONTAINER && id->id[0] &&
	    !container_names_find(names, id->id))
		r = lookup_container(cs, id, names, &b);
	buf_free(&b);
	return r;
}

void containers_free(struct container_sources *cs)
{
	if (!cs)
		return;
	container_names_free(&cs->podman);
}

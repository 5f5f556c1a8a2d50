// SPDX-License-Identifier: GPL-2.0
/* Reading the container runtimes' metadata files, raw; see runtimes.h. */
#include "runtimes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int runtimes_read(const char *path, struct buf *b)
{
	struct kerr e;
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK), r;

	buf_reset(b);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	r = buf_read_fd(b, fd, path, RUNTIMES_META_CAP, &e);
	close(fd);
	return r;
}

void runtimes_each_dockerd(void (*fn)(const char *cmdline, size_t len, void *ctx), void *ctx)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	struct buf b = { 0 };
	struct kerr e;

	while (d && (de = readdir(d))) {
		char path[300];

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		buf_reset(&b);
		if (buf_read_file(&b, path, 64, &e) || strcmp(b.data, "dockerd\n"))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		buf_reset(&b);
		if (!buf_read_file(&b, path, 1 << 20, &e))
			fn(b.data, b.len, ctx);
	}
	if (d)
		closedir(d);
	buf_free(&b);
}

static void add(struct runtime_file *out, size_t max, size_t *n, const char *runtime,
		enum runtime_file_kind kind, const char *fmt, const char *a, const char *b)
{
	if (*n >= max)
		return;
	if (snprintf(out[*n].path, sizeof(out[*n].path), fmt, a, b) >= (int)sizeof(out[*n].path))
		return;
	out[*n].runtime = runtime;
	out[*n].kind = kind;
	(*n)++;
}

size_t runtimes_files(const char *id, const char (*docker_roots)[PATH_MAX], size_t nroots,
		      struct runtime_file *out, size_t max)
{
	static const char task[] = "/run/containerd/io.containerd.runtime.v2.task";
	DIR *d;
	struct dirent *de;
	size_t n = 0;

	if (!id[0] || strchr(id, '/') || id[0] == '.')
		return 0;
	for (size_t i = 0; i < nroots; i++)
		add(out, max, &n, "docker", RUNTIME_FILE_DOCKER, "%s/containers/%s/config.v2.json",
		    docker_roots[i], id);
	/* containerd keeps one bundle per namespace: k8s.io, moby, default ... */
	d = opendir(task);
	while (d && (de = readdir(d))) {
		char ns[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(ns, sizeof(ns), "%s/%.64s", task, de->d_name);
		add(out, max, &n, "containerd", RUNTIME_FILE_OCI, "%s/%s/config.json", ns, id);
	}
	if (d)
		closedir(d);
	add(out, max, &n, "cri-o", RUNTIME_FILE_OCI, "%s/%s/userdata/config.json",
	    "/run/containers/storage/overlay-containers", id);
	return n;
}

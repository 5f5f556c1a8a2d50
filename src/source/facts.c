// SPDX-License-Identifier: GPL-2.0
/* Small live facts beside the samples; see facts.h. */
#include "facts.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FACTS_CAP (1u << 20)

const char *const facts_paths[FACTS_NFILES] = {
	[FACTS_DENTRY_STATE] = "/proc/sys/fs/dentry-state",
	[FACTS_INODE_STATE] = "/proc/sys/fs/inode-state",
	[FACTS_SOCKSTAT] = "/proc/net/sockstat",
};

void facts_read(struct facts_raw *r)
{
	for (int i = 0; i < FACTS_NFILES; i++) {
		buf_reset(&r->b[i]);
		kerr_clear(&r->err[i]);
		r->have[i] = !buf_read_file(&r->b[i], facts_paths[i], FACTS_CAP, &r->err[i]);
	}
}

void facts_raw_free(struct facts_raw *r)
{
	if (!r)
		return;
	for (int i = 0; i < FACTS_NFILES; i++)
		buf_free(&r->b[i]);
	memset(r, 0, sizeof(*r));
}

int facts_proc_fds(uint32_t pid, uint64_t *fds, uint64_t *sockets, struct kerr *e)
{
	char dir[64], path[PATH_MAX], target[64];
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%u/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return kerr_set(e, -errno, dir, 0, "%s%s", strerror(errno),
				errno == EACCES ? " (needs root)" : "");
	*fds = *sockets = 0;
	while ((d = readdir(dp))) {
		ssize_t n;

		if (d->d_name[0] == '.')
			continue;
		(*fds)++;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 7 && !memcmp(target, "socket:", 7))
			(*sockets)++;
	}
	closedir(dp);
	return 0;
}

int facts_proc_file(uint32_t pid, const char *file, struct buf *b, struct kerr *e)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%u/%s", pid, file);
	buf_reset(b);
	return buf_read_file(b, path, FACTS_CAP, e);
}

void facts_module_attr(const char *module, const char *attr, char *out, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	out[0] = 0;
	snprintf(path, sizeof(path), "/sys/module/%s/%s", module, attr);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(out, (int)len, f))
		out[strcspn(out, "\n")] = 0;
	else
		out[0] = 0;
	fclose(f);
}

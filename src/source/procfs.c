// SPDX-License-Identifier: GPL-2.0
/* Reading raw sources from the live kernel or a snapshot directory. */
#include "procfs.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/cgroups.h"
#include "source/klog.h"

enum source_id source_by_name(const char *name)
{
	for (int i = 0; i < SRC_COUNT; i++)
		if (!strcmp(source_descs[i].name, name))
			return (enum source_id)i;
	return SRC_COUNT;
}

/*
 * /sys/kernel/slab holds one entry per cache name: a directory for a cache
 * of its own, a symlink to a ":A-0000080"-style directory for each name
 * SLUB merged. Rendered as "name target" lines so that it is a plain text
 * source like the others (and a snapshot can carry it).
 */
static int read_slab_dir(const char *path, struct buf *out, struct source_live *st,
			 struct kerr *e)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int r = 0;

	if (!d) {
		r = -errno;
		return kerr_set(e, r, path, 0, "%s", strerror(-r));
	}
	while ((de = readdir(d))) {
		char link[PATH_MAX], target[PATH_MAX + 32], flag[8] = "";
		struct buf rb = { 0 };
		struct kerr ignored;
		ssize_t n;
		const char *base;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, de->d_name);
		snprintf(target, sizeof(target), "%s/reclaim_account", link);
		if (!buf_read_file(&rb, target, 64, &ignored) && rb.len)
			snprintf(flag, sizeof(flag), " %c", rb.data[0]);
		buf_free(&rb);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0) { /* a directory: the cache stands alone */
			r = buf_printf(out, "%s %s%s\n", de->d_name,
				       de->d_name, flag);
		} else {
			target[n] = '\0';
			base = strrchr(target, '/');
			r = buf_printf(out, "%s %s%s\n", de->d_name,
				       base ? base + 1 : target, flag);
		}
		if (r) {
			kerr_set(e, r, path, 0, "out of memory");
			break;
		}
	}
	closedir(d);
	return r;
}

/* Only module symbols ("... [mod]"): all a later unloaded-module lookup needs. */
static int read_module_symbols(const char *path, struct buf *b, struct source_live *st,
			       struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t len, w = 0;
	int r = buf_read_file(b, path, BUF_FILE_CAP, e);

	if (r)
		return r;
	line_iter_init(&it, b->data, b->len);
	while (line_next(&it, &line, &len)) {
		if (!len || line[len - 1] != ']')
			continue;
		memmove(b->data + w, line, len);
		w += len;
		b->data[w++] = '\n';
	}
	b->len = w;
	if (b->data)
		b->data[w] = '\0';
	return 0;
}

/* Name in a snapshot, live path, whether its absence is normal; reader. */
#define SRC(n, path, opt) .name = n, .live_path = path, .optional = opt

const struct source_desc source_descs[SRC_COUNT] = {
	[SRC_MEMINFO] = { SRC("meminfo", "/proc/meminfo", false) },
	[SRC_SLABINFO] = { SRC("slabinfo", "/proc/slabinfo", false) },
	[SRC_VMALLOCINFO] = { SRC("vmallocinfo", "/proc/vmallocinfo", false) },
	[SRC_MODULES] = { SRC("modules", "/proc/modules", true) },
	[SRC_SLAB_ALIASES] = { SRC("slab_aliases", "/sys/kernel/slab", true),
			       .read_live = read_slab_dir },
	[SRC_KALLSYMS] = { SRC("kallsyms", "/proc/kallsyms", true),
			   .read_live = read_module_symbols },
	[SRC_ALLOCINFO] = { SRC("allocinfo", "/proc/allocinfo", true) },
	[SRC_KMEMLEAK] = { SRC("kmemleak", "/sys/kernel/debug/kmemleak", true) },
	[SRC_CGROUPS] = { SRC("cgroups", "/sys/fs/cgroup", true), .composed = true,
			  .read_dir = cgroups_read_dir },
	[SRC_KMSG] = { SRC("kmsg", KLOG_KMSG_PATH, true), .read_live = klog_read_live },
};

int source_read_live(enum source_id id, struct buf *out, struct source_live *st,
		     struct kerr *e)
{
	const struct source_desc *d = &source_descs[id];

	buf_reset(out);
	if (d->composed)
		return kerr_set(e, -ENOTSUP, d->live_path, 0, "read by model/sample_live.h");
	if (d->read_live)
		return d->read_live(d->live_path, out, st, e);
	return buf_read_file(out, d->live_path, BUF_FILE_CAP, e);
}

int source_read(const char *dir, enum source_id id, struct buf *out,
		struct kerr *e)
{
	const struct source_desc *d = &source_descs[id];
	char path[PATH_MAX];

	buf_reset(out);
	if (!dir)
		return source_read_live(id, out, NULL, e);
	if (d->read_dir)
		return d->read_dir(dir, out, e);
	snprintf(path, sizeof(path), "%s/%s", dir, d->name);
	return buf_read_file(out, path, BUF_FILE_CAP, e);
}

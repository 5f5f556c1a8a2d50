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

#include "util/input.h"
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
static int read_slab_dir(const char *path, struct buf *out, struct source_live *st, struct kerr *e)
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
			r = buf_printf(out, "%s %s%s\n", de->d_name, de->d_name, flag);
		} else {
			target[n] = '\0';
			base = strrchr(target, '/');
			r = buf_printf(out, "%s %s%s\n", de->d_name, base ? base + 1 : target,
				       flag);
		}
		if (r) {
			kerr_set(e, r, path, 0, "out of memory");
			break;
		}
	}
	closedir(d);
	return r;
}

/* Keeps the lines of b for which keep() holds, in place. */
static void keep_lines(struct buf *b, bool (*keep)(const char *line, size_t len))
{
	struct line_iter it;
	const char *line;
	size_t len, w = 0;

	line_iter_init(&it, b->data, b->len);
	while (line_next(&it, &line, &len)) {
		if (!keep(line, len))
			continue;
		memmove(b->data + w, line, len);
		w += len;
		b->data[w++] = '\n';
	}
	b->len = w;
	if (b->data)
		b->data[w] = '\0';
}

static bool is_module_symbol(const char *line, size_t len)
{
	return len && line[len - 1] == ']';
}

/* Only module symbols ("... [mod]"): all a later unloaded-module lookup needs. */
static int read_module_symbols(const char *path, struct buf *b, struct source_live *st,
			       struct kerr *e)
{
	int r = buf_read_file(b, path, BUF_FILE_CAP, e);

	if (!r)
		keep_lines(b, is_module_symbol);
	return r;
}

static bool starts(const char *line, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len >= n && !memcmp(line, word, n);
}

/* /proc/stat without its per-CPU, interrupt and softirq lines (the bulk). */
static bool is_stat_counter(const char *line, size_t len)
{
	return !starts(line, len, "cpu") && !starts(line, len, "intr") &&
	       !starts(line, len, "softirq");
}

static int read_stat(const char *path, struct buf *b, struct source_live *st, struct kerr *e)
{
	int r = buf_read_file(b, path, BUF_FILE_CAP, e);

	if (!r)
		keep_lines(b, is_stat_counter);
	return r;
}

/*
 * /proc/zoneinfo reduced to what Unaccounted needs: the zone headers, each
 * CPU's page-list count and each vmstat threshold. The whole file grows
 * with CPUs x zones (about 150 KB on 128 CPUs); this is a tenth of it.
 */
static bool is_pcp_line(const char *line, size_t len)
{
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	return starts(line, len, "Node ") || starts(line, len, "cpu:") ||
	       starts(line, len, "count:") || starts(line, len, "vm stats threshold:");
}

static int read_zoneinfo(const char *path, struct buf *b, struct source_live *st, struct kerr *e)
{
	int r = buf_read_file(b, path, BUF_FILE_CAP, e);

	if (!r)
		keep_lines(b, is_pcp_line);
	return r;
}

/* One module's /sys/module/NAME/sections/ as "NAME SECTION ADDR" lines. */
static int read_sections_of(const char *dir, const char *mod, struct buf *out)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	snprintf(path, sizeof(path), "%s/%s/sections", dir, mod);
	d = opendir(path);
	if (!d)
		return 0; /* built in, or no sections (not root) */
	while (!r && (de = readdir(d))) {
		struct buf v = { 0 };
		struct kerr ignored;
		char file[PATH_MAX + 256];
		size_t n;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		if (!buf_read_file(&v, file, 64, &ignored) && v.len) {
			n = strcspn(v.data, "\n");
			r = buf_printf(out, "%s %s %.*s\n", mod, de->d_name, (int)n, v.data);
		}
		buf_free(&v);
	}
	closedir(d);
	return r;
}

/*
 * The section addresses of every loaded module (root only): on 6.4+ a
 * module's text, data and rodata are separate allocations that
 * /proc/modules does not give, and the address of its freed init text
 * stays listed.
 */
static int read_module_sections(const char *path, struct buf *out, struct source_live *st,
				struct kerr *e)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int r = 0;

	if (!d) {
		r = -errno;
		return kerr_set(e, r, path, 0, "%s", strerror(-r));
	}
	while (!r && (de = readdir(d)))
		if (de->d_name[0] != '.')
			r = read_sections_of(path, de->d_name, out);
	closedir(d);
	if (r)
		return kerr_set(e, r, path, 0, "out of memory");
	return 0;
}

/*
 * /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/stats/
 * nr_anon_partially_mapped (6.12+) as "<size>kB N" lines: anonymous THPs
 * partly unmapped, whose unmapped pages stay allocated (and out of
 * AnonPages) until the deferred split frees them.
 */
static int read_thp(const char *path, struct buf *out, struct source_live *st, struct kerr *e)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int r = 0;

	if (!d) {
		r = -errno;
		return kerr_set(e, r, path, 0, "%s", strerror(-r));
	}
	while (!r && (de = readdir(d))) {
		char file[PATH_MAX + 300];
		struct buf v = { 0 };
		struct kerr ignored;

		if (strncmp(de->d_name, "hugepages-", 10))
			continue;
		snprintf(file, sizeof(file), "%s/%s/stats/nr_anon_partially_mapped", path,
			 de->d_name);
		if (!buf_read_file(&v, file, 64, &ignored) && v.len)
			r = buf_printf(out, "%s %.*s\n", de->d_name + 10,
				       (int)strcspn(v.data, "\n"), v.data);
		buf_free(&v);
	}
	closedir(d);
	if (r)
		return kerr_set(e, r, path, 0, "out of memory");
	if (!out->len)
		return kerr_set(e, -ENOENT, path, 0, "no nr_anon_partially_mapped (before 6.12)");
	return 0;
}

/*
 * Name in a snapshot, live path, whether its absence is normal; the cap:
 * far above any real kernel's (a meminfo is 1.5 KB, a busy host's
 * vmallocinfo 100 MB), so that a hostile file (or a recording inflating
 * to gigabytes) is refused early and memory stays bounded.
 */
#define SRC(n, path, opt) .name = n, .live_path = path, .optional = opt
#define MiB(n) ((size_t)(n) << 20)

const struct source_desc source_descs[SRC_COUNT] = {
	[SRC_MEMINFO] = { SRC("meminfo", "/proc/meminfo", false), .cap = MiB(1) },
	[SRC_SLABINFO] = { SRC("slabinfo", "/proc/slabinfo", false), .cap = MiB(32) },
	[SRC_VMALLOCINFO] = { SRC("vmallocinfo", "/proc/vmallocinfo", false) },
	[SRC_MODULES] = { SRC("modules", "/proc/modules", true), .cap = MiB(4) },
	[SRC_SLAB_ALIASES] = { SRC("slab_aliases", "/sys/kernel/slab", true),
			       .read_live = read_slab_dir, .cap = MiB(16) },
	[SRC_KALLSYMS] = { SRC("kallsyms", "/proc/kallsyms", true),
			   .read_live = read_module_symbols, .cap = MiB(64) },
	[SRC_ALLOCINFO] = { SRC("allocinfo", "/proc/allocinfo", true), .cap = MiB(64) },
	[SRC_KMEMLEAK] = { SRC("kmemleak", "/sys/kernel/debug/kmemleak", true) },
	[SRC_LOADAVG] = { SRC("loadavg", "/proc/loadavg", true), .cap = MiB(1) },
	[SRC_STAT] = { SRC("stat", "/proc/stat", true), .read_live = read_stat, .cap = MiB(16) },
	[SRC_VMSTAT] = { SRC("vmstat", "/proc/vmstat", true), .cap = MiB(1) },
	[SRC_ZONEINFO] = { SRC("zoneinfo", "/proc/zoneinfo", true), .read_live = read_zoneinfo,
			   .cap = MiB(16) },
	[SRC_MODULE_SECTIONS] = { SRC("module_sections", "/sys/module", true),
				  .read_live = read_module_sections, .cap = MiB(16) },
	[SRC_THP] = { SRC("thp", "/sys/kernel/mm/transparent_hugepage", true),
		      .read_live = read_thp, .cap = MiB(1) },
	[SRC_CGROUPS] = { SRC("cgroups", "/sys/fs/cgroup", true), .composed = true,
			  .read_dir = cgroups_read_dir, .cap = MiB(256) },
	[SRC_KMSG] = { SRC("kmsg", KLOG_KMSG_PATH, true), .read_live = klog_read_live,
		       .cap = MiB(64) },
};

size_t source_cap(enum source_id id)
{
	return source_descs[id].cap ? source_descs[id].cap : BUF_FILE_CAP;
}

int source_read_at(int dirfd, const char *dir, enum source_id id, struct buf *out, struct kerr *e)
{
	buf_reset(out);
	if (source_descs[id].read_dir) /* a tree (DIR/cgroup/), read its own way */
		return source_descs[id].read_dir(dir, out, e);
	return input_read_at(out, dirfd, dir, source_descs[id].name, source_cap(id), e);
}

int source_read_live(enum source_id id, struct buf *out, struct source_live *st, struct kerr *e)
{
	const struct source_desc *d = &source_descs[id];

	buf_reset(out);
	if (d->composed)
		return kerr_set(e, -ENOTSUP, d->live_path, 0, "read by model/sample_live.h");
	if (d->read_live)
		return d->read_live(d->live_path, out, st, e);
	return buf_read_file(out, d->live_path, source_cap(id), e);
}

int source_read(const char *dir, enum source_id id, struct buf *out, struct kerr *e)
{
	int dfd, r;

	buf_reset(out);
	if (!dir)
		return source_read_live(id, out, NULL, e);
	dfd = input_open_dir(dir, e);
	if (dfd < 0)
		return dfd;
	r = source_read_at(dfd, dir, id, out, e);
	close(dfd);
	return r;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak snapshot -o DIR`: copies the raw sources under their /proc names,
 * plus a meta file (release, hostname, time, page size), so that
 * `kleak check --from DIR` works on another machine. The memory cgroups
 * go in as the DIR/cgroup/ tree (model/cgroups.h), the kernel log as its
 * /dev/kmsg records (`kmsg`). What cannot be read is said, per file, and
 * the rest is still written.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "model/sample_live.h"
#include "model/snapshot.h"
#include "output/summary.h"
#include "source/sample.h"
#include "util/compiler.h"

struct snapshot_opts {
	const char *dir;
	bool json;
};

#define T struct snapshot_opts
static const struct opt snapshot_opts_table[] = {
	{ .name = "output", .short_name = 'o', .kind = OPTV_PATH, .metavar = "DIR",
	  OPT_AT(T, dir), .help = "directory to create or fill" },
	OPT_JSON(T, json, "print what was written as JSON"),
};
#undef T

const struct cmd_spec cmd_snapshot_spec = {
	.name = "snapshot",
	.synopsis =
	"usage: kleak snapshot -o DIR [options]\n"
	"\n"
	"Copies the raw sources (meminfo, slabinfo, vmallocinfo, modules,\n"
	"slab_aliases from /sys/kernel/slab, module symbols from kallsyms,\n"
	"allocinfo where present, the memory cgroups' files as DIR/cgroup/,\n"
	"the kernel log's records from /dev/kmsg) into DIR with a meta file, for\n"
	"`kleak check --from DIR` here or on another machine, and for\n"
	"`kleak check --baseline DIR` after a module is unloaded.\n"
	"Module symbol addresses are kernel addresses: the snapshot stays on\n"
	"the machine unless you choose to move it.\n",
	.opts = snapshot_opts_table,
	.nopts = ARRAY_SIZE(snapshot_opts_table),
	.size = sizeof(struct snapshot_opts),
};

static int write_file(const char *dir, const char *name, const struct buf *b,
		      struct kerr *e)
{
	char path[PATH_MAX];
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return kerr_set(e, -errno, path, 0, "%s", strerror(errno));
	if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
		r = kerr_set(e, -EIO, path, 0, "write failed: %s", strerror(errno));
	if (fclose(f) && !r)
		r = kerr_set(e, -EIO, path, 0, "write failed: %s", strerror(errno));
	return r;
}

/* The cgroups as the DIR/cgroup/ tree; an older copy goes either way. */
static int write_cgroups(const char *dir, const struct sample *s, struct kerr *e)
{
	const struct buf *b = &s->raw[SRC_CGROUPS];

	if (!s->have[SRC_CGROUPS])
		return cgroups_copy_clear(dir, e);
	return cgroups_snapshot_write(dir, b->data, b->len, "cgroups", e);
}

/*
 * Each source read is written; an older snapshot's file of one that could
 * not be read is removed: it must not pass for this machine's.
 */
static int write_sources(const char *dir, const struct sample *s, struct kerr *e)
{
	char path[PATH_MAX];
	int r;

	r = write_file(dir, "meta", &s->meta, e);
	if (!r)
		r = write_cgroups(dir, s, e);
	for (int i = 0; i < SRC_COUNT && !r; i++) {
		if (s->have[i] && i != SRC_CGROUPS) {
			r = write_file(dir, source_descs[i].name, &s->raw[i], e);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, source_descs[i].name);
		if (unlink(path) && errno != ENOENT)
			r = kerr_set(e, -errno, path, 0, "stale file: %s", strerror(errno));
	}
	return r;
}

/* A required source that could not be read is said on stderr too. */
static void warn_unread(const struct sample *s)
{
	char msg[1024];

	for (int i = 0; i < SRC_COUNT; i++)
		if (!s->have[i] && !source_descs[i].optional)
			fprintf(stderr, "kleak snapshot: %s\n",
				kerr_str(&s->err[i], msg, sizeof(msg)));
}

int cmd_snapshot(int argc, char **argv)
{
	struct snapshot_opts o;
	const char *dir;
	bool json;
	struct sample s = { 0 };
	struct sample_live sl = { 0 };
	struct snapshot snap = { 0 };
	struct snapshot_summary sum;
	struct kerr e = { 0 };
	int rc = KLEAK_EXIT_OK, first_arg;

	rc = opts_parse(&cmd_snapshot_spec, "snapshot", argc, argv, &o, &first_arg);
	if (rc != OPTS_CONTINUE)
		return rc;
	rc = KLEAK_EXIT_OK;
	if (!o.dir)
		return cmd_usage("snapshot", "-o DIR is required");
	dir = o.dir;
	json = o.json;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		kerr_set(&e, -errno, dir, 0, "%s", strerror(errno));
		return cmd_fail(&e, json);
	}
	/* read -> write -> render: the sources are copied, not parsed. */
	sample_take_live(&s, SRC_ALL, &sl);
	snapshot_parse(&snap, &s, 0, &e);
	if (write_sources(dir, &s, &e)) {
		rc = cmd_fail(&e, json);
		goto out;
	}
	sum = (struct snapshot_summary){ dir, snap.release, snap.hostname, &s };
	warn_unread(&s);
	if (json)
		summary_snapshot_json(stdout, &sum);
	else
		summary_snapshot_text(stdout, &sum);
out:
	snapshot_free(&snap);
	sample_free(&s);
	sample_live_free(&sl);
	return rc;
}

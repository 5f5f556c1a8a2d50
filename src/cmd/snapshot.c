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
#include "source/snapdir.h"
#include "util/compiler.h"

struct snapshot_opts {
	const char *dir;
	bool json;
};

#define T struct snapshot_opts
static const struct opt snapshot_opts_table[] = {
	{ .name = "output",
	  .short_name = 'o',
	  .kind = OPTV_PATH,
	  .metavar = "DIR",
	  OPT_AT(T, dir),
	  .help = "directory to create (absent or empty)" },
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
		"the machine unless you choose to move it. DIR is made new (mode 0700),\n"
		"or replaces an empty directory: kleak never writes into nor deletes\n"
		"from a directory holding files.\n",
	.opts = snapshot_opts_table,
	.nopts = ARRAY_SIZE(snapshot_opts_table),
	.size = sizeof(struct snapshot_opts),
};

/* meta and each source read; what could not be read is not written. */
static int write_sources(struct snapdir *w, const struct sample *s, struct kerr *e)
{
	int r = snapdir_write(w, "meta", s->meta.data, s->meta.len, e);

	for (int i = 0; i < SRC_COUNT && !r; i++)
		if (s->have[i] && i != SRC_CGROUPS)
			r = snapdir_write(w, source_descs[i].name, s->raw[i].data, s->raw[i].len,
					  e);
	/* The cgroups as the DIR/cgroup/ tree, in the new directory. */
	if (!r && s->have[SRC_CGROUPS])
		r = cgroups_snapshot_write(w->tmp, s->raw[SRC_CGROUPS].data,
					   s->raw[SRC_CGROUPS].len, "cgroups", e);
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
	struct snapdir w;
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
	/* DIR is checked, and made beside, before anything is read. */
	if (snapdir_begin(&w, dir, &e))
		return cmd_fail(&e, json);
	/* read -> write -> render: the sources are copied, not parsed. */
	sample_take_live(&s, SRC_ALL, &sl);
	snapshot_parse(&snap, &s, 0, &e);
	if (write_sources(&w, &s, &e) || snapdir_commit(&w, &e)) {
		snapdir_abort(&w);
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

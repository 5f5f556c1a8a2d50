// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak snapshot -o DIR`: copies the raw sources under their /proc names,
 * plus a meta file (release, hostname, time, page size), so that
 * `kleak check --from DIR` works on another machine. What cannot be read is
 * said, per file, and the rest is still written.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "model/snapshot.h"
#include "output/json.h"
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
	"allocinfo where present) into DIR with a meta file, for\n"
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

static void report(const struct snapshot *s, const char *dir, bool json)
{
	char msg[1024];
	struct json j;

	if (json) {
		json_init(&j, stdout, false);
		json_obj_begin(&j);
		json_kv_str(&j, "output", dir);
		json_key(&j, "files");
		json_obj_begin(&j);
	}
	for (int i = 0; i < SRC_COUNT; i++) {
		bool ok = s->raw[i].data && s->status[i] != SOURCE_MISSING;
		const char *why = ok ? NULL : kerr_str(&s->err[i], msg, sizeof(msg));

		if (json) {
			json_key(&j, source_descs[i].name);
			json_obj_begin(&j);
			json_kv_bool(&j, "written", ok);
			json_kv_u64(&j, "bytes", ok ? s->raw[i].len : 0);
			json_kv_str(&j, "error", why);
			json_obj_end(&j);
		} else if (ok) {
			printf("  %-14s %10zu bytes\n", source_descs[i].name, s->raw[i].len);
		} else {
			printf("  %-14s not read: %s\n", source_descs[i].name, why);
		}
		if (!ok && !source_descs[i].optional)
			fprintf(stderr, "kleak snapshot: %s\n", why);
	}
	if (json) {
		json_obj_end(&j);
		json_obj_end(&j);
		json_end_doc(&j);
	}
}

int cmd_snapshot(int argc, char **argv)
{
	struct snapshot_opts o;
	const char *dir;
	bool json;
	struct snapshot s;
	struct buf meta = { 0 };
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
	snapshot_take(&s, NULL, 0);
	if (snapshot_meta_render(&s, &meta) || write_file(dir, "meta", &meta, &e))
		goto fail;
	for (int i = 0; i < SRC_COUNT; i++) {
		char path[PATH_MAX];

		if (s.raw[i].data && s.status[i] != SOURCE_MISSING) {
			if (write_file(dir, source_descs[i].name, &s.raw[i], &e))
				goto fail;
			continue;
		}
		/* An older snapshot's file must not pass for this machine's. */
		snprintf(path, sizeof(path), "%s/%s", dir, source_descs[i].name);
		if (unlink(path) && errno != ENOENT) {
			kerr_set(&e, -errno, path, 0, "stale file: %s", strerror(errno));
			goto fail;
		}
	}
	if (!json)
		printf("kleak snapshot: %s (kernel %s, %s)\n", dir, s.release, s.hostname);
	report(&s, dir, json);
	goto out;
fail:
	rc = cmd_fail(&e, json);
out:
	buf_free(&meta);
	snapshot_free(&s);
	return rc;
}

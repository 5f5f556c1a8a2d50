// SPDX-License-Identifier: GPL-2.0
/* `kleak check`: snapshot -> analysis -> text or JSON report. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "analyze/check.h"
#include "cmd.h"
#include "output/check_render.h"
#include "source/recording.h"
#include "util/compiler.h"

#include <sys/stat.h>

struct check_cli {
	bool json, show_addresses, fail_on_set;
	const char *from, *baseline;
	int color; /* enum opt_color */
	int top;
	enum severity fail_on;
	struct check_opts o;
};

#define T struct check_cli
static const struct opt check_opts_table[] = {
	OPT_JSON(T, json, "one JSON document (schema: docs/check.md)"),
	{ .name = "from", .kind = OPTV_PATH, .metavar = "DIR", OPT_AT(T, from),
	  .help = "analyse a snapshot directory (kleak snapshot, or cp of /proc files)" },
	{ .name = "baseline", .kind = OPTV_PATH, .metavar = "PATH", OPT_AT(T, baseline),
	  .help = "an earlier snapshot DIR or recording FILE: places unloaded modules' memory" },
	OPT_TOP(T, top, "10", "rows per table in the text view"),
	OPT_FAIL_ON(T, fail_on, fail_on_set, "LEVEL", cmd_severity_words,
		    "exit 3 when a finding is at least LEVEL"),
	/* the thresholds' defaults and reasons: check_opts_default() */
	{ .name = "kernel-pct", .kind = OPTV_PERCENT, .metavar = "PCT", .from_init = true,
	  OPT_AT(T, o.kernel_pct_warn),
	  .help = "kernel memory warning threshold, % of MemTotal" },
	{ .name = "sunreclaim-pct", .kind = OPTV_PERCENT, .metavar = "PCT", .from_init = true,
	  OPT_AT(T, o.sunreclaim_pct_warn), .help = "SUnreclaim warning threshold" },
	{ .name = "vmalloc-pct", .kind = OPTV_PERCENT, .metavar = "PCT", .from_init = true,
	  OPT_AT(T, o.vmalloc_pct_warn), .help = "VmallocUsed warning threshold" },
	{ .name = "cache-pct", .kind = OPTV_PERCENT, .metavar = "PCT", .from_init = true,
	  OPT_AT(T, o.cache_pct_warn), .help = "one slab cache warning threshold" },
	{ .name = "module-vmalloc", .kind = OPTV_SIZE, .metavar = "SIZE", .from_init = true,
	  .max = UINT64_MAX, OPT_AT(T, o.module_vmalloc_warn),
	  .help = "vmalloc held by one module" },
	{ .name = "module-allocinfo", .kind = OPTV_SIZE, .metavar = "SIZE", .from_init = true,
	  .max = UINT64_MAX, OPT_AT(T, o.module_allocinfo_warn),
	  .help = "memory held by one module's allocinfo sites" },
	OPT_SHOW_ADDRESSES(T, show_addresses),
	OPT_COLOR(T, color),
};
#undef T

static void check_cli_init(void *p)
{
	check_opts_default(&((struct check_cli *)p)->o);
}

const struct cmd_spec cmd_check_spec = {
	.name = "check",
	.synopsis =
	"usage: kleak check [options]\n"
	"\n"
	"One snapshot of the kernel's memory: the kernel-side components of\n"
	"/proc/meminfo with their total and share of MemTotal, the slab caches\n"
	"holding the most memory (with the caches SLUB merged into each line),\n"
	"vmalloc memory by module (listed first: suspect drivers) and by caller,\n"
	"the allocation sites holding the most (/proc/allocinfo, Linux 6.10+),\n"
	"and findings with their evidence and the next command to run.\n"
	"A single snapshot shows what is large; `kleak watch` shows what grows.\n",
	.footer =
	"Exit codes: 0 done, 1 a source exists but does not parse, 2 usage,\n"
	"3 a finding at or above --fail-on.\n",
	.opts = check_opts_table,
	.nopts = ARRAY_SIZE(check_opts_table),
	.size = sizeof(struct check_cli),
	.init = check_cli_init,
};

/* A missing required source is reported on stderr, not fatal. */
static void warn_missing(const struct snapshot *s)
{
	for (int i = 0; i < SRC_COUNT; i++)
		if (s->status[i] == SOURCE_MISSING && !source_descs[i].optional)
			kerr_print(&s->err[i]);
}

/* --from DIR must be one: a typo must not look like a clean machine. */
static int check_dir(const char *dir, struct kerr *e)
{
	struct stat st;

	if (stat(dir, &st))
		return kerr_set(e, -errno, dir, 0, "--from: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return kerr_set(e, -ENOTDIR, dir, 0,
				"--from: not a directory (a recording? use kleak report)");
	return 0;
}

/* A snapshot directory, or the first sample of a `kleak record` file. */
static int load_baseline(const char *path, struct snapshot *base, struct kerr *e)
{
	struct stat st;

	if (stat(path, &st))
		return kerr_set(e, -errno, path, 0, "--baseline: %s", strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		snapshot_take(base, path, 0);
		return 0;
	}
	memset(base, 0, sizeof(*base));
	return recording_first_snapshot(path, base, e);
}

int cmd_check(int argc, char **argv)
{
	struct check_cli c;
	struct snapshot snap, base;
	struct check_report rep;
	struct render_opts ro;
	const struct kerr *bad;
	struct kerr e = { 0 };
	int rc, first_arg;
	bool any;

	rc = opts_parse(&cmd_check_spec, "check", argc, argv, &c, &first_arg);
	if (rc != OPTS_CONTINUE)
		return rc;
	if (c.from && check_dir(c.from, &e))
		return cmd_fail(&e, c.json);
	snapshot_take(&snap, c.from, 0);
	if (c.baseline && load_baseline(c.baseline, &base, &e)) {
		snapshot_free(&snap);
		return cmd_fail(&e, c.json);
	}
	bad = snapshot_fatal(&snap);
	if (!bad && c.baseline)
		bad = snapshot_fatal(&base);
	if (bad) {
		rc = cmd_fail(bad, c.json);
		goto out;
	}
	if (c.from && !snapshot_has(&snap, SRC_MEMINFO) &&
	    !snapshot_has(&snap, SRC_SLABINFO) && !snapshot_has(&snap, SRC_VMALLOCINFO)) {
		kerr_set(&e, -ENOENT, c.from, 0,
			 "--from: no meminfo, slabinfo or vmallocinfo in this directory");
		rc = cmd_fail(&e, c.json);
		goto out;
	}
	warn_missing(&snap);
	if (check_analyze(&snap, c.baseline ? &base : NULL, &c.o, &rep, &e)) {
		rc = cmd_fail(&e, c.json);
		goto out;
	}
	ro = (struct render_opts){ c.top, opts_use_color(c.color, c.json), c.show_addresses };
	if (c.json)
		check_render_json(stdout, &rep, &ro);
	else
		check_render_text(stdout, &rep, &ro);
	rc = KLEAK_EXIT_OK;
	if (c.fail_on_set && check_max_severity(&rep, &any) >= c.fail_on && any)
		rc = KLEAK_EXIT_FINDINGS;
	check_report_free(&rep);
out:
	snapshot_free(&snap);
	if (c.baseline)
		snapshot_free(&base);
	return rc;
}

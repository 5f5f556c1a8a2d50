// SPDX-License-Identifier: GPL-2.0
/* `kleak check`: snapshot -> analysis -> text or JSON report. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analyze/check.h"
#include "cmd.h"
#include "output/check_render.h"
#include "output/fmt.h"
#include "source/recording.h"
#include "util/num.h"

#include <sys/stat.h>

const char cmd_check_help[] =
	"usage: kleak check [options]\n"
	"\n"
	"One snapshot of the kernel's memory: the kernel-side components of\n"
	"/proc/meminfo with their total and share of MemTotal, the slab caches\n"
	"holding the most memory (with the caches SLUB merged into each line),\n"
	"vmalloc memory by module (listed first: suspect drivers) and by caller,\n"
	"the allocation sites holding the most (/proc/allocinfo, Linux 6.10+),\n"
	"and findings with their evidence and the next command to run.\n"
	"A single snapshot shows what is large; `kleak watch` shows what grows.\n"
	"\n"
	"Options:\n"
	"  -j, --json              one JSON document (schema: docs/check.md)\n"
	"      --from DIR          analyse a snapshot directory (kleak snapshot, or cp of /proc files)\n"
	"      --baseline PATH     an earlier snapshot DIR or recording FILE: places unloaded modules' memory\n"
	"      --top N             rows per table in the text view (default 10)\n"
	"      --fail-on LEVEL     exit 3 when a finding is at least LEVEL (info, warning, critical)\n"
	"      --kernel-pct PCT    kernel memory warning threshold, % of MemTotal (default 20)\n"
	"      --sunreclaim-pct PCT  SUnreclaim warning threshold (default 10)\n"
	"      --vmalloc-pct PCT   VmallocUsed warning threshold (default 5)\n"
	"      --cache-pct PCT     one slab cache warning threshold (default 5)\n"
	"      --module-vmalloc SIZE  vmalloc held by one module (default 64M)\n"
	"      --module-allocinfo SIZE  memory held by one module's allocinfo sites (default 64M)\n"
	"      --show-addresses    print raw kernel addresses (hidden by default: KASLR)\n"
	"      --color WHEN        auto, always, never (default auto: only on a TTY)\n"
	"  -h, --help              this help\n"
	"\n"
	"Exit codes: 0 done, 1 a source exists but does not parse, 2 usage,\n"
	"3 a finding at or above --fail-on.\n";

struct check_cli {
	bool json, show_addresses, fail_on_set;
	const char *from, *baseline, *color;
	int top;
	enum severity fail_on;
	struct check_opts o;
};

enum {
	OPT_FROM = 256, OPT_BASELINE, OPT_TOP, OPT_FAIL_ON, OPT_KPCT, OPT_SPCT,
	OPT_VPCT, OPT_CPCT, OPT_MODV, OPT_ADDR, OPT_COLOR, OPT_MODA,
};

/* "5", "0.5": on a 1 TiB machine 1% is already 10 GiB. */
static int parse_pct(const char *arg, double *out)
{
	double v;

	if (num_double(arg, strlen(arg), &v) || v > 100)
		return -1;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct check_cli *c)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "kernel-pct", required_argument, NULL, OPT_KPCT },
		{ "sunreclaim-pct", required_argument, NULL, OPT_SPCT },
		{ "vmalloc-pct", required_argument, NULL, OPT_VPCT },
		{ "cache-pct", required_argument, NULL, OPT_CPCT },
		{ "module-vmalloc", required_argument, NULL, OPT_MODV },
		{ "module-allocinfo", required_argument, NULL, OPT_MODA },
		{ "show-addresses", no_argument, NULL, OPT_ADDR },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': c->json = true; break;
		case 'h': return cmd_help("check") + 100;
		case OPT_FROM: c->from = optarg; break;
		case OPT_BASELINE: c->baseline = optarg; break;
		case OPT_ADDR: c->show_addresses = true; break;
		case OPT_TOP:
			if (num_parse_int(optarg, 1, 100000, &c->top))
				return cmd_usage("check", "--top: '%s' is not a count", optarg);
			break;
		case OPT_FAIL_ON:
			if (severity_parse(optarg, &c->fail_on))
				return cmd_usage("check", "--fail-on: use info, warning or critical");
			c->fail_on_set = true;
			break;
		case OPT_KPCT: case OPT_SPCT: case OPT_VPCT: case OPT_CPCT: {
			double *d = opt == OPT_KPCT ? &c->o.kernel_pct_warn
				    : opt == OPT_SPCT ? &c->o.sunreclaim_pct_warn
				    : opt == OPT_VPCT ? &c->o.vmalloc_pct_warn
						      : &c->o.cache_pct_warn;

			if (parse_pct(optarg, d))
				return cmd_usage("check", "'%s' is not a percentage (0-100)", optarg);
			break;
		}
		case OPT_MODV:
			if (num_parse_size(optarg, &c->o.module_vmalloc_warn))
				return cmd_usage("check", "--module-vmalloc: '%s' is not a size", optarg);
			break;
		case OPT_MODA:
			if (num_parse_size(optarg, &c->o.module_allocinfo_warn))
				return cmd_usage("check", "--module-allocinfo: '%s' is not a size", optarg);
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
			    strcmp(optarg, "never"))
				return cmd_usage("check", "--color: use auto, always or never");
			c->color = optarg;
			break;
		default:
			return cmd_usage("check", "unknown option or missing argument");
		}
	}
	if (optind < argc)
		return cmd_usage("check", "unexpected argument '%s'", argv[optind]);
	return 0;
}

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
	struct check_cli c = { .top = 10, .color = "auto" };
	struct snapshot snap, base;
	struct check_report rep;
	struct render_opts ro;
	const struct kerr *bad;
	struct kerr e = { 0 };
	int rc;
	bool any;

	check_opts_default(&c.o);
	rc = parse_args(argc, argv, &c);
	if (rc)
		return rc >= 100 ? rc - 100 : rc;
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
	ro = (struct render_opts){ c.top,
				   !strcmp(c.color, "always") ||
					   (!strcmp(c.color, "auto") && !c.json &&
					    fmt_use_color(stdout)),
				   c.show_addresses };
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

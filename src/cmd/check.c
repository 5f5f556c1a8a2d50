// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak check`: read one sample (the live kernel, a snapshot directory or
 * a recording's sample) -> parse -> analyse -> render as text or JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/check.h"
#include "cmd.h"
#include "model/snapshot.h"
#include "output/check_render.h"
#include "output/fmt.h"
#include "source/recording.h"
#include "source/sample.h"
#include "util/num.h"

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
	"      --from PATH         analyse a snapshot DIR (kleak snapshot, or cp of /proc files) or a recording FILE\n"
	"      --sample WHICH      the sample of a --from recording: first, last (default) or its number\n"
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
	bool json, show_addresses, fail_on_set, sample_set;
	const char *from, *baseline, *color;
	uint64_t sample; /* of a --from recording: RECORDING_LAST or from 1 */
	int top;
	enum severity fail_on;
	struct check_opts o;
};

enum {
	OPT_FROM = 256, OPT_BASELINE, OPT_TOP, OPT_FAIL_ON, OPT_KPCT, OPT_SPCT,
	OPT_VPCT, OPT_CPCT, OPT_MODV, OPT_ADDR, OPT_COLOR, OPT_MODA, OPT_SAMPLE,
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
		{ "sample", required_argument, NULL, OPT_SAMPLE },
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
		case OPT_SAMPLE:
			c->sample_set = true;
			if (!strcmp(optarg, "first"))
				c->sample = 1;
			else if (!strcmp(optarg, "last"))
				c->sample = RECORDING_LAST;
			else if (num_parse_u64(optarg, &c->sample) || !c->sample)
				return cmd_usage("check", "--sample: use first, last or a sample number from 1");
			break;
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
	if (c->sample_set && !c->from)
		return cmd_usage("check", "--sample picks a sample of --from FILE (a recording)");
	return 0;
}

/* A missing required source is reported on stderr, not fatal. */
static void warn_missing(const struct snapshot *s)
{
	for (int i = 0; i < SRC_COUNT; i++)
		if (s->status[i] == SOURCE_MISSING && !source_descs[i].optional)
			kerr_print(&s->err[i]);
}

/* A recording that ends inside a sample: said, and the sample named. */
static void note_truncated(const char *path, const struct recording_status *st,
			   const struct sample *s)
{
	if (st->truncated)
		fprintf(stderr, "kleak check: %s: ends inside sample %llu at offset %llu (a crash while recording?): using sample %llu\n",
			path, (unsigned long long)st->samples + 1,
			(unsigned long long)st->truncated_at,
			(unsigned long long)s->seq);
}

/*
 * A snapshot DIR, or sample nth of a recording FILE. opt names the option
 * in errors: a typo must not look like a clean machine.
 */
static int read_path(const char *opt, const char *path, uint64_t nth,
		     struct sample *s, struct kerr *e)
{
	struct recording_status st;
	struct stat sb;
	int r;

	if (stat(path, &sb))
		return kerr_set(e, -errno, path, 0, "%s: %s", opt, strerror(errno));
	if (S_ISDIR(sb.st_mode)) {
		sample_read_dir(s, path, SRC_ALL);
		return 0;
	}
	r = recording_sample(path, nth, s, &st, e);
	if (!r && nth == RECORDING_LAST)
		note_truncated(path, &st, s);
	return r;
}

/* read: the sample to check, and the baseline's (its first sample). */
static int read_samples(const struct check_cli *c, struct sample *s,
			struct sample *base)
{
	struct kerr e = { 0 };
	struct stat sb;

	if (c->sample_set && !stat(c->from, &sb) && S_ISDIR(sb.st_mode))
		return cmd_usage("check", "--sample: --from DIR is one snapshot; --sample picks a sample of a recording");
	if (!c->from)
		sample_read_live(s, SRC_ALL);
	else if (read_path("--from", c->from, c->sample, s, &e))
		return cmd_fail(&e, c->json);
	if (c->baseline && read_path("--baseline", c->baseline, 1, base, &e))
		return cmd_fail(&e, c->json);
	return 0;
}

/* parse: a source that exists but does not parse stops the run. */
static int parse_samples(const struct check_cli *c, const struct sample *s,
			 struct snapshot *snap, const struct sample *base,
			 struct snapshot *bsnap)
{
	struct kerr e = { 0 };

	if (snapshot_parse(snap, s, SRC_ALL, &e) ||
	    (c->baseline && snapshot_parse(bsnap, base, SRC_ALL, &e)))
		return cmd_fail(&e, c->json);
	if (c->from && !snapshot_has(snap, SRC_MEMINFO) &&
	    !snapshot_has(snap, SRC_SLABINFO) && !snapshot_has(snap, SRC_VMALLOCINFO)) {
		kerr_set(&e, -ENOENT, c->from, 0,
			 "--from: no meminfo, slabinfo or vmallocinfo in this %s",
			 s->origin == SAMPLE_DIR ? "directory" : "sample");
		return cmd_fail(&e, c->json);
	}
	warn_missing(snap);
	return 0;
}

/* analyse -> render; the exit code follows --fail-on. */
static int analyse_render(const struct check_cli *c, const struct snapshot *snap,
			  const struct snapshot *base)
{
	struct check_report rep;
	struct render_opts ro;
	struct kerr e = { 0 };
	bool any;
	int rc = KLEAK_EXIT_OK;

	if (check_analyze(snap, base, &c->o, &rep, &e))
		return cmd_fail(&e, c->json);
	ro = (struct render_opts){ c->top,
				   !strcmp(c->color, "always") ||
					   (!strcmp(c->color, "auto") && !c->json &&
					    fmt_use_color(stdout)),
				   c->show_addresses };
	if (c->json)
		check_render_json(stdout, &rep, &ro);
	else
		check_render_text(stdout, &rep, &ro);
	if (c->fail_on_set && check_max_severity(&rep, &any) >= c->fail_on && any)
		rc = KLEAK_EXIT_FINDINGS;
	check_report_free(&rep);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	struct check_cli c = { .top = 10, .color = "auto", .sample = RECORDING_LAST };
	struct sample s = { 0 }, base = { 0 };
	struct snapshot snap = { 0 }, bsnap = { 0 };
	int rc;

	check_opts_default(&c.o);
	rc = parse_args(argc, argv, &c);
	if (rc)
		return rc >= 100 ? rc - 100 : rc;
	rc = read_samples(&c, &s, &base);
	if (!rc)
		rc = parse_samples(&c, &s, &snap, &base, &bsnap);
	if (!rc)
		rc = analyse_render(&c, &snap, c.baseline ? &bsnap : NULL);
	snapshot_free(&snap);
	snapshot_free(&bsnap);
	sample_free(&s);
	sample_free(&base);
	return rc;
}

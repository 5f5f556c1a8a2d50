// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak cgroups`: every memory cgroup's kernel memory, named as its users
 * know it (docker, podman, Kubernetes, systemd), ranked, with findings.
 * cgroups (live or --from DIR) + the host's meminfo -> analysis -> text
 * or JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/cgroups.h"
#include "cmd.h"
#include "model/snapshot.h"
#include "output/cgroups_render.h"
#include "output/fmt.h"
#include "source/sample.h"
#include "util/num.h"

const char cmd_cgroups_help[] =
	"usage: kleak cgroups [options]\n"
	"\n"
	"Kernel memory per memory cgroup, ranked: slab (reclaimable and not),\n"
	"kernel stacks, page tables, percpu, sockets, vmalloc, with the cgroup's\n"
	"memory and limit. Containers are named as their runtime names them\n"
	"(docker, podman, containerd and CRI-O with Kubernetes pod names), systemd\n"
	"units by their unit. cgroup v2 and the v1 memory controller (hybrid hosts)\n"
	"both work; a value this kernel does not report is shown as '-' (null).\n"
	"Values include a cgroup's children: a cgroup whose children hold most of\n"
	"it is marked (sum) and ranked after the specific ones.\n"
	"Findings: a container at or near its limit whose memory is mostly kernel\n"
	"memory while the host has plenty free (the lesson's dentry case), and the\n"
	"kernel's own signals (memory.events oom/oom_kill, v1 kmem failcnt).\n"
	"\n"
	"Options:\n"
	"  -j, --json              one JSON document (schema: docs/cgroups.md)\n"
	"      --from DIR          a snapshot directory (kleak snapshot; DIR/cgroup/...)\n"
	"      --container NAME    only this container, pod or unit (a name, id or id prefix)\n"
	"      --top N             rows in the text view (default 20)\n"
	"      --fail-on LEVEL     exit 3 when a finding is at least LEVEL (info, warning, critical)\n"
	"      --max-cgroups N     read at most N cgroups (default 65536)\n"
	"      --color WHEN        auto, always, never (default auto: only on a TTY)\n"
	"  -h, --help              this help\n"
	"\n"
	"Exit codes: 0 done, 1 no memory cgroup, a file that does not parse, or an\n"
	"unknown --container (close names listed), 2 usage, 3 a finding at or above --fail-on.\n";

struct cgroups_cli {
	bool json, fail_on_set;
	const char *from, *container, *color;
	int top;
	size_t max_cgroups;
	enum severity fail_on;
};

enum { OPT_FROM = 256, OPT_CONTAINER, OPT_TOP, OPT_FAIL_ON, OPT_MAX, OPT_COLOR };

static int parse_args(int argc, char **argv, struct cgroups_cli *c)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "container", required_argument, NULL, OPT_CONTAINER },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "max-cgroups", required_argument, NULL, OPT_MAX },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, n;

	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': c->json = true; break;
		case 'h': return cmd_help("cgroups") + 100;
		case OPT_FROM: c->from = optarg; break;
		case OPT_CONTAINER: c->container = optarg; break;
		case OPT_TOP:
			if (num_parse_int(optarg, 1, 100000, &c->top))
				return cmd_usage("cgroups", "--top: '%s' is not a count", optarg);
			break;
		case OPT_MAX:
			if (num_parse_int(optarg, 1, 1 << 24, &n))
				return cmd_usage("cgroups", "--max-cgroups: '%s' is not a count (1-16777216)", optarg);
			c->max_cgroups = (size_t)n;
			break;
		case OPT_FAIL_ON:
			if (severity_parse(optarg, &c->fail_on))
				return cmd_usage("cgroups", "--fail-on: use info, warning or critical");
			c->fail_on_set = true;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
			    strcmp(optarg, "never"))
				return cmd_usage("cgroups", "--color: use auto, always or never");
			c->color = optarg;
			break;
		default:
			return cmd_usage("cgroups", "unknown option or missing argument");
		}
	}
	if (optind < argc)
		return cmd_usage("cgroups", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/*
 * The host side: its meminfo (absent is fine: the finding says "unknown";
 * one that does not parse is an error) and its page size (v1 slabinfo
 * slabs), from the same sample pipeline as check: live or --from DIR.
 */
static int read_host(const char *dir, struct sample *s, struct snapshot *snap,
		     struct kerr *e)
{
	if (dir)
		sample_read_dir(s, dir, SRC_BIT(SRC_MEMINFO));
	else
		sample_read_live(s, SRC_BIT(SRC_MEMINFO));
	return snapshot_parse(snap, s, SRC_BIT(SRC_MEMINFO), e);
}

static void warn_walk(const struct cgroup_set *s)
{
	char msg[1024];

	if (s->stats.capped)
		fprintf(stderr, "kleak cgroups: more than %zu memory cgroups: only the first %zu were read (raise --max-cgroups)\n",
			s->max_cgroups, s->max_cgroups);
	if (s->stats.unreadable)
		fprintf(stderr, "kleak cgroups: %zu cgroup files not readable, first: %s\n",
			s->stats.unreadable, kerr_str(&s->stats.first, msg, sizeof(msg)));
	if (s->names_err.code)
		fprintf(stderr, "kleak cgroups: container names: %s\n",
			kerr_str(&s->names_err, msg, sizeof(msg)));
}

static int check_from(const char *dir, struct kerr *e)
{
	struct stat st;

	if (stat(dir, &st))
		return kerr_set(e, -errno, dir, 0, "--from: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return kerr_set(e, -ENOTDIR, dir, 0, "--from: not a directory");
	return 0;
}

static int render(const struct cgroups_cli *c, struct cgroups_report *rep)
{
	struct render_opts ro = { c->top,
				  !strcmp(c->color, "always") ||
					  (!strcmp(c->color, "auto") && !c->json &&
					   fmt_use_color(stdout)),
				  false };
	bool any;

	if (c->json)
		cgroups_render_json(stdout, rep, &ro);
	else
		cgroups_render_text(stdout, rep, &ro);
	if (c->fail_on_set && cgroups_max_severity(rep, &any) >= c->fail_on && any)
		return KLEAK_EXIT_FINDINGS;
	return KLEAK_EXIT_OK;
}

int cmd_cgroups(int argc, char **argv)
{
	struct cgroups_cli c = { .top = 20, .color = "auto" };
	struct cgroups_opts o;
	struct cgroup_set set;
	struct cgroup_target t;
	struct cgroups_report rep;
	struct sample host = { 0 };
	struct snapshot hsnap = { 0 };
	struct kerr e = { 0 };
	bool have_host;
	int rc = parse_args(argc, argv, &c);

	if (rc)
		return rc >= 100 ? rc - 100 : rc;
	cgroups_opts_default(&o);
	if ((c.from && check_from(c.from, &e)) || read_host(c.from, &host, &hsnap, &e)) {
		rc = cmd_fail(&e, c.json);
		goto out_host;
	}
	have_host = snapshot_has(&hsnap, SRC_MEMINFO);
	if (cgroup_set_take(&set, c.from, c.max_cgroups, hsnap.page_size, &e)) {
		rc = cmd_fail(&e, c.json);
		goto out_host;
	}
	warn_walk(&set);
	if (c.container) {
		if (cgroup_set_find(&set, c.container, &t, &e)) {
			rc = cmd_fail(&e, c.json);
			goto out;
		}
		o.only = t.path;
	}
	if (cgroups_analyze(&set, have_host ? &hsnap.meminfo : NULL, &o, &rep, &e)) {
		rc = cmd_fail(&e, c.json);
		goto out;
	}
	rc = render(&c, &rep);
	cgroups_report_free(&rep);
out:
	cgroup_set_free(&set);
out_host:
	snapshot_free(&hsnap);
	sample_free(&host);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak cgroups`: every memory cgroup's kernel memory, named as its users
 * know it (docker, podman, Kubernetes, systemd), ranked, with findings.
 * cgroups (live or --from DIR) + the host's meminfo -> analysis -> text
 * or JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/cgroups.h"
#include "cmd.h"
#include "model/sample_live.h"
#include "model/snapshot.h"
#include "output/cgroups_render.h"
#include "source/sample.h"
#include "util/compiler.h"

struct cgroups_cli {
	bool json, fail_on_set;
	const char *from, *container;
	int color; /* enum opt_color */
	int top;
	uint64_t max_cgroups;
	enum severity fail_on;
};

#define T struct cgroups_cli
static const struct opt cgroups_opts_table[] = {
	OPT_JSON(T, json, "one JSON document (schema: docs/cgroups.md)"),
	{ .name = "from",
	  .kind = OPTV_PATH,
	  .metavar = "DIR",
	  OPT_AT(T, from),
	  .help = "a snapshot directory (kleak snapshot; DIR/cgroup/...)" },
	OPT_CONTAINER(T, container, "only this container, pod or unit (a name, id or id prefix)"),
	OPT_TOP(T, top, "20", "rows in the text view"),
	OPT_FAIL_ON(T, fail_on, fail_on_set, "LEVEL", cmd_severity_words,
		    "exit 3 when a finding is at least LEVEL"),
	OPT_MAX_CGROUPS(T, max_cgroups),
	OPT_COLOR(T, color),
};
#undef T

const struct cmd_spec cmd_cgroups_spec = {
	.name = "cgroups",
	.synopsis =
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
		"kernel's own signals (memory.events oom/oom_kill, v1 kmem failcnt).\n",
	.footer =
		"Exit codes: 0 done, 1 no memory cgroup, a file that does not parse, or an\n"
		"unknown --container (close names listed), 2 usage, 3 a finding at or above --fail-on.\n",
	.opts = cgroups_opts_table,
	.nopts = ARRAY_SIZE(cgroups_opts_table),
	.size = sizeof(struct cgroups_cli),
};

/*
 * The sample pipeline, as check's: the cgroups source, the host's meminfo
 * (absent is fine: the finding says "unknown"; one that does not parse is
 * an error) and its page size (v1 slabinfo slabs), live or --from DIR.
 * The cgroups are parsed here, with the --max-cgroups cap (a snapshot is
 * capped too).
 */
static int read_sample(const struct cgroups_cli *c, struct sample *s, struct snapshot *snap,
		       struct cgroup_set *set, struct kerr *e)
{
	unsigned mask = SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_CGROUPS);
	struct sample_live sl = { .max_cgroups = (size_t)c->max_cgroups };
	char src[PATH_MAX + 64];
	int r;

	if (c->from)
		sample_read_dir(s, c->from, mask);
	else
		sample_take_live(s, mask, &sl);
	sample_live_free(&sl);
	r = snapshot_parse(snap, s, SRC_BIT(SRC_MEMINFO), e);
	if (r)
		return r;
	if (!s->have[SRC_CGROUPS]) {
		*e = s->err[SRC_CGROUPS];
		return e->code ? e->code : -ENOENT;
	}
	return cgroup_set_parse(set, s->raw[SRC_CGROUPS].data, s->raw[SRC_CGROUPS].len,
				sample_src(s, SRC_CGROUPS, src, sizeof(src)), snap->page_size,
				(size_t)c->max_cgroups, e);
}

static void warn_walk(const struct cgroup_set *s)
{
	char msg[1024];

	if (s->stats.capped)
		fprintf(stderr,
			"kleak cgroups: more than %zu memory cgroups: only the first %zu were read (raise --max-cgroups)\n",
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
	struct render_opts ro = { c->top, opts_use_color(c->color, c->json), false };
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
	struct cgroups_cli c;
	struct cgroups_opts o;
	struct cgroup_set set;
	struct cgroup_target t;
	struct cgroups_report rep;
	struct sample host = { 0 };
	struct snapshot hsnap = { 0 };
	struct kerr e = { 0 };
	bool have_host;
	int first_arg;
	int rc = opts_parse(&cmd_cgroups_spec, "cgroups", argc, argv, &c, &first_arg);

	if (rc != OPTS_CONTINUE)
		return rc;
	cgroups_opts_default(&o);
	memset(&set, 0, sizeof(set));
	if ((c.from && check_from(c.from, &e)) || read_sample(&c, &host, &hsnap, &set, &e)) {
		rc = cmd_fail(&e, c.json);
		goto out_host;
	}
	have_host = snapshot_has(&hsnap, SRC_MEMINFO);
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

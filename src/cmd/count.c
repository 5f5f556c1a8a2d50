// SPDX-License-Identifier: GPL-2.0
/*
 * kleak count: count allocations and frees of one kind of kernel object
 * (a slab cache, or an alloc/free function pair) for a process, a cgroup
 * or the whole system, crediting each free to whoever allocated the
 * object. The lesson's container case, without systemtap: prints
 * `alloc 33118 free 20531 outstanding 12587` every interval and, at the
 * end, whether allocations outrun frees.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cmd.h"
#include "stop.h"
#include "stream.h"
#include "output/count_render.h"
#include "output/fmt.h"
#include "trace/count_bpf.h"
#include "trace/count_report.h"
#include "model/cgroups.h"
#include "trace/target.h"
#include "util/clock.h"
#include "util/compiler.h"
#include "util/num.h"

struct count_opts {
	const char *cache, *alloc, *free, *cgroup;
	const char *container; /* --container NAME: its cgroup, as --cgroup */
	uint32_t pid;	       /* 0: not given */
	struct stream_opts stream;
	uint64_t max_objects; /* object map entries */
	enum count_mech mech; /* --mechanism */
	bool json;
};

static const struct opt_word mech_words[] = {
	{ "auto", COUNT_MECH_AUTO },
	{ "fentry", COUNT_MECH_FENTRY },
	{ "kprobe", COUNT_MECH_KPROBE },
	{ NULL, 0 },
};

#define T struct count_opts
static const struct opt count_opts_table[] = {
	{ .name = "cache",
	  .kind = OPTV_STRING,
	  .metavar = "NAME",
	  OPT_AT(T, cache),
	  .help = "slab cache to count (dentry, filp, kmalloc-256, ...)" },
	{ .name = "alloc",
	  .kind = OPTV_STRING,
	  .metavar = "FUNC",
	  OPT_AT(T, alloc),
	  .help = "kernel function returning the object" },
	{ .name = "free",
	  .kind = OPTV_STRING,
	  .metavar = "FUNC",
	  OPT_AT(T, free),
	  .help = "kernel function taking the object" },
	{ .name = "pid",
	  .short_name = 'p',
	  .kind = OPTV_COUNT,
	  .metavar = "PID",
	  .min = 1,
	  .max = 0x3fffffff,
	  OPT_AT(T, pid),
	  .help = "only objects allocated by this process (all threads)" },
	{ .name = "cgroup",
	  .kind = OPTV_PATH,
	  .metavar = "PATH",
	  OPT_AT(T, cgroup),
	  .help = "only objects allocated in this cgroup or below (v2, or v1 memory)" },
	OPT_CONTAINER(T, container,
		      "only objects allocated in this container's cgroup (name, id or id prefix)"),
	OPT_STREAM(T, stream, "1s"),
	{ .name = "max-objects",
	  .kind = OPTV_COUNT,
	  .metavar = "N",
	  .def = "262144",
	  .min = 1,
	  .max = 1u << 26,
	  OPT_AT(T, max_objects),
	  .help = "objects tracked at once" },
	{ .name = "mechanism",
	  .kind = OPTV_ENUM,
	  .metavar = "M",
	  .def = "auto",
	  .words = mech_words,
	  OPT_AT(T, mech),
	  .help = "for --alloc/--free: how to attach" },
	OPT_JSON(T, json, "NDJSON: one object per interval, a final one at the end"),
};
#undef T

const struct cmd_spec cmd_count_spec = {
	.name = "count",
	.synopsis =
		"usage: kleak count (--cache NAME | --alloc FUNC --free FUNC) [-p PID | --cgroup PATH | --container NAME] [options]\n"
		"\n"
		"Count allocations and frees of one kind of kernel object and print\n"
		"`alloc N free N outstanding N` every interval, then a verdict on whether\n"
		"allocations outrun frees. A free counts for the process or cgroup that\n"
		"allocated the object, wherever it happens (RCU callbacks, kworkers).\n"
		"--cache uses the kmem tracepoints (no kprobes needed); --alloc/--free use\n"
		"fexit/fentry, else kretprobe/kprobe. Needs root.\n",
	.opts = count_opts_table,
	.nopts = ARRAY_SIZE(count_opts_table),
	.size = sizeof(struct count_opts),
};

static int parse_opts(int argc, char **argv, struct count_opts *o)
{
	int r, first_arg;

	r = opts_parse(&cmd_count_spec, "count", argc, argv, o, &first_arg);
	if (r != OPTS_CONTINUE)
		return r;
	if (!o->cache == !(o->alloc || o->free))
		return cmd_usage("count", "give either --cache NAME or --alloc FUNC --free FUNC");
	if (!o->cache && (!o->alloc || !o->free))
		return cmd_usage("count", "--alloc and --free go together");
	if (o->cache && o->mech != COUNT_MECH_AUTO)
		return cmd_usage(
			"count",
			"--mechanism is for --alloc/--free; --cache uses the kmem tracepoints");
	if (o->pid && o->cgroup)
		return cmd_usage("count", "-p and --cgroup exclude each other");
	if (o->container && (o->pid || o->cgroup))
		return cmd_usage("count", o->pid ? "-p and --container exclude each other"
						 : "--cgroup and --container exclude each other");
	return OPTS_CONTINUE;
}

/* Derives the verdict and rates, then renders one interval or the final report. */
static void emit(struct count_report *r, bool json, const struct render_opts *ro)
{
	count_report_update(r);
	if (json)
		count_render_json(stdout, r);
	else if (isatty(STDOUT_FILENO))
		count_render_live(stdout, r, ro);
	else
		count_render_line(stdout, r, ro);
	fflush(stdout);
}

/* The counters now, timed from the stream's start. */
static int sample(struct count_session *s, struct count_report *rep, const struct stream *st,
		  struct kerr *e)
{
	rep->cur.t_ns = stream_elapsed_ns(st);
	rep->time = (double)clock_wall_ns() / 1e9;
	return count_session_read(s, &rep->cur.c, e);
}

/* Samples every interval until -d, -n or a signal; prints the final report. */
static int run_loop(struct count_session *s, struct count_report *rep, const struct count_opts *o,
		    struct kerr *e)
{
	struct render_opts ro = { .color = !o->json && fmt_use_color(stdout) };
	uint32_t tgid = rep->target->tgid;
	bool warned = false;
	struct stream st;
	int r;

	stream_start(&st, &o->stream, false);
	while (stream_wait(&st)) {
		rep->prev = rep->cur;
		if ((r = sample(s, rep, &st, e)))
			return r;
		if (tgid && !rep->pid_exited && kill((pid_t)tgid, 0) && errno == ESRCH) {
			rep->pid_exited = true;
			if (!warned)
				fprintf(stderr,
					"kleak count: pid %u exited; still counting the frees of its objects\n",
					tgid);
			warned = true;
		}
		if (stream_last(&st))
			break;
		emit(rep, o->json, &ro);
	}
	/* The final report: one more read, rates over the whole run. */
	if ((r = sample(s, rep, &st, e)))
		return r;
	memset(&rep->prev, 0, sizeof(rep->prev));
	rep->final = true;
	emit(rep, o->json, &ro);
	return 0;
}

/* What is counted and for whom, resolved before any BPF is loaded. */
static int setup_target(const struct count_opts *o, struct target *t, struct count_funcs *funcs,
			struct count_config *cfg, struct kerr *e)
{
	struct target_request rq = { .cache = o->cache, .cgroup = o->cgroup, .pid = o->pid };
	struct cgroup_target ct;
	int r;

	if (o->container) { /* the container's memory cgroup, as --cgroup names it */
		if ((r = cgroups_container_resolve(o->container, &ct, e)))
			return r;
		rq.cgroup = ct.dir;
	}
	cfg->max_objects = (uint32_t)o->max_objects;
	cfg->mech = o->mech;
	cfg->target = t;
	if ((r = target_resolve(&rq, t, e)))
		return r;
	if (t->tgid != t->pid)
		fprintf(stderr, "kleak count: %u is a thread of process %u: counting the process\n",
			t->pid, t->tgid);
	if (o->cache)
		return 0;
	cfg->funcs = funcs;
	if ((r = count_funcs_check(o->alloc, o->free, funcs, e)))
		return r;
	if (funcs->note[0])
		fprintf(stderr, "kleak count: warning: %s\n", funcs->note);
	return 0;
}

/* After a run of --alloc/--free that saw frees but no allocation. */
static void hint_inlined(const struct count_funcs *f, const struct count_counters *c)
{
	fprintf(stderr,
		"kleak count: %s returned no object while %s ran %llu times: %s may be inlined into its callers on this kernel (6.12 inlines d_alloc into d_alloc_parallel); try the function they call (__d_alloc)\n",
		f->alloc, f->free, (unsigned long long)c->stat[CS_FREE_UNTRACKED], f->alloc);
}

int cmd_count(int argc, char **argv)
{
	static struct target tgt;
	static struct count_funcs funcs;
	struct count_config cfg = { 0 };
	struct count_report rep = { 0 };
	struct count_session *s = NULL;
	struct count_opts o;
	struct kerr e = { 0 };
	int r = parse_opts(argc, argv, &o);

	if (r != OPTS_CONTINUE)
		return r;
	if ((r = setup_target(&o, &tgt, &funcs, &cfg, &e)))
		goto out;
	stop_install();
	if ((r = count_session_open(&cfg, &s, &e))) {
		if (geteuid()) {
			char msg[sizeof(e.msg)];

			snprintf(msg, sizeof(msg), "%s", e.msg);
			kerr_set(&e, r, "bpf", 0, "not root, and BPF needs root: %.460s", msg);
		}
		goto out;
	}
	rep = (struct count_report){
		.target = &tgt,
		.funcs = cfg.funcs,
		.mechanism = count_session_mechanism(s),
		.note = count_session_note(s),
		.max_objects = cfg.max_objects,
	};
	if (rep.note[0])
		fprintf(stderr, "kleak count: %s\n", rep.note);
	if (!o.json) {
		count_render_header(stdout, &rep);
		fflush(stdout);
	} else {
		fprintf(stderr, "kleak count: attached via %s\n", rep.mechanism);
	}
	r = run_loop(s, &rep, &o, &e);
	count_session_close(s);
	if (!r && cfg.funcs && !rep.cur.c.stat[CS_ALLOC] && rep.cur.c.stat[CS_FREE_UNTRACKED])
		hint_inlined(&funcs, &rep.cur.c);
out:
	target_free(&tgt);
	return r ? cmd_fail(&e, o.json) : KLEAK_EXIT_OK;
}

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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cmd.h"
#include "stop.h"
#include "output/count_render.h"
#include "output/fmt.h"
#include "trace/count_bpf.h"
#include "trace/count_report.h"
#include "trace/target.h"
#include "util/clock.h"
#include "util/num.h"

const char cmd_count_help[] =
	"usage: kleak count (--cache NAME | --alloc FUNC --free FUNC) [-p PID | --cgroup PATH] [options]\n"
	"\n"
	"Count allocations and frees of one kind of kernel object and print\n"
	"`alloc N free N outstanding N` every interval, then a verdict on whether\n"
	"allocations outrun frees. A free counts for the process or cgroup that\n"
	"allocated the object, wherever it happens (RCU callbacks, kworkers).\n"
	"--cache uses the kmem tracepoints (no kprobes needed); --alloc/--free use\n"
	"fexit/fentry, else kretprobe/kprobe. Needs root.\n"
	"\n"
	"Options:\n"
	"  --cache NAME        slab cache to count (dentry, filp, kmalloc-256, ...)\n"
	"  --alloc FUNC        kernel function returning the object\n"
	"  --free FUNC         kernel function taking the object\n"
	"  -p, --pid PID       only objects allocated by this process (all threads)\n"
	"  --cgroup PATH       only objects allocated in this cgroup or below (v2, or v1 memory)\n"
	"  -i, --interval DUR  print every DUR (default 1s)\n"
	"  -d, --duration DUR  stop after DUR (default: at Ctrl-C or SIGTERM)\n"
	"  -n, --samples N     stop after N intervals\n"
	"  --max-objects N     objects tracked at once (default 262144)\n"
	"  --mechanism M       for --alloc/--free: auto (default), fentry or kprobe\n"
	"  -j, --json          NDJSON: one object per interval, a final one at the end\n"
	"  -h, --help          show this help\n";

enum { OPT_CACHE = 256, OPT_ALLOC, OPT_FREE, OPT_CGROUP, OPT_MAX_OBJECTS, OPT_MECH };

struct count_opts {
	const char *cache, *alloc, *free, *cgroup;
	uint32_t pid;		  /* 0: not given */
	uint64_t interval_ns;	  /* -i, default 1 s */
	uint64_t duration_ns;	  /* -d, 0 = until a signal */
	uint64_t samples;	  /* -n, 0 = unlimited */
	uint64_t max_objects;	  /* object map entries */
	enum count_mech mech;	  /* --mechanism */
	bool json;
};

static int parse_opts(int argc, char **argv, struct count_opts *o)
{
	static const struct option lopts[] = {
		{ "cache", required_argument, NULL, OPT_CACHE },
		{ "alloc", required_argument, NULL, OPT_ALLOC },
		{ "free", required_argument, NULL, OPT_FREE },
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "interval", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "samples", required_argument, NULL, 'n' },
		{ "max-objects", required_argument, NULL, OPT_MAX_OBJECTS },
		{ "mechanism", required_argument, NULL, OPT_MECH },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, pid;

	*o = (struct count_opts){ .interval_ns = 1000000000ULL,
				  .max_objects = 1 << 18 };
	while ((c = getopt_long(argc, argv, "p:i:d:n:jh", lopts, NULL)) != -1) {
		switch (c) {
		case OPT_CACHE: o->cache = optarg; break;
		case OPT_ALLOC: o->alloc = optarg; break;
		case OPT_FREE: o->free = optarg; break;
		case OPT_CGROUP: o->cgroup = optarg; break;
		case 'j': o->json = true; break;
		case 'h': return -1;
		case 'p':
			if (num_parse_int(optarg, 1, 0x3fffffff, &pid))
				return cmd_usage("count", "-p: '%s' is not a pid", optarg);
			o->pid = (uint32_t)pid;
			break;
		case 'i':
			if (num_parse_duration_ns(optarg, &o->interval_ns))
				return cmd_usage("count", "-i: bad interval '%s'", optarg);
			break;
		case 'd':
			if (num_parse_duration_ns(optarg, &o->duration_ns))
				return cmd_usage("count", "-d: bad duration '%s'", optarg);
			break;
		case 'n':
			if (num_parse_u64(optarg, &o->samples) || !o->samples)
				return cmd_usage("count", "-n: bad sample count '%s'", optarg);
			break;
		case OPT_MAX_OBJECTS:
			if (num_parse_u64(optarg, &o->max_objects) ||
			    o->max_objects < 1 || o->max_objects > (1u << 26))
				return cmd_usage("count", "--max-objects: '%s' is not a count between 1 and 67108864", optarg);
			break;
		case OPT_MECH:
			if (!strcmp(optarg, "auto"))
				o->mech = COUNT_MECH_AUTO;
			else if (!strcmp(optarg, "fentry"))
				o->mech = COUNT_MECH_FENTRY;
			else if (!strcmp(optarg, "kprobe"))
				o->mech = COUNT_MECH_KPROBE;
			else
				return cmd_usage("count", "--mechanism: '%s' is not auto, fentry or kprobe", optarg);
			break;
		default:
			return cmd_usage("count", "unknown option or missing argument");
		}
	}
	if (optind < argc)
		return cmd_usage("count", "unexpected argument '%s'", argv[optind]);
	if (!o->cache == !(o->alloc || o->free))
		return cmd_usage("count", "give either --cache NAME or --alloc FUNC --free FUNC");
	if (!o->cache && (!o->alloc || !o->free))
		return cmd_usage("count", "--alloc and --free go together");
	if (o->cache && o->mech != COUNT_MECH_AUTO)
		return cmd_usage("count", "--mechanism is for --alloc/--free; --cache uses the kmem tracepoints");
	if (o->pid && o->cgroup)
		return cmd_usage("count", "-p and --cgroup exclude each other");
	return 0;
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

/* Samples every interval until -d, -n or a signal; prints the final report. */
static int run_loop(struct count_session *s, struct count_report *rep,
		    const struct count_opts *o, uint64_t t0, struct kerr *e)
{
	struct render_opts ro = { .color = !o->json && fmt_use_color(stdout) };
	uint32_t tgid = rep->target->tgid;
	bool warned = false;
	uint64_t n = 0, next = t0;
	int r;

	for (;;) {
		bool last = false;

		next += o->interval_ns;
		if (o->duration_ns && next >= t0 + o->duration_ns) {
			next = t0 + o->duration_ns;
			last = true;
		}
		if (stop_sleep_until(next))
			break;
		rep->prev = rep->cur;
		rep->cur.t_ns = clock_mono_ns() - t0;
		rep->time = (double)clock_wall_ns() / 1e9;
		if ((r = count_session_read(s, &rep->cur.c, e)))
			return r;
		if (tgid && !rep->pid_exited && kill((pid_t)tgid, 0) && errno == ESRCH) {
			rep->pid_exited = true;
			if (!warned)
				fprintf(stderr, "kleak count: pid %u exited; still counting the frees of its objects\n",
					tgid);
			warned = true;
		}
		if (last || (o->samples && ++n >= o->samples))
			break;
		emit(rep, o->json, &ro);
	}
	/* The final report: one more read, rates over the whole run. */
	rep->cur.t_ns = clock_mono_ns() - t0;
	rep->time = (double)clock_wall_ns() / 1e9;
	if ((r = count_session_read(s, &rep->cur.c, e)))
		return r;
	memset(&rep->prev, 0, sizeof(rep->prev));
	rep->final = true;
	emit(rep, o->json, &ro);
	return 0;
}

/* What is counted and for whom, resolved before any BPF is loaded. */
static int setup_target(const struct count_opts *o, struct target *t,
			struct count_funcs *funcs, struct count_config *cfg, struct kerr *e)
{
	struct target_request rq = { .cache = o->cache, .cgroup = o->cgroup, .pid = o->pid };
	int r;

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
	fprintf(stderr, "kleak count: %s returned no object while %s ran %llu times: %s may be inlined into its callers on this kernel (6.12 inlines d_alloc into d_alloc_parallel); try the function they call (__d_alloc)\n",
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

	if (r < 0)
		return cmd_help("count");
	if (r)
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
		.target = &tgt, .funcs = cfg.funcs,
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
	r = run_loop(s, &rep, &o, clock_mono_ns(), &e);
	count_session_close(s);
	if (!r && cfg.funcs && !rep.cur.c.stat[CS_ALLOC] && rep.cur.c.stat[CS_FREE_UNTRACKED])
		hint_inlined(&funcs, &rep.cur.c);
out:
	target_free(&tgt);
	return r ? cmd_fail(&e, o.json) : KLEAK_EXIT_OK;
}

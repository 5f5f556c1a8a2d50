// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak trace`: attach the kmem tracepoints, keep outstanding allocations
 * in the kernel, and print the call sites holding the most every interval;
 * a final report at the end (duration, -n, SIGINT, SIGTERM). From the
 * final report also, on request, the outstanding bytes by kernel stack in
 * the folded format (--folded) and the HTML page with the call sites and
 * their flame graph (--html): cmd/page.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "stop.h"
#include "stream.h"
#include "output/fmt.h"
#include "output/trace_render.h"
#include "model/cgroups.h"
#include "model/snapshot.h"
#include "page.h"
#include "source/sample.h"
#include "trace/target.h"
#include "trace/trace_ksym.h"
#include "trace/trace_report.h"
#include "trace/trace_session.h"
#include "util/clock.h"
#include "util/compiler.h"

struct trace_cli {
	struct trace_opts o;
	const char *container; /* --container NAME: its cgroup, as --cgroup */
	struct stream_opts stream;
	bool json, show_addresses, stacks;
	uint64_t min_age_ns;
	int top;
	const char *folded; /* "-": stdout, which then holds it alone */
	const char *html;
	int argc; /* for the page's "made by" */
	char **argv;
	int64_t start_time_s; /* wall clock at attach, for the page */
	uint64_t reports;     /* reports made so far */
	bool ksyms_warned;
};

#define T struct trace_cli
static const struct opt trace_opts_table[] = {
	OPT_JSON(T, json, "NDJSON: one object per interval, the last one final"),
	OPT_STREAM(T, stream, "5s"),
	{ .name = "pid",
	  .short_name = 'p',
	  .kind = OPTV_COUNT,
	  .metavar = "PID",
	  .min = 1,
	  .max = 0x7fffffff,
	  OPT_AT(T, o.pid),
	  .help = "only allocations by process PID (frees of its objects count wherever they happen)" },
	{ .name = "comm",
	  .kind = OPTV_STRING,
	  .metavar = "NAME",
	  .min = 1,
	  .max = TRACE_COMM_LEN - 1,
	  OPT_AT(T, o.comm),
	  .help = "only allocations by tasks named NAME" },
	{ .name = "cgroup",
	  .kind = OPTV_PATH,
	  .metavar = "PATH",
	  OPT_AT(T, o.cgroup),
	  .help = "only allocations by tasks in this cgroup or below (v2, or the v1 memory hierarchy)" },
	OPT_CONTAINER(T, container,
		      "only allocations by tasks of this container (name, id or id prefix)"),
	{ .name = "cache",
	  .kind = OPTV_STRING,
	  .metavar = "NAME",
	  .min = 1,
	  .max = TRACE_CACHE_NAME_LEN - 1,
	  OPT_AT(T, o.cache),
	  .help = "only objects of this slab cache (aliases resolved; kmalloc-N selects kmalloc of that size)" },
	{ .name = "min-size",
	  .kind = OPTV_SIZE,
	  .metavar = "SIZE",
	  .max = UINT64_MAX,
	  OPT_AT(T, o.min_size),
	  .help = "only allocations of at least SIZE bytes" },
	{ .name = "min-age",
	  .kind = OPTV_DURATION,
	  .metavar = "DUR",
	  .min = 1,
	  .max = UINT64_MAX,
	  OPT_AT(T, min_age_ns),
	  .help = "count only objects older than DUR as outstanding (the leak signal)" },
	OPT_TOP(T, top, "10", "call sites in the text view"),
	{ .name = "stacks",
	  .kind = OPTV_FLAG,
	  OPT_AT(T, stacks),
	  .help = "kernel stacks per call site, taken for 1 in 16 objects" },
	{ .name = "sample",
	  .kind = OPTV_COUNT,
	  .metavar = "N",
	  .def = "1",
	  .min = 1,
	  .max = 1u << 20,
	  OPT_AT(T, o.sample),
	  .help = "track 1 in N objects (by a seeded hash of the address); estimates with 95% bounds" },
	{ .name = "sample-seed",
	  .kind = OPTV_COUNT,
	  .metavar = "SEED",
	  .max = TRACE_SEED_MAX,
	  OPT_AT(T, o.sample_seed),
	  OPT_SEEN(T, o.seed_given),
	  .help = "which addresses --sample draws (default: random per run; sample_seed shows it)" },
	{ .name = "max-entries",
	  .kind = OPTV_COUNT,
	  .metavar = "N",
	  .def = "262144",
	  .min = 1024,
	  .max = 1u << 26,
	  OPT_AT(T, o.max_entries),
	  .help = "objects tracked at most; memory stated at start" },
	{ .name = "pages",
	  .kind = OPTV_FLAG,
	  OPT_AT(T, o.pages),
	  .help = "also trace page allocations (mm_page_alloc/free)" },
	{ .name = "percpu",
	  .kind = OPTV_FLAG,
	  OPT_AT(T, o.percpu),
	  .help = "also trace percpu allocations" },
	{ .name = "vmalloc",
	  .kind = OPTV_FLAG,
	  OPT_AT(T, o.vmalloc),
	  .help = "also trace vmalloc areas (alloc_vmap_area, 6.2+)" },
	OPT_SHOW_ADDRESSES(T, show_addresses),
	OPT_FOLDED(T, folded,
		   "with --stacks: at the end, outstanding bytes by kernel stack\n"
		   "in the folded format of flame graphs (no FILE: stdout only)"),
	OPT_HTML(T, html,
		 "at the end, write the call sites and the flame graph of\n"
		 "their stacks as one self-contained HTML page"),
};
#undef T

const struct cmd_spec cmd_trace_spec = {
	.name = "trace",
	.synopsis =
		"usage: kleak trace [options]\n"
		"\n"
		"Trace kernel allocations and frees live with BPF (kmalloc, kfree,\n"
		"kmem_cache_alloc, kmem_cache_free) and report the call sites holding the\n"
		"most outstanding memory: objects allocated and not freed, by call site,\n"
		"with module, cache, rates and the oldest object's age. Dropped and\n"
		"recursion-missed events are counted and shown; objects whose free may\n"
		"have been missed are marked unconfirmed, not counted as leak evidence.\n"
		"Needs root and a kernel with BTF. Schema: docs/trace.md. With --stacks,\n"
		"--folded writes the stacks holding memory for flamegraph.pl, inferno or\n"
		"speedscope, and --html a page with their flame graph (docs/html.md).\n",
	.footer =
		"Exit codes: 0 done, 1 the BPF programs could not be loaded or a target does not\n"
		"exist, 2 usage.\n",
	.opts = trace_opts_table,
	.nopts = ARRAY_SIZE(trace_opts_table),
	.size = sizeof(struct trace_cli),
};

/* --stacks: one stack in 16 objects keeps the stack map's cost bounded. */
#define TRACE_STACK_EVERY 16

static int parse_args(int argc, char **argv, struct trace_cli *c)
{
	int r, first_arg;

	r = opts_parse(&cmd_trace_spec, "trace", argc, argv, c, &first_arg);
	if (r != OPTS_CONTINUE)
		return r;
	if (c->folded && !c->stacks)
		return cmd_usage("trace", "--folded needs --stacks (the stacks it folds)");
	if (opts_is_stdout(c->folded) && c->json)
		return cmd_usage("trace",
				 "--folded and --json both write to standard output: "
				 "give --folded=FILE");
	c->o.stack_every = c->stacks ? TRACE_STACK_EVERY : 0;
	if (c->container && c->o.cgroup)
		return cmd_usage("trace", "--cgroup and --container exclude each other");
	c->argc = argc;
	c->argv = argv;
	return OPTS_CONTINUE;
}

/* What the page says about how the numbers were taken. */
static void trace_note(const struct trace_cli *c, const struct trace_report *rep, char *buf,
		       size_t len)
{
	char d[32];
	int n;

	n = snprintf(buf, len, "Outstanding: allocated since kleak attached and not freed%s%s. ",
		     rep->min_age_ns ? ", at least " : "",
		     rep->min_age_ns ? fmt_duration_ns(rep->min_age_ns, d, sizeof(d)) : "");
	if (n < 0 || (size_t)n >= len)
		return;
	if (rep->sample > 1)
		n += snprintf(buf + n, len - (size_t)n,
			      "Estimates: 1 in %u objects tracked, "
			      "counts scaled (docs/trace.md, Sampling). ",
			      rep->sample);
	if (n < 0 || (size_t)n >= len)
		return;
	if (c->stacks)
		snprintf(buf + n, len - (size_t)n,
			 "Stacks are taken for 1 in %d objects; each call "
			 "site's bytes are shared over its stacks in proportion to their objects.",
			 TRACE_STACK_EVERY);
	else
		snprintf(buf + n, len - (size_t)n,
			 "No --stacks: each call site is one frame of the "
			 "graph.");
}

/*
 * The kernel release and hostname for the page: the live sample's meta
 * (source/sample.h reads it, no source), parsed as every command does.
 */
static void host_of(struct sample *s, struct snapshot *snap)
{
	struct kerr e;

	sample_read_live(s, 0);
	snapshot_parse(snap, s, 0, &e); /* what does not parse stays empty */
}

/* --folded and --html, from the final report. */
static int pictures(const struct trace_cli *c, const struct trace_report *rep)
{
	struct sample s = { 0 };
	struct snapshot snap = { 0 };
	struct page p;
	struct kerr e = { 0 };
	char note[600];
	int r;

	page_init(&p, c->argc, c->argv);
	trace_note(c, rep, note, sizeof(note));
	r = page_trace(&p, rep, note);
	if (r)
		kerr_set(&e, r, "trace", 0, "out of memory");
	if (!r && c->folded)
		r = page_folded(&p.tstacks, c->folded, &e);
	if (!r && c->html) {
		host_of(&s, &snap);
		p.r.meta.title = "kleak trace";
		p.r.meta.kernel = snap.release[0] ? snap.release : NULL;
		p.r.meta.hostname = snap.hostname[0] ? snap.hostname : NULL;
		p.r.meta.start_time_s = c->start_time_s;
		p.r.meta.interval_s = (double)c->stream.interval_ns / 1e9;
		p.r.meta.duration_s = (double)rep->elapsed_ns / 1e9;
		p.r.meta.samples = c->reports;
		r = page_write(&p, c->html, &e);
	}
	page_free(&p);
	snapshot_free(&snap);
	sample_free(&s);
	/* under --json stdout holds the whole report already: the error goes to stderr */
	return r ? cmd_fail(&e, false) : 0;
}

/* The per-interval view, unless stdout holds the folded stacks alone. */
static void render(const struct trace_cli *c, const struct trace_report *rep,
		   const struct render_opts *ro)
{
	if (c->json)
		trace_render_json(stdout, rep, ro);
	else if (opts_is_stdout(c->folded))
		return;
	else if (isatty(STDOUT_FILENO))
		trace_render_live(stdout, rep, ro);
	else
		trace_render_text(stdout, rep, ro);
}

/*
 * The symbols again when a module came or went since they were read (a
 * driver loaded after the start): its call sites get names. A failure
 * keeps the symbols there are, with one warning.
 */
static void ksyms_refresh(struct trace_ksyms *ks, struct trace_cli *c)
{
	struct kerr e = { 0 };
	char msg[600];
	bool changed;

	if (!ks->loaded || !trace_ksyms_refresh(ks, &changed, &e) || c->ksyms_warned)
		return;
	fprintf(stderr, "kleak trace: the symbols of new modules could not be read (%s)\n",
		kerr_str(&e, msg, sizeof(msg)));
	c->ksyms_warned = true;
}

/* One report: read the kernel, build, render. */
static int report_once(struct trace_session *s, struct trace_ksyms *ks,
		       struct trace_report_state *st, struct trace_cli *c, bool final)
{
	struct render_opts ro = {
		.top = c->top,
		.show_addresses = c->show_addresses,
		.color = !c->json && fmt_use_color(stdout),
	};
	struct trace_read r;
	struct trace_report rep;
	struct kerr e = { 0 };
	int ret;

	ret = trace_session_read(s, c->min_age_ns, &r, &e);
	if (ret)
		return cmd_fail(&e, c->json);
	ksyms_refresh(ks, c);
	ret = trace_report_build(&r, ks, st, &rep);
	trace_read_free(&r);
	if (ret) {
		kerr_set(&e, ret, "kleak trace", 0, "out of memory");
		return cmd_fail(&e, c->json);
	}
	rep.final = final;
	c->reports++;
	render(c, &rep, &ro);
	ret = final && (c->folded || c->html) ? pictures(c, &rep) : 0;
	trace_report_free(&rep);
	return ret ? ret : ferror(stdout) ? KLEAK_EXIT_ERROR : 0;
}

/*
 * What is traced, resolved before loading (a typo is an error with close
 * names), and the kernel's symbols (a failure to load them is left in ke);
 * both before attaching, so that kleak's own reads of /proc and /sys are
 * not the first allocations it reports.
 */
static int prepare(const struct trace_cli *c, struct target *t, struct trace_ksyms *ks,
		   struct kerr *ke, struct kerr *e)
{
	struct target_request rq = {
		.cache = c->o.cache,
		.cgroup = c->o.cgroup,
		.comm = c->o.comm,
		.pid = c->o.pid,
	};
	struct cgroup_target ct;
	int ret;

	if (c->container) { /* the container's memory cgroup, as --cgroup names it */
		if ((ret = cgroups_container_resolve(c->container, &ct, e)))
			return ret;
		rq.cgroup = ct.dir;
	}
	ret = target_resolve(&rq, t, e);
	if (ret)
		return ret;
	if (t->tgid != t->pid)
		fprintf(stderr, "kleak trace: %u is a thread of process %u: tracing the process\n",
			t->pid, t->tgid);
	trace_ksyms_load(ks, ke);
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_cli c;
	struct trace_report_state st = { 0 };
	struct trace_session s = { 0 };
	struct trace_ksyms ks = { 0 };
	struct target t = { 0 };
	struct kerr e = { 0 }, ke = { 0 };
	struct stream sm;
	char msg[600];
	int ret;

	ret = parse_args(argc, argv, &c);
	if (ret != OPTS_CONTINUE)
		return ret;
	st.min_age_ns = c.min_age_ns;
	stop_install();
	ret = prepare(&c, &t, &ks, &ke, &e);
	if (!ret)
		ret = trace_session_open(&s, &c.o, &t, &e);
	if (ret) {
		ret = cmd_fail(&e, c.json);
		goto out;
	}
	if (ke.code)
		fprintf(stderr, "kleak trace: call sites will not be symbolized (%s)\n",
			kerr_str(&ke, msg, sizeof(msg)));
	st.aliases = &t.aliases;
	trace_render_banner(stderr, &s.info);
	c.start_time_s = clock_wall_ns() / 1000000000LL;
	stream_start(&sm, &c.stream, false);
	while (stream_wait(&sm) && !stream_last(&sm)) {
		ret = report_once(&s, &ks, &st, &c, false);
		if (ret)
			goto out;
	}
	ret = report_once(&s, &ks, &st, &c, true);
out:
	trace_session_close(&s);
	trace_ksyms_free(&ks);
	trace_report_state_free(&st);
	target_free(&t);
	return ret;
}

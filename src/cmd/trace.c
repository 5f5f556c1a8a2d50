// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak trace`: attach the kmem tracepoints, keep outstanding allocations
 * in the kernel, and print the call sites holding the most every interval;
 * a final report at the end (duration, -n, SIGINT, SIGTERM).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "stop.h"
#include "output/fmt.h"
#include "output/trace_render.h"
#include "trace/target.h"
#include "trace/trace_ksym.h"
#include "trace/trace_report.h"
#include "trace/trace_session.h"
#include "util/num.h"

const char cmd_trace_help[] =
	"usage: kleak trace [options]\n"
	"\n"
	"Trace kernel allocations and frees live with BPF (kmalloc, kfree,\n"
	"kmem_cache_alloc, kmem_cache_free) and report the call sites holding the\n"
	"most outstanding memory: objects allocated and not freed, by call site,\n"
	"with module, cache, rates and the oldest object's age. Lost, dropped and\n"
	"recursion-missed events are counted and shown, never turned into leaks.\n"
	"Needs root and a kernel with BTF. Schema: docs/trace.md.\n"
	"\n"
	"Options:\n"
	"  -j, --json              NDJSON: one object per interval, the last one final\n"
	"  -i, --interval DUR      report every DUR (default 5s)\n"
	"  -d, --duration DUR      stop after DUR (default: until SIGINT/SIGTERM)\n"
	"  -n, --samples N         stop after N interval reports\n"
	"  -p, --pid PID           only allocations by process PID (frees of its objects count wherever they happen)\n"
	"      --comm NAME         only allocations by tasks named NAME\n"
	"      --cgroup PATH       only allocations by tasks in this cgroup or below (v2, or the v1 memory hierarchy)\n"
	"      --cache NAME        only objects of this slab cache (aliases resolved; kmalloc-N selects kmalloc of that size)\n"
	"      --min-size SIZE     only allocations of at least SIZE bytes\n"
	"      --min-age DUR       count only objects older than DUR as outstanding (the leak signal)\n"
	"      --top N             call sites in the text view (default 10)\n"
	"      --stacks            kernel stacks per call site, taken for 1 in 16 objects\n"
	"      --sample N          track 1 in N objects (by pointer hash); scaled estimates with their error\n"
	"      --max-entries N     objects tracked at most (default 262144); memory stated at start\n"
	"      --pages             also trace page allocations (mm_page_alloc/free)\n"
	"      --percpu            also trace percpu allocations\n"
	"      --vmalloc           also trace vmalloc areas (alloc_vmap_area, 6.2+)\n"
	"      --show-addresses    print raw kernel addresses (hidden by default: KASLR)\n"
	"  -h, --help              this help\n"
	"\n"
	"Exit codes: 0 done, 1 the BPF programs could not be loaded, 2 usage.\n";

struct trace_cli {
	struct trace_opts o;
	bool json, show_addresses;
	uint64_t interval_ns, duration_ns, min_age_ns;
	uint64_t samples;
	int top;
};

enum {
	OPT_COMM = 256, OPT_CGROUP, OPT_CACHE, OPT_MIN_SIZE, OPT_MIN_AGE, OPT_TOP,
	OPT_STACKS, OPT_SAMPLE, OPT_MAX_ENTRIES, OPT_PAGES, OPT_PERCPU, OPT_VMALLOC,
	OPT_ADDR,
};

static int parse_u32(const char *name, const char *arg, uint32_t min, uint32_t max,
		     uint32_t *out)
{
	uint64_t v;

	if (num_parse_u64(arg, &v) || v < min || v > max)
		return cmd_usage("trace", "%s: '%s' is not a number in %u..%u", name, arg, min,
				 max);
	*out = (uint32_t)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct trace_cli *c)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "interval", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "samples", required_argument, NULL, 'n' },
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "cache", required_argument, NULL, OPT_CACHE },
		{ "min-size", required_argument, NULL, OPT_MIN_SIZE },
		{ "min-age", required_argument, NULL, OPT_MIN_AGE },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "stacks", no_argument, NULL, OPT_STACKS },
		{ "sample", required_argument, NULL, OPT_SAMPLE },
		{ "max-entries", required_argument, NULL, OPT_MAX_ENTRIES },
		{ "pages", no_argument, NULL, OPT_PAGES },
		{ "percpu", no_argument, NULL, OPT_PERCPU },
		{ "vmalloc", no_argument, NULL, OPT_VMALLOC },
		{ "show-addresses", no_argument, NULL, OPT_ADDR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t u = 0;
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, "ji:d:n:p:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': c->json = true; break;
		case 'h': return cmd_help("trace") + 100;
		case 'i':
			if (num_parse_duration_ns(optarg, &c->interval_ns))
				return cmd_usage("trace", "-i: '%s' is not a duration", optarg);
			break;
		case 'd':
			if (num_parse_duration_ns(optarg, &c->duration_ns))
				return cmd_usage("trace", "-d: '%s' is not a duration", optarg);
			break;
		case 'n':
			if (num_parse_u64(optarg, &c->samples) || !c->samples)
				return cmd_usage("trace", "-n: '%s' is not a count", optarg);
			break;
		case 'p': ret = parse_u32("-p", optarg, 1, 0x7fffffff, &c->o.pid); break;
		case OPT_COMM:
			if (!*optarg || strlen(optarg) >= TRACE_COMM_LEN)
				return cmd_usage("trace", "--comm: a task name has 1 to 15 characters");
			c->o.comm = optarg;
			break;
		case OPT_CGROUP: c->o.cgroup = optarg; break;
		case OPT_CACHE:
			if (!*optarg || strlen(optarg) >= TRACE_CACHE_NAME_LEN)
				return cmd_usage("trace", "--cache: a cache name has 1 to 31 characters");
			c->o.cache = optarg;
			break;
		case OPT_MIN_SIZE:
			if (num_parse_size(optarg, &c->o.min_size))
				return cmd_usage("trace", "--min-size: '%s' is not a size", optarg);
			break;
		case OPT_MIN_AGE:
			if (num_parse_duration_ns(optarg, &c->min_age_ns))
				return cmd_usage("trace", "--min-age: '%s' is not a duration", optarg);
			break;
		case OPT_TOP:
			if (num_parse_int(optarg, 1, 1000000, &c->top))
				return cmd_usage("trace", "--top: '%s' is not a count", optarg);
			break;
		case OPT_STACKS: c->o.stack_every = 16; break;
		case OPT_SAMPLE: ret = parse_u32("--sample", optarg, 1, 1u << 20, &c->o.sample); break;
		case OPT_MAX_ENTRIES:
			ret = parse_u32("--max-entries", optarg, 1024, 1u << 26, &u);
			c->o.max_entries = u;
			break;
		case OPT_PAGES: c->o.pages = true; break;
		case OPT_PERCPU: c->o.percpu = true; break;
		case OPT_VMALLOC: c->o.vmalloc = true; break;
		case OPT_ADDR: c->show_addresses = true; break;
		default: return KLEAK_EXIT_USAGE;
		}
		if (ret)
			return ret;
	}
	if (optind < argc)
		return cmd_usage("trace", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* One report: read the kernel, build, render. */
static int report_once(struct trace_session *s, const struct trace_ksyms *ks,
		       struct trace_report_state *st, const struct trace_cli *c, bool final)
{
	struct render_opts ro = {
		.top = c->top, .show_addresses = c->show_addresses,
		.color = !c->json && fmt_use_color(stdout),
	};
	struct trace_read r;
	struct trace_report rep;
	struct kerr e = { 0 };
	int ret;

	ret = trace_session_read(s, c->min_age_ns, &r, &e);
	if (ret)
		return cmd_fail(&e, c->json);
	ret = trace_report_build(&r, ks, st, &rep);
	trace_read_free(&r);
	if (ret) {
		kerr_set(&e, ret, "kleak trace", 0, "out of memory");
		return cmd_fail(&e, c->json);
	}
	rep.final = final;
	if (c->json)
		trace_render_json(stdout, &rep, &ro);
	else if (isatty(STDOUT_FILENO))
		trace_render_live(stdout, &rep, &ro);
	else
		trace_render_text(stdout, &rep, &ro);
	trace_report_free(&rep);
	return ferror(stdout) ? KLEAK_EXIT_ERROR : 0;
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
		.cache = c->o.cache, .cgroup = c->o.cgroup, .comm = c->o.comm, .pid = c->o.pid,
	};
	int ret;

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
	struct trace_cli c = { .interval_ns = 5000000000ull, .top = 10 };
	struct trace_report_state st = { 0 };
	struct trace_session s = { 0 };
	struct trace_ksyms ks = { 0 };
	struct target t = { 0 };
	struct kerr e = { 0 }, ke = { 0 };
	uint64_t start, end, next, n = 0;
	char msg[600];
	int ret;

	ret = parse_args(argc, argv, &c);
	if (ret)
		return ret >= 100 ? ret - 100 : ret;
	c.o.sample = c.o.sample ? c.o.sample : 1;
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
	start = stop_now_ns();
	end = c.duration_ns ? start + c.duration_ns : UINT64_MAX;
	for (next = start + c.interval_ns;; next += c.interval_ns) {
		bool stop = stop_sleep_until(next < end ? next : end);

		if (stop || stop_now_ns() >= end || (c.samples && n + 1 >= c.samples))
			break;
		ret = report_once(&s, &ks, &st, &c, false);
		if (ret)
			goto out;
		n++;
	}
	ret = report_once(&s, &ks, &st, &c, true);
out:
	trace_session_close(&s);
	trace_ksyms_free(&ks);
	trace_report_state_free(&st);
	target_free(&t);
	return ret;
}

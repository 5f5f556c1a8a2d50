// SPDX-License-Identifier: GPL-2.0
/*
 * kleak kmemleak: drive the kernel's kmemleak (scan, clear, run a workload
 * between them) and turn its report into groups by symbolized backtrace,
 * ranked by bytes or count, as text or one JSON document.
 *
 * report: source (live file or --from) -> kmemleak_parse -> symbols (live
 * kallsyms or --kallsyms/--modules) -> kmemleak_group -> output/kmemleak_*,
 * and with --folded the bytes per backtrace in the folded format of flame
 * graphs (cmd/page.h). run: clear -> workload -> wait -> scan twice ->
 * report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze/check.h"
#include "analyze/kmemleak_group.h"
#include "analyze/ksym.h"
#include "cmd.h"
#include "output/fmt.h"
#include "output/kmemleak_render.h"
#include "output/stacks_from.h"
#include "page.h"
#include "parse/kallsyms.h"
#include "parse/kmemleak.h"
#include "parse/modules.h"
#include "source/kmemleak_ctl.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/input.h"
#include "workload.h"

struct kml_opts {
	const char *sub;	       /* report, scan, clear, run */
	const char *from;	       /* saved report, NULL: live */
	const char *kallsyms;	       /* saved /proc/kallsyms */
	const char *modules;	       /* saved /proc/modules */
	const char *baseline;	       /* snapshot dir: DIR/kallsyms, DIR/modules */
	const char *folded;	       /* report, run: "-" is stdout, which then holds it alone */
	char kpath[4096], mpath[4096]; /* from baseline */
	enum kmemleak_sort sort;
	uint64_t wait_ns;
	int top;
	bool show_addresses;
	bool json;
	bool fail_on_set; /* --fail-on given */
	enum severity fail_on;
	char **cmd; /* run: the workload */
};

/* What the run sub-command did, for the output. */
struct kml_run {
	bool ran;
	int status; /* exit status, or 128+signal */
	uint64_t since_jiffies;
};

static const struct opt_word sort_words[] = {
	{ "bytes", KMEMLEAK_SORT_BYTES },
	{ "count", KMEMLEAK_SORT_COUNT },
	{ NULL, 0 },
};

#define T struct kml_opts
static const struct opt kml_opts_table[] = {
	OPT_JSON(T, json, "one JSON document (schema: docs/kmemleak.md)"),
	{ .name = "from",
	  .kind = OPTV_PATH,
	  .metavar = "FILE",
	  OPT_AT(T, from),
	  .help = "group a saved report instead of the live one" },
	{ .name = "kallsyms",
	  .kind = OPTV_PATH,
	  .metavar = "FILE",
	  OPT_AT(T, kallsyms),
	  .help = "symbolize raw frames with a saved /proc/kallsyms" },
	{ .name = "modules",
	  .kind = OPTV_PATH,
	  .metavar = "FILE",
	  OPT_AT(T, modules),
	  .help = "module ranges from a saved /proc/modules" },
	{ .name = "baseline",
	  .kind = OPTV_PATH,
	  .metavar = "DIR",
	  OPT_AT(T, baseline),
	  .help = "a snapshot taken while the modules were loaded\n"
		  "(kleak snapshot): its kallsyms and modules" },
	{ .name = "sort",
	  .kind = OPTV_ENUM,
	  .metavar = "KEY",
	  .def = "bytes",
	  .words = sort_words,
	  OPT_AT(T, sort),
	  .help = "rank groups by KEY" },
	/* 6.12's jiffies_min_age: younger objects are not reported */
	{ .name = "wait",
	  .short_name = 'w',
	  .kind = OPTV_DURATION,
	  .metavar = "DURATION",
	  .def = "5s",
	  .min = 1,
	  .max = UINT64_MAX,
	  OPT_AT(T, wait_ns),
	  .help = "run: wait before scanning, kmemleak's\nminimum object age" },
	OPT_TOP(T, top, "10", "groups in the text view"),
	OPT_FAIL_ON(T, fail_on, fail_on_set, "LEVEL", cmd_severity_words,
		    "exit 3 when a finding (each group is a\nwarning) is at least LEVEL"),
	OPT_SHOW_ADDRESSES(T, show_addresses),
	OPT_FOLDED(T, folded,
		   "report, run: bytes per backtrace in the folded format of\n"
		   "flame graphs (no FILE: stdout only)"),
};
#undef T

/* cmd_sub.flags */
#define KML_FROM 1u /* --from goes with it */
#define KML_CMD 2u  /* takes a command after -- */

static int sub_report(void *o, char **args);
static int sub_ctl(void *o, char **args);
static int sub_run(void *o, char **args);

static const struct cmd_sub kml_subs[] = {
	{ "report", "read the report (the live one, or --from FILE) and group it\n(the default)",
	  sub_report, KML_FROM },
	{ "scan", "trigger a scan and wait for it to finish", sub_ctl, 0 },
	{ "clear", "forget the leaks reported so far", sub_ctl, 0 },
	{ "run", "clear, run CMD, wait, scan twice, report only what is new", sub_run, KML_CMD },
};

const struct cmd_spec cmd_kmemleak_spec = {
	.name = "kmemleak",
	.synopsis =
		"usage: kleak kmemleak [report|scan|clear|run] [options] [-- CMD [ARGS...]]\n"
		"\n"
		"Drive the kernel's kmemleak and group its report by backtrace.\n",
	.notes = "Raw module frames are symbolized with /proc/kallsyms and /proc/modules,\n"
		 "or offline with --kallsyms and --modules. kmemleak costs performance and\n"
		 "is for test machines; on production use `kleak watch` or `kleak trace`.\n",
	.footer =
		"Exit codes: 0 done (also when kmemleak is absent: the output says why),\n"
		"1 an error (a --from file that does not parse; scan, clear or run that\n"
		"could not reach kmemleak), 2 usage, 3 a finding at or above --fail-on.\n",
	.opts = kml_opts_table,
	.nopts = ARRAY_SIZE(kml_opts_table),
	.size = sizeof(struct kml_opts),
	.args = OPT_ARGS_REST,
	.subs = kml_subs,
	.nsubs = ARRAY_SIZE(kml_subs),
};

/* What parsing cannot check: arguments and options per sub-command. */
static int check_args(const char *cmd, const struct cmd_sub *sub, struct kml_opts *o, int argc,
		      char **argv, int first_arg)
{
	if (sub->flags & KML_CMD) {
		if (first_arg >= argc)
			return cmd_usage(cmd, "expected a command after --");
		o->cmd = argv + first_arg;
	} else if (first_arg < argc) {
		return cmd_usage(cmd, "unexpected argument '%s'", argv[first_arg]);
	}
	if (o->from && !(sub->flags & KML_FROM))
		return cmd_usage(cmd, "--from only goes with report");
	if (o->folded && !(sub->flags & (KML_FROM | KML_CMD)))
		return cmd_usage(cmd, "--folded only goes with report and run");
	if (opts_is_stdout(o->folded) && o->json)
		return cmd_usage(cmd,
				 "--folded and --json both write to standard output: "
				 "give --folded=FILE");
	if (o->baseline && (o->kallsyms || o->modules))
		return cmd_usage(cmd, "--baseline and --kallsyms/--modules conflict");
	if (o->baseline) {
		struct stat st;

		if (input_join(o->kpath, sizeof(o->kpath), o->baseline, "kallsyms") ||
		    input_join(o->mpath, sizeof(o->mpath), o->baseline, "modules"))
			return cmd_usage(cmd, "--baseline: path too long");
		o->kallsyms = o->kpath;
		/* a kernel without modules has no /proc/modules to snapshot */
		if (!stat(o->mpath, &st))
			o->modules = o->mpath;
	}
	return OPTS_CONTINUE;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static const char *const avail_names[] = {
	[KMEMLEAK_AVAILABLE] = "available", [KMEMLEAK_NO_DEBUGFS] = "no_debugfs",
	[KMEMLEAK_ABSENT] = "absent",	    [KMEMLEAK_DISABLED] = "disabled",
	[KMEMLEAK_NO_ACCESS] = "no_access", [KMEMLEAK_ERROR] = "error",
};

/*
 * kmemleak is not usable here: say so on stderr and in the output.
 * CONTRACTS: an absent source does not change the exit code of report by
 * itself; scan/clear/run could not do their job.
 */
static int unavailable(const struct kml_opts *o, enum kmemleak_avail a, const struct kerr *e)
{
	char msg[1024];

	kerr_print(e);
	fprintf(stderr,
		"kleak: kmemleak is for test kernels; on this machine use "
		"`kleak watch` (growth over time) or `kleak trace` (live allocations)\n");
	kerr_str(e, msg, sizeof(msg));
	if (opts_is_stdout(o->folded))
		; /* stdout holds the folded stacks alone: none */
	else if (o->json)
		kmemleak_render_unavailable_json(stdout, avail_names[a], msg);
	else
		kmemleak_render_unavailable_text(stdout, avail_names[a], msg);
	if (a == KMEMLEAK_ERROR || strcmp(o->sub, "report"))
		return KLEAK_EXIT_ERROR;
	return KLEAK_EXIT_OK;
}

/*
 * A file the user named (util/input.h: regular files only); those of a
 * --baseline DIR are read beneath it (a symlink out of it is refused).
 */
static int read_user_file(const struct kml_opts *o, const char *path, struct buf *b, struct kerr *e)
{
	int dfd, r;

	if (!o->baseline || (path != o->kpath && path != o->mpath))
		return input_read(b, path, BUF_FILE_CAP, e);
	dfd = input_open_dir(o->baseline, e);
	if (dfd < 0)
		return dfd;
	r = input_read_at(b, dfd, o->baseline, path == o->kpath ? "kallsyms" : "modules",
			  BUF_FILE_CAP, e);
	close(dfd);
	return r;
}

/* A symbol file, parsed into t (kallsyms) or added to it (modules). */
static int load_kallsyms(const struct kml_opts *o, const char *path, struct ksym_table *t,
			 struct kerr *e)
{
	struct buf b = { 0 };
	struct kallsyms ks;
	int r;

	if (!(r = read_user_file(o, path, &b, e)) &&
	    !(r = kallsyms_parse(b.data, b.len, path, &ks, e)))
		r = ksym_table_init(t, &ks, e);
	buf_free(&b);
	return r;
}

static int load_modules(const struct kml_opts *o, const char *path, struct ksym_table *t,
			struct kerr *e)
{
	struct buf b = { 0 };
	struct modules mods = { 0 };
	int r;

	if (!(r = read_user_file(o, path, &b, e)) &&
	    !(r = modules_parse(b.data, b.len, path, &mods, e)) && ksym_table_add_modules(t, &mods))
		r = kerr_set(e, -ENOMEM, path, 0, "out of memory");
	buf_free(&b);
	modules_free(&mods);
	return r;
}

/*
 * Symbols for raw frames: the files given, else the live kernel's when the
 * report is live. *what says which ("file", "live", "none"). A live table
 * that cannot be read is a warning, not an error.
 */
static int load_syms(const struct kml_opts *o, bool needed, struct ksym_table *t, bool *have,
		     const char **what, struct kerr *e)
{
	bool live = !o->from && !o->kallsyms && !o->modules;
	const char *kpath = o->kallsyms ? o->kallsyms : live ? "/proc/kallsyms" : NULL;
	const char *mpath = o->modules ? o->modules : live ? "/proc/modules" : NULL;
	int r = 0;

	*have = false;
	*what = "none";
	if (!needed || (!kpath && !mpath))
		return 0;
	memset(t, 0, sizeof(*t));
	if ((kpath && (r = load_kallsyms(o, kpath, t, e))) ||
	    (mpath && (r = load_modules(o, mpath, t, e)))) {
		ksym_table_free(t);
		if (!live)
			return r;
		kerr_print(e); /* degrade: raw frames stay unresolved */
		fprintf(stderr, "kleak: raw frames left unresolved\n");
		return 0;
	}
	*have = true;
	*what = live ? "live" : "file";
	return 0;
}

/*
 * clear, run, wait past the minimum age, scan twice (an object's first
 * scan only records its checksum), then the caller reads the report.
 */
static int do_run(const struct kml_opts *o, struct kml_run *run, enum kmemleak_avail *avail,
		  struct kerr *e)
{
	int r;

	run->since_jiffies = kmemleak_ctl_jiffies();
	if ((r = kmemleak_ctl_write("clear", avail, e)))
		return r;
	if ((r = workload_run(o->cmd, o->json, &run->status, e)))
		return r;
	run->ran = true;
	if (!o->json)
		fprintf(stderr,
			"kleak: waiting %.1fs for kmemleak's minimum object age, then scanning twice\n",
			(double)o->wait_ns / 1e9);
	sleep_ns(o->wait_ns);
	if ((r = kmemleak_ctl_write("scan", avail, e)))
		return r;
	sleep_ns(1000000000ULL);
	return kmemleak_ctl_write("scan", avail, e);
}

/* --folded: each group's bytes on its backtrace. Errors go to stderr alone. */
static int folded(const struct kml_opts *o, const struct kmemleak_groups *g)
{
	struct stacks st = { 0 };
	struct kerr e = { 0 };
	int r;

	r = stacks_from_kmemleak(&st, g);
	if (r)
		kerr_set(&e, r, "kmemleak", 0, "out of memory");
	else
		r = page_folded(&st, o->folded, &e);
	stacks_free(&st);
	return r ? cmd_fail(&e, false) : KLEAK_EXIT_OK;
}

static void render(const struct kml_opts *o, const struct kmemleak_view *v)
{
	struct render_opts ro = { .top = o->top,
				  .color = !o->json && fmt_use_color(stdout),
				  .show_addresses = o->show_addresses };

	if (o->json)
		kmemleak_render_json(stdout, v, &ro);
	else if (!opts_is_stdout(o->folded))
		kmemleak_render_text(stdout, v, &ro);
}

static int report(const struct kml_opts *o, const struct kml_run *run)
{
	struct buf b = { 0 };
	struct kerr e = { 0 };
	struct kmemleak_report r = { 0 };
	struct kmemleak_groups g = { 0 };
	struct ksym_table t;
	/* unresolved frames are named with their address under the one switch */
	struct kmemleak_group_opts go = { .show_addresses = o->show_addresses,
					  .sort = o->sort,
					  .since_jiffies = run->since_jiffies };
	struct kmemleak_view v = { .source = o->from ? o->from : kmemleak_ctl_path(),
				   .report = &r,
				   .groups = &g,
				   .ran = run->ran,
				   .command = o->cmd,
				   .status = run->status,
				   .since_jiffies = run->since_jiffies };
	enum kmemleak_avail avail;
	bool have = false;
	int rc = KLEAK_EXIT_OK;

	if (o->from) {
		if (input_read(&b, o->from, BUF_FILE_CAP, &e))
			goto fail;
	} else if (kmemleak_ctl_read(&b, true, &avail, &e)) {
		rc = unavailable(o, avail, &e);
		goto out;
	}
	if (kmemleak_parse(b.data, b.len, v.source, &r, &e) ||
	    load_syms(o, kmemleak_has_raw_frames(&r) || o->kallsyms || o->modules, &t, &have,
		      &v.symbols, &e))
		goto fail;
	go.syms = have ? &t : NULL;
	if (kmemleak_group(&r, &go, &g, &e))
		goto fail;
	render(o, &v);
	if (o->folded)
		rc = folded(o, &g);
	if (!rc && o->fail_on_set && g.n && KMEMLEAK_GROUP_SEVERITY >= o->fail_on)
		rc = KLEAK_EXIT_FINDINGS;
	goto out;
fail:
	rc = cmd_fail(&e, o->json);
out:
	kmemleak_groups_free(&g);
	if (have)
		ksym_table_free(&t);
	kmemleak_report_free(&r);
	buf_free(&b);
	return rc;
}

static int sub_report(void *p, char **args)
{
	return report(p, &(struct kml_run){ 0 });
}

static int sub_run(void *p, char **args)
{
	struct kml_opts *o = p;
	struct kml_run run = { 0 };
	struct kerr e = { 0 };
	enum kmemleak_avail avail;

	if (do_run(o, &run, &avail, &e))
		return run.ran || e.code == -ENOENT ? cmd_fail(&e, o->json)
						    : unavailable(o, avail, &e);
	return report(o, &run);
}

/* scan, clear: one write to kmemleak's control file. */
static int sub_ctl(void *p, char **args)
{
	struct kml_opts *o = p;
	struct kerr e = { 0 };
	enum kmemleak_avail avail;

	if (kmemleak_ctl_write(o->sub, &avail, &e))
		return unavailable(o, avail, &e);
	kmemleak_render_done(stdout, o->sub, o->json);
	return KLEAK_EXIT_OK;
}

int cmd_kmemleak(int argc, char **argv)
{
	const struct cmd_sub *sub = NULL;
	const char *name = NULL;
	struct kml_opts o;
	char cmd[64] = "kmemleak";
	int rc, first_arg;

	if (argc > 1 && argv[1][0] != '-') {
		name = argv[1];
		sub = opts_sub(&cmd_kmemleak_spec, name);
		argc--;
		argv++;
	}
	if (sub)
		snprintf(cmd, sizeof(cmd), "kmemleak %s", sub->name);
	rc = opts_parse(&cmd_kmemleak_spec, cmd, argc, argv, &o, &first_arg);
	if (rc != OPTS_CONTINUE)
		return rc;
	if (name && !sub)
		return cmd_usage("kmemleak", "unknown subcommand '%s' (report, scan, clear, run)",
				 name);
	if (!sub)
		sub = &kml_subs[0];
	o.sub = sub->name;
	rc = check_args(cmd, sub, &o, argc, argv, first_arg);
	if (rc != OPTS_CONTINUE)
		return rc;
	return sub->fn(&o, o.cmd);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * `kleak check`: read one sample (the live kernel, a snapshot directory or
 * a recording's sample) -> parse -> analyse -> render as text or JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/check.h"
#include "analyze/klog_stream.h"
#include "cmd.h"
#include "model/sample_live.h"
#include "model/snapshot.h"
#include "output/check_render.h"
#include "source/recording.h"
#include "source/sample.h"
#include "util/compiler.h"
#include "util/num.h"

struct check_cli {
	bool json, show_addresses, fail_on_set, sample_set;
	const char *from, *baseline;
	const char *dmesg;	/* --dmesg FILE: the kernel log from a saved file */
	const char *sample_arg; /* --sample: first, last or N */
	uint64_t sample;	/* of a --from recording: RECORDING_LAST or from 1 */
	int color;		/* enum opt_color */
	int top;
	enum severity fail_on;
	struct check_opts o;
};

#define T struct check_cli
static const struct opt check_opts_table[] = {
	OPT_JSON(T, json, "one JSON document (schema: docs/check.md)"),
	{ .name = "from",
	  .kind = OPTV_PATH,
	  .metavar = "PATH",
	  OPT_AT(T, from),
	  .help = "analyse a snapshot DIR (kleak snapshot, or cp of /proc files) or a recording FILE" },
	{ .name = "sample",
	  .kind = OPTV_STRING,
	  .metavar = "WHICH",
	  OPT_AT(T, sample_arg),
	  OPT_SEEN(T, sample_set),
	  .max = 32,
	  .help = "the sample of a --from recording: first, last (default) or its number" },
	{ .name = "baseline",
	  .kind = OPTV_PATH,
	  .metavar = "PATH",
	  OPT_AT(T, baseline),
	  .help = "an earlier snapshot DIR or recording FILE: places unloaded modules' memory" },
	{ .name = "dmesg",
	  .kind = OPTV_PATH,
	  .metavar = "FILE",
	  OPT_AT(T, dmesg),
	  .help = "the kernel log from a saved FILE (dmesg, journalctl -k, /dev/kmsg records;\n"
		  "- for standard input) instead of /dev/kmsg or the snapshot's" },
	OPT_TOP(T, top, "10", "rows per table in the text view"),
	OPT_FAIL_ON(T, fail_on, fail_on_set, "LEVEL", cmd_severity_words,
		    "exit 3 when a finding is at least LEVEL"),
	/* the thresholds' defaults and reasons: check_opts_default() */
	{ .name = "kernel-pct",
	  .kind = OPTV_PERCENT,
	  .metavar = "PCT",
	  .from_init = true,
	  OPT_AT(T, o.kernel_pct_warn),
	  .help = "kernel memory warning threshold, % of MemTotal" },
	{ .name = "sunreclaim-pct",
	  .kind = OPTV_PERCENT,
	  .metavar = "PCT",
	  .from_init = true,
	  OPT_AT(T, o.sunreclaim_pct_warn),
	  .help = "SUnreclaim warning threshold" },
	{ .name = "vmalloc-pct",
	  .kind = OPTV_PERCENT,
	  .metavar = "PCT",
	  .from_init = true,
	  OPT_AT(T, o.vmalloc_pct_warn),
	  .help = "VmallocUsed warning threshold" },
	{ .name = "cache-pct",
	  .kind = OPTV_PERCENT,
	  .metavar = "PCT",
	  .from_init = true,
	  OPT_AT(T, o.cache_pct_warn),
	  .help = "one slab cache warning threshold" },
	{ .name = "module-vmalloc",
	  .kind = OPTV_SIZE,
	  .metavar = "SIZE",
	  .from_init = true,
	  .max = UINT64_MAX,
	  OPT_AT(T, o.module_vmalloc_warn),
	  .help = "vmalloc held by one module" },
	{ .name = "module-allocinfo",
	  .kind = OPTV_SIZE,
	  .metavar = "SIZE",
	  .from_init = true,
	  .max = UINT64_MAX,
	  OPT_AT(T, o.module_allocinfo_warn),
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
		"and findings with their evidence and the next command to run: from\n"
		"these, from the memory cgroups (a container at its limit with mostly\n"
		"kernel memory, OOM kills; `kleak cgroups` lists them all) and from the\n"
		"kernel's own words in its log (OOM reports, module unload warnings,\n"
		"allocation failures, kmemleak), each of those with its time.\n"
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

/* A recording that ends inside a sample: said, and the sample named. */
static void note_truncated(const char *path, const struct recording_status *st,
			   const struct sample *s)
{
	if (st->truncated)
		fprintf(stderr,
			"kleak check: %s: ends inside sample %llu at offset %llu (a crash while recording?): using sample %llu\n",
			path, (unsigned long long)st->samples + 1,
			(unsigned long long)st->truncated_at, (unsigned long long)s->seq);
}

/*
 * A snapshot DIR, or sample nth of a recording FILE. opt names the option
 * in errors: a typo must not look like a clean machine.
 */
static int read_path(const char *opt, const char *path, uint64_t nth, struct sample *s,
		     struct kerr *e)
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
static int read_samples(const struct check_cli *c, struct sample *s, struct sample *base)
{
	struct kerr e = { 0 };
	struct stat sb;

	if (c->sample_set && !stat(c->from, &sb) && S_ISDIR(sb.st_mode))
		return cmd_usage(
			"check",
			"--sample: --from DIR is one snapshot; --sample picks a sample of a recording");
	if (!c->from) {
		struct sample_live sl = { 0 };

		sample_take_live(s, SRC_ALL, &sl);
		sample_live_free(&sl);
	} else if (read_path("--from", c->from, c->sample, s, &e))
		return cmd_fail(&e, c->json);
	if (c->baseline && read_path("--baseline", c->baseline, 1, base, &e))
		return cmd_fail(&e, c->json);
	if (c->dmesg && sample_read_kmsg_file(s, c->dmesg, &e))
		return cmd_fail(&e, c->json);
	return 0;
}

/*
 * A recording's sample holds the log records new since the one before:
 * the kernel log as of sample N is the events of samples 1 to N, each
 * once (analyze/klog_stream.h), as `kleak report` shows them.
 */
struct log_walk {
	struct klog_stream ks;
	struct snapshot tmp;
	uint64_t upto; /* the checked sample's number */
	struct kerr *e;
};

static int log_sample(struct sample *s, void *arg)
{
	struct log_walk *w = arg;

	if (s->seq >= w->upto)
		return 1;
	if (snapshot_parse(&w->tmp, s, SRC_BIT(SRC_KMSG), w->e) ||
	    klog_stream_add(&w->ks, &w->tmp, w->e))
		return w->e->code ? w->e->code : -ENOMEM;
	return 0;
}

static int recording_log(const char *path, struct snapshot *snap, struct kerr *e)
{
	struct log_walk w = { .upto = snap->sample->seq, .e = e };
	struct recording_file f;
	struct recording_status st;
	struct klog_log *l = &snap->klog;
	int r = recording_open(path, &f, e);

	if (r)
		return r;
	r = recording_decode(f.data, f.len, path, log_sample, &w, &st, e);
	snapshot_free(&w.tmp);
	recording_file_close(&f);
	if (r == 1)
		r = 0;
	if (!r)
		r = klog_stream_add(&w.ks, snap, e);
	if (!r)
		r = klog_stream_finish(&w.ks, snap, e);
	if (!r) { /* the events of samples 1..N in place of sample N's own */
		w.ks.events.format = l->format;
		w.ks.events.records = w.ks.records;
		w.ks.events.lost_records = w.ks.lost_records;
		w.ks.events.boots = w.ks.boots;
		w.ks.events.has_seq = l->has_seq;
		w.ks.events.first_seq = l->first_seq;
		w.ks.events.next_seq = l->next_seq;
		w.ks.events.resume_seq = l->resume_seq;
		klog_log_free(l);
		*l = w.ks.events;
		memset(&w.ks.events, 0, sizeof(w.ks.events));
	}
	klog_stream_free(&w.ks);
	return r;
}

/* parse: a source that exists but does not parse stops the run. */
static int parse_samples(const struct check_cli *c, const struct sample *s, struct snapshot *snap,
			 const struct sample *base, struct snapshot *bsnap)
{
	struct kerr e = { 0 };

	if (snapshot_parse(snap, s, SRC_ALL, &e) ||
	    (c->baseline && snapshot_parse(bsnap, base, SRC_ALL, &e)))
		return cmd_fail(&e, c->json);
	if (s->origin == SAMPLE_RECORDING && !c->dmesg && snapshot_has(snap, SRC_KMSG) &&
	    recording_log(c->from, snap, &e))
		return cmd_fail(&e, c->json);
	if (c->from && !snapshot_has(snap, SRC_MEMINFO) && !snapshot_has(snap, SRC_SLABINFO) &&
	    !snapshot_has(snap, SRC_VMALLOCINFO)) {
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
	ro = (struct render_opts){ c->top, opts_use_color(c->color, c->json), c->show_addresses };
	if (c->json)
		check_render_json(stdout, &rep, &ro);
	else
		check_render_text(stdout, &rep, &ro);
	if (c->fail_on_set && check_max_severity(&rep, &any) >= c->fail_on && any)
		rc = KLEAK_EXIT_FINDINGS;
	check_report_free(&rep);
	return rc;
}

/* --sample first|last|N, which needs --from. */
static int sample_arg(struct check_cli *c)
{
	c->sample = RECORDING_LAST;
	if (!c->sample_set)
		return 0;
	if (!c->from)
		return cmd_usage("check", "--sample picks a sample of --from FILE (a recording)");
	if (!strcmp(c->sample_arg, "first"))
		c->sample = 1;
	else if (strcmp(c->sample_arg, "last") &&
		 (num_parse_u64(c->sample_arg, &c->sample) || !c->sample))
		return cmd_usage("check", "--sample: use first, last or a sample number from 1");
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct check_cli c;
	struct sample s = { 0 }, base = { 0 };
	struct snapshot snap = { 0 }, bsnap = { 0 };
	int rc, first_arg;

	rc = opts_parse(&cmd_check_spec, "check", argc, argv, &c, &first_arg);
	if (rc != OPTS_CONTINUE)
		return rc;
	rc = sample_arg(&c);
	if (!rc)
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

// SPDX-License-Identifier: GPL-2.0
/*
 * klog_events: the kernel-log parser and its findings on the command line,
 * for tests until the commands read the log themselves (the VM scenarios'
 * host checks run it on the logs saved in the VM). Prints NDJSON: one
 * object per event, or per finding with --findings, as docs/klog.md gives
 * them; with --summary one object of the log's counters.
 *
 *   klog_events [--findings | --summary] [--boot-wall NS] [--live] FILE
 *   klog_events --kmsg [--cursor SEQ] [--findings | --summary]
 *
 * FILE "-" is standard input. --kmsg reads the live /dev/kmsg. Exit 1 with
 * "kleak: FILE:LINE: message" when the log does not parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/klog_findings.h"
#include "output/klog_json.h"
#include "parse/klog.h"
#include "source/klog.h"
#include "util/clock.h"
#include "util/num.h"

struct args {
	const char *file;
	bool kmsg, findings, summary, live;
	uint64_t cursor;
	int64_t boot_wall_ns;
};

static int usage(void)
{
	fputs("usage: klog_events [--findings|--summary] [--boot-wall NS] [--live] FILE\n"
	      "       klog_events --kmsg [--cursor SEQ] [--findings|--summary]\n",
	      stderr);
	return 2;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	for (int i = 1; i < argc; i++) {
		uint64_t v;

		if (!strcmp(argv[i], "--findings")) {
			a->findings = true;
		} else if (!strcmp(argv[i], "--summary")) {
			a->summary = true;
		} else if (!strcmp(argv[i], "--live")) {
			a->live = true;
		} else if (!strcmp(argv[i], "--kmsg")) {
			a->kmsg = true;
		} else if (!strcmp(argv[i], "--cursor") && i + 1 < argc &&
			   !num_parse_u64(argv[i + 1], &v)) {
			a->cursor = v;
			i++;
		} else if (!strcmp(argv[i], "--boot-wall") && i + 1 < argc &&
			   !num_parse_u64(argv[i + 1], &v)) {
			a->boot_wall_ns = (int64_t)v;
			i++;
		} else if (argv[i][0] != '-' || !strcmp(argv[i], "-")) {
			a->file = argv[i];
		} else {
			return -1;
		}
	}
	return a->kmsg == !a->file ? 0 : -1;
}

static void summary(const struct klog_log *log, const struct klog_read *rd)
{
	struct json j;

	json_init(&j, stdout, false);
	json_obj_begin(&j);
	json_kv_str(&j, "format", klog_format_name(log->format));
	json_kv_u64(&j, "lines", log->lines);
	json_kv_u64(&j, "records", log->records);
	json_kv_u64(&j, "events", log->n);
	json_kv_u64(&j, "lost_records", log->lost_records);
	json_kv_u64(&j, "boots", log->boots);
	json_kv_bool(&j, "has_seq", log->has_seq);
	json_kv_u64(&j, "first_seq", log->first_seq);
	json_kv_u64(&j, "next_seq", log->next_seq);
	json_kv_u64(&j, "resume_seq", log->resume_seq);
	if (rd) {
		json_kv_u64(&j, "read_records", rd->records);
		json_kv_u64(&j, "read_lost", rd->lost);
		json_kv_u64(&j, "read_overruns", rd->overruns);
		json_kv_u64(&j, "read_next_seq", rd->next_seq);
		json_kv_bool(&j, "read_restarted", rd->restarted);
	}
	json_obj_end(&j);
	json_end_doc(&j);
}

static int print(const struct args *a, const struct klog_log *log)
{
	struct klog_findings_opts fo;
	struct klog_findings f;
	struct kerr e = { 0 };
	struct json j;

	json_init(&j, stdout, false);
	klog_findings_opts_default(&fo);
	fo.boot_wall_ns = a->boot_wall_ns;
	if (!a->findings) {
		for (size_t i = 0; i < log->n; i++) {
			klog_json_event(&j, &log->v[i], fo.boot_wall_ns, fo.page_size);
			json_end_doc(&j);
		}
		return 0;
	}
	if (klog_findings(log, &fo, &f, &e)) {
		kerr_print(&e);
		return 1;
	}
	for (size_t i = 0; i < f.n; i++) {
		klog_json_finding(&j, &f.v[i]);
		json_end_doc(&j);
	}
	klog_findings_free(&f);
	return 0;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	struct klog_parse_opts po = { 0 };
	struct klog_read rd = { 0 };
	struct buf b = { 0 };
	struct klog_log log;
	struct kerr e = { 0 };
	const char *src;
	int rc = 1;

	if (parse_args(argc, argv, &a))
		return usage();
	if (a.kmsg || a.live) {
		po.now_mono_ns = clock_mono_ns();
		po.now_wall_ns = clock_wall_ns();
	}
	if (a.kmsg ? klog_read_kmsg(NULL, a.cursor, &rd, &e) : klog_read_file(a.file, &b, &e)) {
		kerr_print(&e);
		return 1;
	}
	src = a.kmsg ? KLOG_KMSG_PATH : a.file;
	if (klog_parse(a.kmsg ? rd.data.data : b.data, a.kmsg ? rd.data.len : b.len, src, &po, &log,
		       &e)) {
		kerr_print(&e);
		goto out;
	}
	if (a.summary)
		summary(&log, a.kmsg ? &rd : NULL);
	else
		rc = print(&a, &log);
	rc = a.summary ? 0 : rc;
	klog_log_free(&log);
out:
	klog_read_free(&rd);
	buf_free(&b);
	return rc;
}

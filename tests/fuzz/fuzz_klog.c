// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the kernel-log parser as a file and as a live read
 * (open reports, wall clock from year-less stamps), then the findings and
 * the JSON of every event and finding (written to /dev/null).
 */
#include <stdint.h>
#include <stdio.h>

#include "analyze/klog_findings.h"
#include "output/klog_json.h"
#include "parse/klog.h"

static void render(const struct klog_log *log, int64_t boot)
{
	static FILE *null;
	struct klog_findings f;
	struct kerr e = { 0 };
	struct json j;

	if (!null && !(null = fopen("/dev/null", "w")))
		return;
	json_init(&j, null, false);
	for (size_t i = 0; i < log->n; i++) {
		klog_json_event(&j, &log->v[i], boot, 4096);
		json_end_doc(&j);
	}
	if (klog_findings(log, NULL, &f, &e))
		return;
	for (size_t i = 0; i < f.n; i++) {
		klog_json_finding(&j, &f.v[i]);
		json_end_doc(&j);
	}
	klog_findings_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct klog_parse_opts live = { .now_mono_ns = 100000000000ULL,
					.now_wall_ns = 1796042535LL * 1000000000LL,
					.utc_offset_s = -3600 };
	struct klog_log log;
	struct kerr e = { 0 };

	if (!klog_parse((const char *)data, size, "fuzz", NULL, &log, &e)) {
		render(&log, 0);
		klog_log_free(&log);
	}
	if (!klog_parse((const char *)data, size, "fuzz", &live, &log, &e)) {
		render(&log, 1796042000LL * 1000000000LL);
		klog_log_free(&log);
	}
	return 0;
}

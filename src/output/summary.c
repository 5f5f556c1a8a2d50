// SPDX-License-Identifier: GPL-2.0
/* The snapshot and record summaries; see summary.h. */
#include "summary.h"

#include <stdbool.h>

#include "output/json.h"
#include "util/fmt.h"
#include "util/text.h"

static const char *why_not(const struct sample *s, int i, char *buf, size_t len)
{
	return s->have[i] ? NULL : kerr_str(&s->err[i], buf, len);
}

void summary_snapshot_text(FILE *f, const struct snapshot_summary *sum)
{
	const struct sample *s = sum->sample;
	char msg[1024], dir[8192], rel[512], host[512];

	/* the path is the user's; release and hostname anyone's to set */
	fprintf(f, "kleak snapshot: %s (kernel %s, %s)\n", text_safe(sum->dir, dir, sizeof(dir)),
		text_safe(sum->release, rel, sizeof(rel)),
		text_safe(sum->hostname, host, sizeof(host)));
	for (int i = 0; i < SRC_COUNT; i++) {
		if (s->have[i]) {
			fprintf(f, "  %-14s %10zu bytes\n", source_descs[i].name, s->raw[i].len);
			continue;
		}
		fprintf(f, "  %-14s not read: ", source_descs[i].name);
		text_fputs(why_not(s, i, msg, sizeof(msg)), f);
		fputc('\n', f);
	}
}

void summary_snapshot_json(FILE *f, const struct snapshot_summary *sum)
{
	const struct sample *s = sum->sample;
	char msg[1024];
	struct json j;

	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_str(&j, "output", sum->dir);
	json_key(&j, "files");
	json_obj_begin(&j);
	for (int i = 0; i < SRC_COUNT; i++) {
		json_key(&j, source_descs[i].name);
		json_obj_begin(&j);
		json_kv_bool(&j, "written", s->have[i]);
		json_kv_u64(&j, "bytes", s->have[i] ? s->raw[i].len : 0);
		json_kv_str(&j, "error", why_not(s, i, msg, sizeof(msg)));
		json_obj_end(&j);
	}
	json_obj_end(&j);
	json_obj_end(&j);
	json_end_doc(&j);
}

void summary_record_text(FILE *f, const struct record_summary *r)
{
	char b[32], file[8192];

	fprintf(f, "kleak record: %llu samples, %s in %s (stopped by %s)\n",
		(unsigned long long)r->samples, fmt_bytes(r->bytes, b, sizeof(b)),
		text_safe(r->file, file, sizeof(file)), r->stopped_by);
}

void summary_record_json(FILE *f, const struct record_summary *r)
{
	struct json j;

	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_str(&j, "file", r->file);
	json_kv_u64(&j, "samples", r->samples);
	json_kv_u64(&j, "bytes", r->bytes);
	json_kv_double(&j, "interval_s", r->interval_s);
	json_kv_str(&j, "stopped_by", r->stopped_by);
	json_obj_end(&j);
	json_end_doc(&j);
}

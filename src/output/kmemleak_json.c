// SPDX-License-Identifier: GPL-2.0
/* `kleak kmemleak --json`: one document, every group (schema: docs/kmemleak.md). */
#include <inttypes.h>
#include <string.h>

#include "output/json.h"
#include "output/kmemleak_render.h"

static void comms(struct json *j, const struct kmemleak_group *g)
{
	json_key(j, "comms");
	json_arr_begin(j);
	for (size_t i = 0; i < KMEMLEAK_TOP_COMMS && g->comms[i].comm; i++) {
		json_obj_begin(j);
		json_kv_str(j, "comm", g->comms[i].comm);
		json_kv_u64(j, "count", g->comms[i].count);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void hex_dump(struct json *j, const struct kmemleak_group *g,
		     const struct kmemleak_report *r, const struct render_opts *o)
{
	const char *hex = kmemleak_str(r, g->sample->hex);

	json_key(j, "hex_dump");
	if (!hex) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_u64(j, "bytes", g->sample->hex_bytes);
	json_key(j, "lines");
	json_arr_begin(j);
	for (const char *p = hex; *p;) {
		size_t n = strcspn(p, "\n");
		char l[256];

		json_str(j, kmemleak_hex_line(p, n, o, l, sizeof(l)));
		p += n + (p[n] == '\n');
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void group(struct json *j, const struct kmemleak_group *g, const struct kmemleak_report *r,
		  const struct render_opts *o)
{
	json_obj_begin(j);
	json_kv_u64(j, "count", g->count);
	json_kv_u64(j, "bytes", g->bytes);
	json_kv_u64(j, "size_typical", g->size_typical);
	json_kv_u64(j, "size_min", g->size_min);
	json_kv_u64(j, "size_max", g->size_max);
	json_kv_str(j, "function", g->function);
	json_kv_str(j, "allocator", g->allocator);
	json_kv_str(j, "module", g->module);
	json_key(j, "backtrace");
	json_arr_begin(j);
	for (size_t i = 0; i < g->nframes; i++)
		json_str(j, g->backtrace[i]);
	json_arr_end(j);
	comms(j, g);
	json_kv_u64(j, "comms_distinct", g->ncomms);
	json_kv_u64(j, "pids_distinct", g->npids);
	json_kv_u64(j, "jiffies_min", g->jiffies_min);
	json_kv_u64(j, "jiffies_max", g->jiffies_max);
	json_key(j, "age_s_min");
	g->has_age ? json_double(j, g->age_min_s) : json_null(j);
	json_key(j, "age_s_max");
	g->has_age ? json_double(j, g->age_max_s) : json_null(j);
	hex_dump(j, g, r, o);
	if (o->show_addresses) {
		char a[32];

		snprintf(a, sizeof(a), "0x%" PRIx64, g->sample->addr);
		json_kv_str(j, "sample_address", a);
	}
	json_obj_end(j);
}

static void run(struct json *j, const struct kmemleak_view *v)
{
	json_key(j, "command");
	json_arr_begin(j);
	for (char *const *a = v->command; *a; a++)
		json_str(j, *a);
	json_arr_end(j);
	json_kv_i64(j, "command_status", v->status);
	json_key(j, "since_jiffies");
	v->since_jiffies ? json_u64(j, v->since_jiffies) : json_null(j);
}

static void modules(struct json *j, const struct kmemleak_groups *g)
{
	json_key(j, "modules");
	json_arr_begin(j);
	for (size_t i = 0; i < g->nmods; i++) {
		json_obj_begin(j);
		json_kv_str(j, "module", g->mods[i].module);
		json_kv_bool(j, "unloaded", g->mods[i].unloaded);
		json_kv_u64(j, "count", g->mods[i].count);
		json_kv_u64(j, "bytes", g->mods[i].bytes);
		json_kv_u64(j, "groups", g->mods[i].groups);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void kmemleak_render_json(FILE *f, const struct kmemleak_view *v, const struct render_opts *o)
{
	const struct kmemleak_report *r = v->report;
	const struct kmemleak_groups *g = v->groups;
	struct json j;

	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_str(&j, "kmemleak", "available");
	json_kv_str(&j, "source", v->source);
	json_kv_str(&j, "format", r->crc_format ? "crc" : r->n ? "classic" : NULL);
	json_kv_str(&j, "symbols", v->symbols);
	json_kv_u64(&j, "objects", g->objects);
	json_kv_u64(&j, "bytes", g->bytes);
	json_kv_u64(&j, "raw_frames", g->raw_frames);
	json_kv_u64(&j, "raw_frames_resolved", g->raw_resolved);
	if (v->ran)
		run(&j, v);
	modules(&j, g);
	json_key(&j, "groups");
	json_arr_begin(&j);
	for (size_t i = 0; i < g->n; i++)
		group(&j, &g->v[i], r, o);
	json_arr_end(&j);
	json_obj_end(&j);
	json_end_doc(&j);
}

void kmemleak_render_unavailable_json(FILE *f, const char *avail, const char *msg)
{
	struct json j;

	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_str(&j, "kmemleak", avail);
	json_kv_str(&j, "error", msg);
	json_key(&j, "suggest");
	json_arr_begin(&j);
	json_str(&j, "kleak watch");
	json_str(&j, "kleak trace");
	json_arr_end(&j);
	json_kv_u64(&j, "objects", 0);
	json_kv_u64(&j, "bytes", 0);
	json_key(&j, "groups");
	json_arr_begin(&j);
	json_arr_end(&j);
	json_obj_end(&j);
	json_end_doc(&j);
}

void kmemleak_render_done(FILE *f, const char *what, bool json)
{
	struct json j;

	if (!json) {
		fprintf(f, "kmemleak: %s done\n", what);
		return;
	}
	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_str(&j, "kmemleak", "available");
	json_kv_str(&j, "done", what);
	json_obj_end(&j);
	json_end_doc(&j);
}

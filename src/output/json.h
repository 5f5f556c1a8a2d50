/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming JSON writer: it tracks nesting and commas, escapes every
 * byte below 0x20 and invalid UTF-8, and writes non-finite numbers as null,
 * so any string the kernel hands us (cache names, comm) yields valid JSON.
 */
#ifndef KLEAK_OUTPUT_JSON_H
#define KLEAK_OUTPUT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* no member written yet at this level */
	bool after_key;
	bool pretty;
};

void json_init(struct json *j, FILE *f, bool pretty);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_strn(struct json *j, const char *s, size_t n);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_double(struct json *j, double v);
/*
 * A double as json_double() writes it, into buf (JSON_DOUBLE_LEN bytes
 * suffice): an integral value below 1e15 as an integer, any other finite
 * one with 10 significant digits, NaN and infinities as "null". The one
 * rounding rule of every number kleak writes for machines (--json, the
 * HTML page's data- attributes). Returns buf.
 */
#define JSON_DOUBLE_LEN 32
const char *json_double_fmt(double v, char *buf, size_t len);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* End of a top-level document: newline (NDJSON streams rely on it), flush. */
void json_end_doc(struct json *j);

/* key + value shorthands */
void json_kv_str(struct json *j, const char *k, const char *v); /* NULL->null */
void json_kv_u64(struct json *j, const char *k, uint64_t v);
void json_kv_i64(struct json *j, const char *k, int64_t v);
void json_kv_double(struct json *j, const char *k, double v);
void json_kv_bool(struct json *j, const char *k, bool v);

#endif

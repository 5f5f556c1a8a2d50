/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Metrics for Prometheus: a neutral in-memory list of metric families
 * (name, help, type, unit, samples with label sets) and its two renderings,
 * the Prometheus text format 0.0.4 and OpenMetrics 1.0.0:
 *
 *   # HELP kleak_slab_cache_bytes Memory a slab cache holds ...
 *   # TYPE kleak_slab_cache_bytes gauge
 *   # UNIT kleak_slab_cache_bytes bytes          (OpenMetrics only)
 *   kleak_slab_cache_bytes{cache="dentry"} 9437184
 *   # EOF                                         (OpenMetrics only)
 *
 * A counter is added under its name without `_total`: the text format
 * types and samples it as NAME_total, OpenMetrics types NAME and samples
 * NAME_total. An info metric is added as NAME: OpenMetrics types it `info`,
 * the text format a gauge, both sample NAME_info with the value 1.
 * Names and label names are checked when added; label values and HELP are
 * escaped per format (backslash, double quote, newline) and bytes that are
 * not UTF-8 become U+FFFD, which both parsers require. Nothing here does I/O:
 * a set renders into a struct buf.
 */
#ifndef KLEAK_OUTPUT_PROM_H
#define KLEAK_OUTPUT_PROM_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

enum prom_type {
	PROM_GAUGE,
	PROM_COUNTER, /* added without _total; sampled as NAME_total */
	PROM_INFO,    /* added without _info; sampled as NAME_info 1 */
};

enum prom_format {
	PROM_TEXT,	  /* text/plain; version=0.0.4 */
	PROM_OPENMETRICS, /* application/openmetrics-text; version=1.0.0 */
};

#define PROM_MAX_LABELS 8

struct prom_sample {
	char *label[PROM_MAX_LABELS][2]; /* name, value (owned) */
	int nlabels;
	double value;
};

struct prom_family {
	char name[128];
	const char *help; /* static text */
	const char *unit; /* "bytes", "seconds" or NULL; a suffix of name */
	enum prom_type type;
	struct prom_sample *v;
	size_t n, alloc;
};

struct prom_set {
	struct prom_family *v;
	size_t n, alloc;
};

/*
 * Adds a family. NULL when the name or unit is invalid (name not
 * [a-zA-Z_:][a-zA-Z0-9_:]*, a counter ending in _total, a unit that is not
 * the name's suffix) or on ENOMEM. The pointer stays valid while the set
 * holds no more families than prom_set_reserve made room for.
 */
struct prom_family *prom_family_add(struct prom_set *set, const char *name, enum prom_type type,
				    const char *unit, const char *help);
/*
 * Adds a sample: value, then label name/value pairs ending with NULL.
 * A NULL or empty value leaves the label out (Prometheus treats an empty
 * label as absent). Returns 0, -EINVAL for a bad label name or too many
 * labels, or -ENOMEM.
 */
int prom_sample_add(struct prom_family *f, double value, ...) __attribute__((sentinel));
/* Room for n families, so that pointers to them stay valid. 0 or -ENOMEM. */
int prom_set_reserve(struct prom_set *set, size_t n);
void prom_set_free(struct prom_set *set);

/* Renders every family with samples (families without are left out). */
int prom_render(const struct prom_set *set, enum prom_format fmt, struct buf *out);
/* The Content-Type header value for a format. */
const char *prom_content_type(enum prom_format fmt);
/*
 * The format an HTTP Accept header asks for: OpenMetrics when
 * application/openmetrics-text (version 1.0.0 or unversioned) has a
 * q-value above 0 and not below the best text/plain, text/ * or * / * one;
 * the text format otherwise (also for NULL, empty or malformed headers).
 */
enum prom_format prom_negotiate(const char *accept);
/* Whether s is a valid metric name / label name. */
bool prom_name_ok(const char *s);
bool prom_label_name_ok(const char *s);

#endif

// SPDX-License-Identifier: GPL-2.0
/* The Prometheus text and OpenMetrics writers; see prom.h. */
#include "prom.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/vec.h"

static bool name_char(char c, bool first, bool colon)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	if (colon && c == ':')
		return true;
	return !first && c >= '0' && c <= '9';
}

static bool name_valid(const char *s, bool colon)
{
	if (!s || !*s)
		return false;
	for (size_t i = 0; s[i]; i++)
		if (!name_char(s[i], i == 0, colon))
			return false;
	return true;
}

bool prom_name_ok(const char *s)
{
	return name_valid(s, true);
}

/* Names starting with __ are reserved for Prometheus itself. */
bool prom_label_name_ok(const char *s)
{
	return name_valid(s, false) && strncmp(s, "__", 2);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* OpenMetrics: a unit is the name's suffix after an underscore. */
static bool unit_ok(const char *name, const char *unit)
{
	size_t n = strlen(name), m;

	if (!unit)
		return true;
	m = strlen(unit);
	return m && name_valid(unit, false) && n > m + 1 && !strcmp(name + n - m, unit) &&
	       name[n - m - 1] == '_';
}

struct prom_family *prom_family_add(struct prom_set *set, const char *name, enum prom_type type,
				    const char *unit, const char *help)
{
	struct prom_family f = { .help = help, .unit = unit, .type = type };

	if (!prom_name_ok(name) || strlen(name) >= sizeof(f.name) - 8 || !unit_ok(name, unit))
		return NULL;
	if (type == PROM_COUNTER && ends_with(name, "_total"))
		return NULL;
	if (type == PROM_INFO && (ends_with(name, "_info") || unit))
		return NULL;
	snprintf(f.name, sizeof(f.name), "%s", name);
	if (set->n == set->alloc && prom_set_reserve(set, set->alloc ? set->alloc * 2 : 16))
		return NULL;
	if (vec_push(&set->v, &set->n, &set->alloc, sizeof(f), &f))
		return NULL;
	return &set->v[set->n - 1];
}

static void sample_free(struct prom_sample *s)
{
	for (int i = 0; i < s->nlabels; i++) {
		free(s->label[i][0]);
		free(s->label[i][1]);
	}
}

static int sample_label(struct prom_sample *s, const char *name, const char *value)
{
	if (!prom_label_name_ok(name) || s->nlabels == PROM_MAX_LABELS)
		return -EINVAL;
	if (!value || !*value)
		return 0;
	s->label[s->nlabels][0] = strdup(name);
	s->label[s->nlabels][1] = strdup(value);
	s->nlabels++;
	if (!s->label[s->nlabels - 1][0] || !s->label[s->nlabels - 1][1])
		return -ENOMEM;
	return 0;
}

int prom_sample_add(struct prom_family *f, double value, ...)
{
	struct prom_sample s = { .value = value };
	const char *name;
	va_list ap;
	int r = 0;

	va_start(ap, value);
	while (!r && (name = va_arg(ap, const char *)))
		r = sample_label(&s, name, va_arg(ap, const char *));
	va_end(ap);
	if (!r)
		r = vec_push(&f->v, &f->n, &f->alloc, sizeof(s), &s);
	if (r)
		sample_free(&s);
	return r;
}

int prom_set_reserve(struct prom_set *set, size_t n)
{
	struct prom_family *p;

	if (n <= set->alloc)
		return 0;
	p = realloc(set->v, n * sizeof(*p));
	if (!p)
		return -ENOMEM;
	set->v = p;
	set->alloc = n;
	return 0;
}

void prom_set_free(struct prom_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		for (size_t j = 0; j < set->v[i].n; j++)
			sample_free(&set->v[i].v[j]);
		free(set->v[i].v);
	}
	free(set->v);
	memset(set, 0, sizeof(*set));
}

/* ---- rendering ---- */

/* Length of the valid UTF-8 sequence at s (max n bytes), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
 * Escapes s: backslash and newline always, the double quote when quote
 * (label values; OpenMetrics HELP too); invalid UTF-8 becomes U+FFFD.
 */
static int put_escaped(struct buf *b, const char *s, bool quote)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int r = 0;

	for (size_t i = 0; i < n && !r;) {
		size_t l = utf8_len(p + i, n - i);

		if (!l) {
			r = buf_append(b, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		if (p[i] == '\\')
			r = buf_append(b, "\\\\", 2);
		else if (p[i] == '\n')
			r = buf_append(b, "\\n", 2);
		else if (p[i] == '"' && quote)
			r = buf_append(b, "\\\"", 2);
		else
			r = buf_append(b, p + i, l);
		i += l;
	}
	return r;
}

/* Shortest decimal that reads back as v; integers print without ".0". */
static int put_value(struct buf *b, double v)
{
	char s[40];

	if (isnan(v))
		return buf_append(b, "NaN", 3);
	if (isinf(v))
		return buf_append(b, v > 0 ? "+Inf" : "-Inf", 4);
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, v);
		if (strtod(s, NULL) == v)
			break;
	}
	return buf_append(b, s, strlen(s));
}

static const char *type_word(enum prom_type t, enum prom_format fmt)
{
	if (t == PROM_COUNTER)
		return "counter";
	if (t == PROM_INFO && fmt == PROM_OPENMETRICS)
		return "info";
	return "gauge";
}

/* The name in # lines: text types counters as NAME_total, info as NAME_info. */
static void family_name(const struct prom_family *f, enum prom_format fmt, char *out, size_t len)
{
	const char *suffix = "";

	if (fmt == PROM_TEXT && f->type == PROM_COUNTER)
		suffix = "_total";
	else if (fmt == PROM_TEXT && f->type == PROM_INFO)
		suffix = "_info";
	snprintf(out, len, "%s%s", f->name, suffix);
}

static int render_header(const struct prom_family *f, enum prom_format fmt, struct buf *b)
{
	char name[160];
	int r;

	family_name(f, fmt, name, sizeof(name));
	r = buf_printf(b, "# HELP %s ", name);
	if (!r)
		r = put_escaped(b, f->help ? f->help : "", fmt == PROM_OPENMETRICS);
	if (!r)
		r = buf_printf(b, "\n# TYPE %s %s\n", name, type_word(f->type, fmt));
	if (!r && fmt == PROM_OPENMETRICS && f->unit)
		r = buf_printf(b, "# UNIT %s %s\n", name, f->unit);
	return r;
}

static int render_sample(const struct prom_family *f, const struct prom_sample *s, struct buf *b)
{
	const char *suffix = f->type == PROM_COUNTER ? "_total"
			     : f->type == PROM_INFO  ? "_info"
						     : "";
	int r = buf_printf(b, "%s%s", f->name, suffix);

	for (int i = 0; i < s->nlabels && !r; i++) {
		r = buf_printf(b, "%s%s=\"", i ? "," : "{", s->label[i][0]);
		if (!r)
			r = put_escaped(b, s->label[i][1], true);
		if (!r)
			r = buf_append(b, "\"", 1);
	}
	if (!r && s->nlabels)
		r = buf_append(b, "}", 1);
	if (!r)
		r = buf_append(b, " ", 1);
	if (!r)
		r = put_value(b, s->value);
	if (!r)
		r = buf_append(b, "\n", 1);
	return r;
}

int prom_render(const struct prom_set *set, enum prom_format fmt, struct buf *out)
{
	int r = 0;

	for (size_t i = 0; i < set->n && !r; i++) {
		const struct prom_family *f = &set->v[i];

		if (!f->n)
			continue;
		r = render_header(f, fmt, out);
		for (size_t j = 0; j < f->n && !r; j++)
			r = render_sample(f, &f->v[j], out);
	}
	if (!r && fmt == PROM_OPENMETRICS)
		r = buf_append(out, "# EOF\n", 6);
	if (!r && !out->data) /* nothing at all: still a valid, empty body */
		r = buf_append(out, "", 0);
	return r;
}

const char *prom_content_type(enum prom_format fmt)
{
	return fmt == PROM_OPENMETRICS
		       ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
		       : "text/plain; version=0.0.4; charset=utf-8";
}

/* ---- content negotiation ---- */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Trims and compares one "key=value" or media type token, case-insensitive. */
static bool tok_eq(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	p = skip_ws(p, end);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return (size_t)(end - p) == n && !strncasecmp(p, word, n);
}

struct media {
	int kind; /* 0 other, 1 text/plain or wildcards, 2 openmetrics */
	double q;
	bool version_ok;
};

/* One element of Accept: "type/subtype; version=1.0.0; q=0.5". */
static void media_parse(const char *p, const char *end, struct media *m)
{
	const char *semi = memchr(p, ';', (size_t)(end - p));
	const char *tend = semi ? semi : end;

	m->q = 1;
	m->version_ok = true;
	m->kind = tok_eq(p, tend, "application/openmetrics-text") ? 2
		  : tok_eq(p, tend, "text/plain") || tok_eq(p, tend, "text/*") ||
				  tok_eq(p, tend, "*/*")
			  ? 1
			  : 0;
	while (semi) {
		const char *s = semi + 1, *eq;

		semi = memchr(s, ';', (size_t)(end - s));
		tend = semi ? semi : end;
		eq = memchr(s, '=', (size_t)(tend - s));
		if (!eq)
			continue;
		if (tok_eq(s, eq, "q")) {
			char num[16] = { 0 };
			char *e;

			eq = skip_ws(eq + 1, tend);
			memcpy(num, eq, (size_t)(tend - eq) < 15 ? (size_t)(tend - eq) : 15);
			m->q = strtod(num, &e);
			if (e == num || m->q < 0 || m->q > 1)
				m->q = 0;
		} else if (tok_eq(s, eq, "version") && m->kind == 2) {
			m->version_ok = tok_eq(eq + 1, tend, "1.0.0");
		}
	}
}

enum prom_format prom_negotiate(const char *accept)
{
	double best_om = 0, best_text = 0;
	const char *p = accept, *end;

	if (!accept)
		return PROM_TEXT;
	end = accept + strlen(accept);
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma ? comma : end;
		struct media m;

		media_parse(p, e, &m);
		if (m.kind == 2 && m.version_ok && m.q > best_om)
			best_om = m.q;
		else if (m.kind == 1 && m.q > best_text)
			best_text = m.q;
		p = e + 1;
	}
	return best_om > 0 && best_om >= best_text ? PROM_OPENMETRICS : PROM_TEXT;
}

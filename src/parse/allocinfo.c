// SPDX-License-Identifier: GPL-2.0
/* Parser for /proc/allocinfo 1.0 and 2.0; the format is in allocinfo.h. */
#include "allocinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

/* bytes, calls, file:line, [module], func:, accurate: and one spare. */
#define ALLOCINFO_MAX_FIELDS 7

struct arena {
	char *p;
	size_t used, cap;
};

/* Copies a field into the arena, sized in advance so it never grows. */
static const char *arena_put(struct arena *a, const char *s, size_t len)
{
	char *d = a->p + a->used;

	if (len + 1 > a->cap - a->used)
		return NULL; /* cannot happen: see allocinfo_parse */
	memcpy(d, s, len);
	d[len] = '\0';
	a->used += len + 1;
	return d;
}

static int parse_header(struct line_iter *it, const char *src, unsigned *ver, struct kerr *e)
{
	static const char want[] = "allocinfo - version: ";
	const size_t wl = sizeof(want) - 1;
	const char *line, *v;
	size_t len, vl;

	if (!line_next(it, &line, &len))
		return kerr_set(e, -ENODATA, src, 0, "empty");
	if (len < wl || memcmp(line, want, wl))
		return kerr_set(e, -EINVAL, src, it->lineno,
				"not an allocinfo file (expected '%s1.0')", want);
	v = line + wl;
	vl = len - wl;
	if (vl == 3 && !memcmp(v, "1.0", 3))
		*ver = 1;
	else if (vl == 3 && !memcmp(v, "2.0", 3))
		*ver = 2;
	else if (num_is_version(v, vl)) /* quoted only when it is one */
		return kerr_set(e, -EPROTONOSUPPORT, src, it->lineno,
				"unsupported allocinfo version '%.*s' (kleak reads 1.0 and 2.0)",
				(int)vl, v);
	else
		return kerr_set(e, -EPROTONOSUPPORT, src, it->lineno,
				"unsupported allocinfo version (kleak reads 1.0 and 2.0)");
	return 0;
}

/* "file:line": the last colon splits (a path never ends in ":N" itself). */
static int parse_location(const struct field *f, const char *src, long lineno, struct alloc_site *s,
			  struct arena *a, struct kerr *e)
{
	const char *colon = NULL;
	uint64_t n;

	for (size_t i = 0; i < f->len; i++)
		if (f->s[i] == ':')
			colon = f->s + i;
	if (!colon || colon == f->s)
		return kerr_set(e, -EINVAL, src, lineno, "expected file:line in field 3");
	if (num_u64(colon + 1, (size_t)(f->s + f->len - colon - 1), &n) || n > UINT32_MAX)
		return kerr_set(e, -EINVAL, src, lineno,
				"the line number of file:line (field 3) is not a valid number");
	s->src_line = (unsigned)n;
	s->file = arena_put(a, f->s, (size_t)(colon - f->s));
	return s->file ? 0 : kerr_set(e, -ENOMEM, src, lineno, "out of memory");
}

static bool has_prefix(const struct field *f, const char *p, size_t pl)
{
	return f->len > pl && !memcmp(f->s, p, pl);
}

/* The tag words after file:line: [module] or module:NAME, func:, accurate:. */
static int parse_tag(const struct field *f, const char *src, long lineno, struct alloc_site *s,
		     struct arena *a, struct kerr *e)
{
	const char *word = NULL, **dst = NULL;
	size_t wl = 0;

	if (f->len > 2 && f->s[0] == '[' && f->s[f->len - 1] == ']')
		dst = &s->module, word = f->s + 1, wl = f->len - 2;
	else if (has_prefix(f, "module:", 7))
		dst = &s->module, word = f->s + 7, wl = f->len - 7;
	else if (has_prefix(f, "func:", 5))
		dst = &s->function, word = f->s + 5, wl = f->len - 5;
	else if (field_eq(f, "accurate:no") || field_eq(f, "accurate:yes")) {
		s->accurate = field_eq(f, "accurate:yes");
		return 0;
	}
	if (!dst)
		return kerr_set(e, -EINVAL, src, lineno,
				"unexpected field (expected [module], func: or accurate:)");
	if (*dst)
		return kerr_set(e, -EINVAL, src, lineno, "a field repeated");
	*dst = arena_put(a, word, wl);
	return *dst ? 0 : kerr_set(e, -ENOMEM, src, lineno, "out of memory");
}

static int parse_site(const char *line, size_t len, const char *src, long lineno,
		      struct alloc_site *s, struct arena *a, struct kerr *e)
{
	struct field f[ALLOCINFO_MAX_FIELDS];
	int nf = fields_split(line, len, f, ALLOCINFO_MAX_FIELDS);
	int r;

	if (nf < 4 || nf > ALLOCINFO_MAX_FIELDS - 1)
		return kerr_set(
			e, -EINVAL, src, lineno,
			"expected 4 to 6 fields (bytes calls file:line [module] func:name), got %d",
			nf);
	memset(s, 0, sizeof(*s));
	s->line = lineno;
	s->accurate = true;
	if (num_i64(f[0].s, f[0].len, &s->bytes))
		return kerr_set(e, -EINVAL, src, lineno, "bytes (field 1) is not a valid number");
	if (num_u64(f[1].s, f[1].len, &s->calls))
		return kerr_set(e, -EINVAL, src, lineno, "calls (field 2) is not a valid number");
	r = parse_location(&f[2], src, lineno, s, a, e);
	for (int i = 3; !r && i < nf; i++)
		r = parse_tag(&f[i], src, lineno, s, a, e);
	if (!r && !s->function)
		r = kerr_set(e, -EINVAL, src, lineno, "no func: field");
	return r;
}

static int push(struct allocinfo *out, size_t *cap, const struct alloc_site *s)
{
	if (out->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		struct alloc_site *p = realloc(out->v, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		out->v = p;
		*cap = ncap;
	}
	out->v[out->n++] = *s;
	return 0;
}

/*
 * The strings of a line are pieces of it, each with one NUL added (three
 * at most): len + 3 per line is enough for all, so the arena is allocated
 * once and the sites' pointers stay valid.
 */
static int arena_init(struct arena *a, const char *buf, size_t len)
{
	size_t lines = 1;

	for (const char *p = buf; p && (p = memchr(p, '\n', (size_t)(buf + len - p))); p++)
		lines++;
	a->used = 0;
	a->cap = len + 3 * lines + 1;
	a->p = malloc(a->cap);
	return a->p ? 0 : -ENOMEM;
}

int allocinfo_parse(const char *buf, size_t len, const char *src, struct allocinfo *out,
		    struct kerr *e)
{
	struct line_iter it;
	struct arena a = { 0 };
	const char *line;
	size_t llen, cap = 0;
	int r;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	r = parse_header(&it, src, &out->version, e);
	if (r)
		return r;
	if (arena_init(&a, buf, len))
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	out->strings = a.p;
	while ((r = line_next_capped(&it, &line, &llen, src, e)) > 0) {
		struct alloc_site s;

		if (llen == 0 || line[0] == '#')
			continue;
		r = parse_site(line, llen, src, it.lineno, &s, &a, e);
		if (r)
			goto fail;
		if (push(out, &cap, &s)) {
			r = kerr_set(e, -ENOMEM, src, it.lineno, "out of memory");
			goto fail;
		}
	}
	if (!r)
		return 0;
fail:
	allocinfo_free(out);
	return r;
}

void allocinfo_free(struct allocinfo *ai)
{
	if (!ai)
		return;
	free(ai->v);
	free(ai->strings);
	memset(ai, 0, sizeof(*ai));
}

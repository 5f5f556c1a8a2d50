// SPDX-License-Identifier: GPL-2.0
/* Parser for /proc/kallsyms ("addr type name[\t[module]]"); see kallsyms.h. */
#include "kallsyms.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

static int pool_add(struct kallsyms *ks, const char *s, size_t n, uint32_t *off)
{
	if (ks->pool_len + n + 1 > UINT32_MAX)
		return -E2BIG;
	if (ks->pool_len + n + 1 > ks->pool_cap) {
		size_t ncap = ks->pool_cap ? ks->pool_cap * 2 : 1 << 16;
		char *p;

		while (ncap < ks->pool_len + n + 1)
			ncap *= 2;
		p = realloc(ks->pool, ncap);
		if (!p)
			return -ENOMEM;
		ks->pool = p;
		ks->pool_cap = ncap;
	}
	*off = (uint32_t)ks->pool_len;
	memcpy(ks->pool + ks->pool_len, s, n);
	ks->pool[ks->pool_len + n] = '\0';
	ks->pool_len += n + 1;
	return 0;
}

/* Module index for name, added when new (modules come in runs: check last). */
static int module_index(struct kallsyms *ks, const char *s, size_t n, int32_t *idx)
{
	uint32_t off, *p;
	int r;

	for (size_t i = ks->nmods; i-- > 0;) {
		const char *m = ks->pool + ks->mods[i];

		if (strlen(m) == n && !memcmp(m, s, n)) {
			*idx = (int32_t)i;
			return 0;
		}
		if (ks->nmods - i > 8) /* runs are contiguous: stop early */
			break;
	}
	r = pool_add(ks, s, n, &off);
	if (r)
		return r;
	/* doubling at each power of two: many modules cost no quadratic copying */
	if (!(ks->nmods & (ks->nmods - 1))) {
		p = realloc(ks->mods, (ks->nmods ? 2 * ks->nmods : 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		ks->mods = p;
	}
	ks->mods[ks->nmods] = off;
	*idx = (int32_t)ks->nmods++;
	return 0;
}

static bool valid_name(const struct field *f)
{
	for (size_t i = 0; i < f->len; i++) {
		unsigned char c = (unsigned char)f->s[i];

		if (c < 0x21 || c >= 0x7f)
			return false;
	}
	return f->len > 0 && f->len < KALLSYMS_NAME_MAX;
}

static int parse_line(struct kallsyms *ks, const char *line, size_t len, const char *src,
		      long lineno, struct kallsym *s, struct kerr *e)
{
	struct field f[5];
	int nf = fields_split(line, len, f, 5);
	int r;

	if (nf < 3 || nf > 4)
		return kerr_set(e, -EINVAL, src, lineno,
				"expected 'address type name [module]', got %d fields", nf);
	if (f[0].len > 16 || num_hex_u64(f[0].s, f[0].len, &s->addr))
		return kerr_set(e, -EINVAL, src, lineno,
				"the address (field 1) is not a hexadecimal number");
	if (f[1].len != 1 || !((f[1].s[0] >= 'a' && f[1].s[0] <= 'z') ||
			       (f[1].s[0] >= 'A' && f[1].s[0] <= 'Z') || f[1].s[0] == '?'))
		return kerr_set(e, -EINVAL, src, lineno,
				"the type (field 2) is not a symbol type letter");
	s->type = f[1].s[0];
	if (!valid_name(&f[2]))
		return kerr_set(e, -EINVAL, src, lineno,
				"invalid symbol name (control bytes or longer than %d)",
				KALLSYMS_NAME_MAX - 1);
	s->module = -1;
	if (nf == 4) {
		if (f[3].len < 3 || f[3].s[0] != '[' || f[3].s[f[3].len - 1] != ']' ||
		    f[3].len > 258)
			return kerr_set(e, -EINVAL, src, lineno,
					"expected '[module]' after the name");
		r = module_index(ks, f[3].s + 1, f[3].len - 2, &s->module);
		if (r)
			return kerr_set(e, r, src, lineno, "out of memory");
	}
	r = pool_add(ks, f[2].s, f[2].len, &s->name);
	if (r)
		return kerr_set(e, r, src, lineno, "%s",
				r == -E2BIG ? "symbol names exceed 4 GiB" : "out of memory");
	s->line = (uint32_t)lineno;
	return 0;
}

static int add_sym(struct kallsyms *ks, size_t *cap, const struct kallsym *s)
{
	if (ks->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4096;
		struct kallsym *p = realloc(ks->v, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ks->v = p;
		*cap = ncap;
	}
	ks->v[ks->n++] = *s;
	return 0;
}

int kallsyms_parse(const char *buf, size_t len, const char *src, struct kallsyms *out,
		   struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t llen, cap = 0;
	bool nonzero = false;
	int r = 0;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	while ((r = line_next_capped(&it, &line, &llen, src, e)) > 0) {
		struct kallsym s;

		if (fields_split(line, llen, NULL, 0) == 0)
			continue;
		if (it.lineno > UINT32_MAX) {
			r = kerr_set(e, -E2BIG, src, it.lineno, "too many lines");
			goto fail;
		}
		r = parse_line(out, line, llen, src, it.lineno, &s, e);
		if (r)
			goto fail;
		nonzero |= s.addr != 0;
		r = add_sym(out, &cap, &s);
		if (r) {
			kerr_set(e, r, src, it.lineno, "out of memory");
			goto fail;
		}
	}
	if (r)
		goto fail;
	if (out->n == 0) {
		r = kerr_set(e, -ENODATA, src, 0, "empty: no symbols");
		goto fail;
	}
	out->zero_addrs = !nonzero;
	return 0;
fail:
	kallsyms_free(out);
	return r;
}

void kallsyms_free(struct kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->v);
	free(ks->pool);
	free(ks->mods);
	memset(ks, 0, sizeof(*ks));
}

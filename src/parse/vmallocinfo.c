// SPDX-License-Identifier: GPL-2.0
/* Callback parser for /proc/vmallocinfo; the format is in vmallocinfo.h. */
#include "vmallocinfo.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

#define MAX_FIELDS 64

static bool is_range(const struct field *f)
{
	const char *dash = memchr(f->s, '-', f->len);
	uint64_t a, b;

	return dash && !num_hex_u64(f->s, (size_t)(dash - f->s), &a) &&
	       !num_hex_u64(dash + 1, f->len - (size_t)(dash + 1 - f->s), &b);
}

/* "func+0x13/0x30" -> name, offset, size; false when not that shape. */
static bool parse_symbol(const struct field *f, struct vmalloc_area *a)
{
	const char *plus = NULL, *slash;

	for (size_t i = f->len; i > 0; i--)
		if (f->s[i - 1] == '+') {
			plus = f->s + i - 1;
			break;
		}
	if (!plus || plus == f->s)
		return false;
	slash = memchr(plus, '/', f->len - (size_t)(plus - f->s));
	if (!slash ||
	    num_hex_u64(plus + 1, (size_t)(slash - plus - 1), &a->caller_off) ||
	    num_hex_u64(slash + 1, f->len - (size_t)(slash + 1 - f->s),
			&a->caller_size))
		return false;
	a->caller = f->s;
	a->caller_len = (size_t)(plus - f->s);
	return true;
}

static const struct {
	const char *word;
	unsigned bit;
} type_words[] = {
	{ "ioremap", VMA_IOREMAP }, { "vmalloc", VMA_VMALLOC },
	{ "vmap", VMA_VMAP },	    { "user", VMA_USER },
	{ "vpages", VMA_VPAGES },   { "vm_map_ram", VMA_VM_MAP_RAM },
};

/* Words after the size: caller, [module], pages=, phys=, types, N<n>=. */
static int parse_word(const struct field *f, int idx, struct vmalloc_area *a,
		      const char *src, long lineno, struct kerr *e)
{
	uint64_t v;

	for (size_t i = 0; i < sizeof(type_words) / sizeof(type_words[0]); i++)
		if (field_eq(f, type_words[i].word)) {
			a->types |= type_words[i].bit;
			return 0;
		}
	if (f->len > 6 && !memcmp(f->s, "pages=", 6)) {
		if (num_u64(f->s + 6, f->len - 6, &a->pages))
			return kerr_set(e, -EINVAL, src, lineno,
					"bad page count '%.*s'",
					(int)(f->len > 40 ? 40 : f->len), f->s);
		a->has_pages = true;
		return 0;
	}
	if (f->len > 5 && !memcmp(f->s, "phys=", 5))
		return 0;
	if (f->len > 2 && f->s[0] == 'N' && f->s[1] >= '0' && f->s[1] <= '9')
		return 0; /* per-node page counts */
	if (f->len > 2 && f->s[0] == '[' && f->s[f->len - 1] == ']' &&
	    !a->module && a->caller) {
		a->module = f->s + 1;
		a->module_len = f->len - 2;
		return 0;
	}
	if (idx == 2 && !a->caller) {
		if (f->len > 2 && f->s[0] == '0' && f->s[1] == 'x' &&
		    !num_hex_u64(f->s, f->len, &v)) {
			a->caller = f->s;
			a->caller_len = f->len;
			a->caller_is_addr = true;
			a->caller_addr = v;
			return 0;
		}
		if (parse_symbol(f, a))
			return 0;
	}
	a->types |= VMA_UNKNOWN_WORD; /* tolerate words of newer kernels */
	return 0;
}

static int parse_line(const char *line, size_t len, const char *src,
		      long lineno, struct vmalloc_area *a, struct kerr *e)
{
	struct field f[MAX_FIELDS];
	int nf = fields_split(line, len, f, MAX_FIELDS);
	int r;

	memset(a, 0, sizeof(*a));
	a->line = lineno;
	if (nf < 2)
		return kerr_set(e, -EINVAL, src, lineno,
				"expected '<range> <size> ...', got %d field%s",
				nf, nf == 1 ? "" : "s");
	if (nf > MAX_FIELDS)
		return kerr_set(e, -EINVAL, src, lineno,
				"too many fields (%d)", nf);
	if (!is_range(&f[0]))
		return kerr_set(e, -EINVAL, src, lineno,
				"expected an address range, got '%.*s'",
				(int)(f[0].len > 40 ? 40 : f[0].len), f[0].s);
	if (num_u64(f[1].s, f[1].len, &a->size))
		return kerr_set(e, -EINVAL, src, lineno,
				"size '%.*s' is not a valid number",
				(int)(f[1].len > 40 ? 40 : f[1].len), f[1].s);
	if (nf >= 4 && field_eq(&f[2], "unpurged") &&
	    field_eq(&f[3], "vm_area")) {
		a->types |= VMA_UNPURGED;
		return 0;
	}
	for (int i = 2; i < nf; i++) {
		r = parse_word(&f[i], i, a, src, lineno, e);
		if (r)
			return r;
	}
	return 0;
}

int vmallocinfo_parse(const char *buf, size_t len, const char *src,
		      vmalloc_area_cb cb, void *ctx, struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t llen;
	int r;

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line, &llen)) {
		struct vmalloc_area a;

		if (llen > BUF_LINE_CAP)
			return kerr_set(e, -E2BIG, src, it.lineno,
					"line longer than %u bytes",
					BUF_LINE_CAP);
		if (llen == 0)
			continue;
		r = parse_line(line, llen, src, it.lineno, &a, e);
		if (r)
			return r;
		r = cb(&a, ctx);
		if (r)
			return r;
	}
	return 0;
}

uint64_t vmalloc_area_bytes(const struct vmalloc_area *a, uint64_t page_size)
{
	uint64_t bytes;

	if (!a->has_pages)
		return a->size;
	return num_mul_u64(a->pages, page_size, &bytes) ? bytes : UINT64_MAX;
}

// SPDX-License-Identifier: GPL-2.0
/* Callback parser for /proc/vmallocinfo; the format is in vmallocinfo.h. */
#include "vmallocinfo.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

/*
 * One pass over the line, no field array: a 100 MB vmallocinfo is parsed
 * at close to memory speed (bench/parse), since `kleak watch` reads it
 * every interval.
 */

static inline bool is_sp(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static inline int hexval(char c)
{
	static const signed char tab[256] = {
		['0'] = 1,  ['1'] = 2,	['2'] = 3,  ['3'] = 4,	['4'] = 5,  ['5'] = 6,
		['6'] = 7,  ['7'] = 8,	['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
		['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
		['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	};

	return tab[(unsigned char)c] - 1;
}

static bool is_range_slow(const char *s, size_t n);

/*
 * Eight lowercase hex digits at once (the kernel prints %016lx): for ASCII
 * bytes, b + (127 - m) has its high bit set iff b > m, and
 * b + (128 - n) iff b >= n, with no carry between bytes.
 */
static inline bool hex8(const char *s)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	uint64_t x, digit, lower;

	memcpy(&x, s, 8);
	if (x & high)
		return false;
	digit = (x + ones * (127 - '/')) & ~(x + ones * (128 - ':'));
	lower = (x + ones * (127 - '`')) & ~(x + ones * (128 - 'g'));
	return ((digit | lower) & high) == high;
}

/* This runs on 32 bytes of every line. */
static inline bool all_hex(const char *s, size_t n)
{
	int bad = 0;

	if (n == 16 && hex8(s) && hex8(s + 8))
		return true;
	for (size_t i = 0; i < n; i++)
		bad |= hexval(s[i]) >> 8;
	return n && !bad;
}

/* "0x<hex>-0x<hex>"; the values are hashed (%pK) and not kept. */
static bool is_range(const char *s, size_t n)
{
	/* The kernel's own shape: 0x%016lx-0x%016lx. */
	if (n == 37 && s[0] == '0' && s[1] == 'x' && s[18] == '-' && s[19] == '0' && s[20] == 'x')
		return all_hex(s + 2, 16) && all_hex(s + 21, 16);
	return is_range_slow(s, n);
}

static bool is_range_slow(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	int part = 0;

	for (; part < 2; part++) {
		if (i + 2 > n || s[i] != '0' || (s[i + 1] | 0x20) != 'x')
			return false;
		i += 2;
		for (digits = 0; i < n && hexval(s[i]) >= 0; i++)
			digits++;
		if (!digits || digits > 16)
			return false;
		if (part == 0) {
			if (i >= n || s[i] != '-')
				return false;
			i++;
		}
	}
	return i == n;
}

/* "func+0x13/0x30" -> name, offset, size; false when not that shape. */
static bool parse_symbol(const char *s, size_t n, struct vmalloc_area *a)
{
	const char *plus = NULL, *slash;

	for (size_t i = n; i > 0; i--)
		if (s[i - 1] == '+') {
			plus = s + i - 1;
			break;
		}
	if (!plus || plus == s)
		return false;
	slash = memchr(plus, '/', n - (size_t)(plus - s));
	if (!slash || num_hex_u64(plus + 1, (size_t)(slash - plus - 1), &a->caller_off) ||
	    num_hex_u64(slash + 1, n - (size_t)(slash + 1 - s), &a->caller_size))
		return false;
	a->caller = s;
	a->caller_len = (size_t)(plus - s);
	return true;
}

static inline bool word_is(const char *s, size_t n, const char *w, size_t wn)
{
	return n == wn && !memcmp(s, w, wn);
}

#define WORD(s, n, lit) word_is(s, n, lit, sizeof(lit) - 1)

static unsigned type_word(const char *s, size_t n)
{
	switch (s[0]) {
	case 'i':
		return WORD(s, n, "ioremap") ? VMA_IOREMAP : 0;
	case 'u':
		return WORD(s, n, "user") ? VMA_USER : 0;
	case 'v':
		if (WORD(s, n, "vmalloc"))
			return VMA_VMALLOC;
		if (WORD(s, n, "vmap"))
			return VMA_VMAP;
		if (WORD(s, n, "vpages"))
			return VMA_VPAGES;
		return WORD(s, n, "vm_map_ram") ? VMA_VM_MAP_RAM : 0;
	default:
		return 0;
	}
}

/* Words after the size: caller, [module], pages=, phys=, types, N<n>=. */
static int parse_word(const char *s, size_t n, int idx, struct vmalloc_area *a, const char *src,
		      long lineno, struct kerr *e)
{
	unsigned t = type_word(s, n);
	uint64_t v;

	if (t) {
		a->types |= t;
		return 0;
	}
	if (n > 6 && !memcmp(s, "pages=", 6)) {
		if (num_u64(s + 6, n - 6, &a->pages))
			return kerr_set(e, -EINVAL, src, lineno, "bad page count (pages=)");
		a->has_pages = true;
		return 0;
	}
	if (n > 5 && !memcmp(s, "phys=", 5))
		return 0;
	if (n > 2 && s[0] == 'N' && s[1] >= '0' && s[1] <= '9')
		return 0; /* per-node page counts */
	if (n > 2 && s[0] == '[' && s[n - 1] == ']' && !a->module && a->caller) {
		a->module = s + 1;
		a->module_len = n - 2;
		return 0;
	}
	if (idx == 2 && !a->caller) {
		if (n > 2 && s[0] == '0' && s[1] == 'x' && !num_hex_u64(s, n, &v)) {
			a->caller = s;
			a->caller_len = n;
			a->caller_is_addr = true;
			a->caller_addr = v;
			return 0;
		}
		if (parse_symbol(s, n, a))
			return 0;
	}
	a->types |= VMA_UNKNOWN_WORD; /* tolerate words of newer kernels */
	return 0;
}

/*
 * First space, tab or CR in [q, end), eight bytes at a time (a byte
 * <= 0x20 stops the fast test; one that is no separator goes on bytewise):
 * word scanning was most of the parse time. A byte >= 0x80 can make the
 * word test fire falsely; the byte loop then decides.
 */
static inline const char *word_end(const char *q, const char *end)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;

	while (end - q >= 8) {
		uint64_t x, m;

		memcpy(&x, q, 8);
		if (x & high)
			break;
		/* A borrow can only mark bytes above the first hit. */
		m = (x - ones * 0x21) & ~x & high;
		if (m && is_sp(q[__builtin_ctzll(m) >> 3]))
			return q + (__builtin_ctzll(m) >> 3);
		if (m) /* a control byte: a word byte here, as in the byte loop */
			break;
		q += 8;
	}
	while (q < end && !is_sp(*q))
		q++;
	return q;
}

/* The next whitespace-separated word of [*p, end), or false at the end. */
static inline bool next_word(const char **p, const char *end, const char **w, size_t *n)
{
	const char *q = *p;

	while (q < end && is_sp(*q))
		q++;
	if (q >= end)
		return false;
	*w = q;
	q = word_end(q, end);
	*n = (size_t)(q - *w);
	*p = q;
	return true;
}

static int parse_line(const char *line, size_t len, const char *src, long lineno,
		      struct vmalloc_area *a, struct kerr *e)
{
	const char *p = line, *end = line + len, *w;
	size_t n;
	int idx, r;

	*a = (struct vmalloc_area){ .line = lineno };
	if (!next_word(&p, end, &w, &n))
		return kerr_set(e, -EINVAL, src, lineno, "empty line");
	if (!is_range(w, n))
		return kerr_set(e, -EINVAL, src, lineno,
				"not a vmallocinfo line (expected an address range first)");
	if (!next_word(&p, end, &w, &n))
		return kerr_set(e, -EINVAL, src, lineno,
				"expected '<range> <size> ...', got 1 field");
	if (num_u64(w, n, &a->size))
		return kerr_set(e, -EINVAL, src, lineno,
				"the size (field 2) is not a valid number");
	for (idx = 2; next_word(&p, end, &w, &n); idx++) {
		if (idx == 2 && WORD(w, n, "unpurged")) {
			const char *q = p;

			if (next_word(&q, end, &w, &n) && WORD(w, n, "vm_area")) {
				a->types |= VMA_UNPURGED;
				return 0;
			}
			a->types |= VMA_UNKNOWN_WORD;
			continue;
		}
		if (idx > 64)
			return kerr_set(e, -EINVAL, src, lineno, "too many fields (over 64)");
		r = parse_word(w, n, idx, a, src, lineno, e);
		if (r)
			return r;
	}
	return 0;
}

int vmallocinfo_parse(const char *buf, size_t len, const char *src, vmalloc_area_cb cb, void *ctx,
		      struct kerr *e)
{
	return vmallocinfo_parse_part(buf, len, src, 0, NULL, cb, ctx, e);
}

int vmallocinfo_parse_part(const char *buf, size_t len, const char *src, long first_line,
			   long *nlines, vmalloc_area_cb cb, void *ctx, struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t llen;
	int r;

	line_iter_init(&it, buf, len);
	it.lineno = first_line;
	while ((r = line_next_capped(&it, &line, &llen, src, e)) > 0) {
		struct vmalloc_area a;

		if (llen == 0)
			continue;
		r = parse_line(line, llen, src, it.lineno, &a, e);
		if (r)
			return r;
		r = cb(&a, ctx);
		if (r)
			return r;
	}
	if (r)
		return r;
	if (nlines)
		*nlines = it.lineno - first_line;
	return 0;
}

uint64_t vmalloc_area_bytes(const struct vmalloc_area *a, uint64_t page_size)
{
	uint64_t bytes;

	if (!a->has_pages)
		return 0;
	return num_mul_u64(a->pages, page_size, &bytes) ? bytes : UINT64_MAX;
}

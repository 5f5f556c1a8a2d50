/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strict number parsing: every character consumed, overflow an error.
 * Used by every parser and for command-line values, so that "12abc",
 * "-1" for a count or 2^64 never pass silently.
 */
#ifndef KLEAK_UTIL_NUM_H
#define KLEAK_UTIL_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decimal unsigned, no sign, no spaces. 0 or -EINVAL / -ERANGE. */
int num_u64(const char *s, size_t len, uint64_t *out);
/* Decimal signed. */
int num_i64(const char *s, size_t len, int64_t *out);
/* Hexadecimal, with or without a 0x prefix. */
int num_hex_u64(const char *s, size_t len, uint64_t *out);
/* Decimal with an optional fraction ("99.908"), non-negative. */
int num_double(const char *s, size_t len, double *out);

/* NUL-terminated conveniences for argv. */
int num_parse_u64(const char *s, uint64_t *out);
int num_parse_int(const char *s, int min, int max, int *out);

/*
 * Durations: a bare number is seconds ("7", "0.5"); suffixes ms, s, m, h.
 * Result in nanoseconds. Zero and negative values are rejected.
 */
int num_parse_duration_ns(const char *s, uint64_t *out);
/* Sizes: bytes, or suffix K, M, G, T (powers of 1024; "KiB" etc. accepted). */
int num_parse_size(const char *s, uint64_t *out);

/*
 * Whether s looks like a format version ("2.1": digits and dots, at most 8
 * bytes): a parser quotes a version it does not know, and nothing else.
 */
bool num_is_version(const char *s, size_t n);

/* Checked arithmetic: false on overflow. */
static inline bool num_mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}
static inline bool num_add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}
/*
 * a + b, or UINT64_MAX when it overflows: a total of hostile values must
 * not wrap into a small, plausible number ("Kernel memory 0 B").
 */
static inline uint64_t num_sat_add(uint64_t a, uint64_t b)
{
	uint64_t s;

	return __builtin_add_overflow(a, b, &s) ? UINT64_MAX : s;
}

#endif

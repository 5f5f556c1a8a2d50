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

/* Checked arithmetic: false on overflow. */
static inline bool num_mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}
static inline bool num_add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}

#endif

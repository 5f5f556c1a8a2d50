/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An open-addressing hash map from byte strings to a caller-owned index.
 *
 * Aggregations (vmalloc by caller, kmemleak by backtrace, slab series by
 * name) map a key to a slot in the caller's own array; the map stores a
 * private copy of each key, so keys may point into a buffer that is reused.
 */
#ifndef KLEAK_UTIL_STRMAP_H
#define KLEAK_UTIL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_entry {
	uint64_t hash;
	char *key;
	size_t keylen;
	size_t value;
};

struct strmap {
	struct strmap_entry *slots;
	size_t nslots; /* power of two */
	size_t count;
};

uint64_t strmap_hash(const void *key, size_t len);
/* Returns the value for key or -1 (as SIZE_MAX) when absent. */
size_t strmap_get(const struct strmap *m, const void *key, size_t len);
/*
 * Looks key up; when absent, inserts it with value `value_if_new`.
 * Returns the stored value, or SIZE_MAX on allocation failure.
 */
size_t strmap_intern(struct strmap *m, const void *key, size_t len, size_t value_if_new);
void strmap_free(struct strmap *m);

#define STRMAP_NONE SIZE_MAX

#endif

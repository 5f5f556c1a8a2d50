// SPDX-License-Identifier: GPL-2.0
/* Open addressing with linear probing; FNV-1a hashes; grows at 50% load. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/*
 * Seeded once per process, before main (so before any thread): keys come
 * from files anyone may hand kleak, and a fixed hash lets such a file be
 * made of names that all land in one probe run, quadratic time.
 */
static uint64_t seed = 0x8ebc6af09c88c6e3ULL;

__attribute__((constructor)) static void strmap_seed(void)
{
	uint64_t s;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == sizeof(s))
		seed ^= s;
}

/*
 * Eight bytes at a time, multiply and fold (in the manner of wyhash's
 * mixing): keys are hashed once per input line in the aggregations, so a
 * byte-at-a-time hash showed up in profiles.
 */
static inline uint64_t mix(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)(a ^ 0xa0761d6478bd642fULL) * (b ^ 0xe7037ed1a0b428dbULL);

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

uint64_t strmap_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = seed ^ len, w;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = mix(h, w);
	}
	w = 0;
	memcpy(&w, p, len);
	h = mix(h, w);
	return h | 1; /* 0 marks an empty slot */
}

static struct strmap_entry *find(const struct strmap *m, uint64_t h, const void *key, size_t len)
{
	size_t mask = m->nslots - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct strmap_entry *e = &m->slots[i];

		if (!e->hash)
			return e;
		if (e->hash == h && e->keylen == len && memcmp(e->key, key, len) == 0)
			return e;
	}
}

static int grow(struct strmap *m)
{
	size_t n = m->nslots ? m->nslots * 2 : 64;
	struct strmap_entry *old = m->slots;
	size_t oldn = m->nslots;

	m->slots = calloc(n, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return -1;
	}
	m->nslots = n;
	for (size_t i = 0; i < oldn; i++)
		if (old[i].hash)
			*find(m, old[i].hash, old[i].key, old[i].keylen) = old[i];
	free(old);
	return 0;
}

size_t strmap_get(const struct strmap *m, const void *key, size_t len)
{
	struct strmap_entry *e;

	if (!m->nslots)
		return STRMAP_NONE;
	e = find(m, strmap_hash(key, len), key, len);
	return e->hash ? e->value : STRMAP_NONE;
}

size_t strmap_intern(struct strmap *m, const void *key, size_t len, size_t value_if_new)
{
	uint64_t h = strmap_hash(key, len);
	struct strmap_entry *e;

	if ((m->count + 1) * 2 > m->nslots && grow(m))
		return STRMAP_NONE;
	e = find(m, h, key, len);
	if (e->hash)
		return e->value;
	e->key = malloc(len + 1);
	if (!e->key)
		return STRMAP_NONE;
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	e->hash = h;
	e->keylen = len;
	e->value = value_if_new;
	m->count++;
	return value_if_new;
}

void strmap_free(struct strmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nslots; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

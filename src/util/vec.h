/* SPDX-License-Identifier: GPL-2.0 */
/* Appending to a growable array of records: the one loop every parser needs. */
#ifndef KLEAK_UTIL_VEC_H
#define KLEAK_UTIL_VEC_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Appends *item (size bytes) to the array *vecp holding *n of *cap
 * elements, doubling it when full. Returns 0 or -ENOMEM (array unchanged).
 */
static inline int vec_push(void *vecp, size_t *n, size_t *cap, size_t size, const void *item)
{
	void **v = vecp;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		void *p;

		if (ncap > SIZE_MAX / size)
			return -ENOMEM;
		p = realloc(*v, ncap * size);
		if (!p)
			return -ENOMEM;
		*v = p;
		*cap = ncap;
	}
	memcpy((char *)*v + *n * size, item, size);
	(*n)++;
	return 0;
}

#endif

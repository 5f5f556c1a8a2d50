/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "Did you mean": the few known names closest to what the user typed, by
 * edit distance (or containing it), for errors such as
 * "no container 'wbe'; close names: web, web-2".
 */
#ifndef KLEAK_UTIL_SUGGEST_H
#define KLEAK_UTIL_SUGGEST_H

#include <stddef.h>

#define SUGGEST_MAX 6
#define SUGGEST_LEN 128

struct suggest {
	const char *want;
	size_t cap; /* the largest distance worth showing */
	char name[SUGGEST_MAX][SUGGEST_LEN];
	size_t score[SUGGEST_MAX];
	size_t n;
};

/* Levenshtein distance of a and b, capped at cap + 1. */
size_t suggest_distance(const char *a, const char *b, size_t cap);
void suggest_init(struct suggest *s, const char *want);
void suggest_add(struct suggest *s, const char *candidate);
/* "a, b, c", or "none" when nothing was close. */
const char *suggest_str(const struct suggest *s, char *buf, size_t len);

#endif

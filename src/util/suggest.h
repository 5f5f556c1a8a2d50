/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "Close names" for an error about a name the kernel does not have: the
 * few candidates nearest to what the user typed, by edit distance (a
 * candidate that contains the typed name counts as close too, so "d_alloc"
 * shows d_alloc_parallel). Used for slab caches and kernel functions.
 *
 *   struct suggest s;
 *   suggest_init(&s, "dentyr");
 *   for (each candidate) suggest_add(&s, name);
 *   suggest_str(&s, buf, sizeof(buf));	// "dentry" or "none"
 */
#ifndef KLEAK_UTIL_SUGGEST_H
#define KLEAK_UTIL_SUGGEST_H

#include <stddef.h>

#define SUGGEST_MAX 6
#define SUGGEST_NAME_LEN 128

struct suggest {
	const char *want;
	size_t cap; /* farthest distance shown: a third of the name, plus one */
	char name[SUGGEST_MAX][SUGGEST_NAME_LEN];
	size_t score[SUGGEST_MAX];
	size_t n;
};

void suggest_init(struct suggest *s, const char *want);
void suggest_add(struct suggest *s, const char *cand);
/* "a, b, c" best first, or "none". Returns buf (or the literal "none"). */
const char *suggest_str(const struct suggest *s, char *buf, size_t len);

/* Levenshtein distance, capped at cap+1. */
size_t suggest_edit_distance(const char *a, const char *b, size_t cap);

#endif

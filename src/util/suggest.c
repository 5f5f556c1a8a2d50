// SPDX-License-Identifier: GPL-2.0
/* Close-name suggestions for errors; see suggest.h. */
#include "suggest.h"

#include <stdio.h>
#include <string.h>

size_t suggest_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), row[SUGGEST_LEN + 2];

	if (la > SUGGEST_LEN || lb > SUGGEST_LEN || (la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], best;

		row[0] = best = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], v = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb] > cap ? cap + 1 : row[lb];
}

void suggest_init(struct suggest *s, const char *want)
{
	memset(s, 0, sizeof(*s));
	s->want = want;
	s->cap = strlen(want) / 3 + 1;
}

void suggest_add(struct suggest *s, const char *cand)
{
	size_t d = suggest_distance(s->want, cand, s->cap), i;

	if (d > s->cap && s->want[0] && strstr(cand, s->want))
		d = s->cap; /* "web" -> "web-frontend": worth showing */
	if (d > s->cap || !strcmp(cand, s->want) || strlen(cand) >= SUGGEST_LEN)
		return;
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], cand))
			return;
	for (i = s->n; i > 0 && s->score[i - 1] > d; i--) {
		if (i < SUGGEST_MAX) {
			s->score[i] = s->score[i - 1];
			memcpy(s->name[i], s->name[i - 1], SUGGEST_LEN);
		}
	}
	if (i >= SUGGEST_MAX)
		return;
	s->score[i] = d;
	snprintf(s->name[i], SUGGEST_LEN, "%s", cand);
	if (s->n < SUGGEST_MAX)
		s->n++;
}

const char *suggest_str(const struct suggest *s, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < s->n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
					s->name[i]);
	return s->n ? buf : "none";
}

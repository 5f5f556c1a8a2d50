// SPDX-License-Identifier: GPL-2.0
/*
 * The stacks model and its folded writer (see stacks.h). Frames are
 * interned so that equal frames are one pointer; the folded writer builds
 * each stack's line, sorts the lines and sums the equal ones, so the
 * output does not depend on the order the producer found the stacks in.
 */
#include "stacks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/vec.h"

static const char *intern(struct stacks *s, const char *str)
{
	size_t len = strlen(str), slot;
	char *copy;

	slot = strmap_get(&s->names, str, len);
	if (slot != STRMAP_NONE)
		return s->strs[slot];
	copy = strdup(str);
	if (!copy || vec_push(&s->strs, &s->nstrs, &s->capstrs, sizeof(char *), &copy)) {
		free(copy);
		return NULL;
	}
	if (strmap_intern(&s->names, str, len, s->nstrs - 1) == STRMAP_NONE) {
		s->nstrs--;
		free(copy);
		return NULL;
	}
	return copy;
}

static int add_frame(struct stacks *s, const char *fn, const char *mod)
{
	struct stack_frame fr;

	fr.function = intern(s, fn && *fn ? fn : "(unknown)");
	fr.module = mod && *mod ? intern(s, mod) : NULL;
	if (!fr.function || (mod && *mod && !fr.module))
		return -ENOMEM;
	return vec_push(&s->frames, &s->nframes, &s->capframes, sizeof(fr), &fr);
}

int stacks_add(struct stacks *s, const char *const *functions, const char *const *modules, size_t n,
	       bool leaf_first, uint64_t bytes)
{
	struct stack st = { .first = s->nframes, .nframes = n, .bytes = bytes };

	for (size_t k = 0; k < n; k++) {
		size_t i = leaf_first ? n - 1 - k : k;

		if (add_frame(s, functions[i], modules ? modules[i] : NULL)) {
			s->nframes = st.first;
			return -ENOMEM;
		}
	}
	if (vec_push(&s->v, &s->n, &s->cap, sizeof(st), &st)) {
		s->nframes = st.first;
		return -ENOMEM;
	}
	s->total_bytes = bytes > UINT64_MAX - s->total_bytes ? UINT64_MAX : s->total_bytes + bytes;
	return 0;
}

void stacks_free(struct stacks *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nstrs; i++)
		free(s->strs[i]);
	free(s->strs);
	free(s->v);
	free(s->frames);
	strmap_free(&s->names);
	memset(s, 0, sizeof(*s));
}

/* Copies src into buf at *o, making it safe for one folded frame. */
static void put_clean(char *buf, size_t len, size_t *o, const char *src)
{
	for (; *src && *o + 1 < len; src++) {
		unsigned char c = (unsigned char)*src;

		buf[(*o)++] = c == ';' ? ',' : c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	buf[*o] = 0;
}

const char *stacks_frame_text(const struct stack_frame *fr, char *buf, size_t len)
{
	size_t o = 0;

	if (!len)
		return buf;
	buf[0] = 0;
	put_clean(buf, len, &o, fr->function);
	if (fr->module) {
		put_clean(buf, len, &o, " [");
		put_clean(buf, len, &o, fr->module);
		put_clean(buf, len, &o, "]");
	}
	return buf;
}

struct line {
	char *text;
	uint64_t bytes;
};

static int line_cmp(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->text, ((const struct line *)b)->text);
}

static char *stack_line(const struct stacks *s, const struct stack *st)
{
	struct buf b = { 0 };
	char fr[512];

	for (size_t k = 0; k < st->nframes; k++) {
		stacks_frame_text(&s->frames[st->first + k], fr, sizeof(fr));
		if ((k && buf_append(&b, ";", 1)) || buf_append(&b, fr, strlen(fr))) {
			buf_free(&b);
			return NULL;
		}
	}
	if (!b.data && buf_append(&b, "(unknown)", 9)) /* a stack of no frame */
		return NULL;
	return b.data;
}

int folded_write(FILE *f, const struct stacks *s)
{
	struct line *lines = calloc(s->n ? s->n : 1, sizeof(*lines));
	size_t n = 0;
	int r = 0;

	if (!lines)
		return -ENOMEM;
	for (size_t i = 0; i < s->n && !r; i++) {
		if (!s->v[i].bytes)
			continue;
		lines[n].bytes = s->v[i].bytes;
		lines[n].text = stack_line(s, &s->v[i]);
		if (!lines[n++].text)
			r = -ENOMEM;
	}
	if (!r)
		qsort(lines, n, sizeof(*lines), line_cmp);
	for (size_t i = 0; i < n && !r; i++) {
		uint64_t sum = lines[i].bytes;

		while (i + 1 < n && !strcmp(lines[i].text, lines[i + 1].text)) {
			uint64_t b = lines[++i].bytes;

			sum = b > UINT64_MAX - sum ? UINT64_MAX : sum + b;
		}
		fprintf(f, "%s %llu\n", lines[i].text, (unsigned long long)sum);
	}
	for (size_t i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
	if (!r && (fflush(f) || ferror(f)))
		r = -EIO;
	return r;
}

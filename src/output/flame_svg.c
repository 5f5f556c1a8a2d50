// SPDX-License-Identifier: GPL-2.0
/*
 * The SVG flame graph (icicle) of a stacks model; see flame_svg.h. The
 * stacks are merged into a tree (a child is found by a hash of its parent
 * and its interned frame pointers), children are sorted, and the tree is
 * drawn depth first.
 */
#include "flame_svg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output/fmt.h"
#include "output/html_esc.h"
#include "util/vec.h"

#define ROW_H 18   /* px per frame row */
#define CHAR_W 6.6 /* px per character at the label's 11px monospace */
#define MIN_W 0.5  /* px: narrower frames are not drawn */

struct fnode {
	const struct stack_frame *fr; /* NULL for the root */
	uint64_t bytes;
	size_t first_child, next; /* 0: none (0 is the root, never a child) */
	size_t *kids;		  /* sorted children, after build */
	size_t nkids;
};

struct ftree {
	struct fnode *v;
	size_t n, cap;
	struct strmap index; /* (parent, function, module) -> node */
	size_t hidden;	     /* frames too narrow to draw */
	unsigned depth;	     /* rows drawn, root included */
};

static size_t child(struct ftree *t, size_t parent, const struct stack_frame *fr)
{
	struct {
		size_t parent;
		const char *fn, *mod;
	} key = { parent, fr->function, fr->module };
	struct fnode nn = { .fr = fr };
	size_t slot;

	slot = strmap_get(&t->index, &key, sizeof(key));
	if (slot != STRMAP_NONE)
		return slot;
	nn.next = t->v[parent].first_child;
	if (vec_push(&t->v, &t->n, &t->cap, sizeof(nn), &nn))
		return 0;
	if (strmap_intern(&t->index, &key, sizeof(key), t->n - 1) == STRMAP_NONE) {
		t->n--;
		return 0;
	}
	t->v[parent].first_child = t->n - 1;
	return t->n - 1;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

static int build(struct ftree *t, const struct stacks *s)
{
	struct fnode root = { 0 };

	if (vec_push(&t->v, &t->n, &t->cap, sizeof(root), &root))
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		const struct stack *st = &s->v[i];
		size_t at = 0;

		if (!st->bytes)
			continue;
		t->v[0].bytes = sat_add(t->v[0].bytes, st->bytes);
		for (size_t k = 0; k < st->nframes; k++) {
			at = child(t, at, &s->frames[st->first + k]);
			if (!at)
				return -ENOMEM;
			t->v[at].bytes = sat_add(t->v[at].bytes, st->bytes);
		}
	}
	return 0;
}

static int kid_cmp(const void *a, const void *b, void *tree)
{
	const struct ftree *t = tree;
	const struct fnode *x = &t->v[*(const size_t *)a];
	const struct fnode *y = &t->v[*(const size_t *)b];
	int c;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	c = strcmp(x->fr->function, y->fr->function);
	if (c)
		return c;
	return strcmp(x->fr->module ? x->fr->module : "", y->fr->module ? y->fr->module : "");
}

static int sort_kids(struct ftree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct fnode *nd = &t->v[i];
		size_t k = 0;

		for (size_t c = nd->first_child; c; c = t->v[c].next)
			nd->nkids++;
		if (!nd->nkids)
			continue;
		nd->kids = malloc(nd->nkids * sizeof(size_t));
		if (!nd->kids)
			return -ENOMEM;
		for (size_t c = nd->first_child; c; c = t->v[c].next)
			nd->kids[k++] = c;
		qsort_r(nd->kids, nd->nkids, sizeof(size_t), kid_cmp, t);
	}
	return 0;
}

static void ftree_free(struct ftree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].kids);
	free(t->v);
	strmap_free(&t->index);
}

/* Light tints (text stays black on them): the kernel sand, modules cycle. */
static const char *frame_fill(const struct stack_frame *fr)
{
	static const char *const mods[] = { "#9ecae9", "#8fd3b6", "#e3a9cc",
					    "#f4b78f", "#c5b8e8", "#b9dc8a" };
	uint64_t h;

	if (!fr)
		return "#ffffff";
	if (!fr->module)
		return "#f2dfb0";
	h = strmap_hash(fr->module, strlen(fr->module));
	return mods[h % (sizeof(mods) / sizeof(mods[0]))];
}

static void label(FILE *f, const char *text, double x, double y, double w)
{
	size_t fit = w > 8 ? (size_t)((w - 6) / CHAR_W) : 0, len = strlen(text);
	char buf[512];

	if (fit < 3)
		return;
	if (len > fit) { /* cut, with a visible ".." */
		len = fit - 2 < sizeof(buf) - 3 ? fit - 2 : sizeof(buf) - 3;
		memcpy(buf, text, len);
		strcpy(buf + len, "..");
		text = buf;
	}
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", x + 3, y + ROW_H - 5.5);
	html_text(f, text);
	fputs("</text>", f);
}

static void draw(FILE *f, struct ftree *t, size_t i, double x, unsigned depth, double scale)
{
	const struct fnode *nd = &t->v[i];
	double w = (double)nd->bytes * scale, y = depth * ROW_H, cx = x;
	char text[600], b[32];

	if (w < MIN_W)
		return;
	if (nd->fr)
		stacks_frame_text(nd->fr, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "all");
	fputs("<g class=\"fr\"", f);
	html_attr(f, "data-frame", text);
	html_attr_u64(f, "data-bytes", nd->bytes);
	fputs("><title>", f);
	html_text(f, text);
	fprintf(f, "\n%s, %llu bytes (%.1f%%)</title>", fmt_bytes(nd->bytes, b, sizeof(b)),
		(unsigned long long)nd->bytes,
		100.0 * (double)nd->bytes / (double)(t->v[0].bytes ? t->v[0].bytes : 1));
	fprintf(f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"%s/>", x,
		(int)y, w, ROW_H - 1, frame_fill(nd->fr),
		nd->fr && nd->fr->module ? " class=\"mod\"" : "");
	if (!nd->fr)
		snprintf(text, sizeof(text), "all: %s", fmt_bytes(nd->bytes, b, sizeof(b)));
	label(f, text, x, y, w);
	fputs("</g>\n", f);
	for (size_t k = 0; k < nd->nkids; k++) {
		draw(f, t, nd->kids[k], cx, depth + 1, scale);
		cx += (double)t->v[nd->kids[k]].bytes * scale;
	}
}

/* Rows the drawing needs, and frames too narrow to draw (the same rule). */
static void measure(struct ftree *t, size_t i, unsigned depth, double scale)
{
	const struct fnode *nd = &t->v[i];

	if ((double)nd->bytes * scale < MIN_W) {
		t->hidden++;
		return;
	}
	if (depth + 1 > t->depth)
		t->depth = depth + 1;
	for (size_t k = 0; k < nd->nkids; k++)
		measure(t, nd->kids[k], depth + 1, scale);
}

int flame_svg_write(FILE *f, const struct stacks *s, const struct flame_opts *o)
{
	unsigned width = o->width ? o->width : 960;
	struct ftree t = { 0 };
	double scale;
	char b[32];
	int r;

	r = build(&t, s);
	if (!r)
		r = sort_kids(&t);
	if (r)
		goto out;
	scale = t.v[0].bytes ? (double)width / (double)t.v[0].bytes : 0;
	measure(&t, 0, 0, scale);
	fputs("<figure class=\"flame\"><div class=\"scroll\">", f);
	fprintf(f, "<svg class=\"flame\" data-chart=\"flame\" role=\"img\" viewBox=\"0 0 %u %u\"",
		width, t.depth * ROW_H);
	html_attr(f, "id", o->id);
	html_attr_u64(f, "data-total-bytes", t.v[0].bytes);
	fprintf(f, " aria-label=\"");
	html_text(f, o->title);
	fprintf(f, ", %s in all\">\n", fmt_bytes(t.v[0].bytes, b, sizeof(b)));
	if (t.v[0].bytes)
		draw(f, &t, 0, 0, 0, scale);
	fputs("</svg></div><figcaption>", f);
	html_text(f, o->title);
	fprintf(f,
		": each frame is as wide as the bytes held below it; callers above callees; "
		"siblings by size, largest left.");
	if (t.hidden)
		fprintf(f,
			" %zu frame%s narrower than half a pixel not drawn (their bytes are in "
			"their callers' width).",
			t.hidden, t.hidden == 1 ? "" : "s");
	fputs("</figcaption></figure>\n", f);
	if (ferror(f))
		r = -EIO;
out:
	ftree_free(&t);
	return r;
}

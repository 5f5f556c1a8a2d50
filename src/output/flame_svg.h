/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A flame graph of a stacks model (stacks.h) as static inline SVG: an
 * icicle, the root ("all") at the top and callees below their callers,
 * each frame as wide as the bytes held under it. Siblings are ordered by
 * bytes (largest left), then by name, so the picture is stable. No script:
 * each frame carries a <title> (the browser's tooltip) with its bytes and
 * share, and data-frame / data-bytes attributes for tests and tools.
 * Frames narrower than half a pixel are not drawn (their bytes stay in
 * their parent's width); how many is stated under the graph.
 */
#ifndef KLEAK_OUTPUT_FLAME_SVG_H
#define KLEAK_OUTPUT_FLAME_SVG_H

#include <stdio.h>

#include "output/stacks.h"

struct flame_opts {
	const char *id;	   /* unique on the page: "flame-trace" */
	const char *title; /* what the widths are: "outstanding bytes by kernel stack" */
	unsigned width;	   /* viewBox width; 0: 960 */
};

/* Returns 0, -ENOMEM, or -EIO when the stream failed. */
int flame_svg_write(FILE *f, const struct stacks *s, const struct flame_opts *o);

#endif

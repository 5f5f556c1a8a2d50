/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stacks model behind flame graphs: a list of stacks, each a list of
 * frames from the root (the outermost caller) to the leaf (where memory
 * was allocated), with the bytes it holds. Producers fill it through an
 * adapter (stacks_from.h: trace's call sites, kmemleak's groups); the
 * folded writer (`frame;frame;frame bytes`) and the SVG flame graph
 * (flame_svg.h) both render it, so the two always show the same numbers.
 *
 * A frame is a function and its module (NULL: the kernel itself). Strings
 * are copied and interned by stacks_add(), so a producer may pass buffers
 * it reuses; frames of equal text share one pointer, which is what lets
 * the renderers merge them by pointer.
 */
#ifndef KLEAK_OUTPUT_STACKS_H
#define KLEAK_OUTPUT_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/strmap.h"

struct stack_frame {
	const char *function; /* never NULL or empty once added */
	const char *module;   /* NULL: vmlinux */
};

struct stack {
	size_t first; /* index of its root frame in stacks.frames */
	size_t nframes;
	uint64_t bytes;
};

struct stacks {
	struct stack *v;
	size_t n, cap;
	struct stack_frame *frames; /* every stack's frames, root first */
	size_t nframes, capframes;
	uint64_t total_bytes; /* saturates at UINT64_MAX */
	/* private: interned strings */
	struct strmap names;
	char **strs;
	size_t nstrs, capstrs;
};

/*
 * Adds a stack of n frames holding bytes. functions[i] and modules[i]
 * (modules may be NULL, or hold NULL or "" for vmlinux) are given leaf
 * first when leaf_first, as the kernel prints stacks, else root first.
 * An empty or NULL function is stored as "(unknown)". Returns 0 or
 * -ENOMEM.
 */
int stacks_add(struct stacks *s, const char *const *functions, const char *const *modules, size_t n,
	       bool leaf_first, uint64_t bytes);
void stacks_free(struct stacks *s);

/*
 * A frame as the folded format and the flame graph label show it:
 * "func" or "func [module]", with every ';' replaced by ',' (';' joins
 * frames in the folded format, which has no escape) and every control
 * byte by '?' (a newline would end the line). Returns buf.
 */
const char *stacks_frame_text(const struct stack_frame *fr, char *buf, size_t len);

/*
 * The folded format read by flamegraph.pl, inferno and speedscope: one
 * line per distinct stack, "root;...;leaf BYTES\n", frames as
 * stacks_frame_text() writes them, lines sorted by their text, stacks with
 * equal frames summed, stacks of 0 bytes left out. Returns 0, or -EIO
 * when the stream failed, -ENOMEM.
 */
int folded_write(FILE *f, const struct stacks *s);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every renderer is told about the reader, the same for all commands:
 * how many rows the text view shows, whether it may use colour, and
 * whether raw kernel addresses may be shown (KASLR: hidden unless the user
 * asks with --show-addresses; the one switch for it).
 */
#ifndef KLEAK_OUTPUT_RENDER_H
#define KLEAK_OUTPUT_RENDER_H

#include <stdbool.h>

struct render_opts {
	int top; /* rows per table in the text view */
	bool color;
	bool show_addresses; /* raw kernel addresses (KASLR): off by default */
};

#endif

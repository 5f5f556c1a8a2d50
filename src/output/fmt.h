/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text views' colour switch and escape sequences. The unit formatters
 * (fmt_bytes, fmt_sbytes, fmt_duration_ns) are util/fmt.h's, included here
 * for the renderers.
 */
#ifndef KLEAK_OUTPUT_FMT_H
#define KLEAK_OUTPUT_FMT_H

#include <stdbool.h>
#include <stdio.h>

#include "util/fmt.h"

/* Colour only on a TTY and when NO_COLOR is unset (no-color.org). */
bool fmt_use_color(FILE *f);
#define FMT_RED "\033[31m"
#define FMT_YELLOW "\033[33m"
#define FMT_GREEN "\033[32m"
#define FMT_BOLD "\033[1m"
#define FMT_DIM "\033[2m"
#define FMT_RESET "\033[0m"

#endif

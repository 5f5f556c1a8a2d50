/* SPDX-License-Identifier: GPL-2.0 */
/* Human formatting for the text views: sizes, rates, durations, colour. */
#ifndef KLEAK_OUTPUT_FMT_H
#define KLEAK_OUTPUT_FMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* "1.5 GiB", "812 KiB", "96 B" */
const char *fmt_bytes(uint64_t v, char *buf, size_t len);
/* Signed variant for deltas and rates: "+1.5 MiB", "-96 B". */
const char *fmt_sbytes(double v, char *buf, size_t len);
/* "2m05s", "1h02m", "850ms" */
const char *fmt_duration_ns(uint64_t ns, char *buf, size_t len);

/* Colour only on a TTY and when NO_COLOR is unset (no-color.org). */
bool fmt_use_color(FILE *f);
#define FMT_RED "\033[31m"
#define FMT_YELLOW "\033[33m"
#define FMT_GREEN "\033[32m"
#define FMT_BOLD "\033[1m"
#define FMT_DIM "\033[2m"
#define FMT_RESET "\033[0m"

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing untrusted text into HTML, and numbers as --json writes them.
 *
 * Every string on a kleak page may come from the kernel or a file the user
 * was handed (a cache name, a vmalloc caller, a kmemleak frame, a hostname),
 * so it is written through html_text(): control bytes, bytes that are not
 * UTF-8 and the invisible direction controls are shown as text_safe() shows
 * them (util/text.h), then & < > " ' become entities. The result is safe as
 * element text and inside a double- or single-quoted attribute; a cache
 * named "<script>" stays the text <script>.
 *
 * Numbers in data- attributes are written by json_double_fmt(), the
 * function json_double() itself writes with (output/json.h): a value on
 * the page is the very text of the same value in `--json`.
 */
#ifndef KLEAK_OUTPUT_HTML_ESC_H
#define KLEAK_OUTPUT_HTML_ESC_H

#include <stdint.h>
#include <stdio.h>

/* s escaped for HTML text or a quoted attribute value; NULL writes nothing. */
void html_text(FILE *f, const char *s);
/* " name=\"value\"" with value escaped; nothing when value is NULL. */
void html_attr(FILE *f, const char *name, const char *value);
/* " name=\"N\"" with N as json_double writes it (json_double_fmt). */
void html_attr_num(FILE *f, const char *name, double v);
void html_attr_u64(FILE *f, const char *name, uint64_t v);

#endif

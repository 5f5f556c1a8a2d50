/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Making strings from the kernel or from files safe to show: on a terminal
 * (text_safe) and on a shell command line (text_shell_quote).
 *
 * Cache names, vmalloc callers, allocinfo functions, comms, release and
 * hostname come from files a user may hand kleak; a byte such as ESC would
 * otherwise drive the reader's terminal, and a bidi override would make a
 * name read differently from what it is. JSON has its own escaping
 * (output/json.c); this is for every other output.
 */
#ifndef KLEAK_UTIL_TEXT_H
#define KLEAK_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Copies s into buf (NUL-terminated, cut at a character boundary when
 * longer than len - 1) with C0 and C1 control bytes, DEL and bytes that
 * are not UTF-8 written as \xNN, and the invisible direction controls
 * (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) as \u{XXXX}.
 * Other UTF-8 passes through unchanged. Returns buf.
 */
const char *text_safe(const char *s, char *buf, size_t len);
/* The same for n bytes of s, which may hold NUL bytes (shown as \x00). */
const char *text_safe_n(const char *s, size_t n, char *buf, size_t len);
/* Whether text_safe would return s unchanged. */
bool text_is_safe(const char *s);
/* Writes s to f as text_safe would, with no length limit. */
void text_fputs(const char *s, FILE *f);

/*
 * The length of the valid UTF-8 sequence at p (at most n bytes, n > 0)
 * with its code point in *cp, or 0 when the bytes are not UTF-8:
 * overlong forms, surrogates and values past U+10FFFF included. The one
 * decoder of text output and JSON.
 */
size_t text_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

/*
 * s as one word for a POSIX shell: unchanged when it holds only
 * [A-Za-z0-9_./:=@%+,-] (and is not empty), else in single quotes with
 * each ' written as '\''. Control bytes are shown as by text_safe: a
 * quoted hint is for reading and pasting, not a byte-exact copy.
 */
const char *text_shell_quote(const char *s, char *buf, size_t len);

#endif

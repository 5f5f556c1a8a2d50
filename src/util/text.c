// SPDX-License-Identifier: GPL-2.0
/* Terminal- and shell-safe renderings of untrusted strings (see text.h). */
#include "text.h"

#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if invalid. */
size_t text_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t l, i;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		l = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		l = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		l = 4, c = p[0] & 0x07;
	else
		return 0;
	if (l > n)
		return 0;
	for (i = 1; i < l; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
	if ((l == 3 && c < 0x800) || (l == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return l;
}

static bool hidden_cp(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x61c || c == 0x200e || c == 0x200f ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/*
 * The escaped form of the character at p: its bytes when shown as they
 * are (*raw true), else written to esc. Returns the input bytes consumed.
 */
static size_t escape_one(const unsigned char *p, size_t n, char esc[16], bool *raw)
{
	uint32_t c;
	size_t l = text_utf8_seq(p, n, &c);

	*raw = false;
	if (!l || c < 0x20 || c == 0x7f) {
		snprintf(esc, 16, "\\x%02x", p[0]);
		return 1;
	}
	if (hidden_cp(c)) {
		if (c <= 0xff)
			snprintf(esc, 16, "\\x%02x", (unsigned)c);
		else
			snprintf(esc, 16, "\\u{%04x}", (unsigned)c);
		return l;
	}
	*raw = true;
	return l;
}

const char *text_safe_n(const char *s, size_t n, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	if (!len)
		return buf;
	while (i < n) {
		char esc[16];
		bool raw;
		size_t l = escape_one(p + i, n - i, esc, &raw);
		size_t w = raw ? l : strlen(esc);

		if (o + w > len - 1)
			break;
		memcpy(buf + o, raw ? (const char *)p + i : esc, w);
		o += w;
		i += l;
	}
	buf[o] = '\0';
	return buf;
}

const char *text_safe(const char *s, char *buf, size_t len)
{
	return text_safe_n(s ? s : "", s ? strlen(s) : 0, buf, len);
}

bool text_is_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	while (i < n) {
		char esc[16];
		bool raw;

		i += escape_one(p + i, n - i, esc, &raw);
		if (!raw)
			return false;
	}
	return true;
}

void text_fputs(const char *s, FILE *f)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	while (i < n) {
		char esc[16];
		bool raw;
		size_t l = escape_one(p + i, n - i, esc, &raw);

		if (raw)
			fwrite(p + i, 1, l, f);
		else
			fputs(esc, f);
		i += l;
	}
}

static bool shell_plain(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_./:=@%+,-",
			    *s))
			return false;
	return true;
}

const char *text_shell_quote(const char *s, char *buf, size_t len)
{
	char safe[1024];
	size_t o = 0;

	if (!len)
		return buf;
	text_safe(s, safe, sizeof(safe));
	if (shell_plain(safe)) {
		snprintf(buf, len, "%s", safe);
		return buf;
	}
	buf[o++] = '\'';
	for (const char *p = safe; *p && o + 5 < len; p++) {
		if (*p == '\'') {
			memcpy(buf + o, "'\\''", 4);
			o += 4;
		} else {
			buf[o++] = *p;
		}
	}
	if (o + 1 < len)
		buf[o++] = '\'';
	buf[o < len ? o : len - 1] = '\0';
	return buf;
}

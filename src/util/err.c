// SPDX-License-Identifier: GPL-2.0
/* Error records with source and line, filled by parsers, printed by cmd/. */
#include "err.h"

#include <stdarg.h>
#include <string.h>

int kerr_set(struct kerr *e, int code, const char *src, long line,
	     const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->code = code;
	e->line = line;
	snprintf(e->src, sizeof(e->src), "%s", src ? src : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

void kerr_clear(struct kerr *e)
{
	if (e)
		memset(e, 0, sizeof(*e));
}

const char *kerr_str(const struct kerr *e, char *buf, size_t len)
{
	if (e->src[0] && e->line > 0)
		snprintf(buf, len, "%s:%ld: %s", e->src, e->line, e->msg);
	else if (e->src[0])
		snprintf(buf, len, "%s: %s", e->src, e->msg);
	else
		snprintf(buf, len, "%s", e->msg);
	return buf;
}

/*
 * Messages quote input ("version '2.1\r'"): control bytes are shown as \xNN
 * so that a hostile file cannot drive the terminal.
 */
void kerr_print(const struct kerr *e)
{
	char buf[1024];
	const unsigned char *p = (const unsigned char *)kerr_str(e, buf, sizeof(buf));

	fputs("kleak: ", stderr);
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
	fputc('\n', stderr);
}

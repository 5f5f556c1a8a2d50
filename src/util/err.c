// SPDX-License-Identifier: GPL-2.0
/* Error records with source and line, filled by parsers, printed by cmd/. */
#include "err.h"

#include <stdarg.h>
#include <string.h>

#include "util/text.h"

int kerr_set(struct kerr *e, int code, const char *src, long line, const char *fmt, ...)
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
 * Messages name paths a user chose and, rarely, a version from a file:
 * shown through text_fputs (control bytes, escape sequences, bidi
 * overrides, invalid UTF-8 as \xNN) so a hostile name cannot drive the
 * terminal.
 */
void kerr_print(const struct kerr *e)
{
	char buf[1024];

	fputs("kleak: ", stderr);
	text_fputs(kerr_str(e, buf, sizeof(buf)), stderr);
	fputc('\n', stderr);
}

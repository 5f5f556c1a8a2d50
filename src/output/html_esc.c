// SPDX-License-Identifier: GPL-2.0
/* HTML escaping of untrusted text and JSON-identical numbers; see html_esc.h. */
#include "html_esc.h"

#include <stdlib.h>
#include <string.h>

#include "output/json.h"
#include "util/text.h"

static void put_entities(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

void html_text(FILE *f, const char *s)
{
	char small[1024], *buf = small;
	size_t n, need;

	if (!s)
		return;
	if (text_is_safe(s)) {
		put_entities(f, s);
		return;
	}
	/* text_safe writes at most 4 characters per input byte (\xNN). */
	n = strlen(s);
	need = 4 * n + 1;
	if (need > sizeof(small)) {
		buf = malloc(need);
		if (!buf) { /* never the raw bytes: drop what cannot be shown safely */
			fputs("(unprintable)", f);
			return;
		}
	}
	put_entities(f, text_safe_n(s, n, buf, need));
	if (buf != small)
		free(buf);
}

void html_attr(FILE *f, const char *name, const char *value)
{
	if (!value)
		return;
	fprintf(f, " %s=\"", name);
	html_text(f, value);
	fputc('"', f);
}

void html_attr_num(FILE *f, const char *name, double v)
{
	char b[JSON_DOUBLE_LEN];

	fprintf(f, " %s=\"%s\"", name, json_double_fmt(v, b, sizeof(b)));
}

void html_attr_u64(FILE *f, const char *name, uint64_t v)
{
	fprintf(f, " %s=\"%llu\"", name, (unsigned long long)v);
}

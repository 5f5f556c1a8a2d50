// SPDX-License-Identifier: GPL-2.0
/* Parser for module section addresses; the format is in module_sections.h. */
#include "module_sections.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse/records.h"
#include "util/buf.h"
#include "util/num.h"

static int parse_line(const char *line, size_t len, const char *src, long lineno, void *rec,
		      struct kerr *e)
{
	struct module_section *s = rec;
	struct field f[4];
	int nf = fields_split(line, len, f, 4);

	if (!nf)
		return RECORD_SKIP;
	if (nf != 3)
		return kerr_set(e, -EINVAL, src, lineno,
				"expected 'module section address', got %d fields", nf);
	if (f[0].len >= sizeof(s->module) || f[1].len >= sizeof(s->name))
		return kerr_set(e, -EINVAL, src, lineno, "name too long");
	memset(s, 0, sizeof(*s));
	field_copy(s->module, sizeof(s->module), &f[0]);
	field_copy(s->name, sizeof(s->name), &f[1]);
	s->line = lineno;
	if (num_hex_u64(f[2].s, f[2].len, &s->addr))
		return kerr_set(e, -EINVAL, src, lineno, "%s %s: bad address", s->module, s->name);
	return 0;
}

int module_sections_parse(const char *buf, size_t len, const char *src, struct module_sections *out,
			  struct kerr *e)
{
	struct line_iter it;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	return records_parse(&it, src, sizeof(*out->v), parse_line, &out->v, &out->n, e);
}

void module_sections_free(struct module_sections *s)
{
	if (!s)
		return;
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Parser for /proc/modules; the format is in modules.h. */
#include "modules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"
#include "parse/records.h"

static int parse_line(const char *line, size_t len, const char *src,
		      long lineno, void *rec, struct kerr *e)
{
	struct kmodule *m = rec;
	struct field f[8];
	int nf = fields_split(line, len, f, 8);

	if (nf < 6 || nf > 7)
		return kerr_set(e, -EINVAL, src, lineno,
				"expected 6 or 7 fields, got %d", nf);
	if (f[0].len >= sizeof(m->name) || f[4].len >= sizeof(m->state))
		return kerr_set(e, -EINVAL, src, lineno, "name too long");
	memset(m, 0, sizeof(*m));
	m->line = lineno;
	field_copy(m->name, sizeof(m->name), &f[0]);
	field_copy(m->state, sizeof(m->state), &f[4]);
	if (num_u64(f[1].s, f[1].len, &m->size))
		return kerr_set(e, -EINVAL, src, lineno, "%s: bad size",
				m->name);
	if (field_eq(&f[2], "-"))
		m->refcount = -1;
	else if (num_i64(f[2].s, f[2].len, &m->refcount) || m->refcount < 0)
		return kerr_set(e, -EINVAL, src, lineno, "%s: bad refcount",
				m->name);
	if (num_hex_u64(f[5].s, f[5].len, &m->addr))
		return kerr_set(e, -EINVAL, src, lineno, "%s: bad address",
				m->name);
	if (nf == 7) {
		if (f[6].len < 2 || f[6].s[0] != '(' ||
		    f[6].s[f[6].len - 1] != ')' ||
		    f[6].len - 2 >= sizeof(m->taints))
			return kerr_set(e, -EINVAL, src, lineno,
					"%s: bad taint flags", m->name);
		memcpy(m->taints, f[6].s + 1, f[6].len - 2);
	}
	return 0;
}

int modules_parse(const char *buf, size_t len, const char *src,
		  struct modules *out, struct kerr *e)
{
	struct line_iter it;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	return records_parse(&it, src, sizeof(*out->v), parse_line, &out->v,
			     &out->n, e);
}

const struct kmodule *modules_find(const struct modules *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].name, name))
			return &m->v[i];
	return NULL;
}

void modules_free(struct modules *m)
{
	if (!m)
		return;
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

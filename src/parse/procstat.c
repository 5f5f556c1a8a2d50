// SPDX-License-Identifier: GPL-2.0
/* Parser for /proc/stat's counters; the format is in procstat.h. */
#include "procstat.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

/* The counter a line's first word names, or NULL. */
static uint64_t *slot(struct procstat *o, const struct field *name)
{
	if (field_eq(name, "processes")) {
		o->has_processes = true;
		return &o->processes;
	}
	if (field_eq(name, "procs_running"))
		return &o->procs_running;
	if (field_eq(name, "procs_blocked"))
		return &o->procs_blocked;
	if (field_eq(name, "ctxt"))
		return &o->ctxt;
	return NULL;
}

int procstat_parse(const char *buf, size_t len, const char *src, struct procstat *out,
		   struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t n;
	int r;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	while ((r = line_next_capped(&it, &line, &n, src, e)) > 0) {
		struct field f[3];
		int nf = fields_split(line, n, f, 3);
		uint64_t *v = nf ? slot(out, &f[0]) : NULL;

		if (!v)
			continue;
		if (nf != 2 || num_u64(f[1].s, f[1].len, v))
			return kerr_set(e, -EINVAL, src, it.lineno, "%.*s: expected one number",
					(int)f[0].len, f[0].s);
	}
	if (!r && !out->has_processes)
		r = kerr_set(e, -ENODATA, src, 0, "no 'processes' line");
	return r;
}

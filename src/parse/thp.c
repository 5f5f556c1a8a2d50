// SPDX-License-Identifier: GPL-2.0
/* Parser for partially mapped THPs per size; the format is in thp.h. */
#include "thp.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

static int thp_line(struct thp *t, const char *line, size_t len, const char *src, long lineno,
		    struct kerr *e)
{
	struct field f[3];
	int nf = fields_split(line, len, f, 3);
	uint64_t kb, n, bytes;

	if (!nf)
		return 0;
	if (nf != 2 || f[0].len < 3 || memcmp(f[0].s + f[0].len - 2, "kB", 2) ||
	    num_u64(f[0].s, f[0].len - 2, &kb) || num_u64(f[1].s, f[1].len, &n))
		return kerr_set(e, -EINVAL, src, lineno, "expected '<size>kB <folios>'");
	if (!num_mul_u64(kb, 1024, &bytes) || !num_mul_u64(bytes, n, &bytes) ||
	    !num_add_u64(t->partial_bytes, bytes, &t->partial_bytes) ||
	    !num_add_u64(t->partial_folios, n, &t->partial_folios))
		return kerr_set(e, -ERANGE, src, lineno, "overflows");
	return 0;
}

int thp_parse(const char *buf, size_t len, const char *src, struct thp *out, struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t n;
	int r;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	while ((r = line_next_capped(&it, &line, &n, src, e)) > 0)
		if ((r = thp_line(out, line, n, src, it.lineno, e)))
			return r;
	return r;
}

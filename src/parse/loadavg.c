// SPDX-License-Identifier: GPL-2.0
/* Parser for /proc/loadavg; the format is in loadavg.h. */
#include "loadavg.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

int loadavg_parse(const char *buf, size_t len, const char *src, struct loadavg *out, struct kerr *e)
{
	struct line_iter it;
	struct field f[6];
	const char *line, *slash;
	size_t n;
	int r, nf;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	r = line_next_capped(&it, &line, &n, src, e);
	if (r < 0)
		return r;
	if (!r)
		return kerr_set(e, -ENODATA, src, 0, "empty");
	nf = fields_split(line, n, f, 6);
	if (nf != 5)
		return kerr_set(e, -EINVAL, src, 1, "expected 5 fields, got %d", nf);
	slash = memchr(f[3].s, '/', f[3].len);
	if (num_double(f[0].s, f[0].len, &out->avg1) || num_double(f[1].s, f[1].len, &out->avg5) ||
	    num_double(f[2].s, f[2].len, &out->avg15) || out->avg1 < 0 || out->avg5 < 0 ||
	    out->avg15 < 0)
		return kerr_set(e, -EINVAL, src, 1, "bad load average");
	if (!slash || num_u64(f[3].s, (size_t)(slash - f[3].s), &out->running) ||
	    num_u64(slash + 1, f[3].len - (size_t)(slash + 1 - f[3].s), &out->tasks))
		return kerr_set(e, -EINVAL, src, 1, "expected runnable/total, got '%.*s'",
				(int)(f[3].len > 40 ? 40 : f[3].len), f[3].s);
	if (num_u64(f[4].s, f[4].len, &out->last_pid))
		return kerr_set(e, -EINVAL, src, 1, "bad last pid");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Parser for /proc/slabinfo 2.1; the format and memory formula in slabinfo.h. */
#include "slabinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"
#include "parse/records.h"

#define SLABINFO_FIELDS 16

static int parse_header(struct line_iter *it, const char *src, struct kerr *e)
{
	const char *line, *v;
	size_t len, vl;
	static const char want[] = "slabinfo - version: ";

	if (!line_next(it, &line, &len))
		return kerr_set(e, -ENODATA, src, 0, "empty");
	if (len < sizeof(want) - 1 || memcmp(line, want, sizeof(want) - 1))
		return kerr_set(e, -EINVAL, src, it->lineno,
				"not a slabinfo file (expected '%s2.1')", want);
	v = line + sizeof(want) - 1;
	vl = len - (sizeof(want) - 1);
	if (vl == 3 && !memcmp(v, "2.1", 3))
		return 0;
	if (num_is_version(v, vl)) /* quoted only when it is one */
		return kerr_set(e, -EPROTONOSUPPORT, src, it->lineno,
				"unsupported slabinfo version '%.*s' (need 2.1)", (int)vl, v);
	return kerr_set(e, -EPROTONOSUPPORT, src, it->lineno,
			"unsupported slabinfo version (need 2.1)");
}

static int parse_cache(const char *line, size_t len, const char *src, long lineno, void *rec,
		       struct kerr *e)
{
	struct slab_cache *c = rec;
	static const int numidx[] = { 1, 2, 3, 4, 5, 8, 9, 10, 13, 14, 15 };
	struct field f[SLABINFO_FIELDS + 1];
	uint64_t *dst[11];
	int nf;

	if (line[0] == '#') /* the column header */
		return RECORD_SKIP;
	nf = fields_split(line, len, f, SLABINFO_FIELDS + 1);

	/* SLAB with statistics appends ": globalstat ..." and ": cpustat ...". */
	if (nf < SLABINFO_FIELDS || (nf > SLABINFO_FIELDS && !field_eq(&f[SLABINFO_FIELDS], ":")))
		return kerr_set(e, -EINVAL, src, lineno, "expected %d fields, got %d",
				SLABINFO_FIELDS, nf);
	if (!field_eq(&f[6], ":") || !field_eq(&f[7], "tunables") || !field_eq(&f[11], ":") ||
	    !field_eq(&f[12], "slabdata"))
		return kerr_set(e, -EINVAL, src, lineno,
				"expected ': tunables' and ': slabdata' markers");
	if (f[0].len >= sizeof(c->name))
		return kerr_set(e, -EINVAL, src, lineno, "cache name too long");
	memset(c, 0, sizeof(*c));
	field_copy(c->name, sizeof(c->name), &f[0]);
	c->line = lineno;
	dst[0] = &c->active_objs, dst[1] = &c->num_objs, dst[2] = &c->objsize;
	dst[3] = &c->objperslab, dst[4] = &c->pagesperslab, dst[5] = &c->limit;
	dst[6] = &c->batchcount, dst[7] = &c->sharedfactor;
	dst[8] = &c->active_slabs, dst[9] = &c->num_slabs;
	dst[10] = &c->sharedavail;
	for (int i = 0; i < 11; i++) {
		const struct field *x = &f[numidx[i]];

		if (num_u64(x->s, x->len, dst[i]))
			return kerr_set(e, -EINVAL, src, lineno, "field %d is not a valid number",
					numidx[i] + 1);
	}
	return 0;
}

int slabinfo_parse(const char *buf, size_t len, const char *src, struct slabinfo *out,
		   struct kerr *e)
{
	struct line_iter it;
	int r;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	r = parse_header(&it, src, e);
	if (r)
		return r;
	return records_parse(&it, src, sizeof(*out->v), parse_cache, &out->v, &out->n, e);
}

void slabinfo_free(struct slabinfo *si)
{
	if (!si)
		return;
	free(si->v);
	si->v = NULL;
	si->n = 0;
}

uint64_t slab_cache_bytes(const struct slab_cache *c, uint64_t page_size)
{
	uint64_t pages, bytes;

	if (!num_mul_u64(c->num_slabs, c->pagesperslab, &pages) ||
	    !num_mul_u64(pages, page_size, &bytes))
		return UINT64_MAX;
	return bytes;
}

uint64_t slab_cache_objects_bytes(const struct slab_cache *c)
{
	uint64_t bytes;

	return num_mul_u64(c->active_objs, c->objsize, &bytes) ? bytes : UINT64_MAX;
}

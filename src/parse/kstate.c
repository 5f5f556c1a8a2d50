// SPDX-License-Identifier: GPL-2.0
/* The kernel's object counters: dentry-state, inode-state, sockstat; see kstate.h. */
#include "kstate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

/* The first line's whitespace-separated numbers, at least min of them. */
static int numbers(const char *buf, size_t len, const char *src, uint64_t *v, int max, int min,
		   int *got, struct kerr *e)
{
	struct line_iter it;
	struct field f[8];
	const char *line;
	size_t ll;
	int n;

	line_iter_init(&it, buf, len);
	if (!line_next(&it, &line, &ll))
		return kerr_set(e, -EINVAL, src, 1, "empty");
	n = fields_split(line, ll, f, 8);
	if (n < min)
		return kerr_set(e, -EINVAL, src, 1, "expected at least %d numbers, got %d", min, n);
	for (int i = 0; i < n && i < max; i++)
		if (num_u64(f[i].s, f[i].len, &v[i]))
			return kerr_set(e, -EINVAL, src, 1, "field %d is not a number", i + 1);
	*got = n;
	return 0;
}

int kstate_parse_dentry(const char *buf, size_t len, const char *src, struct kstate *k,
			struct kerr *e)
{
	uint64_t v[6] = { 0 };
	int n, r = numbers(buf, len, src, v, 6, 2, &n, e);

	if (r)
		return r;
	k->have_dentry = true;
	k->nr_dentry = v[0];
	k->nr_unused_dentry = v[1];
	k->have_negative = n >= 5;
	k->nr_negative = v[4];
	return 0;
}

int kstate_parse_inode(const char *buf, size_t len, const char *src, struct kstate *k,
		       struct kerr *e)
{
	uint64_t v[7] = { 0 };
	int n, r = numbers(buf, len, src, v, 7, 2, &n, e);

	if (r)
		return r;
	k->have_inode = true;
	k->nr_inodes = v[0];
	k->nr_unused_inodes = v[1];
	return 0;
}

int kstate_parse_sockstat(const char *buf, size_t len, const char *src, struct kstate *k,
			  struct kerr *e)
{
	struct line_iter it;
	struct field f[4];
	const char *line;
	size_t ll;

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line, &ll)) {
		if (fields_split(line, ll, f, 4) < 3 || !field_eq(&f[0], "sockets:") ||
		    !field_eq(&f[1], "used"))
			continue;
		if (num_u64(f[2].s, f[2].len, &k->sockets_used))
			return kerr_set(e, -EINVAL, src, it.lineno,
					"'sockets: used' is not a number");
		k->have_sockets = true;
		return 0;
	}
	return kerr_set(e, -EINVAL, src, 0, "no 'sockets: used N' line");
}

/* "ID:CONTROLLERS:PATH": whether CONTROLLERS names ctl (a comma list). */
static bool names(const char *c, size_t n, const char *ctl)
{
	size_t l = strlen(ctl);

	for (const char *p = c; p < c + n;) {
		const char *q = memchr(p, ',', (size_t)(c + n - p));
		size_t w = q ? (size_t)(q - p) : (size_t)(c + n - p);

		if (w == l && !memcmp(p, ctl, l))
			return true;
		p += w + 1;
	}
	return false;
}

bool kstate_parse_proc_cgroup(const char *buf, size_t len, char *out, size_t outlen)
{
	struct line_iter it;
	const char *line, *c1, *c2;
	size_t ll;
	bool found = false;

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line, &ll)) {
		c1 = memchr(line, ':', ll);
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(line + ll - c1 - 1)) : NULL;
		if (!c2)
			continue;
		if (names(c1 + 1, (size_t)(c2 - c1 - 1), "memory") || (!found && c2 == c1 + 1)) {
			snprintf(out, outlen, "%.*s", (int)(line + ll - c2 - 1), c2 + 1);
			found = true;
			if (c2 != c1 + 1)
				return true; /* the memory controller's: it wins */
		}
	}
	return found;
}

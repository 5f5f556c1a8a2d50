// SPDX-License-Identifier: GPL-2.0
/* Parser for /proc/self/mountinfo, keeping cgroup mounts; see mountinfo.h. */
#include "mountinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/vec.h"

#define MI_MAX_FIELDS 64

/* Undoes the kernel's \ooo escaping (show_mountinfo's mangle). */
static int unescape(const struct field *f, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < f->len; i++) {
		char c = f->s[i];

		if (c == '\\' && i + 3 < f->len && f->s[i + 1] >= '0' && f->s[i + 1] <= '3' &&
		    f->s[i + 2] >= '0' && f->s[i + 2] <= '7' && f->s[i + 3] >= '0' &&
		    f->s[i + 3] <= '7') {
			c = (char)((f->s[i + 1] - '0') * 64 + (f->s[i + 2] - '0') * 8 +
				   (f->s[i + 3] - '0'));
			i += 3;
		}
		if (c == '\0' || o + 1 >= outlen)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* Whether the comma-separated options hold word. */
static bool has_option(const struct field *f, const char *word)
{
	size_t wl = strlen(word), i = 0;

	while (i < f->len) {
		size_t j = i;

		while (j < f->len && f->s[j] != ',')
			j++;
		if (j - i == wl && !memcmp(f->s + i, word, wl))
			return true;
		i = j + 1;
	}
	return false;
}

static int parse_line(const char *line, size_t len, const char *src, long lineno,
		      struct cgroup_mount *m, bool *keep, struct kerr *e)
{
	struct field f[MI_MAX_FIELDS];
	int nf = fields_split(line, len, f, MI_MAX_FIELDS), dash = -1;

	*keep = false;
	if (nf > MI_MAX_FIELDS)
		return kerr_set(e, -EINVAL, src, lineno, "more than %d fields", MI_MAX_FIELDS);
	for (int i = 6; i < nf; i++)
		if (field_eq(&f[i], "-")) {
			dash = i;
			break;
		}
	if (nf < 10 || dash < 0 || nf - dash != 4)
		return kerr_set(
			e, -EINVAL, src, lineno,
			"expected 'id parent dev root point options ... - type source options', got %d fields",
			nf);
	if (!field_eq(&f[dash + 1], "cgroup") && !field_eq(&f[dash + 1], "cgroup2"))
		return 0;
	memset(m, 0, sizeof(*m));
	m->version = field_eq(&f[dash + 1], "cgroup2") ? 2 : 1;
	m->memory = m->version == 1 && has_option(&f[dash + 3], "memory");
	m->line = lineno;
	field_copy(m->dev, sizeof(m->dev), &f[2]);
	if (unescape(&f[3], m->root, sizeof(m->root)) ||
	    unescape(&f[4], m->point, sizeof(m->point)) || m->root[0] != '/' || m->point[0] != '/')
		return kerr_set(e, -EINVAL, src, lineno,
				"bad root or mount point of a cgroup mount");
	*keep = true;
	return 0;
}

int mountinfo_parse(const char *buf, size_t len, const char *src, struct cgroup_mounts *out,
		    struct kerr *e)
{
	struct line_iter it;
	struct cgroup_mount *m = NULL;
	const char *line;
	size_t llen, cap = 0;
	int r;

	memset(out, 0, sizeof(*out));
	m = malloc(sizeof(*m));
	if (!m)
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	line_iter_init(&it, buf, len);
	while ((r = line_next_capped(&it, &line, &llen, src, e)) > 0) {
		bool keep;

		if (!llen)
			continue;
		r = parse_line(line, llen, src, it.lineno, m, &keep, e);
		if (r)
			break;
		if (keep && vec_push(&out->v, &out->n, &cap, sizeof(*m), m)) {
			r = kerr_set(e, -ENOMEM, src, it.lineno, "out of memory");
			break;
		}
	}
	free(m);
	if (r)
		mountinfo_free(out);
	return r;
}

void mountinfo_free(struct cgroup_mounts *m)
{
	if (!m)
		return;
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

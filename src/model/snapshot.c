// SPDX-License-Identifier: GPL-2.0
/* Taking a snapshot of the kernel's memory sources and parsing them. */
#include "snapshot.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "util/num.h"

static void parse_source(struct snapshot *s, enum source_id id)
{
	const char *src;
	char name[300];
	struct buf *b = &s->raw[id];
	struct kerr *e = &s->err[id];
	int r = 0;

	if (s->dir)
		snprintf(name, sizeof(name), "%s/%s", s->dir,
			 source_descs[id].name);
	else
		snprintf(name, sizeof(name), "%s", source_descs[id].live_path);
	src = name;
	switch (id) {
	case SRC_MEMINFO:
		r = meminfo_parse(b->data, b->len, src, &s->meminfo, e);
		break;
	case SRC_SLABINFO:
		r = slabinfo_parse(b->data, b->len, src, &s->slabinfo, e);
		break;
	case SRC_MODULES:
		r = modules_parse(b->data, b->len, src, &s->modules, e);
		break;
	case SRC_SLAB_ALIASES:
		r = slab_aliases_parse(b->data, b->len, src, &s->aliases, e);
		break;
	default:
		break;
	}
	s->status[id] = r ? SOURCE_BAD : SOURCE_OK;
}

static void take_meta_live(struct snapshot *s)
{
	struct utsname u;
	struct timespec ts;

	if (!uname(&u)) {
		snprintf(s->release, sizeof(s->release), "%s", u.release);
		snprintf(s->hostname, sizeof(s->hostname), "%s", u.nodename);
	}
	s->time_s = (int64_t)time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->mono_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	s->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
}

static void take_meta_dir(struct snapshot *s)
{
	char path[PATH_MAX];
	struct buf b = { 0 };
	struct kerr e;

	/* A directory made with cp has no meta: assume this machine's page. */
	s->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof(path), "%s/meta", s->dir);
	if (!buf_read_file(&b, path, 1 << 20, &e))
		snapshot_meta_parse(b.data, b.len, path, s, &e);
	buf_free(&b);
}

void snapshot_take(struct snapshot *s, const char *dir, unsigned which)
{
	memset(s, 0, sizeof(*s));
	s->dir = dir;
	if (dir)
		take_meta_dir(s);
	else
		take_meta_live(s);
	for (int i = 0; i < SRC_COUNT; i++) {
		if (which && !(which & (1u << i)))
			continue;
		if (source_read(dir, (enum source_id)i, &s->raw[i], &s->err[i])) {
			s->status[i] = SOURCE_MISSING;
			continue;
		}
		parse_source(s, (enum source_id)i);
	}
}

const struct kerr *snapshot_fatal(const struct snapshot *s)
{
	for (int i = 0; i < SRC_COUNT; i++)
		if (s->status[i] == SOURCE_BAD)
			return &s->err[i];
	return NULL;
}

bool snapshot_has(const struct snapshot *s, enum source_id id)
{
	return s->status[id] == SOURCE_OK;
}

void snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	for (int i = 0; i < SRC_COUNT; i++)
		buf_free(&s->raw[i]);
	meminfo_free(&s->meminfo);
	slabinfo_free(&s->slabinfo);
	modules_free(&s->modules);
	slab_aliases_free(&s->aliases);
}

int snapshot_meta_render(const struct snapshot *s, struct buf *out)
{
	return buf_printf(out,
			  "kleak_snapshot=1\nrelease=%s\nhostname=%s\n"
			  "time=%lld\npage_size=%llu\n",
			  s->release, s->hostname, (long long)s->time_s,
			  (unsigned long long)s->page_size);
}

int snapshot_meta_parse(const char *buf, size_t len, const char *src,
			struct snapshot *s, struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t llen;

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line, &llen)) {
		const char *eq = memchr(line, '=', llen);
		size_t klen, vlen;
		const char *v;
		uint64_t u;
		int64_t t;

		if (!llen || line[0] == '#')
			continue;
		if (!eq)
			return kerr_set(e, -EINVAL, src, it.lineno,
					"expected key=value");
		klen = (size_t)(eq - line);
		v = eq + 1;
		vlen = llen - klen - 1;
		if (klen == 7 && !memcmp(line, "release", 7))
			snprintf(s->release, sizeof(s->release), "%.*s",
				 (int)vlen, v);
		else if (klen == 8 && !memcmp(line, "hostname", 8))
			snprintf(s->hostname, sizeof(s->hostname), "%.*s",
				 (int)vlen, v);
		else if (klen == 4 && !memcmp(line, "time", 4) &&
			 !num_i64(v, vlen, &t))
			s->time_s = t;
		else if (klen == 9 && !memcmp(line, "page_size", 9) &&
			 !num_u64(v, vlen, &u) && u >= 4096 && u <= (1 << 20))
			s->page_size = u;
	}
	return 0;
}

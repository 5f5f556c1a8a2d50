// SPDX-License-Identifier: GPL-2.0
/* Parser for a sample's key=value metadata; see meta.h. */
#include "meta.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

static bool key_is(const char *k, size_t klen, const char *want)
{
	return klen == strlen(want) && !memcmp(k, want, klen);
}

/* The kernel log reader's counters (source/klog.h). */
static void kmsg_field(struct meta *m, const char *k, size_t klen, uint64_t u)
{
	if (key_is(k, klen, "kmsg_cursor")) {
		m->has_kmsg = true;
		m->kmsg_cursor = u;
	} else if (key_is(k, klen, "kmsg_first_seq")) {
		m->kmsg_first_seq = u;
	} else if (key_is(k, klen, "kmsg_next_seq")) {
		m->has_kmsg_seq = true;
		m->kmsg_next_seq = u;
	} else if (key_is(k, klen, "kmsg_records")) {
		m->kmsg_records = u;
	} else if (key_is(k, klen, "kmsg_lost")) {
		m->kmsg_lost = u;
	} else if (key_is(k, klen, "kmsg_overruns")) {
		m->kmsg_overruns = u;
	} else if (key_is(k, klen, "kmsg_restarted")) {
		m->kmsg_restarted = u != 0;
	}
}

/* One line "key=value" (klen bytes of key, vlen of value) into m. */
static void meta_field(struct meta *m, const char *k, size_t klen, const char *v, size_t vlen)
{
	uint64_t u;

	if (key_is(k, klen, "release")) {
		snprintf(m->release, sizeof(m->release), "%.*s", (int)vlen, v);
	} else if (key_is(k, klen, "hostname")) {
		snprintf(m->hostname, sizeof(m->hostname), "%.*s", (int)vlen, v);
	} else if (key_is(k, klen, "time")) {
		if (num_i64(v, vlen, &m->time_s))
			m->time_s = 0;
	} else if (key_is(k, klen, "boot_id")) {
		snprintf(m->boot_id, sizeof(m->boot_id), "%.*s", (int)vlen, v);
	} else if (key_is(k, klen, "wall_ns")) {
		if (num_i64(v, vlen, &m->wall_ns))
			m->wall_ns = 0;
	} else if (key_is(k, klen, "kleak_recording")) {
		m->has_recording = true;
		m->recording = num_u64(v, vlen, &u) ? 0 : u;
	} else if (num_u64(v, vlen, &u)) {
		return; /* unknown, or not a number: unset */
	} else if (key_is(k, klen, "page_size")) {
		m->page_size = u;
	} else if (key_is(k, klen, "mono_ns")) {
		m->mono_ns = u;
	} else if (key_is(k, klen, "interval_ns")) {
		m->interval_ns = u;
	} else if (key_is(k, klen, "leak_window_ns")) {
		m->leak_window_ns = u;
	} else if (key_is(k, klen, "sample")) {
		m->sample = u;
	} else {
		kmsg_field(m, k, klen, u);
	}
}

int meta_parse(const char *buf, size_t len, const char *src, struct meta *m, struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t llen;
	int r;

	memset(m, 0, sizeof(*m));
	line_iter_init(&it, buf, len);
	while ((r = line_next_capped(&it, &line, &llen, src, e)) > 0) {
		const char *eq = memchr(line, '=', llen);
		size_t klen;

		if (!llen || line[0] == '#')
			continue;
		if (!eq)
			return kerr_set(e, -EINVAL, src, it.lineno, "expected key=value");
		klen = (size_t)(eq - line);
		meta_field(m, line, klen, eq + 1, llen - klen - 1);
	}
	return r;
}

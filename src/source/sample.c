// SPDX-License-Identifier: GPL-2.0
/* Reading a sample from the live kernel or a snapshot directory; see sample.h. */
#include "sample.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "source/klog.h"
#include "util/clock.h"
#include "util/input.h"

/*
 * The live metadata, rendered as a snapshot's meta file, before the
 * sources: mono_ns is when the sample started.
 */
static void read_meta_live(struct sample *s)
{
	struct utsname u;
	struct buf id = { 0 };
	struct kerr e;
	int64_t wall = clock_wall_ns();
	uint64_t mono = clock_mono_ns();

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	/* the boot a kernel log cursor belongs to: sequence numbers restart */
	if (buf_read_file(&id, "/proc/sys/kernel/random/boot_id", 64, &e) || id.len < 36)
		buf_reset(&id);
	else
		id.data[36] = '\0';
	buf_reset(&s->meta);
	s->have_meta = !buf_printf(&s->meta,
				   "kleak_snapshot=1\nrelease=%s\nhostname=%s\n"
				   "time=%lld\npage_size=%ld\nmono_ns=%llu\nwall_ns=%lld\n%s%s%s",
				   u.release, u.nodename, (long long)(wall / 1000000000LL),
				   sysconf(_SC_PAGESIZE), (unsigned long long)mono, (long long)wall,
				   id.len ? "boot_id=" : "", id.len ? id.data : "",
				   id.len ? "\n" : "");
	buf_free(&id);
}

void sample_reset(struct sample *s, enum sample_origin origin, const char *path)
{
	s->origin = origin;
	snprintf(s->path, sizeof(s->path), "%s", path ? path : "");
	s->seq = s->offset = 0;
	kerr_clear(&s->bad);
	buf_reset(&s->meta);
	s->have_meta = false;
	s->kmsg_file[0] = '\0';
	for (int i = 0; i < SRC_COUNT; i++) {
		s->have[i] = false;
		kerr_clear(&s->err[i]);
	}
}

static void read_one(struct sample *s, const char *dir, enum source_id id)
{
	kerr_clear(&s->err[id]);
	if (dir) {
		s->have[id] = !source_read(dir, id, &s->raw[id], &s->err[id]);
		return;
	}
	s->live.meta = &s->meta;
	s->have[id] = !source_read_live(id, &s->raw[id], &s->live, &s->err[id]);
	s->live.meta = NULL;
}

void sample_read_live(struct sample *s, unsigned mask)
{
	sample_reset(s, SAMPLE_LIVE, NULL);
	read_meta_live(s);
	for (int i = 0; i < SRC_COUNT; i++)
		if ((mask & SRC_BIT(i)) && !source_descs[i].composed)
			read_one(s, NULL, (enum source_id)i);
}

void sample_add_live(struct sample *s, enum source_id id)
{
	read_one(s, NULL, id);
}

/*
 * A file of DIR that exists but is refused (a FIFO, a device, a symlink
 * out of DIR, over its cap: util/input.h) stops the command, as a file
 * that does not parse does: it is kept in s->bad.
 */
static void note_refused(struct sample *s, const struct kerr *e)
{
	if (input_refused(e->code) && !s->bad.code)
		s->bad = *e;
}

int sample_read_kmsg_file(struct sample *s, const char *path, struct kerr *e)
{
	int r = klog_read_file(path, &s->raw[SRC_KMSG], e);

	s->have[SRC_KMSG] = !r;
	kerr_clear(&s->err[SRC_KMSG]);
	if (r)
		s->err[SRC_KMSG] = *e;
	snprintf(s->kmsg_file, sizeof(s->kmsg_file), "%s",
		 strcmp(path, "-") ? path : "standard input");
	return r;
}

void sample_read_dir(struct sample *s, const char *dir, unsigned mask)
{
	struct kerr e = { 0 };
	int dfd, r;

	sample_reset(s, SAMPLE_DIR, dir);
	if (strlen(dir) >= sizeof(s->path))
		kerr_set(&s->bad, -ENAMETOOLONG, dir, 0, "path too long");
	dfd = s->bad.code ? -1 : input_open_dir(dir, &e);
	for (int i = 0; i < SRC_COUNT; i++) {
		if (!(mask & SRC_BIT(i)))
			continue;
		if (dfd < 0) {
			s->err[i] = s->bad.code ? s->bad : e;
			continue;
		}
		r = source_read_at(dfd, s->path, (enum source_id)i, &s->raw[i], &s->err[i]);
		s->have[i] = !r;
		if (r)
			note_refused(s, &s->err[i]);
	}
	if (dfd < 0)
		return;
	r = input_read_at(&s->meta, dfd, s->path, "meta", SAMPLE_META_CAP, &e);
	s->have_meta = !r;
	if (r)
		note_refused(s, &e);
	close(dfd);
}

void sample_free(struct sample *s)
{
	if (!s)
		return;
	buf_free(&s->meta);
	for (int i = 0; i < SRC_COUNT; i++)
		buf_free(&s->raw[i]);
	memset(s, 0, sizeof(*s));
}

const char *sample_src(const struct sample *s, enum source_id id, char *buf, size_t len)
{
	const char *name = id < SRC_COUNT ? source_descs[id].name : NULL;

	if (id == SRC_KMSG && s->kmsg_file[0]) {
		snprintf(buf, len, "%s", s->kmsg_file);
		return buf;
	}
	switch (s->origin) {
	case SAMPLE_LIVE:
		snprintf(buf, len, "%s", name ? source_descs[id].live_path : "/proc");
		break;
	case SAMPLE_DIR:
		snprintf(buf, len, "%s%s%s", s->path, name ? "/" : "", name ? name : "");
		break;
	case SAMPLE_RECORDING:
		snprintf(buf, len, "%s:sample-%06llu%s%s", s->path, (unsigned long long)s->seq,
			 name ? "/" : "", name ? name : "");
		break;
	}
	return buf;
}

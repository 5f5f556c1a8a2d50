// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing a sample into a snapshot: its metadata, then each source with
 * its parser (the one switch from source to parser); see snapshot.h.
 */
#include "snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parse/meta.h"
#include "parse/vmstat.h"
#include "source/recording.h"

static bool page_size_ok(uint64_t v)
{
	return v >= 4096 && v <= (1 << 20) && !(v & (v - 1));
}

/*
 * A recording's sample must say its format version, and a page size that
 * is one: anything else is a damaged file (or a newer kleak's), an error
 * naming the byte offset as the decoder's errors do.
 */
static int check_recording_meta(const struct sample *s, const struct meta *m, const struct kerr *pe,
				int pr, struct kerr *e)
{
	const char *what = NULL;

	if (pr)
		what = pe->msg;
	else if (!m->has_recording)
		return kerr_set(
			e, -EINVAL, s->path, 0,
			"offset %llu: sample %llu: meta without kleak_recording (corrupt recording)",
			(unsigned long long)s->offset, (unsigned long long)s->seq);
	else if (!m->recording)
		what = "bad kleak_recording";
	else if (m->page_size && !page_size_ok(m->page_size))
		what = "bad page_size";
	if (what)
		return kerr_set(e, -EINVAL, s->path, 0,
				"offset %llu: sample %llu: meta: %s (corrupt recording)",
				(unsigned long long)s->offset, (unsigned long long)s->seq, what);
	if (m->recording > RECORDING_VERSION)
		return kerr_set(
			e, -EPROTONOSUPPORT, s->path, 0,
			"offset %llu: recording format version %llu is newer than this kleak's (%d)",
			(unsigned long long)s->offset, (unsigned long long)m->recording,
			RECORDING_VERSION);
	return 0;
}

/*
 * The metadata. A snapshot directory may have no meta (made with cp) or a
 * damaged one: what parses is used, and the page size is this machine's
 * unless it says otherwise. A recorder without a monotonic clock has only
 * the wall clock: samples are placed by it.
 */
static int parse_meta(struct snapshot *snap, const struct sample *s, struct kerr *e)
{
	struct meta m = { 0 };
	struct kerr pe = { 0 };
	char src[PATH_MAX + 64];
	int r = 0;

	if (s->have_meta) {
		snprintf(src, sizeof(src), "%s/meta", snap->from[0] ? snap->from : "live");
		r = meta_parse(s->meta.data, s->meta.len, src, &m, &pe);
	}
	if (s->origin == SAMPLE_RECORDING) {
		r = check_recording_meta(s, &m, &pe, r, e);
		if (r)
			return r;
	}
	snprintf(snap->release, sizeof(snap->release), "%s", m.release);
	snprintf(snap->hostname, sizeof(snap->hostname), "%s", m.hostname);
	snap->time_s = m.time_s;
	snap->mono_ns = m.mono_ns;
	if (!snap->mono_ns && m.time_s > 0)
		snap->mono_ns = (uint64_t)m.time_s * 1000000000ULL;
	snap->interval_ns = m.interval_ns;
	snap->leak_window_ns = m.leak_window_ns;
	snap->wall_ns = m.wall_ns ? m.wall_ns : m.time_s * 1000000000LL;
	snprintf(snap->boot_id, sizeof(snap->boot_id), "%s", m.boot_id);
	snap->kmsg_read_live = m.has_kmsg && !s->kmsg_file[0];
	snap->kmsg_has_seq = m.has_kmsg_seq;
	snap->kmsg_cursor = m.kmsg_cursor;
	snap->kmsg_first_seq = m.kmsg_first_seq;
	snap->kmsg_next_seq = m.kmsg_next_seq;
	snap->kmsg_records = m.kmsg_records;
	snap->kmsg_lost = m.kmsg_lost;
	snap->kmsg_overruns = m.kmsg_overruns;
	snap->kmsg_restarted = m.kmsg_restarted;
	/* the records of this sample are of the boot it was taken in */
	if (snap->wall_ns && m.mono_ns && !s->kmsg_file[0])
		snap->boot_wall_ns = snap->wall_ns - (int64_t)m.mono_ns;
	snap->page_size = page_size_ok(m.page_size) ? m.page_size : (uint64_t)sysconf(_SC_PAGESIZE);
	return 0;
}

/* Frees what the parser of source id made. */
static void free_source(struct snapshot *snap, enum source_id id)
{
	switch (id) {
	case SRC_MEMINFO:
		meminfo_free(&snap->meminfo);
		break;
	case SRC_SLABINFO:
		slabinfo_free(&snap->slabinfo);
		break;
	case SRC_MODULES:
		modules_free(&snap->modules);
		break;
	case SRC_SLAB_ALIASES:
		slab_aliases_free(&snap->aliases);
		break;
	case SRC_ALLOCINFO:
		allocinfo_free(&snap->allocinfo);
		break;
	case SRC_VMSTAT:
		meminfo_free(&snap->vmstat);
		break;
	case SRC_MODULE_SECTIONS:
		module_sections_free(&snap->sections);
		break;
	case SRC_CGROUPS:
		cgroup_set_free(&snap->cgroups);
		break;
	case SRC_KMSG:
		klog_log_free(&snap->klog);
		break;
	case SRC_LOADAVG: /* plain structs */
	case SRC_STAT:
	case SRC_THP:
	case SRC_ZONEINFO:
	case SRC_VMALLOCINFO: /* raw: walked by the analyses */
	case SRC_KALLSYMS:
	case SRC_KMEMLEAK:
	case SRC_COUNT:
		break;
	}
}

/*
 * The kernel log as of when the sample was taken: a report still being
 * printed then is `open` (a live read, or a recording's, whose cursor
 * skipped ahead of it only that far). A snapshot directory or a saved
 * file is read as a file: nothing is open.
 */
static int parse_klog(struct snapshot *snap, const struct buf *b, const char *src, struct kerr *e)
{
	struct klog_parse_opts o = { 0 };
	const struct sample *s = snap->sample;
	struct tm tm;
	time_t now;

	if (s->origin != SAMPLE_DIR && !snap->kmsg_file[0])
		o.now_mono_ns = snap->mono_ns;
	o.now_wall_ns = snap->kmsg_file[0] || !snap->wall_ns ? (int64_t)time(NULL) * 1000000000LL
							     : snap->wall_ns;
	now = (time_t)(o.now_wall_ns / 1000000000LL);
	/* year-less, zone-less stamps of saved logs are the reader's local time */
	if (localtime_r(&now, &tm))
		o.utc_offset_s = tm.tm_gmtoff;
	return klog_parse(b->data, b->len, src, &o, &snap->klog, e);
}

/* The one switch from a source to its parser. */
static int parse_source(struct snapshot *snap, enum source_id id, const char *src, struct kerr *e)
{
	const struct buf *b = &snap->raw[id];

	switch (id) {
	case SRC_MEMINFO:
		return meminfo_parse(b->data, b->len, src, &snap->meminfo, e);
	case SRC_SLABINFO:
		return slabinfo_parse(b->data, b->len, src, &snap->slabinfo, e);
	case SRC_MODULES:
		return modules_parse(b->data, b->len, src, &snap->modules, e);
	case SRC_SLAB_ALIASES:
		return slab_aliases_parse(b->data, b->len, src, &snap->aliases, e);
	case SRC_ALLOCINFO:
		return allocinfo_parse(b->data, b->len, src, &snap->allocinfo, e);
	case SRC_LOADAVG:
		return loadavg_parse(b->data, b->len, src, &snap->loadavg, e);
	case SRC_STAT:
		return procstat_parse(b->data, b->len, src, &snap->procstat, e);
	case SRC_VMSTAT:
		return vmstat_parse(b->data, b->len, src, &snap->vmstat, e);
	case SRC_ZONEINFO:
		return zoneinfo_parse(b->data, b->len, src, &snap->zoneinfo, e);
	case SRC_MODULE_SECTIONS:
		return module_sections_parse(b->data, b->len, src, &snap->sections, e);
	case SRC_THP:
		return thp_parse(b->data, b->len, src, &snap->thp, e);
	case SRC_CGROUPS:
		return cgroup_set_parse(&snap->cgroups, b->data, b->len, src, snap->page_size, 0,
					e);
	case SRC_KMSG:
		return parse_klog(snap, b, src, e);
	case SRC_VMALLOCINFO: /* raw: walked by the analyses */
	case SRC_KALLSYMS:
	case SRC_KMEMLEAK:
	case SRC_COUNT:
		break;
	}
	return 0;
}

static void note_source(struct snapshot *snap, enum source_id id, bool parse)
{
	const struct sample *s = snap->sample;
	char src[PATH_MAX + 64];

	free_source(snap, id);
	kerr_clear(&snap->err[id]);
	if (!s->have[id]) {
		snap->status[id] = SOURCE_MISSING;
		snap->err[id] = s->err[id];
		return;
	}
	sample_src(s, id, src, sizeof(src));
	snap->status[id] = parse && parse_source(snap, id, src, &snap->err[id]) ? SOURCE_BAD
										: SOURCE_OK;
}

int snapshot_parse(struct snapshot *snap, const struct sample *s, unsigned which, struct kerr *e)
{
	const struct kerr *bad;
	int r;

	snapshot_free(snap);
	snap->sample = s;
	snap->raw = s->raw;
	snprintf(snap->kmsg_file, sizeof(snap->kmsg_file), "%s", s->kmsg_file);
	if (s->origin != SAMPLE_LIVE)
		sample_src(s, SRC_COUNT, snap->from, sizeof(snap->from));
	r = parse_meta(snap, s, e);
	for (int i = 0; i < SRC_COUNT; i++)
		note_source(snap, (enum source_id)i, which & SRC_BIT(i));
	if (r)
		return r;
	if (s->bad.code) { /* a file of the directory was refused */
		*e = s->bad;
		return e->code;
	}
	bad = snapshot_fatal(snap);
	if (bad)
		*e = *bad;
	return bad ? bad->code : 0;
}

int snapshot_parse_source(struct snapshot *snap, enum source_id id, struct kerr *e)
{
	note_source(snap, id, true);
	if (snap->status[id] != SOURCE_BAD)
		return 0;
	*e = snap->err[id];
	return e->code;
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

const char *snapshot_src(const struct snapshot *s, enum source_id id, char *buf, size_t len)
{
	if (id == SRC_KMSG && s->kmsg_file[0])
		snprintf(buf, len, "%s", s->kmsg_file);
	else if (!s->from[0])
		snprintf(buf, len, "%s", source_descs[id].live_path);
	else
		snprintf(buf, len, "%s/%s", s->from, source_descs[id].name);
	return buf;
}

void snapshot_detach(struct snapshot *s)
{
	s->sample = NULL;
	s->raw = NULL;
}

void snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	for (int i = 0; i < SRC_COUNT; i++)
		free_source(s, (enum source_id)i);
	memset(s, 0, sizeof(*s));
}

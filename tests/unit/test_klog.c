// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log: every stored capture (tests/fixtures/klog, from the 6.12
 * and 6.1 VMs, each format) parses; each event's first line, by its line
 * number, is the line that starts such a report; the formats of one boot
 * give the same events; each boot's events are those its scenarios made.
 * Hand-made inputs (marked so; built from the kernel's format strings)
 * cover what no capture has: caller ids (CONFIG_PRINTK_CALLER is off in
 * both kernels), interleaved and truncated reports, lost records, live
 * reads, errors with their line numbers. Findings and the /dev/kmsg and
 * file readers are tested here too.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyze/klog_findings.h"
#include "parse/klog.h"
#include "source/klog.h"
#include "util/buf.h"

#define FIX "tests/fixtures/klog/"

static struct buf load(const char *path)
{
	struct buf b = { 0 };
	struct kerr e;

	if (buf_read_file(&b, path, BUF_FILE_CAP, &e))
		fail_msg("cannot read fixture %s: %s", path, e.msg);
	return b;
}

static void parse_ok(const char *s, struct klog_log *log)
{
	struct kerr e = { 0 };

	if (klog_parse(s, strlen(s), "test", NULL, log, &e))
		fail_msg("parse failed: %s:%ld: %s", e.src, e.line, e.msg);
}

/* Parses s expecting an error at line `line` whose message holds `msg`. */
static void parse_err(const char *s, size_t len, long line, const char *msg)
{
	struct kerr e = { 0 };
	struct klog_log log;

	assert_int_not_equal(klog_parse(s, len, "test", NULL, &log, &e), 0);
	assert_int_equal(e.line, line);
	if (!strstr(e.msg, msg))
		fail_msg("error '%s' lacks '%s'", e.msg, msg);
	assert_int_equal(log.n, 0);
	assert_null(log.v);
}

static size_t count_kind(const struct klog_log *log, enum klog_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < log->n; i++)
		n += log->v[i].kind == k;
	return n;
}

static const struct klog_event *first_kind(const struct klog_log *log, enum klog_kind k)
{
	for (size_t i = 0; i < log->n; i++)
		if (log->v[i].kind == k)
			return &log->v[i];
	return NULL;
}

/* The text of line `no` (1-based) of b, NUL-terminated in a static buffer. */
static const char *line_of(const struct buf *b, long no)
{
	static char out[8192];
	struct line_iter it;
	const char *l;
	size_t n;

	line_iter_init(&it, b->data, b->len);
	while (line_next(&it, &l, &n))
		if (it.lineno == no) {
			n = n < sizeof(out) - 1 ? n : sizeof(out) - 1;
			memcpy(out, l, n);
			out[n] = '\0';
			return out;
		}
	return "";
}

/* What the first line of each kind of event says, whatever the format. */
static const char *const start_marker[KLOG_KIND_COUNT] = {
	[KLOG_OOM] = " invoked oom-killer: gfp_mask=",
	[KLOG_ALLOC_TAG_UNLOAD] = " allocated at module unload",
	[KLOG_KMEMLEAK] = "kmemleak: ",
	[KLOG_PAGE_ALLOC_FAILURE] = ": page allocation failure: order:",
	[KLOG_VMALLOC_ERROR] = ": vmalloc error: size ",
	[KLOG_SLUB_ALLOC_FAILURE] = "SLUB: Unable to allocate memory on ",
};

static enum klog_format format_of(const char *path)
{
	if (strstr(path, ".kmsg"))
		return KLOG_FMT_KMSG;
	if (strstr(path, ".journal-"))
		return KLOG_FMT_JOURNAL;
	return KLOG_FMT_DMESG;
}

/* Every capture: parses, in its format; each event's line starts such a report. */
static void test_fixtures_lines(void **state)
{
	glob_t g;

	(void)state;
	assert_int_equal(glob(FIX "*-*.*", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 8);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct buf b = load(g.gl_pathv[i]);
		struct kerr e = { 0 };
		struct klog_log log;

		if (klog_parse(b.data, b.len, g.gl_pathv[i], NULL, &log, &e))
			fail_msg("%s:%ld: %s", g.gl_pathv[i], e.line, e.msg);
		assert_int_equal(log.format, format_of(g.gl_pathv[i]));
		assert_true(log.n >= 2);
		for (size_t k = 0; k < log.n; k++) {
			const struct klog_event *ev = &log.v[k];

			if (!strstr(line_of(&b, ev->at.line), start_marker[ev->kind]))
				fail_msg("%s: %s event at line %ld: '%s'", g.gl_pathv[i],
					 klog_kind_name(ev->kind), ev->at.line,
					 line_of(&b, ev->at.line));
			assert_true(ev->last_line >= ev->at.line);
			assert_false(ev->truncated);
			assert_false(ev->open);
			assert_true(ev->complete);
		}
		klog_log_free(&log);
		buf_free(&b);
	}
	globfree(&g);
}

/* The formats of one boot give the same events as its /dev/kmsg records. */
static void test_fixtures_agree(void **state)
{
	glob_t g;

	(void)state;
	assert_int_equal(glob(FIX "*-*.kmsg", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char pat[512];
		glob_t h;
		struct buf b = load(g.gl_pathv[i]);
		struct klog_log ref;
		struct kerr e;

		assert_int_equal(klog_parse(b.data, b.len, "kmsg", NULL, &ref, &e), 0);
		snprintf(pat, sizeof(pat), "%.*s.*", (int)(strlen(g.gl_pathv[i]) - 5),
			 g.gl_pathv[i]);
		assert_int_equal(glob(pat, 0, NULL, &h), 0);
		assert_true(h.gl_pathc >= 3);
		for (size_t j = 0; j < h.gl_pathc; j++) {
			struct buf o = load(h.gl_pathv[j]);
			struct klog_log log;

			assert_int_equal(klog_parse(o.data, o.len, "x", NULL, &log, &e), 0);
			if (log.n != ref.n)
				fail_msg("%s: %zu events, %s has %zu", h.gl_pathv[j], log.n,
					 g.gl_pathv[i], ref.n);
			for (size_t k = 0; k < log.n; k++) {
				assert_int_equal(log.v[k].kind, ref.v[k].kind);
				assert_string_equal(log.v[k].comm, ref.v[k].comm);
				assert_int_equal(log.v[k].pid, ref.v[k].pid);
				assert_int_equal(!!log.v[k].mem, !!ref.v[k].mem);
				if (log.v[k].at.has_mono)
					assert_true(log.v[k].at.mono_ns / 1000 ==
						    ref.v[k].at.mono_ns / 1000);
			}
			klog_log_free(&log);
			buf_free(&o);
		}
		globfree(&h);
		klog_log_free(&ref);
		buf_free(&b);
	}
	globfree(&g);
}

static struct klog_log parse_fixture(const char *path)
{
	struct buf b = load(path);
	struct klog_log log;
	struct kerr e = { 0 };

	if (klog_parse(b.data, b.len, path, NULL, &log, &e))
		fail_msg("%s:%ld: %s", path, e.line, e.msg);
	buf_free(&b);
	return log;
}

/* The slab leak that ate the VM: the allocation failures, then the OOM. */
static void check_oom_boot(const char *path, bool allocinfo)
{
	struct klog_log log = parse_fixture(path);
	const struct klog_event *ev, *pf, *sl;
	const struct klog_slab_row *top[3];
	const struct klog_mem_info *m;

	assert_int_equal(count_kind(&log, KLOG_OOM), 1);
	assert_int_equal(count_kind(&log, KLOG_SLUB_ALLOC_FAILURE), 1);
	assert_int_equal(count_kind(&log, KLOG_PAGE_ALLOC_FAILURE), 1);
	pf = first_kind(&log, KLOG_PAGE_ALLOC_FAILURE);
	assert_string_equal(pf->comm, "insmod");
	assert_true(pf->fail.order >= 1 && pf->fail.order <= 3);
	assert_string_equal(pf->fail.gfp_flags, "GFP_KERNEL|__GFP_NORETRY|__GFP_COMP");
	assert_string_equal(pf->fail.nodemask, "(null)");
	assert_non_null(pf->mem);
	sl = first_kind(&log, KLOG_SLUB_ALLOC_FAILURE);
	assert_string_equal(sl->slub.cache, "kleak_oom_cache");
	assert_int_equal(sl->slub.object_size, 8192);
	assert_int_equal(sl->slub.node, -1);
	assert_string_equal(sl->slub.gfp_flags, "GFP_KERNEL|__GFP_NORETRY");
	assert_true(sl->slub.objs > 20000 && sl->slub.free == 0);
	ev = first_kind(&log, KLOG_OOM);
	assert_true(ev->at.line > sl->at.line);
	assert_string_equal(ev->comm, "awk");
	assert_true(ev->pid > 0);
	assert_int_equal(ev->oom->oom_score_adj, 1000);
	assert_string_equal(ev->oom->constraint, "CONSTRAINT_NONE");
	assert_true(ev->oom->global);
	assert_false(ev->oom->memcg);
	assert_string_equal(ev->oom->task_memcg, "/");
	assert_true(ev->oom->killed);
	assert_string_equal(ev->oom->killed_comm, "awk");
	assert_int_equal(ev->oom->killed_pid, ev->pid);
	assert_int_equal(ev->oom->killed_oom_score_adj, 1000);
	assert_true(ev->oom->killed_anon_rss_bytes > 1 << 20);
	assert_true(ev->oom->slab_table);
	assert_true(ev->oom->nslab > 20);
	assert_true(klog_oom_slab_exceeds_user(ev));
	assert_int_equal(klog_oom_top_caches(ev, top, 3), 3);
	assert_string_equal(top[0]->cache, "kleak_oom_cache");
	assert_true(top[0]->used_bytes > (100u << 20) && top[0]->used_bytes >= top[1]->used_bytes);
	m = &ev->mem->info;
	assert_true(m->present && m->have_ram && m->have_reserved);
	assert_true(m->slab_unreclaimable > klog_mem_info_lru_pages(m));
	assert_true(m->ram_pages > 90000 && m->ram_pages < 100000); /* 384 MiB */
	if (allocinfo) {
		bool found = false;

		assert_int_equal(ev->mem->nsites, 10);
		for (size_t i = 0; i < ev->mem->nsites; i++)
			found |= !strcmp(ev->mem->sites[i].module, "kleak_slab_fill") &&
				 !strcmp(ev->mem->sites[i].function, "fill_slab") &&
				 ev->mem->sites[i].bytes > (100u << 20);
		assert_true(found);
	} else {
		assert_int_equal(ev->mem->nsites, 0);
	}
	klog_log_free(&log);
}

static void test_oom_612(void **state)
{
	(void)state;
	check_oom_boot(FIX "6.12-oom.kmsg", true);
	check_oom_boot(FIX "6.12-oom.journal-short", true);
}

static void test_oom_61(void **state)
{
	(void)state;
	check_oom_boot(FIX "6.1-oom.kmsg", false);
	check_oom_boot(FIX "6.1-oom.dmesg", false);
}

/* Allocation failures, the memcg OOM and, on 6.12, the unload warning and kmemleak. */
static void check_main_boot(const char *path, bool k612)
{
	struct klog_log log = parse_fixture(path);
	const struct klog_event *ev;

	assert_int_equal(count_kind(&log, KLOG_PAGE_ALLOC_FAILURE), 1);
	ev = first_kind(&log, KLOG_PAGE_ALLOC_FAILURE);
	assert_string_equal(ev->comm, "insmod");
	assert_int_equal(ev->fail.order, 10);
	assert_int_equal(ev->fail.gfp_mask, 0x10cc0);
	assert_string_equal(ev->fail.gfp_flags, "GFP_KERNEL|__GFP_NORETRY");
	assert_true(ev->mem && ev->mem->info.have_reserved);
	assert_int_equal(count_kind(&log, KLOG_VMALLOC_ERROR), 1);
	ev = first_kind(&log, KLOG_VMALLOC_ERROR);
	assert_string_equal(ev->comm, "insmod");
	assert_true(ev->fail.size == 1ULL << 40);
	assert_string_equal(ev->fail.reason, "exceeds total pages");
	assert_string_equal(ev->fail.gfp_flags, "GFP_KERNEL");
	assert_int_equal(count_kind(&log, KLOG_OOM), 1);
	ev = first_kind(&log, KLOG_OOM);
	assert_true(ev->oom->memcg);
	assert_false(ev->oom->global);
	assert_string_equal(ev->oom->constraint, "CONSTRAINT_MEMCG");
	assert_string_equal(ev->oom->oom_memcg, "/kleak-test/oom-victim");
	assert_string_equal(ev->oom->task_memcg, "/kleak-test/oom-victim");
	assert_true(ev->oom->have_memcg_usage);
	assert_int_equal(ev->oom->memcg_limit_bytes, 16 << 20);
	assert_true(ev->oom->memcg_usage_bytes == ev->oom->memcg_limit_bytes);
	assert_true(ev->oom->have_memcg_stats);
	assert_true(ev->oom->memcg_anon > ev->oom->memcg_kernel);
	assert_string_equal(ev->oom->killed_comm, "awk");
	assert_false(ev->oom->slab_table);
	assert_null(ev->mem); /* a memcg OOM prints no Mem-Info */
	assert_int_equal(count_kind(&log, KLOG_ALLOC_TAG_UNLOAD), k612 ? 1 : 0);
	if (k612) {
		ev = first_kind(&log, KLOG_ALLOC_TAG_UNLOAD);
		assert_string_equal(ev->unload.module, "kleak_kmalloc_leak");
		assert_string_equal(ev->unload.function, "leak_kmalloc_work");
		assert_string_equal(ev->unload.site, "tests/vm/modules/kleak_kmalloc_leak.c:34");
		assert_true(ev->unload.bytes >= 200 * 512);
		ev = first_kind(&log, KLOG_KMEMLEAK);
		assert_non_null(ev);
		assert_true(ev->count > 0);
	} else {
		assert_int_equal(count_kind(&log, KLOG_KMEMLEAK), 0);
	}
	klog_log_free(&log);
}

static void test_main_612(void **state)
{
	(void)state;
	check_main_boot(FIX "6.12-main.kmsg", true);
	check_main_boot(FIX "6.12-main.dmesg", true);
}

static void test_main_61(void **state)
{
	(void)state;
	check_main_boot(FIX "6.1-main.kmsg", false);
	check_main_boot(FIX "6.1-main.journal-short", false);
}

/*
 * Hand-made (CONFIG_PRINTK_CALLER is off in both test kernels): an OOM by
 * task 90 and a page allocation failure by task 85, their lines
 * interleaved as two CPUs print them, each with its own Mem-Info.
 */
static const char callers[] =
	"[   15.000001][   T90] awk invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
	"[   15.000002][   T85] insmod: page allocation failure: order:1, mode:0x50cc0(GFP_KERNEL|__GFP_NORETRY|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0\n"
	"[   15.000003][   T85] CPU: 0 UID: 0 PID: 85 Comm: insmod Tainted: G O 6.12.117 #2\n"
	"[   15.000004][   T90] CPU: 1 UID: 0 PID: 90 Comm: awk Tainted: G O 6.12.117 #2\n"
	"[   15.000005][   T90] Mem-Info:\n"
	"[   15.000006][   T85] Mem-Info:\n"
	"[   15.000007][   T90] active_anon:529 inactive_anon:9779 isolated_anon:0\n"
	"[   15.000007][   T90]  active_file:0 inactive_file:0 isolated_file:0\n"
	"[   15.000007][   T90]  slab_reclaimable:225 slab_unreclaimable:65392\n"
	"[   15.000007][   T90]  free:771 free_pcp:946 free_cma:0\n"
	"[   15.000008][   T85] active_anon:1 inactive_anon:2 isolated_anon:0\n"
	"[   15.000008][   T85]  free:5000 free_pcp:1 free_cma:0\n"
	"[   15.000009][   T85] 98174 pages RAM\n"
	"[   15.000009][   T90] 98174 pages RAM\n"
	"[   15.000010][   T85] 15618 pages reserved\n"
	"[   15.000010][   T90] 15618 pages reserved\n"
	"[   15.000011][   T90] Unreclaimable slab info:\n"
	"[   15.000011][   T90] Name                      Used          Total\n"
	"[   15.000012][   T90] kleak_oom_cache       237696KB     237696KB\n"
	"[   15.000013][   T85] some other line 12KB 13KB\n"
	"[   15.000014][   T90] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=awk,pid=90,uid=0\n"
	"[   15.000015][   T90] Out of memory: Killed process 90 (awk) total-vm:48856kB, anon-rss:32444kB, file-rss:0kB, shmem-rss:1232kB, UID:0 pgtables:108kB oom_score_adj:0\n";

static void test_callers(void **state)
{
	struct klog_log log;
	const struct klog_event *oom, *pf;

	(void)state;
	parse_ok(callers, &log);
	assert_int_equal(log.n, 2);
	oom = first_kind(&log, KLOG_OOM);
	pf = first_kind(&log, KLOG_PAGE_ALLOC_FAILURE);
	assert_string_equal(oom->at.caller, "T90");
	assert_string_equal(pf->at.caller, "T85");
	assert_int_equal(oom->pid, 90);
	assert_int_equal(pf->pid, 85);
	assert_int_equal(oom->mem->info.free, 771);
	assert_int_equal(oom->mem->info.slab_unreclaimable, 65392);
	assert_int_equal(pf->mem->info.free, 5000);
	assert_int_equal(oom->oom->nslab, 1); /* T85's line is not a row of T90's table */
	assert_string_equal(oom->oom->slab[0].cache, "kleak_oom_cache");
	assert_int_equal(oom->oom->slab[0].used_bytes, 237696 * 1024);
	assert_true(oom->complete && pf->complete);
	assert_int_equal(oom->last_line, 22);
	assert_int_equal(pf->last_line, 15);
	klog_log_free(&log);
}

/* The same in /dev/kmsg records with ",caller=": one record, many lines. */
static void test_callers_kmsg(void **state)
{
	static const char rec[] =
		"4,10,15000001,-,caller=T90;awk invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"4,11,15000002,-,caller=T85;insmod: page allocation failure: order:1, mode:0x10cc0(GFP_KERNEL|__GFP_NORETRY), nodemask=(null)\n"
		"4,12,15000005,-,caller=T90;Mem-Info:\n"
		"4,13,15000006,-,caller=T85;Mem-Info:\n"
		"4,14,15000007,-,caller=T85;active_anon:1 inactive_anon:2 isolated_anon:0\\x0a free:5000 free_pcp:1\n"
		"4,15,15000008,-,caller=T90;active_anon:529 inactive_anon:9779 isolated_anon:0\\x0a free:771 free_pcp:946\n"
		" SUBSYSTEM=none\n"
		"6,16,15000009,-,caller=T90;Out of memory: Killed process 90 (awk) total-vm:48856kB, anon-rss:32444kB\n";
	struct klog_log log;

	(void)state;
	parse_ok(rec, &log);
	assert_int_equal(log.format, KLOG_FMT_KMSG);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.records, 7);
	assert_int_equal(log.first_seq, 10);
	assert_int_equal(log.next_seq, 17);
	assert_int_equal(log.v[0].at.seq, 10);
	assert_true(log.v[0].at.mono_ns == 15000001000ULL);
	assert_int_equal(log.v[0].at.prio, 4);
	assert_int_equal(log.v[0].mem->info.free, 771);
	assert_int_equal(log.v[1].mem->info.free, 5000);
	assert_true(log.v[0].complete);
	assert_int_equal(log.v[0].last_line, 8);
	klog_log_free(&log);
}

/*
 * Without caller ids the same lines cannot be told apart: a shared line
 * goes to the report started last (documented in klog.h): the page
 * allocation failure here gets both Mem-Info headers' first block.
 */
static void test_no_callers(void **state)
{
	char *s = strdup(callers), *w = s;
	struct klog_log log;

	(void)state;
	for (const char *r = callers; *r; r++) { /* drop "[   T90]" */
		if (r[0] == '[' && (r[4] == 'T') && r[7] == ']') {
			r += 7;
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	parse_ok(s, &log);
	assert_int_equal(log.n, 2);
	assert_string_equal(log.v[0].at.caller, "");
	assert_true(log.v[0].complete); /* the OOM still ends at its kill */
	assert_true(log.v[0].oom->killed);
	assert_true(log.v[1].mem != NULL);
	klog_log_free(&log);
	free(s);
}

static const char oom_cut[] =
	"[  100.000000] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
	"[  100.000001] Mem-Info:\n"
	"[  100.000002] active_anon:1 inactive_anon:2 isolated_anon:0\n"
	"[  101.000000] b invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
	"[  101.000001] Out of memory: Killed process 7 (b) total-vm:8kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n"
	"[  102.000000] c invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
	"[  102.000001] Mem-Info:\n";

/* A report another of its kind cuts short is truncated; so is one the input cuts. */
static void test_truncated(void **state)
{
	struct klog_log log;

	(void)state;
	parse_ok(oom_cut, &log);
	assert_int_equal(log.n, 3);
	assert_true(log.v[0].truncated && !log.v[0].complete);
	assert_int_equal(log.v[0].last_line, 3);
	assert_true(log.v[1].complete && !log.v[1].truncated);
	assert_string_equal(log.v[1].oom->killed_comm, "b");
	assert_true(log.v[2].truncated && !log.v[2].open);
	klog_log_free(&log);
}

/* Live: an unfinished report that recent may still be printing: open, to be read again. */
static void test_open(void **state)
{
	static const char rec[] =
		"6,40,99000000,-;hello\n"
		"4,41,100000000,-;c invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"4,42,100000001,-;Mem-Info:\n"
		"4,43,100000002,-;kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n";
	struct klog_parse_opts o = { .now_mono_ns = 101000000000ULL };
	struct klog_findings f;
	struct klog_log log;
	struct kerr e;

	(void)state;
	assert_int_equal(klog_parse(rec, sizeof(rec) - 1, "kmsg", &o, &log, &e), 0);
	assert_int_equal(log.n, 2);
	assert_true(log.v[0].open && !log.v[0].truncated);
	assert_int_equal(log.resume_seq, 41); /* next time from the OOM's first record */
	assert_int_equal(log.next_seq, 44);
	assert_int_equal(klog_findings(&log, NULL, &f, &e), 0);
	assert_int_equal(f.n, 1); /* only kmemleak's: the open OOM waits */
	assert_string_equal(f.v[0].f.id, "kmemleak-new-leaks");
	klog_findings_free(&f);
	klog_log_free(&log);
	o.now_mono_ns = 200000000000ULL; /* long after: it was cut off */
	assert_int_equal(klog_parse(rec, sizeof(rec) - 1, "kmsg", &o, &log, &e), 0);
	assert_true(log.v[0].truncated && !log.v[0].open);
	assert_int_equal(log.resume_seq, 44);
	klog_log_free(&log);
}

/* Records lost (a sequence gap) cut the open report; a lower number starts a new log. */
static void test_gaps(void **state)
{
	static const char rec[] =
		"4,5,1000,-;a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"4,9,2000,-;Out of memory: Killed process 7 (a) total-vm:8kB, anon-rss:4kB\n"
		"6,0,0,-;Linux version 6.12\n"
		"6,1,5,-;kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n";
	struct klog_log log;

	(void)state;
	parse_ok(rec, &log);
	assert_int_equal(log.lost_records, 3);
	assert_int_equal(log.boots, 1);
	assert_int_equal(log.n, 2);
	assert_true(log.v[0].truncated);
	assert_false(log.v[0].oom->killed); /* the kill line came after the gap */
	assert_int_equal(log.v[1].count, 1);
	assert_int_equal(log.next_seq, 2);
	klog_log_free(&log);
}

/* Several boots in one dmesg file: "Linux version" at 0 starts another log. */
static void test_boots(void **state)
{
	static const char s[] =
		"[    0.000000] Linux version 6.1.0\n"
		"[    5.000000] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"[    0.000000] Linux version 6.1.0\n"
		"[    0.105484] calibrate_delay_direct() dropping min bogoMips estimate\n";
	struct klog_log log;

	(void)state;
	parse_ok(s, &log);
	assert_int_equal(log.boots, 1);
	assert_true(log.v[0].truncated);
	klog_log_free(&log);
}

struct err_case {
	const char *input;
	long line;
	const char *msg;
};

static const struct err_case errors[] = {
	{ "6,1,5,-;ok\n6,2,6,-;ok\n6,x,7,-;bad\n", 3, "PRIO,SEQ,USEC,FLAGS;TEXT" },
	{ "6,1,5,-;ok\n6,2,6,-;a \\q b\n", 2, "\\xNN" },
	{ "6,1,5,-;ok\n6,2,6,-;a \\x4\n", 2, "\\xNN" },
	{ "6,1,5,-;ok\n6,2,6,-,caller=T1\n", 2, "PRIO,SEQ,USEC,FLAGS;TEXT" },
	{ "6,1,5,-;ok\n6,2,6,-x;t\n", 2, "',KEY=VALUE'" },
	{ "6,0,1,-;ok\n6,1,99999999999999999999,-;ok\n", 2, "PRIO,SEQ,USEC,FLAGS;TEXT" },
	{ "6,0,1,-;ok\n6,1,99999999999999999,-;ok\n", 2, "overflows" },
	{ "[    1.000000] a\n[    2.000000] b\n[   12.34x567] c\n", 3, "invalid timestamp" },
	{ "<6>[    1.000000] a\n<x>[    2.000000] b\n", 2, "'<PRIO>'" },
	{ "<6>[    1.000000] a\n<2000>[    2.000000] b\n", 2, "'<PRIO>'" },
	{ "Nov 30 12:42:15 vm kernel: a\nNov 30 12:42:16 vm kernel: b\ngarbage\n", 3,
	  "journalctl timestamp" },
	{ "Nov 30 12:42:15 vm kernel: a\nNov 30 12:42:16 nocolon\n", 2, "HOST IDENTIFIER" },
	{ "Nov 30 12:42:15 vm kernel: a\nNov 31 25:42:16 vm kernel: b\n", 2,
	  "journalctl timestamp" },
};

/* Each error names its line; nothing is returned with it. */
static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(errors) / sizeof(*errors); i++)
		parse_err(errors[i].input, strlen(errors[i].input), errors[i].line, errors[i].msg);
}

/* A line past the 1 MiB cap is an error with its number, not an allocation. */
static void test_huge_line(void **state)
{
	size_t n = BUF_LINE_CAP + 100;
	char *s = malloc(n + 32);
	int k = snprintf(s, n + 32, "[    1.000000] ok\n[    2.000000] ");

	(void)state;
	memset(s + k, 'a', n - (size_t)k);
	s[n] = '\n';
	parse_err(s, n + 1, 2, "line longer than");
	free(s);
}

/* Stamps of every variant, and the wall clock they give. */
static void test_stamps(void **state)
{
	/* 2026-11-30 12:42:15 UTC */
	const int64_t t = 1796042535LL * 1000000000LL;
	struct klog_parse_opts o = { .now_wall_ns = t + 3600LL * 1000000000LL,
				     .utc_offset_s = 3600 };
	struct {
		const char *in;
		int64_t wall;
		uint64_t mono;
		const char *caller;
		int prio;
	} c[] = {
		{ "2026-11-30T12:42:15,500000+00:00 kmemleak: 1 new suspected memory leaks\n",
		  t + 500000000, 0, "", -1 },
		{ "2026-11-30T13:42:15,000000+01:00 kmemleak: 1 new suspected memory leaks\n", t, 0,
		  "", -1 },
		{ "[Mon Nov 30 13:42:15 2026] kmemleak: 1 new suspected memory leaks\n", t, 0, "",
		  -1 },
		{ "kern  :warn  : [   12.500000] kmemleak: 1 new suspected memory leaks\n", 0,
		  12500000000ULL, "", 4 },
		{ "<12>[   12.500000] [  T123] kmemleak: 1 new suspected memory leaks\n", 0,
		  12500000000ULL, "T123", 4 },
		{ "[   12.500000][    C1] kmemleak: 1 new suspected memory leaks\n", 0,
		  12500000000ULL, "C1", -1 },
		{ "Nov 30 13:42:15 vm kernel: kmemleak: 1 new suspected memory leaks\n", t, 0, "",
		  -1 },
		{ "Nov 30 13:42:15.250000 vm kernel: kmemleak: 1 new suspected memory leaks\n",
		  t + 250000000, 0, "", -1 },
		{ "2026-11-30T12:42:15+0000 vm kernel: kmemleak: 1 new suspected memory leaks\n", t,
		  0, "", -1 },
		{ "2026-11-30T14:42:15.000001+0200 vm kernel: kmemleak: 1 new suspected memory leaks\n",
		  t + 1000, 0, "", -1 },
		{ "Mon 2026-11-30 12:42:15 UTC vm kernel: kmemleak: 1 new suspected memory leaks\n",
		  t, 0, "", -1 },
		{ "Mon 2026-11-30 13:42:15 CET vm kernel: kmemleak: 1 new suspected memory leaks\n",
		  t, 0, "", -1 },
		{ "1796042535.000002 vm kernel: kmemleak: 1 new suspected memory leaks\n", t + 2000,
		  0, "", -1 },
		{ "[   12.500000] vm kernel: kmemleak: 1 new suspected memory leaks\n", 0,
		  12500000000ULL, "", -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(*c); i++) {
		struct klog_log log;
		struct kerr e = { 0 };

		if (klog_parse(c[i].in, strlen(c[i].in), "t", &o, &log, &e))
			fail_msg("case %zu: %s", i, e.msg);
		if (log.n != 1)
			fail_msg("case %zu: %zu events", i, log.n);
		if (c[i].wall) {
			assert_true(log.v[0].at.has_wall);
			if (log.v[0].at.wall_ns != c[i].wall)
				fail_msg("case %zu: wall %lld, want %lld", i,
					 (long long)log.v[0].at.wall_ns, (long long)c[i].wall);
		} else {
			assert_false(log.v[0].at.has_wall);
		}
		assert_int_equal(log.v[0].at.has_mono, c[i].mono != 0);
		assert_true(log.v[0].at.mono_ns == c[i].mono);
		assert_string_equal(log.v[0].at.caller, c[i].caller);
		assert_int_equal(log.v[0].at.prio, c[i].prio);
		klog_log_free(&log);
	}
}

/* journalctl -o short has no year: the latest that is not in the future. */
static void test_year(void **state)
{
	static const char s[] =
		"Dec 31 23:59:59 vm kernel: kmemleak: 1 new suspected memory leaks\n";
	/* now: 2027-01-01 00:00:10 UTC */
	struct klog_parse_opts o = { .now_wall_ns = 1798761610LL * 1000000000LL };
	struct klog_log log;
	struct kerr e;

	(void)state;
	assert_int_equal(klog_parse(s, sizeof(s) - 1, "j", &o, &log, &e), 0);
	assert_true(log.v[0].at.wall_ns == 1798761599LL * 1000000000LL); /* 2026-12-31 */
	klog_log_free(&log);
	assert_int_equal(klog_parse(s, sizeof(s) - 1, "j", NULL, &log, &e), 0);
	assert_false(log.v[0].at.has_wall); /* no clock given: no guess */
	klog_log_free(&log);
}

/* journalctl: other programs' lines skipped, continuation lines joined, boots. */
static void test_journal(void **state)
{
	static const char s[] =
		"-- Journal begins at Mon 2026-11-30 12:00:00 UTC. --\n"
		"Nov 30 12:42:15 vm systemd[1]: Started x.\n"
		"Nov 30 12:42:15 vm kernel: a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"Nov 30 12:42:15 vm kernel: Mem-Info:\n"
		"Nov 30 12:42:15 vm kernel: active_anon:10 inactive_anon:20 isolated_anon:0\n"
		"                            active_file:30 inactive_file:40 isolated_file:0\n"
		"Nov 30 12:42:15 vm sshd[9]: kmemleak: 5 new suspected memory leaks\n"
		"                            kmemleak: 6 new suspected memory leaks\n"
		"-- Boot 0123456789abcdef0123456789abcdef --\n"
		"Nov 30 12:50:00 vm kernel: kmemleak: 7 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n";
	struct klog_log log;

	(void)state;
	parse_ok(s, &log);
	assert_int_equal(log.format, KLOG_FMT_JOURNAL);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.boots, 1);
	assert_true(log.v[0].truncated);
	assert_int_equal(log.v[0].mem->info.inactive_file, 40);
	assert_int_equal(log.v[0].last_line, 6);
	assert_int_equal(log.v[1].count, 7);
	assert_int_equal(log.v[1].at.line, 10);
	klog_log_free(&log);
}

struct line_case {
	const char *line;
	enum klog_kind kind; /* KLOG_KIND_COUNT: no event */
	const char *comm;
};

/* First lines: names with spaces, older kernels' forms, near misses. */
static const struct line_case lines[] = {
	{ "kworker/u8:1 x invoked oom-killer: gfp_mask=0x0(), order=0, oom_score_adj=-1000",
	  KLOG_OOM, "kworker/u8:1 x" },
	{ "a invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), nodemask=(null), order=0, oom_score_adj=0",
	  KLOG_OOM, "a" },
	{ " invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
	  KLOG_KIND_COUNT, "" },
	{ "a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL, order=0, oom_score_adj=0",
	  KLOG_KIND_COUNT, "" },
	{ "a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=x, oom_score_adj=0",
	  KLOG_KIND_COUNT, "" },
	{ "drivers/x.c:12 module m func:f has 4096 allocated at module unload",
	  KLOG_ALLOC_TAG_UNLOAD, "" },
	{ "drivers/x.c:12 module m func:f has 4096x allocated at module unload", KLOG_KIND_COUNT,
	  "" },
	{ "drivers/x.c:12 module  func:f has 4096 allocated at module unload", KLOG_KIND_COUNT,
	  "" },
	{ "no site module m func:f has 4096 allocated at module unload", KLOG_KIND_COUNT, "" },
	{ "kmemleak: 18446744073709551616 new suspected memory leaks", KLOG_KIND_COUNT, "" },
	{ "kmemleak: Kernel memory leak detector disabled", KLOG_KIND_COUNT, "" },
	{ "my prog: page allocation failure: order:0, mode:0x820(GFP_ATOMIC), nodemask=(null)",
	  KLOG_PAGE_ALLOC_FAILURE, "my prog" },
	{ "x: page allocation failure: order:99, mode:0x820(GFP_ATOMIC)", KLOG_KIND_COUNT, "" },
	{ "x: vmalloc error: size 4096, vm_struct allocation failed, mode:0xcc0(GFP_KERNEL), nodemask=(null)",
	  KLOG_VMALLOC_ERROR, "x" },
	{ "x: vmalloc error: size 4096, failed to map pages, mode:0x9", KLOG_VMALLOC_ERROR, "x" },
	{ "x: vmalloc error: size , mode:0xcc0(GFP_KERNEL)", KLOG_KIND_COUNT, "" },
	{ "SLUB: Unable to allocate memory on node 1, gfp=0x820(GFP_ATOMIC)",
	  KLOG_SLUB_ALLOC_FAILURE, "" },
	{ "SLUB: Unable to allocate memory on CPU 3 (of node 0) on node -1, gfp=0x820(GFP_ATOMIC)",
	  KLOG_SLUB_ALLOC_FAILURE, "" },
	{ "SLUB: Unable to allocate memory on node x, gfp=0x820", KLOG_KIND_COUNT, "" },
};

static void test_first_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
		struct klog_log log;
		char in[512];

		snprintf(in, sizeof(in), "%s\n", lines[i].line);
		parse_ok(in, &log);
		if (lines[i].kind == KLOG_KIND_COUNT) {
			if (log.n)
				fail_msg("'%s' made an event", lines[i].line);
		} else {
			if (log.n != 1 || log.v[0].kind != lines[i].kind)
				fail_msg("'%s': %zu events", lines[i].line, log.n);
			assert_string_equal(log.v[0].comm, lines[i].comm);
		}
		klog_log_free(&log);
	}
}

/* The OOM's later lines: paths with commas, a comm with ") " in it, v1 kmem. */
static void test_oom_lines(void **state)
{
	static const char s[] =
		"a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"memory: usage 1024kB, limit 1024kB, failcnt 3\n"
		"kmem: usage 900kB, limit 9007199254740988kB, failcnt 0\n"
		"Memory cgroup stats for /a,b/c:\n"
		"anon 4096\n"
		"kernel 921600\n"
		"something_new 5\n"
		"Tasks state (memory values in pages):\n"
		"[  pid  ]   uid  tgid total_vm      rss name\n"
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,b/c,task_memcg=/a,b/c/d,task=x) y,pid=5,uid=0\n"
		"Memory cgroup out of memory: Killed process 5 (x) y) total-vm:8kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:-5\n"
		"anon 99\n";
	struct klog_log log;
	const struct klog_oom *o;
	struct klog_findings f;
	struct kerr e;

	(void)state;
	parse_ok(s, &log);
	assert_int_equal(log.n, 1);
	o = log.v[0].oom;
	assert_true(o->memcg && !o->global);
	assert_string_equal(o->oom_memcg, "/a,b/c");
	assert_string_equal(o->task_memcg, "/a,b/c/d");
	assert_int_equal(o->memcg_usage_bytes, 1024 * 1024);
	assert_int_equal(o->memcg_kmem_bytes, 900 * 1024);
	assert_int_equal(o->memcg_anon, 4096); /* the line after the kill is not the stats' */
	assert_int_equal(o->memcg_kernel, 921600);
	assert_string_equal(o->killed_comm, "x) y");
	assert_int_equal(o->killed_oom_score_adj, -5);
	assert_true(log.v[0].complete);
	assert_int_equal(log.v[0].last_line, 11);
	/* kernel memory is most of the usage: a warning, the path quoted */
	assert_int_equal(klog_findings(&log, NULL, &f, &e), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0].f.severity, SEV_WARNING);
	assert_string_equal(f.v[0].f.subject, "/a,b/c");
	assert_string_equal(
		f.v[0].f.next,
		"kleak trace --cgroup /a,b/c --min-age 60  (which kernel call sites hold its memory)");
	klog_findings_free(&f);
	klog_log_free(&log);
}

static struct klog_findings findings_of(const char *path, int64_t boot)
{
	struct klog_log log = parse_fixture(path);
	struct klog_findings_opts o;
	struct klog_findings f;
	struct kerr e;

	klog_findings_opts_default(&o);
	o.boot_wall_ns = boot;
	assert_int_equal(klog_findings(&log, &o, &f, &e), 0);
	for (size_t i = 0; i < f.n; i++) /* the events are gone after this */
		assert_true(f.v[i].event < log.n);
	klog_log_free(&log);
	return f;
}

static const struct klog_finding *finding(const struct klog_findings *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].f.id, id))
			return &f->v[i];
	fail_msg("no finding %s", id);
	return NULL;
}

/* The OOM boot: the critical finding names the cache, with its time. */
static void test_findings_oom(void **state)
{
	const int64_t boot = 1796042000LL * 1000000000LL;
	struct klog_findings f = findings_of(FIX "6.12-oom.kmsg", boot);
	const struct klog_finding *x = &f.v[0];

	(void)state;
	assert_string_equal(x->f.id, "oom-unreclaimable-slab");
	assert_int_equal(x->f.severity, SEV_CRITICAL);
	assert_string_equal(x->f.subject, "kleak_oom_cache");
	assert_string_equal(x->f.next,
			    "kleak trace --cache kleak_oom_cache  (who allocates it without freeing)");
	assert_non_null(strstr(x->f.evidence, "killed awk (pid "));
	assert_non_null(strstr(x->f.evidence, "top caches: kleak_oom_cache "));
	assert_non_null(strstr(x->f.evidence, "func:fill_slab"));
	assert_true(x->has_wall && x->wall_ns == boot + (int64_t)x->at.mono_ns);
	assert_true(x->at.has_seq);
	assert_int_equal(finding(&f, "slub-alloc-failure")->f.severity, SEV_WARNING);
	assert_string_equal(finding(&f, "slub-alloc-failure")->f.next,
			    "kleak count --cache kleak_oom_cache -i 5  (allocations against frees)");
	assert_int_equal(finding(&f, "page-alloc-failure")->f.severity,
			 SEV_WARNING); /* order <= 3 */
	klog_findings_free(&f);
	f = findings_of(FIX "6.1-oom.dmesg", 0);
	assert_string_equal(f.v[0].f.subject, "kleak_oom_cache");
	assert_false(f.v[0].has_wall); /* no boot time, no wall clock in dmesg */
	klog_findings_free(&f);
}

static void test_findings_main(void **state)
{
	struct klog_findings f = findings_of(FIX "6.12-main.kmsg", 0);
	const struct klog_finding *x;

	(void)state;
	x = finding(&f, "module-unload-leak");
	assert_int_equal(x->f.severity, SEV_CRITICAL);
	assert_string_equal(x->f.subject, "kleak_kmalloc_leak");
	assert_non_null(strstr(x->f.evidence,
			       "tests/vm/modules/kleak_kmalloc_leak.c:34 func:leak_kmalloc_work"));
	assert_ptr_equal(&f.v[0], x); /* the only critical */
	assert_int_equal(finding(&f, "kmemleak-new-leaks")->f.severity, SEV_WARNING);
	x = finding(&f, "memcg-oom");
	assert_int_equal(x->f.severity, SEV_INFO);
	assert_string_equal(x->f.subject, "/kleak-test/oom-victim");
	assert_int_equal(finding(&f, "page-alloc-failure")->f.severity, SEV_INFO); /* order 10 */
	assert_int_equal(finding(&f, "vmalloc-failure")->f.severity, SEV_INFO);
	for (size_t i = 1; i < f.n; i++)
		assert_true(f.v[i - 1].f.severity >= f.v[i].f.severity);
	klog_findings_free(&f);
}

/* Names from the log go into commands quoted; repeated events are counted into one finding. */
static void test_findings_hostile(void **state)
{
	static const char s[] =
		"a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"Unreclaimable slab info:\n"
		"it's $(rm -rf ~)      900KB 900KB\n"
		"small 1KB 1KB\n"
		"Out of memory: Killed process 1 (a) total-vm:8kB, anon-rss:4kB\n"
		"x.c:1 module m;reboot func:f has 100 allocated at module unload\n"
		"x.c:2 module m;reboot func:g has 50 allocated at module unload\n"
		"kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n"
		"kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n";
	struct klog_log log;
	struct klog_findings f;
	const struct klog_finding *x;
	struct kerr e;

	(void)state;
	parse_ok(s, &log);
	assert_int_equal(klog_findings(&log, NULL, &f, &e), 0);
	assert_int_equal(f.n, 3);
	x = finding(&f, "oom-unreclaimable-slab");
	assert_string_equal(x->f.subject, "it's $(rm -rf ~)");
	assert_string_equal(
		x->f.next,
		"kleak trace --cache 'it'\\''s $(rm -rf ~)'  (who allocates it without freeing)");
	x = finding(&f, "module-unload-leak");
	assert_int_equal(x->count, 2);
	assert_int_equal(x->total, 150);
	assert_non_null(strstr(x->f.next, "load 'm;reboot' again"));
	x = finding(&f, "kmemleak-new-leaks");
	assert_int_equal(x->count, 2);
	assert_int_equal(x->total, 5);
	assert_non_null(strstr(x->f.evidence, "(5 in 2 announcements)"));
	klog_findings_free(&f);
	klog_log_free(&log);
}

static void test_empty(void **state)
{
	struct klog_log log;

	(void)state;
	parse_ok("", &log);
	assert_int_equal(log.format, KLOG_FMT_NONE);
	assert_int_equal(log.n, 0);
	klog_log_free(&log);
	parse_ok("\n\n  \n", &log);
	assert_int_equal(log.n, 0);
	klog_log_free(&log);
	klog_log_free(NULL);
}

/* The live /dev/kmsg: records read without blocking, a cursor that skips what was read. */
static void test_kmsg_live(void **state)
{
	struct klog_read r1, r2, r3;
	struct kerr e = { 0 };
	char marker[96];
	int fd;

	(void)state;
	if (klog_read_kmsg(NULL, 0, &r1, &e)) {
		if (e.code == -EPERM || e.code == -EACCES || e.code == -ENOENT) {
			assert_non_null(
				strstr(e.msg, e.code == -ENOENT ? "No such" : "needs root"));
			skip();
		}
		fail_msg("%s: %s", e.src, e.msg);
	}
	assert_true(r1.has_seq && r1.records > 0 && r1.next_seq > r1.first_seq);
	snprintf(marker, sizeof(marker), "<7>kleak unit test %d: reading the kernel log\n",
		 (int)getpid());
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, marker, strlen(marker)) < 0)
		fail_msg("cannot write a marker to /dev/kmsg");
	close(fd);
	assert_int_equal(klog_read_kmsg(NULL, r1.next_seq, &r2, &e), 0);
	assert_true(r2.records >= 1);
	assert_true(r2.first_seq >= r1.next_seq);
	assert_non_null(strstr(r2.data.data, marker + 3));
	assert_null(strstr(r1.data.data, marker + 3));
	/* a cursor past the end (another boot's): everything, flagged */
	assert_int_equal(klog_read_kmsg(NULL, r2.next_seq + 1000000, &r3, &e), 0);
	assert_true(r3.restarted && r3.records >= r1.records);
	klog_read_free(&r3);
	klog_read_free(&r2);
	klog_read_free(&r1);
}

static void test_read_file(void **state)
{
	struct buf b = { 0 }, want = load(FIX "6.1-oom.kmsg");
	struct kerr e = { 0 };

	(void)state;
	assert_int_equal(klog_read_file(FIX "6.1-oom.kmsg", &b, &e), 0);
	assert_int_equal(b.len, want.len);
	assert_memory_equal(b.data, want.data, b.len);
	assert_int_equal(klog_read_file(FIX "missing", &b, &e), -ENOENT);
	assert_string_equal(e.src, FIX "missing");
	buf_free(&b);
	buf_free(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_lines),
		cmocka_unit_test(test_fixtures_agree),
		cmocka_unit_test(test_oom_612),
		cmocka_unit_test(test_oom_61),
		cmocka_unit_test(test_main_612),
		cmocka_unit_test(test_main_61),
		cmocka_unit_test(test_callers),
		cmocka_unit_test(test_callers_kmsg),
		cmocka_unit_test(test_no_callers),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_boots),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_stamps),
		cmocka_unit_test(test_year),
		cmocka_unit_test(test_journal),
		cmocka_unit_test(test_first_lines),
		cmocka_unit_test(test_oom_lines),
		cmocka_unit_test(test_findings_oom),
		cmocka_unit_test(test_findings_main),
		cmocka_unit_test(test_findings_hostile),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_kmsg_live),
		cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

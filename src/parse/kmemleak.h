/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /sys/kernel/debug/kmemleak (or a saved copy): one block per object.
 *
 * Old kernels (the lesson's sample; Debian 6.1 drops "(age ...)"):
 *
 *   unreferenced object 0xffffc9008a003000 (size 1073741824):
 *     comm "insmod", pid 11247, jiffies 4344145825 (age 3719.606s)
 *     hex dump (first 32 bytes):
 *       38 40 18 ba 80 88 ff ff 00 00 00 00 00 00 00 00  8@..............
 *     backtrace:
 *       [<00000000fbd7cb65>] __vmalloc_node_range+0x22f/0x2a0
 *       [<000000004f3750a2>] 0xffffffffa0937013
 *
 * 6.7+ (commit "mm/kmemleak: add checksum to backtrace report"), with the
 * "[<%pK>] " prefix in some trees and not in others, " (percpu)" or
 * " (phys)" after "object" on newer kernels, and "on cpu N" for per-CPU
 * objects:
 *
 *   unreferenced object 0xffff888004a1c000 (size 1024):
 *     comm "insmod", pid 95, jiffies 4294893211
 *     hex dump (first 32 bytes on cpu 1):
 *     backtrace (crc 5b1e2b1d):
 *       __kmalloc_cache_noprof+0x2e8/0x390
 *       kml_leak+0x1c/0x40 [kml_kmalloc]
 *
 * A kernel log (dmesg, journalctl -k) with kmemleak's `verbose` reports is
 * accepted too: "[   12.345678] kmemleak: unreferenced object ...", every
 * report line after "kmemleak: ", other lines skipped.
 *
 * The crc is a checksum of the object's contents, not of the stack.
 * Frames are interned: each distinct frame text is stored once in
 * `frames` and objects refer to it by index, so a report of 100,000
 * objects with 15 frames each costs 4 bytes per frame.
 */
#ifndef KLEAK_PARSE_KMEMLEAK_H
#define KLEAK_PARSE_KMEMLEAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/strmap.h"

#define KMEMLEAK_NONE UINT32_MAX /* "no string" in pool offsets */

/* One distinct frame, as printed after the optional "[<...>] " prefix. */
struct kmemleak_frame {
	uint32_t text;	 /* pool: the frame text */
	uint32_t func;	 /* pool: "kmem_alloc", or KMEMLEAK_NONE when raw */
	uint32_t module; /* pool: "kmem_test", or KMEMLEAK_NONE */
	uint64_t addr;	 /* the address of a raw frame ("0xffff..."), else 0 */
	uint64_t offset; /* +0x13 */
	uint64_t size;	 /* /0x30 */
};

struct kmemleak_object {
	uint64_t addr;
	uint64_t size;
	char comm[32];
	int64_t pid;
	uint64_t jiffies;
	double age_s; /* when has_age */
	bool has_age;
	bool has_crc;
	uint32_t crc;
	int cpu;	      /* "on cpu N" of a per-CPU hex dump, else -1 */
	char kind[8];	      /* "", "percpu", "phys" */
	uint32_t hex;	      /* pool: hex dump lines joined by '\n', or NONE */
	uint32_t hex_bytes;   /* "first N bytes" */
	uint32_t frame_start; /* index into report.fids */
	uint32_t nframes;
	long line; /* line of "unreferenced object" */
};

struct kmemleak_report {
	struct kmemleak_object *v;
	size_t n, cap;
	uint32_t *fids; /* frame indices, per object a run */
	size_t nfids, fids_cap;
	struct kmemleak_frame *frames;
	size_t nframes, frames_cap;
	char *pool;
	size_t pool_len, pool_cap;
	struct strmap frame_map; /* frame text -> frames index */
	bool crc_format;	 /* "backtrace (crc ...)" seen */
};

/*
 * Parses a report. An empty input is a valid empty report. Returns 0 or a
 * negative errno with e filled ("src:LINE: ...").
 */
int kmemleak_parse(const char *buf, size_t len, const char *src, struct kmemleak_report *out,
		   struct kerr *e);
void kmemleak_report_free(struct kmemleak_report *r);

static inline const char *kmemleak_str(const struct kmemleak_report *r, uint32_t off)
{
	return off == KMEMLEAK_NONE ? NULL : r->pool + off;
}

/* The frame of object o at position i. */
static inline const struct kmemleak_frame *
kmemleak_obj_frame(const struct kmemleak_report *r, const struct kmemleak_object *o, uint32_t i)
{
	return &r->frames[r->fids[o->frame_start + i]];
}

#endif

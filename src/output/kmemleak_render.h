/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Renderers of `kleak kmemleak`: the grouped report as text or one JSON
 * document (schema: docs/kmemleak.md), what a machine without a usable
 * kmemleak is told, and the acknowledgement of scan and clear. Nothing
 * here computes: the groups come from analyze/kmemleak_group.h. Kernel
 * addresses (a sample object's address, pointers inside its hex dump)
 * appear only with render_opts.show_addresses.
 */
#ifndef KLEAK_OUTPUT_KMEMLEAK_RENDER_H
#define KLEAK_OUTPUT_KMEMLEAK_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/kmemleak_group.h"
#include "output/render.h"

/* The grouped report and where it came from. */
struct kmemleak_view {
	const char *source;  /* the report's path */
	const char *symbols; /* raw frames symbolized from: "live", "file", "none" */
	const struct kmemleak_report *report;
	const struct kmemleak_groups *groups;
	/* `kmemleak run` only (ran false otherwise) */
	bool ran;
	char *const *command;	/* the workload's argv */
	int status;		/* its exit status, or 128 + signal */
	uint64_t since_jiffies; /* objects before it left out; 0: unknown */
};

void kmemleak_render_text(FILE *f, const struct kmemleak_view *v, const struct render_opts *o);
void kmemleak_render_json(FILE *f, const struct kmemleak_view *v, const struct render_opts *o);

/*
 * kmemleak cannot be used here: avail names why ("absent", "disabled",
 * ...), msg is the error. The text names the commands to use instead; the
 * JSON document has the report's keys, empty.
 */
void kmemleak_render_unavailable_text(FILE *f, const char *avail, const char *msg);
void kmemleak_render_unavailable_json(FILE *f, const char *avail, const char *msg);
/* "kmemleak: scan done", or {"kmemleak": "available", "done": "scan"}. */
void kmemleak_render_done(FILE *f, const char *what, bool json);

/*
 * One line of a kmemleak hex dump ("38 40 18 ba 80 88 ff ff ...  ascii"),
 * n bytes of p, into out: an aligned 8-byte word whose top bytes are
 * ff ff (an x86_64 kernel pointer, little-endian) becomes "xx" bytes and
 * its text column dots, unless o->show_addresses (KASLR). Returns out.
 */
const char *kmemleak_hex_line(const char *p, size_t n, const struct render_opts *o, char *out,
			      size_t len);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Parser throughput: reads each file once into memory, then runs the named
 * parser over it ROUNDS times and prints "name MB/s lines/s seconds" for
 * the fastest round. The file read is outside the timing: this measures
 * parsing and aggregation.
 * Usage: bench_parsers ROUNDS meminfo|slabinfo|vmallocinfo|vmalloc_group FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/vmalloc_group.h"
#include "parse/meminfo.h"
#include "parse/slabinfo.h"
#include "parse/vmallocinfo.h"
#include "util/buf.h"

static int nop(const struct vmalloc_area *a, void *c)
{
	(*(size_t *)c) += a->size != 0;
	return 0;
}

static int run(const char *what, const struct buf *b, struct kerr *e)
{
	if (!strcmp(what, "meminfo")) {
		struct meminfo mi;
		int r = meminfo_parse(b->data, b->len, "bench", &mi, e);

		meminfo_free(&mi);
		return r;
	}
	if (!strcmp(what, "slabinfo")) {
		struct slabinfo si;
		int r = slabinfo_parse(b->data, b->len, "bench", &si, e);

		slabinfo_free(&si);
		return r;
	}
	if (!strcmp(what, "vmallocinfo")) {
		size_t n = 0;

		return vmallocinfo_parse(b->data, b->len, "bench", nop, &n, e);
	}
	if (!strcmp(what, "vmalloc_group")) {
		struct vmalloc_groups g;
		int r = vmalloc_group(b->data, b->len, "bench", 4096, NULL, NULL, &g, e);

		vmalloc_groups_free(&g);
		return r;
	}
	return kerr_set(e, -1, what, 0, "unknown parser");
}

int main(int argc, char **argv)
{
	struct buf b = { 0 };
	struct kerr e = { 0 };
	struct timespec t0, t1;
	size_t lines = 0;
	int rounds;
	double s;

	if (argc != 4 || (rounds = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: bench_parsers ROUNDS PARSER FILE\n");
		return 2;
	}
	if (buf_read_file(&b, argv[3], BUF_FILE_CAP, &e)) {
		kerr_print(&e);
		return 1;
	}
	for (size_t i = 0; i < b.len; i++)
		lines += b.data[i] == '\n';
	s = 1e30;
	for (int i = 0; i < rounds; i++) {
		double d;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (run(argv[2], &b, &e)) {
			kerr_print(&e);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		d = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (d < s)
			s = d;
	}
	printf("%s %.1f MB/s %.0f lines/s %.4f s\n", argv[2], (double)b.len / s / 1e6,
	       (double)lines / s, s);
	buf_free(&b);
	return 0;
}

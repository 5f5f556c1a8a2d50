// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML renderer alone on a model of N points (default 100,000): ten
 * memory components and 20 growing series, each with N points, rendered
 * to a file; prints the seconds and the bytes. The page draws at most two
 * points per pixel column (analyze/decimate.h), so both stay flat as N
 * grows; a recording's own cost (reading and parsing the samples) is
 * measured beside it by bench/html/run.sh.
 *
 *   bench_render [-n N] OUT.html
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output/html_report.h"

#define NCOMP 10
#define NSERIES 20

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const char *const names[NCOMP] = { "SUnreclaim", "SReclaimable", "VmallocUsed",
						  "KernelStack", "PageTables", "SecPageTables",
						  "Percpu", "KReclaimable - SReclaimable",
						  "Unaccounted", "Bounce" };
	struct html_component comp[NCOMP];
	struct html_series se[NSERIES];
	struct html_report r = { .meta = { .title = "bench", .samples = 0, .interval_s = 1 } };
	size_t n = 100000;
	double *t, *v, t0;
	char name[NSERIES][32];
	FILE *f;
	int c, ret;

	while ((c = getopt(argc, argv, "n:")) != -1)
		if (c == 'n')
			n = strtoul(optarg, NULL, 10);
	if (optind + 1 != argc || n < 2) {
		fprintf(stderr, "usage: bench_render [-n N] OUT.html\n");
		return 2;
	}
	t = malloc(n * sizeof(double));
	v = malloc(NCOMP * n * sizeof(double));
	if (!t || !v)
		return 1;
	for (size_t j = 0; j < n; j++) {
		t[j] = (double)j;
		for (size_t i = 0; i < NCOMP; i++) /* a slow climb with a per-sample wobble */
			v[i * n + j] = 1e7 * (double)(i + 1) + 4096.0 * (double)(j % 97) +
				       (i == 0 ? 8192.0 * (double)j : 0);
	}
	for (size_t i = 0; i < NCOMP; i++)
		comp[i] = (struct html_component){ .name = names[i], .label = names[i],
						   .bytes = v + i * n, .stacked = i != 3, .style = (unsigned)i,
						   .bytes_now = (uint64_t)v[i * n + n - 1] };
	for (size_t i = 0; i < NSERIES; i++) {
		snprintf(name[i], sizeof(name[i]), "cache-%zu", i);
		se[i] = (struct html_series){ .source = "slab", .name = name[i], .t = t,
					      .bytes = v + (i % NCOMP) * n, .npoints = n,
					      .verdict = i ? "possible_leak" : "leak",
					      .rate_bytes_per_hour = 8192.0 * 3600, .confidence = 0.999 };
	}
	r.meta.samples = n;
	r.meta.duration_s = (double)(n - 1);
	r.t = t;
	r.npoints = n;
	r.comp = comp;
	r.ncomp = NCOMP;
	r.series = se;
	r.nseries = r.nseries_total = NSERIES;
	f = fopen(argv[optind], "w");
	if (!f)
		return 1;
	t0 = now_s();
	ret = html_report_write(f, &r, NULL);
	printf("bench_render: %zu points x %d components + %d sparklines: %.3f s, %ld bytes\n", n,
	       NCOMP, NSERIES, now_s() - t0, ftell(f));
	fclose(f);
	free(t);
	free(v);
	return ret ? 1 : 0;
}

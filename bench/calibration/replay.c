// SPDX-License-Identifier: GPL-2.0
/*
 * Calibration replay (not a test): feeds a recording made beside a real
 * workload through the real ingestion and trend code, analysing every N
 * samples as a live `kleak watch` would show them, and says which series
 * were ever called `leak` (counted as `leak_count` counts them) and when
 * first, what the final report says, and the load the workload ran under
 * (from the recording's own loadavg and stat). With --expect PATTERN
 * (fnmatch over "source:name", e.g. "slab:kleak_leak_cache") it reports
 * the time to the first `leak` of the series a real leak should make;
 * every other `leak` is a false one.
 *
 * Usage: calibration_replay [--leak-window SECONDS] [--every N]
 *                           [--expect PATTERN]... [--dump-at SECONDS] FILE.kleak
 * (--dump-at prints the ranked list of the first analysis past SECONDS on
 * stderr: what a verdict was made of.)
 * Output: one JSON object on stdout (bench/calibration/run.sh keeps them).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/ingest.h"
#include "analyze/trend.h"
#include "model/series.h"
#include "model/snapshot.h"
#include "output/json.h"
#include "source/recording.h"

#define MAX_EXPECT 16

/* A series called `leak` at some analysis (by key: store slots move when it prunes). */
struct hit {
	char key[300];	/* "source:name" */
	double t;	/* elapsed seconds at the first leak verdict */
	double rate;	/* its rate then */
};

struct replay {
	struct series_set set;
	struct ingest in;
	struct snapshot snap;
	struct trend_opts o;
	struct trend_report rep;
	unsigned every;
	uint64_t n;
	struct hit *hits;
	size_t nhits;
	const char *expect[MAX_EXPECT];
	int nexpect;
	double expect_t[MAX_EXPECT];
	/* load */
	double la_sum, la_max, run_sum, tasks_sum;
	uint64_t tasks_min, tasks_max, forks0, forks1, nload;
	double t_forks0, t_forks1;
	const char *print;	/* --print NAME: its value at every sample, on stderr */
	double dump_at; /* --dump-at: print the ranked list once past this time */
	bool dumped;
	struct kerr e;
};

/* The ranked list as the analysis has it now, for looking into a verdict. */
static void dump(const struct replay *r)
{
	fprintf(stderr, "at %.0f s, %zu series listed:\n", r->set.last_t, r->rep.n);
	for (size_t i = 0; i < r->rep.n && i < 40; i++) {
		const struct trend_leak *l = &r->rep.v[i];
		const struct series *s = &r->set.v[l->series];

		fprintf(stderr, "  %-14s %-32.32s %-20s %-20s %8.2f MB/h p %.1e adj %.1e noise %.0f kB ev %.0f s%s%s%s\n",
			series_source_name(s->source), s->name, trend_verdict_name(l->verdict),
			trend_reason_name(l->reason) ? trend_reason_name(l->reason) : "-",
			l->rate_bytes_per_hour / 1e6, l->p, l->p_adjusted, l->noise_bytes / 1024,
			l->evidence_s, l->explained ? " explained" : "",
			l->follows ? " follows " : "", l->follows ? r->set.v[l->leader].name : "");
	}
}

static void key_of(const struct series *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s", series_source_name(s->source), s->name);
}

static struct hit *hit_of(const struct replay *r, const char *key)
{
	for (size_t i = 0; i < r->nhits; i++)
		if (!strcmp(r->hits[i].key, key))
			return &r->hits[i];
	return NULL;
}

static void add_hit(struct replay *r, const char *key, double rate)
{
	struct hit *p = realloc(r->hits, (r->nhits + 1) * sizeof(*p));

	if (!p)
		return;
	r->hits = p;
	p = &r->hits[r->nhits++];
	snprintf(p->key, sizeof(p->key), "%s", key);
	p->t = r->set.last_t;
	p->rate = rate;
	for (int x = 0; x < r->nexpect; x++)
		if (r->expect_t[x] < 0 && !fnmatch(r->expect[x], key, 0))
			r->expect_t[x] = r->set.last_t;
}

static void analyse(struct replay *r)
{
	char k[300];

	if (trend_analyze(&r->set, &r->o, &r->rep))
		return;
	for (size_t i = 0; i < r->rep.n; i++) {
		const struct trend_leak *l = &r->rep.v[i];

		if (!trend_leak_counts(l))
			continue;
		key_of(&r->set.v[l->series], k, sizeof(k));
		if (!hit_of(r, k))
			add_hit(r, k, l->rate_bytes_per_hour);
	}
	if (r->dump_at > 0 && !r->dumped && r->set.last_t >= r->dump_at) {
		r->dumped = true;
		dump(r);
	}
}
static void note_load(struct replay *r, const struct snapshot *s)
{
	double t = r->set.last_t;

	if (snapshot_has(s, SRC_LOADAVG)) {
		r->la_sum += s->loadavg.avg1;
		r->la_max = s->loadavg.avg1 > r->la_max ? s->loadavg.avg1 : r->la_max;
		r->tasks_sum += (double)s->loadavg.tasks;
		if (!r->nload || s->loadavg.tasks < r->tasks_min)
			r->tasks_min = s->loadavg.tasks;
		if (s->loadavg.tasks > r->tasks_max)
			r->tasks_max = s->loadavg.tasks;
		r->nload++;
	}
	if (snapshot_has(s, SRC_STAT)) {
		r->run_sum += (double)s->procstat.procs_running;
		if (!r->forks0) {
			r->forks0 = s->procstat.processes;
			r->t_forks0 = t;
		}
		r->forks1 = s->procstat.processes;
		r->t_forks1 = t;
	}
}

static int on_sample(struct sample *s, void *arg)
{
	struct replay *r = arg;
	int rc = snapshot_parse(&r->snap, s, SRC_ALL, &r->e);

	if (!rc)
		rc = ingest_sample(&r->set, &r->in, &r->snap, &r->e);
	if (rc)
		return rc;
	note_load(r, &r->snap);
	for (size_t k = 0; r->print && k < r->set.count; k++)
		if (!strcmp(r->set.v[k].name, r->print))
			fprintf(stderr, "%.1f %llu\n", r->set.last_t,
				(unsigned long long)r->set.v[k].last);
	if (++r->n % r->every == 0)
		analyse(r);
	return 0;
}

static void print_load(struct json *j, const struct replay *r)
{
	double n = r->nload ? (double)r->nload : 1;
	double dt = r->t_forks1 - r->t_forks0;

	json_key(j, "load");
	json_obj_begin(j);
	json_kv_double(j, "loadavg1_mean", r->la_sum / n);
	json_kv_double(j, "loadavg1_max", r->la_max);
	json_kv_double(j, "procs_running_mean", r->run_sum / n);
	json_kv_double(j, "tasks_mean", r->tasks_sum / n);
	json_kv_u64(j, "tasks_min", r->tasks_min);
	json_kv_u64(j, "tasks_max", r->tasks_max);
	json_kv_double(j, "forks_per_s", dt > 0 ? (double)(r->forks1 - r->forks0) / dt : 0);
	json_obj_end(j);
}

static void print_entry(struct json *j, const struct replay *r, size_t k,
			const struct trend_leak *l)
{
	const struct series *s = &r->set.v[k];
	const struct hit *h;
	char key[300];

	key_of(s, key, sizeof(key));
	h = hit_of(r, key);
	json_obj_begin(j);
	json_kv_str(j, "source", series_source_name(s->source));
	json_kv_str(j, "name", s->name);
	if (h) {
		json_kv_double(j, "first_leak_s", h->t);
		json_kv_double(j, "rate_then", h->rate);
	}
	if (l) {
		json_kv_str(j, "final_verdict", trend_verdict_name(l->verdict));
		json_kv_str(j, "final_reason", trend_reason_name(l->reason));
		json_kv_double(j, "final_rate", l->rate_bytes_per_hour);
		json_kv_bool(j, "final_explained", l->explained);
	}
	json_obj_end(j);
}

static const struct trend_leak *final_of(const struct replay *r, size_t k)
{
	for (size_t i = 0; i < r->rep.n; i++)
		if (r->rep.v[i].series == k)
			return &r->rep.v[i];
	return NULL;
}

static void print(const struct replay *r, const char *file)
{
	struct json j;
	char k[300];

	json_init(&j, stdout, false);
	json_obj_begin(&j);
	json_kv_str(&j, "file", file);
	json_kv_u64(&j, "samples", r->set.samples);
	json_kv_double(&j, "elapsed_s", r->set.last_t);
	json_kv_double(&j, "leak_window_s", r->o.leak_window_s);
	print_load(&j, r);
	json_key(&j, "ever_leak");
	json_arr_begin(&j);
	for (size_t h = 0; h < r->nhits; h++)
		for (size_t i = 0; i < r->set.count; i++) {
			key_of(&r->set.v[i], k, sizeof(k));
			if (!strcmp(k, r->hits[h].key))
				print_entry(&j, r, i, final_of(r, i));
		}
	json_arr_end(&j);
	json_key(&j, "final_leak");
	json_arr_begin(&j);
	for (size_t i = 0; i < r->rep.n; i++)
		if (trend_leak_counts(&r->rep.v[i]))
			print_entry(&j, r, r->rep.v[i].series, &r->rep.v[i]);
	json_arr_end(&j);
	json_key(&j, "expected");
	json_arr_begin(&j);
	for (int x = 0; x < r->nexpect; x++) {
		json_obj_begin(&j);
		json_kv_str(&j, "pattern", r->expect[x]);
		json_key(&j, "first_leak_s");
		if (r->expect_t[x] >= 0)
			json_double(&j, r->expect_t[x]);
		else
			json_null(&j);
		json_key(&j, "final");
		json_arr_begin(&j);
		for (size_t i = 0; i < r->rep.n; i++) {
			key_of(&r->set.v[r->rep.v[i].series], k, sizeof(k));
			if (!fnmatch(r->expect[x], k, 0))
				print_entry(&j, r, r->rep.v[i].series, &r->rep.v[i]);
		}
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end_doc(&j);
}

static int usage(void)
{
	fputs("usage: calibration_replay [--leak-window SECONDS] [--every N] "
	      "[--expect PATTERN]... FILE.kleak\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static struct replay r;
	struct recording_file f = { 0 };
	struct recording_status st;
	const char *file = NULL;

	trend_opts_default(&r.o);
	r.every = 10;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--leak-window") && i + 1 < argc)
			r.o.leak_window_s = atof(argv[++i]);
		else if (!strcmp(argv[i], "--print") && i + 1 < argc)
			r.print = argv[++i];
		else if (!strcmp(argv[i], "--dump-at") && i + 1 < argc)
			r.dump_at = atof(argv[++i]);
		else if (!strcmp(argv[i], "--every") && i + 1 < argc)
			r.every = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--expect") && i + 1 < argc && r.nexpect < MAX_EXPECT)
			r.expect[r.nexpect++] = argv[++i];
		else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else
			return usage();
	}
	if (!file || !r.every)
		return usage();
	for (int x = 0; x < MAX_EXPECT; x++)
		r.expect_t[x] = -1;
	if (series_set_init(&r.set, SERIES_DEFAULT_CAP) || recording_open(file, &f, &r.e) ||
	    recording_decode(f.data, f.len, file, on_sample, &r, &st, &r.e)) {
		fprintf(stderr, "calibration_replay: %s: %s\n", file, r.e.msg);
		return 1;
	}
	snapshot_detach(&r.snap);
	analyse(&r);
	print(&r, file);
	recording_file_close(&f);
	return 0;
}

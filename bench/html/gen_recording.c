// SPDX-License-Identifier: GPL-2.0
/*
 * Writes a recording (the format of `kleak record`, source/recording.h) of
 * N samples fast, from one captured snapshot directory (tests/fixtures/
 * 6.18 by default) with known dynamics, for the HTML report's benchmark
 * and browser tests:
 *
 *   - a leak: cache --leak-cache (kmalloc-512) gains one slab per sample,
 *     SUnreclaim and Slab grow with it, MemFree shrinks;
 *   - noise: dentry (reclaimable) wanders up and down by a few slabs,
 *     SReclaimable and KReclaimable follow;
 *   - a burst that is given back: kmalloc-4k grows over the second fifth
 *     of the run and falls back over the third.
 *
 * --evil names the leaking cache "<script>alert(1)</script>" and the host
 * "<b>evil</b>&\"'", so a page that does not escape them shows it.
 * --sources picks what each sample holds (default meminfo,slabinfo,
 * vmallocinfo,modules; "meminfo" alone makes a small, fast recording).
 * --kmemleak FILE puts a saved kmemleak report in the first sample, as
 * `kleak record` keeps it (only when it changed), so that `kleak report
 * --html` shows its groups.
 * Samples are encoded with the recorder's encoder and written in large
 * writes without fdatasync: a generator, not a recorder.
 *
 *   gen_recording [-n N] [-i SECONDS] [--from DIR] [--leak-cache NAME]
 *                 [--sources LIST] [--kmemleak FILE] [--evil] OUT.kleak
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/procfs.h"
#include "source/recording.h"
#include "util/buf.h"

struct gen {
	unsigned long n;
	double interval_s;
	const char *from, *leak_cache, *out, *kmemleak;
	unsigned sources; /* bits of enum source_id */
	bool evil;
	struct buf tmpl[SRC_COUNT];
	uint64_t rng;
};

static const char evil_cache[] = "<script>alert(1)</script>";

static double noise(struct gen *g) /* xorshift, uniform in [0, 1) */
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return (double)(g->rng % 1000000) / 1e6;
}

/* Slabs each dynamic cache has gained at sample k. */
struct state {
	long leak, dentry, burst;
	long leak_kb, dentry_kb, burst_kb; /* the same in kB */
};

static long burst_slabs(const struct gen *g, unsigned long k)
{
	unsigned long fifth = g->n / 5 ? g->n / 5 : 1;

	if (k < fifth || k >= 3 * fifth)
		return 0;
	return k < 2 * fifth ? (long)(k - fifth) : (long)(3 * fifth - k);
}

/* Writes one slabinfo line with `add` more slabs (and their objects). */
static int slab_line(struct buf *out, const char *line, size_t len, const char *name, long add,
		     long *kb)
{
	char nm[128], copy[512];
	unsigned long a, n, size, per, pages, as, ns, sh;
	int used = 0;

	snprintf(copy, sizeof(copy), "%.*s", (int)len, line); /* sscanf needs the NUL */
	if (sscanf(copy, "%127s %lu %lu %lu %lu %lu : tunables %*u %*u %*u : slabdata %lu %lu %lu%n",
		   nm, &a, &n, &size, &per, &pages, &as, &ns, &sh, &used) != 9 || (size_t)used > len)
		return buf_append(out, line, len) || buf_append(out, "\n", 1);
	*kb = add * (long)pages * 4;
	return buf_printf(out, "%-17s %6lu %6lu %6lu %4lu %4lu : tunables    0    0    0 : "
			       "slabdata %6lu %6lu %6lu\n", name, a + add * per, n + add * per,
			  size, per, pages, as + add, ns + add, sh);
}

static int gen_slabinfo(const struct gen *g, struct state *st, struct buf *out)
{
	struct line_iter it;
	const char *l;
	size_t len;
	int r = 0;

	buf_reset(out);
	st->leak_kb = st->dentry_kb = st->burst_kb = 0;
	line_iter_init(&it, g->tmpl[SRC_SLABINFO].data, g->tmpl[SRC_SLABINFO].len);
	while (!r && line_next(&it, &l, &len)) {
		size_t nl = strcspn(l, " ");
		char name[128];

		snprintf(name, sizeof(name), "%.*s", (int)(nl < len ? nl : len), l);
		if (!strcmp(name, g->leak_cache))
			r = slab_line(out, l, len, g->evil ? evil_cache : name, st->leak, &st->leak_kb);
		else if (!strcmp(name, "dentry"))
			r = slab_line(out, l, len, name, st->dentry, &st->dentry_kb);
		else if (!strcmp(name, "kmalloc-4k"))
			r = slab_line(out, l, len, name, st->burst, &st->burst_kb);
		else
			r = buf_append(out, l, len) || buf_append(out, "\n", 1);
	}
	return r;
}

static long meminfo_delta(const struct state *st, const char *field)
{
	long all = st->leak_kb + st->dentry_kb + st->burst_kb;

	if (!strcmp(field, "MemFree"))
		return -all;
	if (!strcmp(field, "MemAvailable"))
		return -(st->leak_kb + st->burst_kb);
	if (!strcmp(field, "Slab"))
		return all;
	if (!strcmp(field, "SReclaimable") || !strcmp(field, "KReclaimable"))
		return st->dentry_kb;
	if (!strcmp(field, "SUnreclaim"))
		return st->leak_kb + st->burst_kb;
	return 0;
}

static int gen_meminfo(const struct gen *g, const struct state *st, struct buf *out)
{
	struct line_iter it;
	const char *l;
	size_t len;
	int r = 0;

	buf_reset(out);
	line_iter_init(&it, g->tmpl[SRC_MEMINFO].data, g->tmpl[SRC_MEMINFO].len);
	while (!r && line_next(&it, &l, &len)) {
		char field[64], unit[8] = "", line[256];
		long v;
		int n;

		snprintf(line, sizeof(line), "%.*s", (int)len, l); /* sscanf needs the NUL */
		n = sscanf(line, "%63[^:]: %ld %7s", field, &v, unit);

		if (n < 2) {
			r = buf_append(out, l, len) || buf_append(out, "\n", 1);
			continue;
		}
		v += meminfo_delta(st, field);
		r = buf_printf(out, "%s:%*ld%s%s\n", field, (int)(24 - strlen(field)), v < 0 ? 0 : v,
			       unit[0] ? " " : "", unit);
	}
	return r;
}

/* The sample's meta, as the live reader writes it (parse/meta.h). */
static int gen_meta(const struct gen *g, uint64_t t_ns, struct sample *s)
{
	buf_reset(&s->meta);
	s->have_meta = true;
	return buf_printf(&s->meta,
			  "kleak_snapshot=1\nrelease=6.18.44-fc-v657\nhostname=%s\n"
			  "time=%lld\npage_size=4096\nmono_ns=%llu\n",
			  g->evil ? "<b>evil</b>&\"'" : "bench-host",
			  (long long)(1795586770 + t_ns / 1000000000ULL),
			  (unsigned long long)(1000000000ULL + t_ns));
}

static int gen_sample(struct gen *g, unsigned long k, struct sample *s)
{
	struct state st = { 0 };
	uint64_t t_ns = (uint64_t)(k * g->interval_s * 1e9);

	st.leak = (long)k;
	st.dentry = (long)(noise(g) * 40);
	st.burst = burst_slabs(g, k);
	if (gen_slabinfo(g, &st, &s->raw[SRC_SLABINFO]) ||
	    gen_meminfo(g, &st, &s->raw[SRC_MEMINFO]) || gen_meta(g, t_ns, s))
		return -ENOMEM;
	for (int i = 0; i < SRC_COUNT; i++) {
		s->have[i] = (g->sources >> i & 1) && g->tmpl[i].data;
		if (s->have[i] && i != SRC_MEMINFO && i != SRC_SLABINFO) {
			buf_reset(&s->raw[i]);
			if (buf_append(&s->raw[i], g->tmpl[i].data, g->tmpl[i].len))
				return -ENOMEM;
		}
	}
	/*
	 * The reclaim flags and module symbols with the first sample only, as
	 * kleak record does; kmemleak's report too (record keeps it when it
	 * changed, and it does not change here).
	 */
	if (k) {
		s->have[SRC_SLAB_ALIASES] = false;
		s->have[SRC_KALLSYMS] = false;
		s->have[SRC_KMEMLEAK] = false;
	}
	return 0;
}

static int parse_sources(const char *list, unsigned *out)
{
	char *copy = strdup(list), *save = NULL;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	*out = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		enum source_id id = source_by_name(t);

		if (id == SRC_COUNT)
			r = -EINVAL;
		else
			*out |= 1u << id;
	}
	free(copy);
	return r || !(*out & 1u << SRC_MEMINFO) ? -EINVAL : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: gen_recording [-n N] [-i SECONDS] [--from DIR] [--leak-cache NAME] "
			"[--sources LIST] [--kmemleak FILE] [--evil] OUT.kleak\n");
	return 2;
}

static int parse_opts(int argc, char **argv, struct gen *g)
{
	static const struct option lo[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "leak-cache", required_argument, NULL, 'l' },
		{ "sources", required_argument, NULL, 's' },
		{ "kmemleak", required_argument, NULL, 'k' },
		{ "evil", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "n:i:", lo, NULL)) != -1) {
		switch (c) {
		case 'n': g->n = strtoul(optarg, NULL, 10); break;
		case 'i': g->interval_s = strtod(optarg, NULL); break;
		case 'f': g->from = optarg; break;
		case 'l': g->leak_cache = optarg; break;
		case 's':
			if (parse_sources(optarg, &g->sources))
				return usage();
			break;
		case 'k':
			g->kmemleak = optarg;
			g->sources |= 1u << SRC_KMEMLEAK;
			break;
		case 'e': g->evil = true; break;
		default: return usage();
		}
	}
	if (optind + 1 != argc || !g->n || !(g->interval_s > 0))
		return usage();
	g->out = argv[optind];
	return 0;
}

static int load_templates(struct gen *g, struct kerr *e)
{
	for (int i = 0; i < SRC_COUNT; i++) {
		char path[4096];
		int r;

		if (!(g->sources >> i & 1) && i != SRC_SLABINFO && i != SRC_MEMINFO)
			continue;
		if (i == SRC_KMEMLEAK && g->kmemleak)
			snprintf(path, sizeof(path), "%s", g->kmemleak);
		else
			snprintf(path, sizeof(path), "%s/%s", g->from, source_descs[i].name);
		r = buf_read_file(&g->tmpl[i], path, BUF_FILE_CAP, e);
		if (r && (i == SRC_MEMINFO || i == SRC_SLABINFO || i == SRC_KMEMLEAK))
			return r;
	}
	return 0;
}

static int write_all(struct gen *g, FILE *f, struct kerr *e)
{
	struct recording_encoder enc = { .level = 1 };
	struct sample s = { 0 };
	struct buf out = { 0 };
	int r = 0;

	for (unsigned long k = 0; k < g->n && !r; k++) {
		struct recording_meta m = {
			.seq = k + 1, .interval_ns = (uint64_t)(g->interval_s * 1e9),
			.time_s = 1795586770 + (int64_t)(k * g->interval_s),
		};

		r = gen_sample(g, k, &s);
		if (!r)
			r = recording_encode(&enc, &s, &m, &out, e);
		if (!r && out.len >= (8u << 20)) { /* write in large pieces */
			r = fwrite(out.data, 1, out.len, f) == out.len ? 0 : -EIO;
			buf_reset(&out);
		}
	}
	if (!r)
		r = recording_encode_end(&enc, &out, e);
	if (!r && fwrite(out.data, 1, out.len, f) != out.len)
		r = -EIO;
	buf_free(&out);
	sample_free(&s);
	recording_encoder_free(&enc);
	return r;
}

int main(int argc, char **argv)
{
	struct gen g = { .n = 1000, .interval_s = 1, .from = "tests/fixtures/6.18",
			 .leak_cache = "kmalloc-512", .rng = 88172645463325252ULL,
			 .sources = 1u << SRC_MEMINFO | 1u << SRC_SLABINFO |
				    1u << SRC_VMALLOCINFO | 1u << SRC_MODULES |
				    1u << SRC_SLAB_ALIASES | 1u << SRC_KALLSYMS };
	struct kerr e = { 0 };
	char msg[1024];
	FILE *f;
	int r;

	r = parse_opts(argc, argv, &g);
	if (r)
		return r;
	r = load_templates(&g, &e);
	if (r) {
		fprintf(stderr, "gen_recording: %s\n", kerr_str(&e, msg, sizeof(msg)));
		return 1;
	}
	f = fopen(g.out, "wx"); /* never overwrite, like kleak record */
	if (!f) {
		fprintf(stderr, "gen_recording: %s: %s\n", g.out, strerror(errno));
		return 1;
	}
	r = write_all(&g, f, &e);
	if (fclose(f) && !r)
		r = -EIO;
	if (r)
		fprintf(stderr, "gen_recording: %s: %s\n", g.out,
			e.code ? kerr_str(&e, msg, sizeof(msg)) : strerror(-r));
	for (int i = 0; i < SRC_COUNT; i++)
		buf_free(&g.tmpl[i]);
	return r ? 1 : 0;
}

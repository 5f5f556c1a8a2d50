// SPDX-License-Identifier: GPL-2.0
/*
 * kleak exporter: serves kernel memory, its growth and leak verdicts to
 * Prometheus. The main thread samples at its interval through watch's own
 * step (sampler.h, over a sliding trend window) and renders the metrics
 * once per sample in both formats (metrics_feed.h); libmicrohttpd's
 * threads serve the last rendering (export/httpd.h), so a scrape never
 * waits for a sample and costs the same whoever scrapes. Optionally the
 * same text goes to a file for node_exporter's textfile collector.
 */
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cmd.h"
#include "export/auth.h"
#include "export/httpd.h"
#include "export/textfile.h"
#include "metrics_feed.h"
#include "parse/webconfig.h"
#include "sampler.h"
#include "stop.h"
#include "stream.h"
#include "util/buf.h"
#include "util/compiler.h"

/* Outside 9100-9999, which the Prometheus port allocations have filled. */
#define EXPORTER_DEFAULT_LISTEN "127.0.0.1:19117"

/* The sources of watch's series: what the metrics are made of. */
#define EXPORTER_MASK                                                              \
	(SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_SLABINFO) | SRC_BIT(SRC_VMALLOCINFO) | \
	 SRC_BIT(SRC_MODULES) | SRC_BIT(SRC_ALLOCINFO) | SRC_BIT(SRC_CGROUPS))

struct exporter_opts {
	const char *listen;	   /* EXPORTER_DEFAULT_LISTEN */
	struct stream_opts stream; /* -i 5 s: 0.1% of a core, 120 points per 10 min */
	uint64_t leak_window_ns;   /* trend_opts_default()'s, unless given */
	bool leak_window_set;
	unsigned top;		/* METRICS_FEED_TOP */
	const char *web_config; /* NULL: plain HTTP, no auth */
	unsigned max_conns;	/* 512 */
	const char *textfile;	/* NULL: none */
};

#define T struct exporter_opts
static const struct opt exporter_opts_table[] = {
	{ .name = "listen",
	  .kind = OPTV_STRING,
	  .metavar = "ADDR:PORT",
	  .def = EXPORTER_DEFAULT_LISTEN,
	  .min = 2,
	  .max = 256,
	  OPT_AT(T, listen),
	  .help = "where to listen: [::1]:PORT for IPv6, :PORT for every\n"
		  "interface; port 0 picks a free one" },
	OPT_STREAM(T, stream, "5s"),
	OPT_LEAK_WINDOW(T, leak_window_ns, leak_window_set),
	OPT_TOP(T, top, "30", "rows per table (plus `other`) and verdict rows"),
	{ .name = "web.config.file",
	  .kind = OPTV_PATH,
	  .metavar = "FILE",
	  OPT_AT(T, web_config),
	  .help = "TLS and basic auth (exporter-toolkit format)" },
	{ .name = "max-connections",
	  .kind = OPTV_COUNT,
	  .metavar = "N",
	  .def = "512",
	  .min = 1,
	  .max = 65536,
	  OPT_AT(T, max_conns),
	  .help = "connection cap" },
	{ .name = "textfile",
	  .kind = OPTV_PATH,
	  .metavar = "PATH",
	  OPT_AT(T, textfile),
	  .help = "also write the metrics to PATH each sample (atomically)" },
};
#undef T

static void exporter_opts_init(void *p)
{
	struct trend_opts t;

	trend_opts_default(&t);
	((struct exporter_opts *)p)->leak_window_ns = (uint64_t)(t.leak_window_s * 1e9);
}

const struct cmd_spec cmd_exporter_spec = {
	.name = "exporter",
	.synopsis =
		"usage: kleak exporter [--listen ADDR:PORT] [-i SECONDS] [-n SAMPLES | -d DURATION]\n"
		"                      [--leak-window DUR] [--top N] [--web.config.file FILE]\n"
		"                      [--max-connections N] [--textfile PATH]\n"
		"\n"
		"Serves kernel memory to Prometheus at http://ADDR:PORT/metrics: meminfo's\n"
		"kernel components, slab caches, vmalloc callers and modules, allocinfo\n"
		"sites (top N of each plus an `other` row), and for every series that\n"
		"grows, its rate, confidence, verdict (leak, growing, growing_reclaimable,\n"
		"possible_leak, fluctuating, released) and why it is not a leak, from\n"
		"watch's own step over a sliding window. OpenMetrics when the scraper\n"
		"asks for it. Sampling runs at its own interval; a scrape is served from\n"
		"the last sample. Slab and vmalloc need root (see docs/exporter.md for\n"
		"the capabilities). Stops on SIGINT or SIGTERM (or at -n, -d).\n",
	.footer =
		"Exit codes: 0 stopped, 1 cannot start (address in use, a web config or\n"
		"a /proc source that does not parse), 2 usage.\n"
		"See docs/exporter.md for every metric, the hardening and the packaging.\n",
	.opts = exporter_opts_table,
	.nopts = ARRAY_SIZE(exporter_opts_table),
	.size = sizeof(struct exporter_opts),
	.init = exporter_opts_init,
};

static int parse_opts(int argc, char **argv, struct exporter_opts *o)
{
	int r, first_arg;

	r = opts_parse(&cmd_exporter_spec, "exporter", argc, argv, o, &first_arg);
	if (r != OPTS_CONTINUE)
		return r;
	if (o->stream.samples && o->stream.duration_ns)
		return cmd_usage("exporter", "-n and -d conflict: give one");
	return OPTS_CONTINUE;
}

/* ---- web configuration: TLS files are relative to the config's directory ---- */

struct web {
	struct webconfig wc;
	struct buf cert, key;
	struct auth *auth;
};

static int read_rel(const char *cfg, const char *file, struct buf *out, struct kerr *e)
{
	char dir[4096], path[8192];

	snprintf(dir, sizeof(dir), "%s", cfg);
	if (file[0] == '/')
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", dirname(dir), file);
	return buf_read_file(out, path, 1 << 20, e);
}

static int web_load(const char *path, struct web *w, struct kerr *e)
{
	struct buf b = { 0 };
	int r;

	r = buf_read_file(&b, path, 1 << 16, e);
	if (!r)
		r = webconfig_parse(b.data ? b.data : "", b.len, path, &w->wc, e);
	buf_free(&b);
	if (!r && w->wc.tls)
		r = read_rel(path, w->wc.cert_file, &w->cert, e);
	if (!r && w->wc.tls)
		r = read_rel(path, w->wc.key_file, &w->key, e);
	if (!r && w->wc.nusers)
		r = auth_new(&w->wc, path, &w->auth, e);
	return r;
}

static void web_free(struct web *w)
{
	auth_free(w->auth);
	if (w->key.data)
		explicit_bzero(w->key.data, w->key.len);
	buf_free(&w->key);
	buf_free(&w->cert);
	webconfig_free(&w->wc);
}

/* ---- one sample: take, render both formats, publish ---- */

struct exporter {
	struct exporter_opts o;
	struct sampler s;
	struct metrics_feed feed;
	struct httpd *h;
	struct buf text, om;
	char last_err[1024];
};

static void note_error(struct exporter *x, const struct kerr *e)
{
	char msg[1024];

	kerr_str(e, msg, sizeof(msg));
	if (!strcmp(msg, x->last_err)) /* said once until it changes */
		return;
	fprintf(stderr, "kleak exporter: %s (counted in kleak_sample_errors_total)\n", msg);
	snprintf(x->last_err, sizeof(x->last_err), "%s", msg);
}

/* Renders the last step and makes it the one served (and written). */
static int publish(struct exporter *x, struct kerr *e)
{
	int r = metrics_feed_render(&x->feed, &x->s, &x->text, &x->om);

	if (!r)
		r = httpd_publish(x->h, x->text.data, x->text.len, x->om.data, x->om.len);
	if (r)
		return kerr_set(e, r, "exporter", 0, "out of memory");
	if (x->o.textfile)
		return textfile_write(x->o.textfile, x->text.data, x->text.len, e);
	return 0;
}

/*
 * The first sample: without meminfo there is nothing true to serve (exit
 * 1); root-only sources missing are said once.
 */
static int check_sources(const struct exporter *x)
{
	static const enum source_id ids[] = { SRC_SLABINFO, SRC_VMALLOCINFO };
	const struct snapshot *snap = &x->s.snap;

	if (!snapshot_has(snap, SRC_MEMINFO))
		return cmd_fail(&snap->err[SRC_MEMINFO], false);
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		if (!snapshot_has(snap, ids[i]))
			fprintf(stderr, "kleak exporter: %s: %s: not exported\n",
				source_descs[ids[i]].live_path, snap->err[ids[i]].msg);
	return 0;
}

/*
 * One sample. At the first, any failure stops the exporter (it could
 * serve nothing true); later a source that stops parsing or a textfile
 * that cannot be written is said once and counted, and sampling goes on.
 */
static int take(struct exporter *x, bool first)
{
	struct kerr e = { 0 };
	int r = sampler_step(&x->s, &e);

	if (r && (first || r == -ENOMEM))
		return cmd_fail(&e, false);
	if (r)
		note_error(x, &e);
	if (first && check_sources(x))
		return KLEAK_EXIT_ERROR;
	kerr_clear(&e);
	r = publish(x, &e);
	if (r && (first || r == -ENOMEM))
		return cmd_fail(&e, false);
	if (r)
		note_error(x, &e);
	return 0;
}

/* Room for the connection cap in the descriptor limit. */
static void raise_nofile(unsigned conns)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < (rlim_t)conns + 64) {
		rl.rlim_cur = (rlim_t)conns + 64 < rl.rlim_max ? (rlim_t)conns + 64 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The HTTP threads inherit a mask without the stop signals: the main thread gets them. */
static int serve(struct exporter *x, struct web *w, struct kerr *e)
{
	struct httpd_opts ho;
	sigset_t stopsigs, old;
	int r;

	httpd_opts_default(&ho);
	ho.listen = x->o.listen;
	ho.max_conns = x->o.max_conns;
	ho.auth = w->auth;
	ho.tls_cert_pem = w->wc.tls ? w->cert.data : NULL;
	ho.tls_key_pem = w->wc.tls ? w->key.data : NULL;
	raise_nofile(x->o.max_conns);
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGINT);
	sigaddset(&stopsigs, SIGTERM);
	sigaddset(&stopsigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stopsigs, &old);
	r = httpd_start(&ho, &x->h, e);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!r)
		fprintf(stderr, "kleak exporter: listening on %s://%s (port %u)\n",
			w->wc.tls ? "https" : "http", x->o.listen, httpd_port(x->h));
	return r;
}

/* Samples until -n, -d or a stop signal (stream.h), publishing each. */
static int run(struct exporter *x)
{
	struct stream st;
	bool first = true;
	int r;

	stream_start(&st, &x->o.stream, true);
	do {
		r = take(x, first);
		first = false;
	} while (!r && !stream_last(&st) && stream_wait(&st));
	return r;
}

static int start(struct exporter *x, struct web *w)
{
	struct sampler_opts so = {
		.mask = EXPORTER_MASK,
		.leak_window_ns = x->o.leak_window_ns,
		.slide_ns = sampler_slide_ns(x->o.leak_window_ns, x->o.stream.interval_ns),
	};
	struct kerr e = { 0 };

	if (x->o.web_config && web_load(x->o.web_config, w, &e))
		return cmd_fail(&e, false);
	if (sampler_init(&x->s, &so)) {
		fprintf(stderr, "kleak exporter: out of memory\n");
		return KLEAK_EXIT_ERROR;
	}
	x->feed.top = x->o.top;
	stop_install();
	if (serve(x, w, &e))
		return cmd_fail(&e, false);
	return 0;
}

int cmd_exporter(int argc, char **argv)
{
	struct exporter x = { 0 };
	struct web w = { 0 };
	int r;

	r = parse_opts(argc, argv, &x.o);
	if (r != OPTS_CONTINUE)
		return r;
	r = start(&x, &w);
	if (!r)
		r = run(&x);
	httpd_stop(x.h);
	sampler_free(&x.s);
	metrics_feed_free(&x.feed);
	buf_free(&x.text);
	buf_free(&x.om);
	web_free(&w);
	return r;
}

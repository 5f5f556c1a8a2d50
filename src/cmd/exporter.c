// SPDX-License-Identifier: GPL-2.0
/*
 * kleak exporter: serves kernel memory, its growth and leak verdicts to
 * Prometheus. The main thread samples at its interval (exporter_sample.h:
 * the same series and trend statistics as watch, over a sliding window)
 * and renders the metrics once per sample in both formats; libmicrohttpd's
 * threads serve the last rendering (export/httpd.h), so a scrape never
 * waits for a sample and costs the same whoever scrapes. Optionally the
 * same text goes to a file for node_exporter's textfile collector.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cmd.h"
#include "exporter_sample.h"
#include "export/auth.h"
#include "export/httpd.h"
#include "export/textfile.h"
#include "output/metrics.h"
#include "output/prom.h"
#include "parse/webconfig.h"
#include "stop.h"
#include "util/buf.h"
#include "util/num.h"

/* Outside 9100-9999, which the Prometheus port allocations have filled. */
#define EXPORTER_DEFAULT_LISTEN "127.0.0.1:19117"

const char cmd_exporter_help[] =
	"usage: kleak exporter [--listen ADDR:PORT] [-i SECONDS] [--leak-window DUR] [--top N]\n"
	"                      [--web.config.file FILE] [--max-connections N] [--textfile PATH]\n"
	"\n"
	"Serves kernel memory to Prometheus at http://ADDR:PORT/metrics: meminfo's\n"
	"kernel components, slab caches, vmalloc callers and modules, allocinfo\n"
	"sites (top N of each plus an `other` row), and for every series that\n"
	"grows, its rate, confidence and verdict (leak, growing, growing_reclaimable,\n"
	"possible_leak, fluctuating, released) from the same statistics as watch,\n"
	"over a sliding window. OpenMetrics when the scraper asks for it.\n"
	"Sampling runs at its own interval; a scrape is served from the last\n"
	"sample. Slab and vmalloc need root (see docs/exporter.md for the\n"
	"capabilities). Stops on SIGINT or SIGTERM.\n"
	"\n"
	"Options:\n"
	"      --listen ADDR:PORT  where to listen (default " EXPORTER_DEFAULT_LISTEN ";\n"
	"                          [::1]:PORT for IPv6, :PORT for every interface)\n"
	"  -i, --interval DUR      time between samples (default 5s)\n"
	"      --leak-window DUR   growth must persist this long before `leak`\n"
	"                          (default 10m; `growing` before)\n"
	"      --top N             rows per table and verdict rows (default 30)\n"
	"      --web.config.file FILE  TLS and basic auth (exporter-toolkit format)\n"
	"      --max-connections N connection cap (default 512)\n"
	"      --textfile PATH     also write the metrics to PATH each sample (atomically)\n"
	"  -h, --help              show this help\n"
	"\n"
	"See docs/exporter.md for every metric, the hardening and the packaging.\n";

struct exporter_opts {
	const char *listen;	    /* EXPORTER_DEFAULT_LISTEN */
	uint64_t interval_ns;	    /* 5 s: 0.1% of a core, 120 points per 10 min */
	uint64_t leak_window_ns;    /* 10 min (issue 19's default) */
	int top;		    /* 30 */
	const char *web_config;	    /* NULL: plain HTTP, no auth */
	int max_conns;		    /* 512 */
	const char *textfile;	    /* NULL: none */
};

static int parse_opts(int argc, char **argv, struct exporter_opts *o)
{
	static const struct option lopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "interval", required_argument, NULL, 'i' },
		{ "leak-window", required_argument, NULL, 'w' },
		{ "top", required_argument, NULL, 't' },
		{ "web.config.file", required_argument, NULL, 'c' },
		{ "max-connections", required_argument, NULL, 'm' },
		{ "textfile", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->listen = EXPORTER_DEFAULT_LISTEN;
	o->interval_ns = 5000000000ULL;
	o->leak_window_ns = 600000000000ULL;
	o->top = 30;
	o->max_conns = 512;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->listen = optarg;
			break;
		case 'i':
			if (num_parse_duration_ns(optarg, &o->interval_ns) ||
			    o->interval_ns < 100000000ULL)
				return cmd_usage("exporter", "bad interval '%s' (at least 100ms)", optarg);
			break;
		case 'w':
			if (num_parse_duration_ns(optarg, &o->leak_window_ns))
				return cmd_usage("exporter", "bad --leak-window '%s'", optarg);
			break;
		case 't':
			if (num_parse_int(optarg, 1, 1000, &o->top))
				return cmd_usage("exporter", "bad --top '%s' (1 to 1000)", optarg);
			break;
		case 'c':
			o->web_config = optarg;
			break;
		case 'm':
			if (num_parse_int(optarg, 1, 65536, &o->max_conns))
				return cmd_usage("exporter", "bad --max-connections '%s' (1 to 65536)", optarg);
			break;
		case 'f':
			o->textfile = optarg;
			break;
		case 'h':
			cmd_help("exporter");
			return -1;
		case ':':
			return cmd_usage("exporter", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cmd_usage("exporter", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage("exporter", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* ---- web configuration: TLS files are relative to the config's directory ---- */

struct web {
	struct webconfig wc;
	struct buf cert, key;
	struct auth *auth;
};

static int read_rel(const char *cfg, const char *file, struct buf *out,
		    struct kerr *e)
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
	struct exporter_sampler *s;
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
	fprintf(stderr, "kleak exporter: %s (the last good sample stays served)\n", msg);
	snprintf(x->last_err, sizeof(x->last_err), "%s", msg);
}

static int render(struct exporter *x)
{
	struct metrics_opts mo = { .top = (size_t)x->o.top };
	struct metrics_input *in;
	struct prom_set set = { 0 };
	int r;

	r = exporter_sampler_input(x->s, &in);
	if (!r) {
		in->version = KLEAK_VERSION;
		r = metrics_build(in, &mo, &set);
	}
	buf_reset(&x->text);
	buf_reset(&x->om);
	if (!r)
		r = prom_render(&set, PROM_TEXT, &x->text);
	if (!r)
		r = prom_render(&set, PROM_OPENMETRICS, &x->om);
	prom_set_free(&set);
	return r;
}

/* Renders the last sample and makes it the one served (and written). */
static int publish(struct exporter *x)
{
	struct kerr e = { 0 };
	int r = render(x);

	if (!r)
		r = httpd_publish(x->h, x->text.data, x->text.len, x->om.data, x->om.len);
	if (!r && x->o.textfile) {
		kerr_clear(&e);
		if (textfile_write(x->o.textfile, x->text.data, x->text.len, &e))
			note_error(x, &e);
	}
	return r;
}

static int step(struct exporter *x)
{
	struct kerr e = { 0 };
	int r = exporter_sampler_take(x->s, &e);

	if (r) {
		note_error(x, &e);
		if (r == -ENOMEM)
			return r;
	}
	return publish(x);
}

/* Root-only sources missing at the first sample: said once. */
static int first_sample(struct exporter *x)
{
	static const char *const names[] = { "slabinfo", "vmallocinfo" };
	struct kerr e = { 0 };
	int r = exporter_sampler_take(x->s, &e);

	if (r)
		return cmd_fail(&e, false);
	for (size_t i = 0; i < 2; i++) {
		const char *why = exporter_sampler_source_error(x->s, names[i]);

		if (*why)
			fprintf(stderr, "kleak exporter: /proc/%s: %s: not exported\n",
				names[i], why);
	}
	return 0;
}

/* Room for the connection cap in the descriptor limit. */
static void raise_nofile(int conns)
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
	ho.max_conns = (unsigned)x->o.max_conns;
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

static int run(struct exporter *x)
{
	uint64_t next = stop_now_ns();
	int r;

	r = publish(x);
	while (!r && !stop_tick(&next, x->o.interval_ns))
		r = step(x);
	if (r) {
		fprintf(stderr, "kleak exporter: %s\n", strerror(-r));
		return KLEAK_EXIT_ERROR;
	}
	return KLEAK_EXIT_OK;
}

int cmd_exporter(int argc, char **argv)
{
	struct exporter_sampler_opts so = { 0 };
	struct exporter x = { 0 };
	struct web w = { 0 };
	struct kerr e = { 0 };
	int r;

	r = parse_opts(argc, argv, &x.o);
	if (r)
		return r < 0 ? KLEAK_EXIT_OK : r;
	if (x.o.web_config && web_load(x.o.web_config, &w, &e)) {
		r = cmd_fail(&e, false);
		goto out;
	}
	so.interval_ns = x.o.interval_ns;
	so.leak_window_ns = x.o.leak_window_ns;
	so.top = (size_t)x.o.top;
	if (exporter_sampler_new(&so, &x.s)) {
		r = KLEAK_EXIT_ERROR;
		fprintf(stderr, "kleak exporter: out of memory\n");
		goto out;
	}
	stop_install();
	if (serve(&x, &w, &e)) {
		r = cmd_fail(&e, false);
		goto out;
	}
	r = first_sample(&x);
	if (!r)
		r = run(&x);
out:
	httpd_stop(x.h);
	exporter_sampler_free(x.s);
	buf_free(&x.text);
	buf_free(&x.om);
	web_free(&w);
	return r;
}

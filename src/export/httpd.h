/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exporter's HTTP server, on libmicrohttpd: serves the last published
 * metrics body at /metrics (the text format, or OpenMetrics when the
 * Accept header asks for it), a small page at /, 404 elsewhere; GET and
 * HEAD only (405 with Allow otherwise), no request bodies (413).
 *
 * A scrape costs the same whatever the scraper does: bodies are rendered
 * once per sample by the caller and published here as shared, reference
 * counted responses; a request only queues one.
 *
 * Hardening, each bounded by an option with a default (docs/exporter.md):
 * a connection cap; the request line and headers must fit in a per-
 * connection memory pool (else 414/431); an idle timeout; and an absolute
 * deadline per request, enforced by a reaper thread that shuts down
 * connections still sending their request (slowloris) or still reading a
 * response past it — libmicrohttpd's own timeout restarts on every byte,
 * so a client sending a header byte a second would otherwise hold a
 * connection forever. TLS (GnuTLS, inside libmicrohttpd) and basic auth
 * (export/auth.h) come from the web configuration.
 */
#ifndef KLEAK_EXPORT_HTTPD_H
#define KLEAK_EXPORT_HTTPD_H

#include <stddef.h>

#include "export/auth.h"
#include "util/err.h"

struct httpd_opts {
	const char *listen;	    /* "127.0.0.1:PORT", "[::1]:PORT", ":PORT" */
	unsigned max_conns;	    /* connection cap: 512 */
	unsigned idle_timeout_s;    /* no byte for this long: closed (10) */
	unsigned request_timeout_s; /* a request and its response: 10 */
	size_t conn_memory;	    /* request line + headers per connection: 16 KiB */
	unsigned threads;	    /* event-loop threads: 2 */
	const char *tls_cert_pem;   /* NULL: plain HTTP */
	const char *tls_key_pem;
	struct auth *auth; /* NULL or no users: no authentication */
};

/* The defaults above. */
void httpd_opts_default(struct httpd_opts *o);

struct httpd;

/*
 * Parses o->listen into a socket address (pure; the port is required).
 * 0 or -EINVAL with e saying why.
 */
struct sockaddr_storage;
int httpd_parse_listen(const char *s, struct sockaddr_storage *ss, struct kerr *e);

/* Binds and starts serving (503 on /metrics until the first publish). */
int httpd_start(const struct httpd_opts *o, struct httpd **out, struct kerr *e);
/* Makes these bodies the ones served; copies them. 0 or -ENOMEM. */
int httpd_publish(struct httpd *h, const char *text, size_t text_len, const char *om,
		  size_t om_len);
/* The port bound (useful with port 0). */
unsigned httpd_port(const struct httpd *h);
void httpd_stop(struct httpd *h);

#endif

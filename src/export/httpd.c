// SPDX-License-Identifier: GPL-2.0
/* The exporter's HTTP server on libmicrohttpd; see httpd.h. */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "output/prom.h"
#include "util/clock.h"

#define NS 1000000000ULL

static const char index_html[] =
	"<!DOCTYPE html>\n<html><head><title>kleak exporter</title></head>\n"
	"<body><h1>kleak exporter</h1>\n"
	"<p>Kernel memory, its growth and leak verdicts for Prometheus: "
	"<a href=\"metrics\">/metrics</a>.</p>\n</body></html>\n";

/* A connection, from accept to close (see the reaper). */
struct conn_slot {
	bool used;
	int fd;
	uint64_t deadline_ns;
};

struct httpd {
	struct MHD_Daemon *d;
	struct httpd_opts o;
	pthread_mutex_t mu;	      /* the published responses */
	struct MHD_Response *body[2]; /* by enum prom_format */
	struct MHD_Response *index, *not_found, *not_allowed, *too_large, *unauthorized,
		*unavailable;
	pthread_mutex_t conn_mu; /* slots */
	struct conn_slot *slots;
	size_t nslots;
	pthread_t reaper;
	pthread_cond_t reaper_cv;
	bool reaper_stop, reaper_started;
	unsigned port;
};

void httpd_opts_default(struct httpd_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_conns = 512;
	o->idle_timeout_s = 10;
	o->request_timeout_s = 10;
	o->conn_memory = 16384;
	o->threads = 2;
}

/* ---- listen address ---- */

int httpd_parse_listen(const char *s, struct sockaddr_storage *ss, struct kerr *e)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	char host[128];
	const char *port, *colon = strrchr(s, ':');
	size_t hl;

	if (!colon || !colon[1])
		return kerr_set(e, -EINVAL, "--listen", 0, "'%s': expected HOST:PORT", s);
	port = colon + 1;
	hl = (size_t)(colon - s);
	if (hl && s[0] == '[') { /* [v6]:port */
		if (hl < 2 || s[hl - 1] != ']')
			return kerr_set(e, -EINVAL, "--listen", 0, "'%s': bad IPv6 address", s);
		s++, hl -= 2;
	}
	if (hl >= sizeof(host) || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atoi(port) > 65535)
		return kerr_set(e, -EINVAL, "--listen", 0, "'%s': bad address or port", s);
	memcpy(host, s, hl);
	host[hl] = 0;
	if (!hl) /* ":PORT": every interface, asked for explicitly */
		hints.ai_flags |= AI_PASSIVE;
	if (getaddrinfo(hl ? host : NULL, port, &hints, &res) || !res)
		return kerr_set(e, -EINVAL, "--listen", 0,
				"'%s': not a numeric IPv4 or [IPv6] address", s);
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

/* ---- connection deadlines ---- */

static void conn_notify(void *cls, struct MHD_Connection *c, void **socket_ctx,
			enum MHD_ConnectionNotificationCode toe)
{
	struct httpd *h = cls;
	const union MHD_ConnectionInfo *ci;

	pthread_mutex_lock(&h->conn_mu);
	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (*socket_ctx)
			((struct conn_slot *)*socket_ctx)->used = false;
		*socket_ctx = NULL;
	} else if ((ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD))) {
		for (size_t i = 0; i < h->nslots; i++) {
			if (h->slots[i].used)
				continue;
			h->slots[i] =
				(struct conn_slot){ .used = true,
						    .fd = ci->connect_fd,
						    .deadline_ns = clock_mono_ns() +
								   h->o.request_timeout_s * NS };
			*socket_ctx = &h->slots[i];
			break;
		}
	}
	pthread_mutex_unlock(&h->conn_mu);
}

/* A request finished: the next one on this connection gets a new deadline. */
static void request_done(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct httpd *h = cls;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	pthread_mutex_lock(&h->conn_mu);
	if (ci && ci->socket_context)
		((struct conn_slot *)ci->socket_context)->deadline_ns =
			clock_mono_ns() + h->o.request_timeout_s * NS;
	pthread_mutex_unlock(&h->conn_mu);
}

/*
 * Once a second, shuts down the connections past their deadline: the
 * event loop then sees end-of-file and closes them itself (the descriptor
 * stays libmicrohttpd's; slots are freed by its close notification, under
 * the same lock, so a shut-down descriptor is still that connection's).
 */
static void *reaper_main(void *arg)
{
	struct httpd *h = arg;
	struct timespec ts;

	pthread_mutex_lock(&h->conn_mu);
	while (!h->reaper_stop) {
		uint64_t now = clock_mono_ns();

		for (size_t i = 0; i < h->nslots; i++)
			if (h->slots[i].used && h->slots[i].deadline_ns < now) {
				shutdown(h->slots[i].fd, SHUT_RDWR);
				h->slots[i].deadline_ns = UINT64_MAX;
			}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&h->reaper_cv, &h->conn_mu, &ts);
	}
	pthread_mutex_unlock(&h->conn_mu);
	return NULL;
}

/* ---- requests ---- */

static enum MHD_Result queue(struct httpd *h, struct MHD_Connection *c, unsigned code,
			     struct MHD_Response *r)
{
	enum MHD_Result ret;

	pthread_mutex_lock(&h->mu); /* r may be replaced by a publish */
	ret = MHD_queue_response(c, code, r);
	pthread_mutex_unlock(&h->mu);
	return ret;
}

static bool has_body(struct MHD_Connection *c)
{
	const char *cl =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);

	return te || (cl && strspn(cl, "0") != strlen(cl));
}

static bool authorized(struct httpd *h, struct MHD_Connection *c)
{
	char *pass = NULL, *user;
	bool ok;

	if (!auth_enabled(h->o.auth))
		return true;
	user = MHD_basic_auth_get_username_password(c, &pass);
	ok = auth_check(h->o.auth, user, pass);
	if (pass)
		explicit_bzero(pass, strlen(pass));
	MHD_free(user);
	MHD_free(pass);
	return ok;
}

static enum MHD_Result serve_metrics(struct httpd *h, struct MHD_Connection *c)
{
	const char *accept =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	enum prom_format f = prom_negotiate(accept);
	enum MHD_Result ret;

	pthread_mutex_lock(&h->mu);
	if (h->body[f])
		ret = MHD_queue_response(c, MHD_HTTP_OK, h->body[f]);
	else
		ret = MHD_queue_response(c, MHD_HTTP_SERVICE_UNAVAILABLE, h->unavailable);
	pthread_mutex_unlock(&h->mu);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	struct httpd *h = cls;

	/*
	 * The first call comes once the request line and headers are in. A
	 * refusal is queued at once (libmicrohttpd then closes the connection
	 * rather than read a body); an acceptable request is answered on the
	 * second call, after the (empty) body, so the connection stays
	 * reusable. The deadline set when the request began also covers
	 * sending the response.
	 */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return queue(h, c, MHD_HTTP_METHOD_NOT_ALLOWED, h->not_allowed);
	if (has_body(c) || *upload_data_size)
		return queue(h, c, MHD_HTTP_CONTENT_TOO_LARGE, h->too_large);
	if (!*req_cls) {
		*req_cls = h;
		return MHD_YES;
	}
	if (!authorized(h, c)) {
		enum MHD_Result ret;

		pthread_mutex_lock(&h->mu);
		ret = MHD_queue_basic_auth_fail_response(c, "kleak", h->unauthorized);
		pthread_mutex_unlock(&h->mu);
		return ret;
	}
	if (!strcmp(url, "/metrics"))
		return serve_metrics(h, c);
	if (!strcmp(url, "/"))
		return queue(h, c, MHD_HTTP_OK, h->index);
	return queue(h, c, MHD_HTTP_NOT_FOUND, h->not_found);
}

/* ---- set-up ---- */

static struct MHD_Response *fixed(const char *text, const char *type)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);

	if (r)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return r;
}

static int make_fixed(struct httpd *h)
{
	const char *plain = "text/plain; charset=utf-8";

	h->index = fixed(index_html, "text/html; charset=utf-8");
	h->not_found = fixed("404 not found: see /metrics\n", plain);
	h->not_allowed = fixed("405 method not allowed: GET or HEAD\n", plain);
	h->too_large = fixed("413 request bodies are not accepted\n", plain);
	h->unauthorized = fixed("401 unauthorized\n", plain);
	h->unavailable = fixed("503 no sample yet\n", plain);
	if (!h->index || !h->not_found || !h->not_allowed || !h->too_large || !h->unauthorized ||
	    !h->unavailable)
		return -ENOMEM;
	MHD_add_response_header(h->not_allowed, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	return 0;
}

static unsigned daemon_flags(const struct httpd_opts *o, const struct sockaddr_storage *ss)
{
	unsigned fl = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;

	if (ss->ss_family == AF_INET6)
		fl |= MHD_USE_IPv6;
	if (o->tls_cert_pem)
		fl |= MHD_USE_TLS;
	return fl;
}

static struct MHD_Daemon *start_daemon(struct httpd *h, const struct sockaddr_storage *ss)
{
	const struct httpd_opts *o = &h->o;
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->tls_cert_pem },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->tls_key_pem },
		{ MHD_OPTION_END, 0, NULL },
	};

	return MHD_start_daemon(daemon_flags(o, ss), 0, NULL, NULL, on_request, h,
				MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)ss,
				MHD_OPTION_THREAD_POOL_SIZE, o->threads,
				MHD_OPTION_CONNECTION_LIMIT, o->max_conns,
				MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout_s,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->conn_memory,
				MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_NOTIFY_CONNECTION,
				conn_notify, h, MHD_OPTION_NOTIFY_COMPLETED, request_done, h,
				MHD_OPTION_ARRAY, o->tls_cert_pem ? tls : tls + 2, MHD_OPTION_END);
}

int httpd_start(const struct httpd_opts *o, struct httpd **out, struct kerr *e)
{
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *di;
	pthread_condattr_t ca;
	struct httpd *h;
	int r;

	r = httpd_parse_listen(o->listen, &ss, e);
	if (r)
		return r;
	h = calloc(1, sizeof(*h));
	if (!h)
		return kerr_set(e, -ENOMEM, "exporter", 0, "out of memory");
	h->o = *o;
	pthread_mutex_init(&h->mu, NULL);
	pthread_mutex_init(&h->conn_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* as the reaper's waits */
	pthread_cond_init(&h->reaper_cv, &ca);
	pthread_condattr_destroy(&ca);
	/* MHD may accept one more than the cap before refusing: room for it. */
	h->nslots = (size_t)o->max_conns + 8;
	h->slots = calloc(h->nslots, sizeof(*h->slots));
	if (!h->slots || make_fixed(h)) {
		httpd_stop(h);
		return kerr_set(e, -ENOMEM, "exporter", 0, "out of memory");
	}
	h->d = start_daemon(h, &ss);
	if (!h->d) {
		httpd_stop(h);
		return kerr_set(
			e, -EADDRINUSE, o->listen, 0,
			"cannot listen (address in use, not local, or bad TLS key/certificate)");
	}
	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = di ? di->port : 0;
	if (pthread_create(&h->reaper, NULL, reaper_main, h)) {
		httpd_stop(h);
		return kerr_set(e, -EAGAIN, "exporter", 0, "cannot start a thread");
	}
	h->reaper_started = true;
	*out = h;
	return 0;
}

static struct MHD_Response *body_response(const char *data, size_t len, enum prom_format f)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);

	if (r)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, prom_content_type(f));
	return r;
}

int httpd_publish(struct httpd *h, const char *text, size_t text_len, const char *om, size_t om_len)
{
	struct MHD_Response *n[2], *old[2];

	n[PROM_TEXT] = body_response(text, text_len, PROM_TEXT);
	n[PROM_OPENMETRICS] = body_response(om, om_len, PROM_OPENMETRICS);
	if (!n[0] || !n[1]) {
		if (n[0])
			MHD_destroy_response(n[0]);
		if (n[1])
			MHD_destroy_response(n[1]);
		return -ENOMEM;
	}
	pthread_mutex_lock(&h->mu);
	memcpy(old, h->body, sizeof(old));
	memcpy(h->body, n, sizeof(n));
	pthread_mutex_unlock(&h->mu);
	/* Connections still sending the old ones hold their own reference. */
	for (int i = 0; i < 2; i++)
		if (old[i])
			MHD_destroy_response(old[i]);
	return 0;
}

unsigned httpd_port(const struct httpd *h)
{
	return h->port;
}

void httpd_stop(struct httpd *h)
{
	if (!h)
		return;
	struct MHD_Response **fx[] = { &h->index,     &h->not_found,	&h->not_allowed,
				       &h->too_large, &h->unauthorized, &h->unavailable,
				       &h->body[0],   &h->body[1] };

	if (h->reaper_started) {
		pthread_mutex_lock(&h->conn_mu);
		h->reaper_stop = true;
		pthread_cond_signal(&h->reaper_cv);
		pthread_mutex_unlock(&h->conn_mu);
		pthread_join(h->reaper, NULL);
	}
	if (h->d)
		MHD_stop_daemon(h->d);
	for (size_t i = 0; i < sizeof(fx) / sizeof(fx[0]); i++)
		if (*fx[i])
			MHD_destroy_response(*fx[i]);
	free(h->slots);
	pthread_cond_destroy(&h->reaper_cv);
	pthread_mutex_destroy(&h->mu);
	pthread_mutex_destroy(&h->conn_mu);
	free(h);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The web configuration file of Prometheus exporters (the exporter-toolkit
 * format, `--web.config.file`), parsed with libyaml:
 *
 *   tls_server_config:
 *     cert_file: /etc/kleak/tls.crt     # relative: to the file's directory
 *     key_file: /etc/kleak/tls.key
 *   basic_auth_users:
 *     prometheus: $2y$10$Bq8l...         # bcrypt hashes only
 *
 * An empty file is an empty configuration (plain HTTP, no auth), as in the
 * toolkit. Keys kleak does not implement (client certificates, cipher
 * suites, headers, ...) are errors rather than silently ignored: a config
 * asking for client certificate checks must not run without them.
 * `http_server_config: {http2: BOOL}` is accepted and has no effect (the
 * server speaks HTTP/1.1 only). Pure: no I/O.
 */
#ifndef KLEAK_PARSE_WEBCONFIG_H
#define KLEAK_PARSE_WEBCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct webconfig_user {
	char name[128];
	char hash[128]; /* $2a$, $2b$ or $2y$ bcrypt */
};

struct webconfig {
	bool tls;
	char cert_file[1024], key_file[1024];
	struct webconfig_user *users;
	size_t nusers, alloc;
};

int webconfig_parse(const char *buf, size_t len, const char *src, struct webconfig *out,
		    struct kerr *e);
void webconfig_free(struct webconfig *w);

#endif

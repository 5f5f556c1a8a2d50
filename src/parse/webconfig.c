// SPDX-License-Identifier: GPL-2.0
/* The exporter-toolkit web configuration, through libyaml; see webconfig.h. */
#include "webconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/vec.h"

struct wc_ctx {
	yaml_document_t *doc;
	const char *src;
	struct kerr *e;
};

static long line_of(const yaml_node_t *n)
{
	return n ? (long)n->start_mark.line + 1 : 0;
}

static int fail(struct wc_ctx *c, const yaml_node_t *n, const char *what, const char *key)
{
	return kerr_set(c->e, -EINVAL, c->src, line_of(n), "%s%s%s", what, key ? ": " : "",
			key ? key : "");
}

/* A scalar's text, or NULL (with an error) when the node is not one. */
static const char *scalar(struct wc_ctx *c, const yaml_node_t *n, const char *key)
{
	if (!n || n->type != YAML_SCALAR_NODE) {
		fail(c, n, "expected a string for", key);
		return NULL;
	}
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		fail(c, n, "NUL byte in", key);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static int copy_str(struct wc_ctx *c, const yaml_node_t *n, const char *key, char *dst, size_t len)
{
	const char *s = scalar(c, n, key);

	if (!s)
		return -EINVAL;
	if (!*s || strlen(s) >= len)
		return fail(c, n, "empty or too long", key);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* Calls fn for each key/value pair of a mapping node. */
typedef int (*pair_fn)(struct wc_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v,
		       struct webconfig *w);

static int each_pair(struct wc_ctx *c, yaml_node_t *map, const char *what, pair_fn fn,
		     struct webconfig *w)
{
	if (map->type == YAML_SCALAR_NODE && !map->data.scalar.length)
		return 0; /* "key:" with nothing: empty */
	if (map->type != YAML_MAPPING_NODE)
		return fail(c, map, "expected a mapping for", what);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *key = scalar(c, k, what);
		int r;

		if (!key || !v)
			return -EINVAL;
		r = fn(c, key, k, v, w);
		if (r)
			return r;
	}
	return 0;
}

static int tls_pair(struct wc_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v,
		    struct webconfig *w)
{
	if (!strcmp(key, "cert_file"))
		return copy_str(c, v, key, w->cert_file, sizeof(w->cert_file));
	if (!strcmp(key, "key_file"))
		return copy_str(c, v, key, w->key_file, sizeof(w->key_file));
	if (!strcmp(key, "client_auth_type")) {
		const char *s = scalar(c, v, key);

		if (!s)
			return -EINVAL;
		if (strcmp(s, "NoClientCert"))
			return fail(c, v, "not supported by kleak: client_auth_type", s);
		return 0;
	}
	return fail(c, k, "not supported by kleak: tls_server_config", key);
}

static int user_pair(struct wc_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v,
		     struct webconfig *w)
{
	struct webconfig_user u = { 0 };
	const char *h;

	if (!*key || strlen(key) >= sizeof(u.name) || strchr(key, ':'))
		return fail(c, k, "bad user name", key);
	h = scalar(c, v, key);
	if (!h)
		return -EINVAL;
	if (strncmp(h, "$2a$", 4) && strncmp(h, "$2b$", 4) && strncmp(h, "$2y$", 4))
		return fail(c, v, "not a bcrypt hash ($2a$, $2b$, $2y$) for user", key);
	if (strlen(h) >= sizeof(u.hash))
		return fail(c, v, "hash too long for user", key);
	for (size_t i = 0; i < w->nusers; i++)
		if (!strcmp(w->users[i].name, key))
			return fail(c, k, "duplicate user", key);
	snprintf(u.name, sizeof(u.name), "%s", key);
	snprintf(u.hash, sizeof(u.hash), "%s", h);
	if (vec_push(&w->users, &w->nusers, &w->alloc, sizeof(u), &u))
		return kerr_set(c->e, -ENOMEM, c->src, 0, "out of memory");
	return 0;
}

static int http_pair(struct wc_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v,
		     struct webconfig *w)
{
	const char *s;

	if (strcmp(key, "http2"))
		return fail(c, k, "not supported by kleak: http_server_config", key);
	s = scalar(c, v, key);
	if (!s)
		return -EINVAL;
	if (strcmp(s, "true") && strcmp(s, "false"))
		return fail(c, v, "expected true or false for", key);
	return 0; /* HTTP/1.1 only either way */
}

static int top_pair(struct wc_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v,
		    struct webconfig *w)
{
	int r;

	if (!strcmp(key, "tls_server_config")) {
		r = each_pair(c, v, key, tls_pair, w);
		if (r)
			return r;
		if (!w->cert_file[0] || !w->key_file[0])
			return fail(c, v, "tls_server_config needs cert_file and key_file", NULL);
		w->tls = true;
		return 0;
	}
	if (!strcmp(key, "basic_auth_users"))
		return each_pair(c, v, key, user_pair, w);
	if (!strcmp(key, "http_server_config"))
		return each_pair(c, v, key, http_pair, w);
	return fail(c, k, "unknown key", key);
}

int webconfig_parse(const char *buf, size_t len, const char *src, struct webconfig *out,
		    struct kerr *e)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct wc_ctx c = { .doc = &doc, .src = src, .e = e };
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (!yaml_parser_initialize(&parser))
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		r = kerr_set(e, -EINVAL, src, (long)parser.problem_mark.line + 1, "YAML: %s",
			     parser.problem ? parser.problem : "parse error");
		yaml_parser_delete(&parser);
		return r;
	}
	root = yaml_document_get_root_node(&doc);
	if (root) /* NULL: an empty file */
		r = each_pair(&c, root, "the file", top_pair, out);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (r)
		webconfig_free(out);
	return r;
}

void webconfig_free(struct webconfig *w)
{
	if (!w)
		return;
	free(w->users);
	memset(w, 0, sizeof(*w));
}

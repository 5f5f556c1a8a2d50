// SPDX-License-Identifier: GPL-2.0
/*
 * The runtimes' metadata files parsed with json-c; formats in
 * container_meta.h. A file that is not JSON is an error with the line
 * where json-c stopped; a missing key is simply an unknown name.
 */
#include "container_meta.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/vec.h"

/* Line of byte offset off in buf, 1-based. */
static long line_of(const char *buf, size_t off)
{
	long line = 1;

	for (size_t i = 0; i < off; i++)
		line += buf[i] == '\n';
	return line;
}

/* Parses a whole buffer into *obj; trailing non-space bytes are an error. */
static int parse_json(const char *buf, size_t len, const char *src, struct json_object **obj,
		      struct kerr *e)
{
	struct json_tokener *tok;
	enum json_tokener_error err;
	size_t end;
	int r = 0;

	*obj = NULL;
	if (len > (size_t)0x7fffffff)
		return kerr_set(e, -EFBIG, src, 0, "too large for a metadata file");
	tok = json_tokener_new();
	if (!tok)
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	*obj = json_tokener_parse_ex(tok, buf, (int)len);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (!*obj || err != json_tokener_success) {
		if (err == json_tokener_continue)
			r = kerr_set(e, -EINVAL, src, line_of(buf, len),
				     "not JSON: the document ends early");
		else
			r = kerr_set(e, -EINVAL, src, line_of(buf, end), "not JSON: %s",
				     json_tokener_error_desc(err));
	} else {
		for (size_t i = end; i < len; i++)
			if (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\t' && buf[i] != '\r') {
				r = kerr_set(e, -EINVAL, src, line_of(buf, i),
					     "not JSON: bytes after the document");
				break;
			}
	}
	if (r) {
		json_object_put(*obj);
		*obj = NULL;
	}
	json_tokener_free(tok);
	return r;
}

/* The string at obj[key], or NULL. */
static const char *get_str(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *get_obj(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}

static void copy(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s ? s : "");
}

static void copy_id(char *dst, const char *s)
{
	if (s && strlen(s) == 64 && cgroup_is_hex(s, 64))
		copy(dst, CGROUP_ID_LEN, s);
}

/*
 * Kubernetes names from labels or annotations, under the key names of
 * each runtime: CRI containerd ("io.kubernetes.cri.container-name"),
 * CRI-O and dockershim ("io.kubernetes.container.name").
 */
static void kube_names(struct json_object *kv, struct container_meta *m)
{
	const char *ctr = get_str(kv, "io.kubernetes.cri.container-name");
	const char *pod = get_str(kv, "io.kubernetes.cri.sandbox-name");
	const char *ns = get_str(kv, "io.kubernetes.cri.sandbox-namespace");
	const char *uid = get_str(kv, "io.kubernetes.cri.sandbox-uid");
	int n;

	if (!pod) {
		ctr = get_str(kv, "io.kubernetes.container.name");
		pod = get_str(kv, "io.kubernetes.pod.name");
		ns = get_str(kv, "io.kubernetes.pod.namespace");
		uid = get_str(kv, "io.kubernetes.pod.uid");
	}
	if (!pod)
		return;
	n = snprintf(m->pod_name, sizeof(m->pod_name), "%s/%s", ns ? ns : "?", pod);
	if (n < 0 || (size_t)n >= sizeof(m->pod_name))
		return;
	if (uid && strlen(uid) < sizeof(m->pod_uid))
		copy(m->pod_uid, sizeof(m->pod_uid), uid);
	/* The sandbox (pause) container has no name of its own: "POD" in
	 * dockershim, no container name in CRI. */
	n = snprintf(m->name, sizeof(m->name), "%s/%s", m->pod_name,
		     ctr && strcmp(ctr, "POD") ? ctr : "(sandbox)");
	if (n < 0 || (size_t)n >= sizeof(m->name))
		m->name[0] = '\0'; /* a cut name would match another container */
}

int container_meta_docker(const char *buf, size_t len, const char *src, struct container_meta *m,
			  struct kerr *e)
{
	struct json_object *o;
	const char *name;
	int r = parse_json(buf, len, src, &o, e);

	memset(m, 0, sizeof(*m));
	if (r)
		return r;
	copy_id(m->id, get_str(o, "ID"));
	name = get_str(o, "Name");
	if (name && name[0] == '/')
		name++; /* docker keeps names with the leading '/' of its links */
	copy(m->name, sizeof(m->name), name);
	kube_names(get_obj(get_obj(o, "Config"), "Labels"), m);
	json_object_put(o);
	return 0;
}

int container_meta_docker_root(const char *buf, size_t len, const char *src, char *root,
			       size_t rootlen, struct kerr *e)
{
	struct json_object *o;
	const char *s;
	int r = parse_json(buf, len, src, &o, e);

	root[0] = '\0';
	if (r)
		return r;
	s = get_str(o, "data-root");
	if (!s)
		s = get_str(o, "graph"); /* before docker 17.05 */
	if (s && s[0] == '/')
		copy(root, rootlen, s);
	json_object_put(o);
	return 0;
}

/* "--opt=value" or "--opt value": the value of one of the names, or NULL. */
static const char *arg_value(const char *a, const char *next, const char *const names[],
			     bool *used_next)
{
	*used_next = false;
	for (size_t i = 0; names[i]; i++) {
		size_t n = strlen(names[i]);

		if (strncmp(a, names[i], n))
			continue;
		if (a[n] == '=')
			return a + n + 1;
		if (!a[n] && next) {
			*used_next = true;
			return next;
		}
	}
	return NULL;
}

void container_meta_dockerd_args(const char *cmdline, size_t len, char *root, size_t rootlen,
				 char *config, size_t configlen)
{
	static const char *const roots[] = { "--data-root", "-g", "--graph", NULL };
	static const char *const configs[] = { "--config-file", NULL };
	const char *p = cmdline, *end = cmdline + len;

	root[0] = config[0] = '\0';
	while (p < end) {
		const char *a = p, *z = memchr(p, '\0', (size_t)(end - p)), *next, *v;
		bool used;

		if (!z)
			break; /* an unterminated last argument is cut: ignore it */
		next = z + 1 < end && memchr(z + 1, '\0', (size_t)(end - z - 1)) ? z + 1 : NULL;
		p = z + 1;
		if ((v = arg_value(a, next, roots, &used)) && v[0] == '/')
			copy(root, rootlen, v);
		else if ((v = arg_value(a, next, configs, &used)) && v[0] == '/')
			copy(config, configlen, v);
		if (used)
			p = next + strlen(next) + 1;
	}
}

int container_meta_podman(const char *buf, size_t len, const char *src,
			  int (*fn)(const struct container_meta *m, void *ctx), void *ctx,
			  struct kerr *e)
{
	struct json_object *o;
	int r = parse_json(buf, len, src, &o, e);
	size_t n;

	if (r)
		return r;
	if (!json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		return kerr_set(e, -EINVAL, src, 1, "expected an array of containers");
	}
	n = json_object_array_length(o);
	for (size_t i = 0; !r && i < n; i++) {
		struct json_object *c = json_object_array_get_idx(o, i), *names;
		struct container_meta m = { 0 };

		copy_id(m.id, get_str(c, "id"));
		if (json_object_is_type(c, json_type_object) &&
		    json_object_object_get_ex(c, "names", &names) &&
		    json_object_is_type(names, json_type_array) &&
		    json_object_array_length(names) > 0)
			copy(m.name, sizeof(m.name),
			     json_object_get_string(json_object_array_get_idx(names, 0)));
		if (m.id[0] && m.name[0])
			r = fn(&m, ctx);
	}
	json_object_put(o);
	return r;
}

int container_meta_oci(const char *buf, size_t len, const char *src, struct container_meta *m,
		       struct kerr *e)
{
	struct json_object *o, *ann;
	const char *nerdctl;
	int r = parse_json(buf, len, src, &o, e);

	memset(m, 0, sizeof(*m));
	if (r)
		return r;
	ann = get_obj(o, "annotations");
	kube_names(ann, m);
	nerdctl = get_str(ann, "nerdctl/name");
	if (!m->name[0] && nerdctl)
		copy(m->name, sizeof(m->name), nerdctl);
	json_object_put(o);
	return 0;
}

int container_names_add(struct container_names *cn, const char *runtime, const char *id,
			const char *name)
{
	struct container_name n = { 0 };
	size_t i = strmap_intern(&cn->by_id, id, strlen(id), cn->n);

	if (i == STRMAP_NONE)
		return -ENOMEM;
	if (i < cn->n) {
		copy(cn->v[i].runtime, sizeof(cn->v[i].runtime), runtime);
		copy(cn->v[i].name, sizeof(cn->v[i].name), name);
		return 0;
	}
	copy(n.runtime, sizeof(n.runtime), runtime);
	copy(n.id, sizeof(n.id), id);
	copy(n.name, sizeof(n.name), name);
	return vec_push(&cn->v, &cn->n, &cn->cap, sizeof(n), &n);
}

const struct container_name *container_names_find(const struct container_names *cn, const char *id)
{
	size_t i;

	if (!cn || !cn->n)
		return NULL;
	i = strmap_get(&cn->by_id, id, strlen(id));
	return i < cn->n ? &cn->v[i] : NULL;
}

/* One word for the names file: whitespace would split it. */
static void word(char *dst, size_t len, const char *s)
{
	copy(dst, len, s[0] ? s : "-");
	for (char *p = dst; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			*p = '_';
}

int container_names_render(const struct container_names *cn, struct buf *out)
{
	for (size_t i = 0; i < cn->n; i++) {
		char rt[16], id[sizeof(cn->v[i].id)], name[CONTAINER_NAME_LEN];
		int r;

		word(rt, sizeof(rt), cn->v[i].runtime);
		word(id, sizeof(id), cn->v[i].id);
		word(name, sizeof(name), cn->v[i].name);
		r = buf_printf(out, "%s %s %s\n", rt, id, name);
		if (r)
			return r;
	}
	return 0;
}

int container_names_parse(const char *buf, size_t len, const char *src, struct container_names *cn,
			  struct kerr *e)
{
	struct line_iter it;
	const char *line;
	size_t llen;
	int r;

	memset(cn, 0, sizeof(*cn));
	line_iter_init(&it, buf, len);
	while ((r = line_next_capped(&it, &line, &llen, src, e)) > 0) {
		struct field f[4];
		char rt[16], id[sizeof(cn->v->id)], name[CONTAINER_NAME_LEN];
		int nf = fields_split(line, llen, f, 4);

		if (nf == 0)
			continue;
		if (nf != 3)
			r = kerr_set(e, -EINVAL, src, it.lineno,
				     "expected 'runtime id name', got %d fields", nf);
		else if (f[0].len >= sizeof(rt) || f[1].len >= sizeof(id) ||
			 f[2].len >= sizeof(name))
			r = kerr_set(e, -EINVAL, src, it.lineno, "field too long");
		if (r < 0)
			break;
		field_copy(rt, sizeof(rt), &f[0]);
		field_copy(id, sizeof(id), &f[1]);
		field_copy(name, sizeof(name), &f[2]);
		if (container_names_add(cn, rt, id, name)) {
			r = kerr_set(e, -ENOMEM, src, it.lineno, "out of memory");
			break;
		}
	}
	if (r < 0)
		container_names_free(cn);
	return r < 0 ? r : 0;
}

void container_names_free(struct container_names *cn)
{
	if (!cn)
		return;
	free(cn->v);
	strmap_free(&cn->by_id);
	memset(cn, 0, sizeof(*cn));
}

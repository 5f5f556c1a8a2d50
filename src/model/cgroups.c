// SPDX-License-Identifier: GPL-2.0
/*
 * The cgroups source in model/: reading it live (find the hierarchies,
 * walk them, name the containers), parsing its text into a cgroup set
 * (each cgroup's files through parse/memcg.h), copying it into a
 * snapshot, and resolving `--container NAME`; see cgroups.h.
 */
#include "cgroups.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse/cgroup_tree.h"
#include "parse/mountinfo.h"
#include "util/suggest.h"
#include "util/vec.h"

/* ---- parsing the text ---- */

struct taker {
	struct cgroup_set *s;
	uint64_t page_size;
	size_t max;
	struct kerr *e;
};

/* The file's place on disk, for errors: hierarchy dir + path below its root. */
static void file_src(const struct cgroup_tree_node *n, const char *name, char *buf, size_t len)
{
	size_t pl = strcmp(n->hier->root, "/") ? strlen(n->hier->root) : 0;
	const char *below = strncmp(n->path, n->hier->root, pl) ? n->path : n->path + pl;

	if (snprintf(buf, len, "%s%s/%s", n->hier->dir, strcmp(below, "/") ? below : "", name) < 0)
		buf[0] = '\0';
}

static int take_visit(const struct cgroup_tree_node *n, void *ctx)
{
	struct taker *t = ctx;
	struct cgroup_entry ent = { .depth = n->depth };
	struct memcg_raw raw[MEMCG_F_COUNT];
	char src[MEMCG_F_COUNT][PATH_MAX + 64];
	int r;

	if (t->max && t->s->n >= t->max) {
		t->s->stats.capped = true;
		return 0;
	}
	for (int i = 0; i < MEMCG_F_COUNT; i++) {
		raw[i] = (struct memcg_raw){ NULL, 0, src[i] };
		file_src(n, memcg_files[i].name, src[i], sizeof(src[i]));
		for (size_t k = 0; k < n->nfiles; k++)
			if (!strcmp(n->files[k].name, memcg_files[i].name)) {
				raw[i].data = n->files[k].data;
				raw[i].len = n->files[k].len;
			}
	}
	r = memcg_parse(n->version, raw, t->page_size, &ent.m, t->e);
	if (r)
		return r;
	ent.path = strdup(n->path);
	if (!ent.path || vec_push(&t->s->v, &t->s->n, &t->s->cap, sizeof(ent), &ent)) {
		free(ent.path);
		return kerr_set(t->e, -ENOMEM, n->path, 0, "out of memory");
	}
	return 0;
}

static void take_info(struct cgroup_set *s, const struct cgroup_tree_info *info)
{
	for (size_t i = 0; i < info->nhiers && i < sizeof(s->hiers.v) / sizeof(s->hiers.v[0]);
	     i++) {
		struct cgroup_hier *h = &s->hiers.v[s->hiers.n++];

		h->version = info->hiers[i].version;
		snprintf(h->dir, sizeof(h->dir), "%s", info->hiers[i].dir);
		snprintf(h->prefix, sizeof(h->prefix), "%s", info->hiers[i].root);
	}
	s->stats.visited = s->n;
	s->stats.capped |= info->capped;
	s->stats.too_deep = info->too_deep;
	s->stats.unreadable = info->unreadable;
	if (info->first_unreadable[0])
		kerr_set(&s->stats.first, -EACCES, "", 0, "%s", info->first_unreadable);
	if (info->names_error[0])
		kerr_set(&s->names_err, -EINVAL, "", 0, "%s", info->names_error);
	if (!s->max_cgroups)
		s->max_cgroups = info->max ? info->max : CGROUPS_DEFAULT_MAX;
}

int cgroup_set_parse(struct cgroup_set *s, const char *buf, size_t len, const char *src,
		     uint64_t page_size, size_t max, struct kerr *e)
{
	struct taker t = { s, page_size ? page_size : 4096, max, e };
	struct cgroup_tree_info *info = malloc(sizeof(*info));
	int r;

	memset(s, 0, sizeof(*s));
	s->max_cgroups = max;
	if (!info)
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	r = cgroup_tree_parse(buf, len, src, take_visit, &t, info, e);
	if (!r && info->names) {
		r = container_names_parse(info->names, info->names_len, src, &s->names, e);
		if (r && e->line)
			e->line += info->names_line - 1;
	}
	if (!r)
		take_info(s, info);
	free(info);
	if (r == -ENOMEM && !e->code)
		kerr_set(e, r, src, 0, "out of memory");
	if (r)
		cgroup_set_free(s);
	return r;
}

void cgroup_set_free(struct cgroup_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	container_names_free(&s->names);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* ---- the hierarchies ---- */

/* Whether a cgroup2 mount's root lists the memory controller. */
static bool v2_has_memory(const char *point)
{
	struct buf b = { 0 };
	struct kerr e;
	struct line_iter it;
	const char *line;
	size_t len;
	bool found = false;

	if (cgroups_read_controllers(point, &b, &e)) {
		buf_free(&b);
		return false;
	}
	line_iter_init(&it, b.data, b.len);
	while (!found && line_next(&it, &line, &len)) {
		struct field f[32];
		int nf = fields_split(line, len, f, 32);

		for (int i = 0; i < nf && i < 32; i++)
			found |= field_eq(&f[i], "memory");
	}
	buf_free(&b);
	return found;
}

/* One hierarchy may be mounted twice (a bind mount): keep the widest root. */
static void add_hier(struct cgroup_hiers *out, const struct cgroup_mount *m, const char **devs)
{
	size_t i;

	for (i = 0; i < out->n; i++)
		if (!strcmp(devs[i], m->dev)) {
			if (strlen(m->root) < strlen(out->v[i].prefix))
				break;
			return;
		}
	if (i == out->n) {
		if (out->n == sizeof(out->v) / sizeof(out->v[0]))
			return;
		out->n++;
	}
	devs[i] = m->dev;
	out->v[i].version = m->version;
	out->v[i].snapshot = false;
	snprintf(out->v[i].dir, sizeof(out->v[i].dir), "%s", m->point);
	snprintf(out->v[i].prefix, sizeof(out->v[i].prefix), "%s", m->root);
}

int cgroups_find_mountinfo(const char *buf, size_t len, const char *src, struct cgroup_hiers *out,
			   struct kerr *e)
{
	struct cgroup_mounts mounts;
	const char *devs[4];
	int r;

	memset(out, 0, sizeof(*out));
	r = mountinfo_parse(buf, len, src, &mounts, e);
	if (r)
		return r;
	for (size_t i = 0; i < mounts.n; i++) {
		const struct cgroup_mount *m = &mounts.v[i];

		if ((m->version == 1 && m->memory) || (m->version == 2 && v2_has_memory(m->point)))
			add_hier(out, m, devs);
	}
	mountinfo_free(&mounts);
	if (!out->n)
		return kerr_set(
			e, -ENOENT, src, 0,
			"no memory cgroup hierarchy is mounted (no cgroup mount with the memory controller, no cgroup2 mount listing it in cgroup.controllers)");
	return 0;
}

static int find_live(struct cgroup_hiers *hs, struct kerr *e)
{
	struct buf b = { 0 };
	int r = cgroups_read_mountinfo(&b, e);

	if (!r)
		r = cgroups_find_mountinfo(b.data, b.len, "/proc/self/mountinfo", hs, e);
	buf_free(&b);
	return r;
}

/* ---- naming the containers of a live read ---- */

struct namer {
	struct cgroups_live *l;
	struct container_names cur;	  /* this sample's names */
	char (*pods)[CGROUP_UID_LEN + 8]; /* pod keys, copied after the containers */
	size_t npods, cappods;
};

/* A container's name from the cache, else from the runtimes' files. */
static int name_visit(const struct cgroup_tree_node *n, void *ctx)
{
	struct namer *nm = ctx;
	const struct container_name *cn;
	struct cgroup_ident id;
	char key[CGROUP_UID_LEN + 8];

	cgroup_path_classify(n->path, &id);
	if (id.kind == CGROUP_POD) {
		snprintf(key, sizeof(key), "pod:%s", id.pod_uid);
		return vec_push(&nm->pods, &nm->npods, &nm->cappods, sizeof(key), key);
	}
	if (id.kind != CGROUP_CONTAINER || !id.id[0] || container_names_find(&nm->cur, id.id))
		return 0;
	cn = container_names_find(&nm->l->names, id.id);
	if (cn)
		return container_names_add(&nm->cur, cn->runtime, cn->id, cn->name);
	if (strmap_get(&nm->l->unnamed, id.id, strlen(id.id)) != STRMAP_NONE)
		return 0;
	if (containers_lookup(&nm->l->cs, &id, &nm->cur))
		return -ENOMEM;
	if (!container_names_find(&nm->cur, id.id) &&
	    strmap_intern(&nm->l->unnamed, id.id, strlen(id.id), 0) == STRMAP_NONE)
		return -ENOMEM;
	return 0;
}

/* Pods are named by their containers' files: copied from the cache. */
static int name_pods(struct namer *nm)
{
	for (size_t i = 0; i < nm->npods; i++) {
		const struct container_name *cn;

		if (container_names_find(&nm->cur, nm->pods[i]))
			continue;
		cn = container_names_find(&nm->l->names, nm->pods[i]);
		if (cn && container_names_add(&nm->cur, cn->runtime, cn->id, cn->name))
			return -ENOMEM;
	}
	return 0;
}

/*
 * Appends the names of the containers the text holds. The cache keeps
 * only this sample's names: containers come and go on a busy node; ids
 * without a name are not looked up again until the list of them doubles.
 */
static int name_live(struct cgroups_live *l, struct buf *out, struct kerr *e)
{
	struct namer nm = { .l = l };
	struct cgroup_tree_info *info = malloc(sizeof(*info));
	struct buf text = { 0 };
	char msg[800];
	int r;

	if (!info)
		return kerr_set(e, -ENOMEM, "cgroups", 0, "out of memory");
	l->cs.podman_read = false; /* containers.json changes: once per sample */
	kerr_clear(&l->cs.err);
	r = cgroup_tree_parse(out->data, out->len, "cgroups", name_visit, &nm, info, e);
	if (!r)
		r = name_pods(&nm);
	if (!r)
		r = container_names_render(&nm.cur, &text);
	if (!r)
		r = cgroups_render_names(out, text.data ? text.data : "", text.len,
					 l->cs.err.code ? kerr_str(&l->cs.err, msg, sizeof(msg))
							: NULL);
	if (l->unnamed.count > 2 * (info->cgroups + 64))
		strmap_free(&l->unnamed);
	container_names_free(&l->names);
	l->names = nm.cur;
	free(nm.pods);
	free(info);
	buf_free(&text);
	if (r == -ENOMEM && !e->code)
		kerr_set(e, r, "cgroups", 0, "out of memory");
	return r;
}

int cgroups_read_live(struct cgroups_live *l, size_t max, struct buf *out, struct kerr *e)
{
	struct cgroup_hiers hs;
	int r;

	buf_reset(out);
	if (!l->init) {
		containers_init(&l->cs);
		l->init = true;
	}
	r = find_live(&hs, e);
	if (!r)
		r = cgroups_render(&hs, max, out, e);
	return r ? r : name_live(l, out, e);
}

void cgroups_live_free(struct cgroups_live *l)
{
	if (!l)
		return;
	containers_free(&l->cs);
	container_names_free(&l->names);
	strmap_free(&l->unnamed);
	memset(l, 0, sizeof(*l));
}

int cgroup_set_take(struct cgroup_set *s, const char *dir, size_t max_cgroups, uint64_t page_size,
		    struct kerr *e)
{
	struct cgroups_live l = { 0 };
	struct buf b = { 0 };
	int r;

	memset(s, 0, sizeof(*s));
	r = dir ? cgroups_read_dir(dir, &b, e) : cgroups_read_live(&l, max_cgroups, &b, e);
	if (!r)
		r = cgroup_set_parse(s, b.data, b.len, dir ? dir : "cgroups", page_size,
				     max_cgroups, e);
	if (!r && !max_cgroups)
		s->max_cgroups = CGROUPS_DEFAULT_MAX;
	cgroups_live_free(&l);
	buf_free(&b);
	return r;
}

/* ---- a snapshot's copy ---- */

struct copier {
	const char *dir;
	struct kerr *e;
};

static int copy_visit(const struct cgroup_tree_node *n, void *ctx)
{
	struct copier *c = ctx;
	int r = 0;

	for (size_t i = 0; !r && i < n->nfiles; i++)
		r = cgroups_copy_file(c->dir, n->version, n->path, n->files[i].name,
				      n->files[i].data, n->files[i].len, c->e);
	return r;
}

int cgroups_snapshot_write(const char *dir, const char *text, size_t len, const char *src,
			   struct kerr *e)
{
	struct copier c = { dir, e };
	struct cgroup_tree_info *info = malloc(sizeof(*info));
	int r;

	if (!info)
		return kerr_set(e, -ENOMEM, dir, 0, "out of memory");
	r = cgroups_copy_clear(dir, e);
	if (!r)
		r = cgroup_tree_parse(text, len, src, copy_visit, &c, info, e);
	if (!r)
		r = cgroups_copy_names(dir, info->names ? info->names : "", info->names_len, e);
	free(info);
	return r;
}

const char *cgroup_set_name(const struct cgroup_set *s, const char *path,
			    const struct cgroup_ident *id, char *buf, size_t len)
{
	const struct container_name *cn = NULL;
	char key[CGROUP_UID_LEN + 8];

	if (id->kind == CGROUP_UNIT) {
		snprintf(buf, len, "%s", id->unit);
		return buf;
	}
	if (id->kind == CGROUP_CONTAINER) {
		cn = container_names_find(&s->names, id->id);
	} else if (id->kind == CGROUP_POD) {
		snprintf(key, sizeof(key), "pod:%s", id->pod_uid);
		cn = container_names_find(&s->names, key);
	}
	if (!cn || !cn->name[0])
		return NULL;
	/* a cgroup inside a container: "web/init.scope" */
	snprintf(buf, len, "%s%s", cn->name, id->rest ? path + id->rest : "");
	return buf;
}

/* How NAME matches one cgroup: 0 not, 1 an id prefix, 2 exactly. */
static int match(const struct cgroup_set *s, const struct cgroup_entry *ent, const char *want,
		 char *name, size_t namelen)
{
	struct cgroup_ident id;
	const char *n;
	size_t wl = strlen(want);

	cgroup_path_classify(ent->path, &id);
	n = cgroup_set_name(s, ent->path, &id, name, namelen);
	if (!n)
		name[0] = '\0';
	if ((n && !strcmp(n, want)) || !strcmp(ent->path, want))
		return 2;
	if (id.rest)
		return 0; /* a cgroup inside a container answers to its full name only */
	if (id.id[0] && !strcmp(id.id, want))
		return 2;
	if (id.pod_uid[0] && id.kind == CGROUP_POD && !strcmp(id.pod_uid, want))
		return 2;
	return id.id[0] && wl >= 12 && !strncmp(id.id, want, wl) ? 1 : 0;
}

static void fill_target(const struct cgroup_set *s, const struct cgroup_entry *ent,
			const char *name, struct cgroup_target *t)
{
	const struct cgroup_hier *h = NULL;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < s->hiers.n && !h; i++)
		if (s->hiers.v[i].version == ent->m.version)
			h = &s->hiers.v[i];
	snprintf(t->path, sizeof(t->path), "%s", ent->path);
	t->version = ent->m.version;
	snprintf(t->name, sizeof(t->name), "%s", name);
	/* mount point + the path below the mount's root */
	if (h) {
		size_t pl = strcmp(h->prefix, "/") ? strlen(h->prefix) : 0;

		snprintf(t->dir, sizeof(t->dir), "%s%s", h->dir,
			 strcmp(ent->path + pl, "/") ? ent->path + pl : "");
	}
}

static int miss(const struct cgroup_set *s, const char *want, struct kerr *e)
{
	struct suggest sg;
	char list[800], name[CONTAINER_NAME_LEN];
	size_t named = 0;

	suggest_init(&sg, want);
	for (size_t i = 0; i < s->n; i++) {
		struct cgroup_ident id;

		cgroup_path_classify(s->v[i].path, &id);
		if (cgroup_set_name(s, s->v[i].path, &id, name, sizeof(name))) {
			suggest_add(&sg, name);
			named++;
		}
		if (id.kind == CGROUP_CONTAINER && !id.rest) {
			id.id[12] = '\0';
			suggest_add(&sg, id.id);
		}
	}
	return kerr_set(
		e, -ENOENT, "--container", 0,
		"no container, pod or unit '%s' among %zu memory cgroups (%zu named); close names: %s",
		want, s->n, named, suggest_str(&sg, list, sizeof(list)));
}

int cgroup_set_find(const struct cgroup_set *s, const char *want, struct cgroup_target *t,
		    struct kerr *e)
{
	const struct cgroup_entry *best = NULL;
	char name[CONTAINER_NAME_LEN], bestname[CONTAINER_NAME_LEN] = "";
	int bestm = 0, prefixes = 0;

	for (size_t i = 0; i < s->n && bestm < 2; i++) {
		int m = match(s, &s->v[i], want, name, sizeof(name));

		prefixes += m == 1;
		if (m > bestm) {
			best = &s->v[i];
			bestm = m;
			snprintf(bestname, sizeof(bestname), "%s", name);
		}
	}
	if (!best)
		return miss(s, want, e);
	if (bestm == 1 && prefixes > 1)
		return kerr_set(e, -EEXIST, "--container", 0,
				"'%s' is the start of %d container ids: give more of it", want,
				prefixes);
	fill_target(s, best, bestname[0] ? bestname : best->path, t);
	return 0;
}

int cgroups_container_resolve(const char *name, struct cgroup_target *t, struct kerr *e)
{
	struct cgroup_set s;
	int r = cgroup_set_take(&s, NULL, 0, 0, e);

	if (r)
		return r;
	r = cgroup_set_find(&s, name, t, e);
	cgroup_set_free(&s);
	return r;
}

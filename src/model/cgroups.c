// SPDX-License-Identifier: GPL-2.0
/*
 * Taking a cgroup sample (walk -> parse each cgroup's files -> keep the
 * compact record), naming its containers, copying it into a snapshot, and
 * resolving `--container NAME`; see cgroups.h.
 */
#include "cgroups.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/containers.h"
#include "util/input.h"
#include "util/suggest.h"
#include "util/vec.h"

struct taker {
	struct cgroup_set *s;
	uint64_t page_size;
	struct kerr *e;
};

static int take_visit(const struct cgroup_visit *v, void *ctx)
{
	struct taker *t = ctx;
	struct cgroup_entry ent = { .depth = v->depth };
	int r = memcg_parse(v->version, v->raw, t->page_size, &ent.m, t->e);

	if (r)
		return r;
	ent.path = strdup(v->path);
	if (!ent.path ||
	    vec_push(&t->s->v, &t->s->n, &t->s->cap, sizeof(ent), &ent)) {
		free(ent.path);
		return kerr_set(t->e, -ENOMEM, v->path, 0, "out of memory");
	}
	return 0;
}

static void add_stats(struct cgroup_walk_stats *sum, const struct cgroup_walk_stats *one)
{
	sum->visited += one->visited;
	sum->capped |= one->capped;
	sum->too_deep += one->too_deep;
	sum->unreadable += one->unreadable;
	if (!sum->first.code && one->first.code)
		sum->first = one->first;
}

/* The runtimes' names for the containers found, read live. */
static int names_live(struct cgroup_set *s)
{
	struct container_sources cs;
	int r = 0;

	containers_init(&cs);
	for (size_t i = 0; !r && i < s->n; i++) {
		struct cgroup_ident id;

		cgroup_path_classify(s->v[i].path, &id);
		r = containers_lookup(&cs, &id, &s->names);
	}
	s->names_err = cs.err;
	containers_free(&cs);
	return r;
}

/*
 * DIR/cgroup/containers: absent is fine (no containers, or an old
 * snapshot); read beneath DIR like every file of a snapshot.
 */
static int names_from_dir(struct cgroup_set *s, const char *dir, struct kerr *e)
{
	static const char name[] = "cgroup/containers";
	char path[PATH_MAX + 32];
	struct buf b = { 0 };
	struct kerr ign;
	int r = 0, dfd = input_open_dir(dir, &ign);

	if (dfd < 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = input_read_at(&b, dfd, dir, name, BUF_FILE_CAP, &ign);
	if (!r)
		r = container_names_parse(b.data, b.len, path, &s->names, e);
	else if (input_refused(r))
		r = kerr_set(e, r, ign.src, 0, "%s", ign.msg);
	else
		r = 0;
	close(dfd);
	buf_free(&b);
	return r;
}

int cgroup_set_take(struct cgroup_set *s, const char *dir, size_t max_cgroups,
		    uint64_t page_size, struct kerr *e)
{
	struct taker t = { s, page_size ? page_size : 4096, e };
	int r;

	memset(s, 0, sizeof(*s));
	s->max_cgroups = max_cgroups ? max_cgroups : CGROUPS_DEFAULT_MAX;
	r = cgroups_find(dir, &s->hiers, e);
	for (size_t i = 0; !r && i < s->hiers.n; i++) {
		struct cgroup_walk_stats one;
		size_t left = s->max_cgroups - s->stats.visited;

		if (!left) {
			s->stats.capped = true;
			break;
		}
		r = cgroups_walk(&s->hiers.v[i], left, take_visit, &t, &one, e);
		add_stats(&s->stats, &one);
	}
	if (!r)
		r = dir ? names_from_dir(s, dir, e) : names_live(s);
	if (r == -ENOMEM && !e->code)
		kerr_set(e, r, "cgroups", 0, "out of memory");
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

int cgroups_snapshot_write(const char *dir, size_t max_cgroups,
			   struct cgroup_walk_stats *st, struct kerr *e)
{
	struct cgroup_set s;
	struct buf b = { 0 };
	char path[PATH_MAX + 32];
	FILE *f;
	int r = cgroups_copy(dir, max_cgroups, st, e);

	if (r)
		return r;
	/* Read back what was copied (one consistent view), names live. */
	r = cgroup_set_take(&s, dir, max_cgroups, 0, e);
	if (!r) {
		container_names_free(&s.names);
		r = names_live(&s);
		if (!r)
			r = container_names_render(&s.names, &b);
		cgroup_set_free(&s);
	}
	if (r)
		return e->code ? r : kerr_set(e, r, dir, 0, "out of memory");
	snprintf(path, sizeof(path), "%s/cgroup/containers", dir);
	f = fopen(path, "w");
	if (!f || (b.len && fwrite(b.data, 1, b.len, f) != b.len) | fclose(f))
		r = kerr_set(e, -EIO, path, 0, "write failed: %s", strerror(errno));
	buf_free(&b);
	return r;
}

/* How NAME matches one cgroup: 0 not, 1 an id prefix, 2 exactly. */
static int match(const struct cgroup_set *s, const struct cgroup_entry *ent,
		 const char *want, char *name, size_t namelen)
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
	return kerr_set(e, -ENOENT, "--container", 0,
			"no container, pod or unit '%s' among %zu memory cgroups (%zu named); close names: %s",
			want, s->n, named, suggest_str(&sg, list, sizeof(list)));
}

int cgroup_set_find(const struct cgroup_set *s, const char *want,
		    struct cgroup_target *t, struct kerr *e)
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
				"'%s' is the start of %d container ids: give more of it",
				want, prefixes);
	fill_target(s, best, bestname[0] ? bestname : best->path, t);
	return 0;
}

int cgroups_container_resolve(const char *name, struct cgroup_target *t,
			      struct kerr *e)
{
	struct cgroup_set s;
	int r = cgroup_set_take(&s, NULL, 0, 0, e);

	if (r)
		return r;
	r = cgroup_set_find(&s, name, t, e);
	cgroup_set_free(&s);
	return r;
}

// SPDX-License-Identifier: GPL-2.0
/* Taking live samples for watch and record; see live.h. */
#include "live.h"

#include <string.h>

/* Module symbols at the first sample, and when a module appeared. */
static bool wants_symbols(const struct live *l, const struct snapshot *snap)
{
	const struct modules *m = &snap->modules;

	if (!l->syms_read)
		return true;
	for (size_t i = 0; snapshot_has(snap, SRC_MODULES) && i < m->n; i++)
		if (strmap_get(&l->syms, m->v[i].name, strlen(m->v[i].name)) == STRMAP_NONE)
			return true;
	return false;
}

/*
 * The modules the symbols just read cover. Unreadable symbols count as
 * read: they are not tried again until another module appears.
 */
static void note_symbols(struct live *l, const struct snapshot *snap)
{
	const struct modules *m = &snap->modules;

	l->syms_read = true;
	for (size_t i = 0; snapshot_has(snap, SRC_MODULES) && i < m->n; i++)
		strmap_intern(&l->syms, m->v[i].name, strlen(m->v[i].name), 0);
}

/*
 * Reclaim flags with the first sample, and again when slabinfo lists a
 * cache they did not cover (a module's cache, created after the first
 * sample): without them its growth would be judged unreclaimable.
 */
static bool wants_aliases(const struct live *l, const struct snapshot *snap)
{
	const struct slabinfo *si = &snap->slabinfo;

	if (l->taken == 1)
		return true;
	for (size_t i = 0; snapshot_has(snap, SRC_SLABINFO) && i < si->n; i++)
		if (strmap_get(&l->caches, si->v[i].name, strlen(si->v[i].name)) == STRMAP_NONE)
			return true;
	return false;
}

/* The caches the flags just read cover, and those slabinfo lists (tried once). */
static void note_aliases(struct live *l, const struct snapshot *snap)
{
	const struct slab_aliases *a = &snap->aliases;
	const struct slabinfo *si = &snap->slabinfo;

	for (size_t i = 0; snapshot_has(snap, SRC_SLAB_ALIASES) && i < a->n; i++) {
		const char *n = slab_alias_name(a, &a->v[i]);

		strmap_intern(&l->caches, n, strlen(n), 0);
	}
	for (size_t i = 0; snapshot_has(snap, SRC_SLABINFO) && i < si->n; i++)
		strmap_intern(&l->caches, si->v[i].name, strlen(si->v[i].name), 0);
}

/* Reads one more live source into the sample just taken, and parses it. */
static int add_source(struct sample *s, struct snapshot *snap, enum source_id id, struct kerr *e)
{
	sample_add_live(s, id);
	return snapshot_parse_source(snap, id, e);
}

int live_take(struct live *l, struct sample *s, struct snapshot *snap, struct kerr *e)
{
	unsigned parse = l->parse | SRC_BIT(SRC_MODULES) | SRC_BIT(SRC_SLABINFO);
	int r;

	sample_take_live(s, l->mask, &l->sl);
	l->taken++;
	r = snapshot_parse(snap, s, parse | SRC_BIT(SRC_KMSG), e);
	if (!r && snapshot_has(snap, SRC_KMSG) && snap->klog.has_seq)
		s->live.kmsg_cursor = snap->klog.resume_seq;
	if (!r && (l->mask & SRC_BIT(SRC_SLABINFO)) && wants_aliases(l, snap)) {
		r = add_source(s, snap, SRC_SLAB_ALIASES, e);
		note_aliases(l, snap);
	}
	if (r || !wants_symbols(l, snap))
		return r;
	note_symbols(l, snap);
	r = add_source(s, snap, SRC_KALLSYMS, e);
	return r ? r : add_source(s, snap, SRC_MODULE_SECTIONS, e);
}

void live_free(struct live *l)
{
	if (!l)
		return;
	strmap_free(&l->syms);
	strmap_free(&l->caches);
	sample_live_free(&l->sl);
	memset(l, 0, sizeof(*l));
}

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

int live_take(struct live *l, struct sample *s, struct snapshot *snap,
	      struct kerr *e)
{
	unsigned mask = l->mask | (l->taken ? 0 : SRC_BIT(SRC_SLAB_ALIASES));
	int r;

	sample_take_live(s, mask, &l->sl);
	l->taken++;
	r = snapshot_parse(snap, s, l->parse | SRC_BIT(SRC_MODULES) | SRC_BIT(SRC_KMSG), e);
	if (!r && snapshot_has(snap, SRC_KMSG) && snap->klog.has_seq)
		s->live.kmsg_cursor = snap->klog.resume_seq;
	if (r || !wants_symbols(l, snap))
		return r;
	sample_add_live(s, SRC_KALLSYMS);
	note_symbols(l, snap);
	return snapshot_parse_source(snap, SRC_KALLSYMS, e);
}

void live_free(struct live *l)
{
	if (!l)
		return;
	strmap_free(&l->syms);
	sample_live_free(&l->sl);
	memset(l, 0, sizeof(*l));
}

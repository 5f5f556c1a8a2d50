// SPDX-License-Identifier: GPL-2.0
/* kmemleak groups and trace call sites as stacks and HTML rows; see stacks_from.h. */
#include "stacks_from.h"

#include "output/trace_render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void stacks_split_frame(const char *frame, char *fn, size_t fnlen, char *mod, size_t modlen,
			bool *has_mod)
{
	const char *br = strrchr(frame, '['), *end = frame + strlen(frame);
	size_t n;

	*has_mod = false;
	mod[0] = 0;
	if (br && br > frame && br[-1] == ' ' && end[-1] == ']') {
		snprintf(mod, modlen, "%.*s", (int)(end - 1 - br - 1), br + 1);
		*has_mod = mod[0] != 0;
		end = br - 1;
	}
	n = strcspn(frame, "+ ");
	if (frame + n > end)
		n = (size_t)(end - frame);
	snprintf(fn, fnlen, "%.*s", (int)n, frame);
}

#define MAX_FRAMES 128

/* The frames of one stack being converted: texts and pointers to them. */
struct scratch {
	char fn[MAX_FRAMES][256], mod[MAX_FRAMES][64];
	const char *fns[MAX_FRAMES], *mods[MAX_FRAMES];
};

static int kmemleak_group_stack(struct stacks *out, const struct kmemleak_group *gr,
				struct scratch *s)
{
	size_t n = gr->nframes < MAX_FRAMES ? gr->nframes : MAX_FRAMES;
	bool has;

	for (size_t k = 0; k < n; k++) {
		stacks_split_frame(gr->backtrace[k], s->fn[k], sizeof(s->fn[k]), s->mod[k],
				   sizeof(s->mod[k]), &has);
		s->fns[k] = s->fn[k];
		s->mods[k] = has ? s->mod[k] : NULL;
	}
	if (!n) { /* no backtrace: the group's own function */
		s->fns[0] = gr->function;
		s->mods[0] = gr->module;
		n = 1;
	}
	return stacks_add(out, s->fns, s->mods, n, true, gr->bytes);
}

int stacks_from_kmemleak(struct stacks *out, const struct kmemleak_groups *g)
{
	struct scratch *s = malloc(sizeof(*s));
	int r = 0;

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < g->n && !r; i++)
		r = kmemleak_group_stack(out, &g->v[i], s);
	free(s);
	return r;
}

/*
 * Shares bytes out over the stacks in proportion to count[], exactly:
 * floors first, then the remainder one byte at a time to the largest
 * fractional parts.
 */
static void apportion(uint64_t bytes, const uint64_t *count, size_t n, uint64_t *out)
{
	unsigned __int128 total = 0, given = 0;
	uint64_t frac[TRACE_REPORT_STACKS];

	for (size_t i = 0; i < n; i++)
		total += count[i];
	for (size_t i = 0; i < n; i++) {
		unsigned __int128 p = (unsigned __int128)bytes * count[i];

		out[i] = (uint64_t)(p / total);
		frac[i] = (uint64_t)(p % total);
		given += out[i];
	}
	for (; given < bytes; given++) {
		size_t best = 0;

		for (size_t i = 1; i < n; i++)
			if (frac[i] > frac[best])
				best = i;
		out[best]++;
		frac[best] = 0;
	}
}

static void symbolize(const struct trace_ksyms *ks, uint64_t addr, char *fn, size_t fnlen,
		      char *mod, size_t modlen, const char **modp)
{
	const char *name = NULL, *m = NULL;
	uint64_t off;

	if (!ks || !trace_ksyms_lookup(ks, addr, &name, &off, &m) || !name)
		name = "(unknown)";
	snprintf(fn, fnlen, "%s", name);
	snprintf(mod, modlen, "%s", m ? m : "");
	*modp = m ? mod : NULL;
}

static bool leaf_is_site(const struct trace_ksyms *ks, uint64_t leaf, const char *function)
{
	const char *name = NULL, *m;
	uint64_t off;

	return ks && trace_ksyms_lookup(ks, leaf, &name, &off, &m) && name &&
	       !strcmp(name, function);
}

static int callsite_stacks(struct stacks *out, const struct trace_callsite *c,
			   const struct trace_ksyms *ks, struct scratch *s)
{
	uint64_t count[TRACE_REPORT_STACKS], share[TRACE_REPORT_STACKS], sum = 0;
	size_t ns = c->nstacks < TRACE_REPORT_STACKS ? c->nstacks : TRACE_REPORT_STACKS;
	const char *site_mod = c->module[0] ? c->module : NULL;

	for (size_t i = 0; i < ns; i++)
		sum += count[i] = c->stacks[i].count;
	if (!sum) /* no stack taken: the call site alone */
		return stacks_add(out, (const char *[]){ c->function }, &site_mod, 1, true,
				  c->outstanding_bytes.v);
	apportion(c->outstanding_bytes.v, count, ns, share);
	for (size_t i = 0; i < ns; i++) {
		const struct trace_stack_summary *st = &c->stacks[i];
		size_t n = 0;

		if (!count[i])
			continue;
		/* leaf first; the call site as leaf when the stack starts elsewhere */
		if (!st->nframes || !leaf_is_site(ks, st->frames[0], c->function)) {
			s->fns[0] = c->function;
			s->mods[0] = site_mod;
			n = 1;
		}
		for (size_t k = 0; k < st->nframes && n < MAX_FRAMES; k++, n++) {
			symbolize(ks, st->frames[k], s->fn[n], sizeof(s->fn[n]), s->mod[n],
				  sizeof(s->mod[n]), &s->mods[n]);
			s->fns[n] = s->fn[n];
		}
		if (stacks_add(out, s->fns, s->mods, n, true, share[i]))
			return -ENOMEM;
	}
	return 0;
}

int stacks_from_trace(struct stacks *out, const struct trace_report *r,
		      const struct trace_ksyms *ks)
{
	struct scratch *s = malloc(sizeof(*s));
	int ret = 0;

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < r->ncs && !ret; i++)
		if (r->cs[i].outstanding_bytes.v)
			ret = callsite_stacks(out, &r->cs[i], ks, s);
	free(s);
	return ret;
}

void html_groups_from_kmemleak(struct html_kmemleak_group *out, const struct kmemleak_groups *g)
{
	for (size_t i = 0; i < g->n; i++) {
		const struct kmemleak_group *gr = &g->v[i];

		out[i] = (struct html_kmemleak_group){
			.count = gr->count,
			.bytes = gr->bytes,
			.function = gr->function,
			.module = gr->module,
			.allocator = gr->allocator,
			.backtrace = gr->backtrace,
			.nframes = gr->nframes,
		};
	}
}

size_t html_callsites_from_trace(struct html_callsite *out, const struct trace_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ncs; i++) {
		const struct trace_callsite *c = &r->cs[i];

		if (!c->outstanding_bytes.v || !trace_render_shown(r, c))
			continue;
		out[n++] = (struct html_callsite){
			.callsite = c->callsite,
			.module = c->module[0] ? c->module : NULL,
			.cache = c->cache_name[0] ? c->cache_name : NULL,
			.kind = trace_kind_name(c->kind),
			.outstanding_count = c->outstanding_count.v,
			.outstanding_bytes = c->outstanding_bytes.v,
			.alloc_rate_per_s = c->alloc_rate.v,
			.free_rate_per_s = c->free_rate.v,
			.oldest_age_s = (double)c->oldest_age_ns / 1e9,
		};
	}
	return n;
}

// SPDX-License-Identifier: GPL-2.0
/* The step of watch and the exporter; see sampler.h. */
#include "sampler.h"

#include <errno.h>
#include <string.h>

#include "util/clock.h"

uint64_t sampler_slide_ns(uint64_t leak_window_ns, uint64_t interval_ns)
{
	uint64_t margin = leak_window_ns / 4;

	/* A quarter more than the window, and room for two samples more. */
	if (margin < 2 * interval_ns)
		margin = 2 * interval_ns;
	return leak_window_ns + margin;
}

int sampler_init(struct sampler *s, const struct sampler_opts *o)
{
	memset(s, 0, sizeof(*s));
	s->o = *o;
	s->live = (struct live){ .mask = o->mask, .parse = SRC_ALL };
	trend_opts_default(&s->topts);
	s->topts.leak_window_s = (double)o->leak_window_ns / 1e9;
	if (series_set_init(&s->sets[0], SERIES_DEFAULT_CAP))
		return -ENOMEM;
	s->in_use[0] = true;
	return 0;
}

const struct series_set *sampler_set(const struct sampler *s)
{
	return &s->sets[s->old];
}

/* The younger set starts when the older is P old; at 2P it takes over. */
static int slide(struct sampler *s, uint64_t now)
{
	int y = !s->old;

	if (!s->o.slide_ns || !s->samples)
		return 0;
	if (s->in_use[y] && now - s->start_ns[s->old] >= 2 * s->o.slide_ns) {
		series_set_free(&s->sets[s->old]);
		s->in_use[s->old] = false;
		s->old = y;
		y = !y;
	}
	if (!s->in_use[y] && now - s->start_ns[s->old] >= s->o.slide_ns) {
		if (series_set_init(&s->sets[y], SERIES_DEFAULT_CAP))
			return -ENOMEM;
		s->in_use[y] = true;
		s->start_ns[y] = now;
	}
	return 0;
}

static int step(struct sampler *s, uint64_t now, struct kerr *e)
{
	int y = !s->old, r;

	if (slide(s, now))
		return kerr_set(e, -ENOMEM, "sampler", 0, "out of memory");
	if (!s->samples)
		s->start_ns[s->old] = now;
	r = live_take(&s->live, &s->sample, &s->snap, e);
	if (!r)
		r = ingest_sample(&s->sets[s->old], &s->ingest, &s->snap, e);
	/* The same snapshot again: ingestion only adds to the set it is given. */
	if (!r && s->in_use[y])
		r = ingest_sample(&s->sets[y], &s->ingest, &s->snap, e);
	if (!r && trend_analyze(&s->sets[s->old], &s->topts, &s->rep))
		r = kerr_set(e, -ENOMEM, "sampler", 0, "out of memory");
	return r;
}

int sampler_step(struct sampler *s, struct kerr *e)
{
	uint64_t t0 = clock_mono_ns();
	int r = step(s, t0, e);

	s->samples++;
	s->errors += r != 0;
	s->ok = !r;
	s->duration_s = (double)(clock_mono_ns() - t0) / 1e9;
	return r;
}

void sampler_free(struct sampler *s)
{
	if (!s)
		return;
	trend_report_free(&s->rep);
	ingest_free(&s->ingest);
	snapshot_free(&s->snap);
	sample_free(&s->sample);
	live_free(&s->live);
	for (int i = 0; i < 2; i++)
		if (s->in_use[i])
			series_set_free(&s->sets[i]);
	memset(s, 0, sizeof(*s));
}

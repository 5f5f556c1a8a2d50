// SPDX-License-Identifier: GPL-2.0
/* The tick, sample count and deadline of streaming commands (stream.h). */
#include "stream.h"

#include <stddef.h>

#include "stop.h"
#include "util/clock.h"

void stream_start(struct stream *s, const struct stream_opts *o, bool tick_now)
{
	stop_install();
	*s = (struct stream){ .o = *o, .start_ns = clock_mono_ns() };
	s->next_ns = s->start_ns;
	s->end_ns = o->duration_ns ? s->start_ns + o->duration_ns : UINT64_MAX;
	s->ticks = tick_now ? 1 : 0;
}

bool stream_wait(struct stream *s)
{
	uint64_t now = clock_mono_ns(), until;

	s->next_ns += s->o.interval_ns;
	if (s->next_ns < now) /* a slow step fell behind: restart from now */
		s->next_ns = now;
	until = s->next_ns < s->end_ns ? s->next_ns : s->end_ns;
	if (stop_sleep_until(until)) {
		s->end = STREAM_SIGNAL;
		return false;
	}
	s->ticks++;
	s->at_deadline = until == s->end_ns;
	return true;
}

bool stream_last(struct stream *s)
{
	if (s->end != STREAM_RUNNING)
		return true;
	if (stop_requested())
		s->end = STREAM_SIGNAL;
	else if (s->o.samples && s->ticks >= s->o.samples)
		s->end = STREAM_SAMPLES;
	else if (s->at_deadline || clock_mono_ns() >= s->end_ns)
		s->end = STREAM_DURATION;
	return s->end != STREAM_RUNNING;
}

const char *stream_end_name(const struct stream *s)
{
	static const char *const names[] = {
		[STREAM_RUNNING] = NULL,
		[STREAM_SAMPLES] = "samples",
		[STREAM_DURATION] = "duration",
		[STREAM_SIGNAL] = "signal",
	};

	return names[s->end];
}

uint64_t stream_elapsed_ns(const struct stream *s)
{
	return clock_mono_ns() - s->start_ns;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clock of every streaming command (watch, record, trace, count and
 * those to come): start, tick every -i, and end at the -n-th tick, at the
 * -d wall-clock deadline or on a stop signal (stop.h), whichever comes
 * first. One meaning for the options everywhere: -d is time since start
 * (the last tick falls on the deadline), -n counts ticks.
 *
 * A command that samples at once (watch, record):
 *
 *	stream_start(&st, &o.stream, true);
 *	do {
 *		sample;
 *		if (stream_last(&st))
 *			break;
 *		render;
 *	} while (stream_wait(&st));
 *	final render;
 *
 * A command that reports what happened during an interval (trace, count)
 * starts with false and loops `while (stream_wait(&st)) { ... }`.
 */
#ifndef KLEAK_CMD_STREAM_H
#define KLEAK_CMD_STREAM_H

#include <stdbool.h>
#include <stdint.h>

/* What -i, -n and -d set (OPT_STREAM rows in opts.h). */
struct stream_opts {
	uint64_t interval_ns; /* -i */
	uint64_t samples;     /* -n: ticks at most; 0: no limit */
	uint64_t duration_ns; /* -d: wall-clock time from start; 0: none */
};

enum stream_end {
	STREAM_RUNNING,
	STREAM_SAMPLES,	 /* -n reached */
	STREAM_DURATION, /* the -d deadline reached */
	STREAM_SIGNAL,	 /* SIGINT, SIGTERM or SIGHUP */
};

struct stream {
	struct stream_opts o;
	uint64_t start_ns, next_ns;
	uint64_t end_ns;  /* the deadline; UINT64_MAX without -d */
	uint64_t ticks;	  /* ticks reached so far */
	bool at_deadline; /* the last wait ended on the deadline */
	enum stream_end end;
};

/*
 * Installs the stop signals and starts the clock. tick_now: the start is
 * the first tick (a command that samples at once); else the first tick is
 * one interval on.
 */
void stream_start(struct stream *s, const struct stream_opts *o, bool tick_now);
/*
 * Sleeps until the next tick (never past the deadline). Returns false,
 * with no tick, when a stop signal woke it.
 */
bool stream_wait(struct stream *s);
/* Whether the tick just reached is the last one (and records why). */
bool stream_last(struct stream *s);
/* Why the stream ended: "samples", "duration", "signal" (NULL: running). */
const char *stream_end_name(const struct stream *s);
/* Nanoseconds since stream_start. */
uint64_t stream_elapsed_ns(const struct stream *s);

#endif

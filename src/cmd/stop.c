// SPDX-License-Identifier: GPL-2.0
/* The stop signals and interruptible sleeps of streaming commands. */
#include "stop.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

void stop_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: sleeps return EINTR */
	sigemptyset(&sa.sa_mask);
	stop_sig = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int stop_requested(void)
{
	return stop_sig;
}

uint64_t stop_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

bool stop_sleep_until(uint64_t until_ns)
{
	struct timespec ts = { .tv_sec = (time_t)(until_ns / 1000000000ULL),
			       .tv_nsec = (long)(until_ns % 1000000000ULL) };

	while (!stop_sig) {
		int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);

		if (r != EINTR)
			return false;
	}
	return true;
}

bool stop_tick(uint64_t *next_ns, uint64_t interval_ns)
{
	uint64_t now = stop_now_ns();

	*next_ns += interval_ns;
	if (*next_ns < now) /* fell behind (a slow step): restart from now */
		*next_ns = now;
	return stop_sleep_until(*next_ns);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every streaming command (watch, record, trace, count and those to
 * come) is told by -i, -n and -d (the OPT_STREAM rows of opts.h).
 */
#ifndef KLEAK_CMD_STREAM_H
#define KLEAK_CMD_STREAM_H

#include <stdint.h>

struct stream_opts {
	uint64_t interval_ns; /* -i */
	uint64_t samples;     /* -n; 0: no limit */
	uint64_t duration_ns; /* -d; 0: none */
};

#endif

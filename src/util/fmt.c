// SPDX-License-Identifier: GPL-2.0
/* Human-readable sizes and durations; see fmt.h. */
#include "fmt.h"

#include <math.h>
#include <stdio.h>

#include "util/compiler.h"

static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };

static const char *scaled(double v, const char *sign, char *buf, size_t len)
{
	size_t u = 0;

	while (v >= 1024.0 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%s%.0f %s", sign, v, units[u]);
	else
		snprintf(buf, len, "%s%.*f %s", sign, v < 10 ? 1 : 0, v, units[u]);
	return buf;
}

const char *fmt_bytes(uint64_t v, char *buf, size_t len)
{
	return scaled((double)v, "", buf, len);
}

const char *fmt_sbytes(double v, char *buf, size_t len)
{
	return scaled(fabs(v), v < 0 ? "-" : "+", buf, len);
}

const char *fmt_duration_ns(uint64_t ns, char *buf, size_t len)
{
	uint64_t s = ns / 1000000000ULL;

	if (s == 0)
		snprintf(buf, len, "%llums", (unsigned long long)(ns / 1000000));
	else if (s < 60)
		snprintf(buf, len, "%llus", (unsigned long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)s / 60,
			 (unsigned long long)s % 60);
	else
		snprintf(buf, len, "%lluh%02llum", (unsigned long long)s / 3600,
			 (unsigned long long)(s % 3600) / 60);
	return buf;
}

// SPDX-License-Identifier: GPL-2.0
/* Strict decimal/hex/duration/size parsing with overflow checks. */
#include "num.h"

#include <errno.h>
#include <math.h>
#include <string.h>

int num_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || len == 0)
		return -EINVAL;
	if (len <= 19) { /* cannot overflow: skip the check per digit */
		for (size_t i = 0; i < len; i++) {
			unsigned d = (unsigned char)s[i] - '0';

			if (d > 9)
				return -EINVAL;
			v = v * 10 + d;
		}
		*out = v;
		return 0;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int num_i64(const char *s, size_t len, int64_t *out)
{
	bool neg = false;
	uint64_t v;
	int r;

	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		len--;
	}
	r = num_u64(s, len, &v);
	if (r)
		return r;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > INT64_MAX)
			return -ERANGE;
		*out = (int64_t)v;
	}
	return 0;
}

int num_hex_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
		if (v >> 60)
			return -ERANGE;
		v = (v << 4) | d;
	}
	*out = v;
	return 0;
}

int num_double(const char *s, size_t len, double *out)
{
	size_t dot = len;
	uint64_t ip = 0, fp = 0;
	double v;
	int r;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '.') {
			dot = i;
			break;
		}
	if (dot == 0 && len <= 1)
		return -EINVAL;
	if (dot > 0) {
		r = num_u64(s, dot, &ip);
		if (r)
			return r;
	}
	v = (double)ip;
	if (dot < len) {
		size_t flen = len - dot - 1;

		if (flen == 0 || flen > 18)
			return -EINVAL;
		r = num_u64(s + dot + 1, flen, &fp);
		if (r)
			return r;
		v += (double)fp / pow(10.0, (double)flen);
	}
	*out = v;
	return 0;
}

int num_parse_u64(const char *s, uint64_t *out)
{
	return num_u64(s, s ? strlen(s) : 0, out);
}

int num_parse_int(const char *s, int min, int max, int *out)
{
	int64_t v;
	int r = num_i64(s, s ? strlen(s) : 0, &v);

	if (r)
		return r;
	if (v < min || v > max)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

/* Splits "12.5ms" into the number part and the suffix. */
static size_t number_prefix(const char *s)
{
	size_t i = 0;

	while ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')
		i++;
	return i;
}

int num_parse_duration_ns(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		double ns;
	} units[] = {
		{ "", 1e9 },   { "s", 1e9 },  { "ms", 1e6 },
		{ "us", 1e3 }, { "m", 60e9 }, { "h", 3600e9 },
	};
	size_t n;
	double v;

	if (!s)
		return -EINVAL;
	n = number_prefix(s);
	if (num_double(s, n, &v))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(s + n, units[i].suffix))
			continue;
		v *= units[i].ns;
		if (v < 1.0)
			return -EINVAL;
		if (v >= 1.8e19)
			return -ERANGE;
		*out = (uint64_t)v;
		return 0;
	}
	return -EINVAL;
}

int num_parse_size(const char *s, uint64_t *out)
{
	static const char *const suffixes = "KMGT";
	size_t n;
	double v, mul = 1;
	const char *suf;

	if (!s)
		return -EINVAL;
	n = number_prefix(s);
	if (num_double(s, n, &v))
		return -EINVAL;
	suf = s + n;
	if (*suf) {
		const char *p = strchr(suffixes, suf[0] & ~0x20);

		if (!p || !suf[0])
			return -EINVAL;
		mul = pow(1024.0, (double)(p - suffixes + 1));
		suf++;
		if (*suf == 'i' || *suf == 'I')
			suf++;
		if (*suf == 'B' || *suf == 'b')
			suf++;
		if (*suf)
			return -EINVAL;
	} else if (n < strlen(s)) {
		return -EINVAL;
	}
	v *= mul;
	if (v >= 1.8e19)
		return -ERANGE;
	*out = (uint64_t)v;
	return 0;
}

bool num_is_version(const char *s, size_t n)
{
	if (!n || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
			return false;
	return true;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Exact population bounds under Bernoulli sampling (see binom.h): the
 * binomial tail sums in log space, searched over n by bisection; a normal
 * approximation in n above 1000 drawn, where it is within a few objects
 * of the exact bounds.
 */
#include "analyze/binom.h"

#include <math.h>
#include <string.h>

#define EXACT_K_MAX 1000

double binom_cdf(uint64_t k, uint64_t n, double p)
{
	double lp, lratio, sum = 0, maxl;

	if (k >= n || p <= 0)
		return 1;
	if (p >= 1)
		return 0;
	/* log pmf(0) = n log(1 - p); pmf(j+1)/pmf(j) = (n-j)/(j+1) * p/(1-p) */
	lp = (double)n * log1p(-p);
	lratio = log(p) - log1p(-p);
	maxl = lp;
	for (uint64_t j = 0; j <= k; j++) {
		double l = lp;

		if (j) {
			l = lp + log((double)(n - j + 1) / (double)j) + lratio;
			lp = l;
		}
		if (l > maxl) { /* rescale the running sum to the new maximum */
			sum *= exp(maxl - l);
			maxl = l;
		}
		sum += exp(l - maxl);
	}
	return fmin(1.0, sum * exp(maxl));
}

/* The largest n >= k with P(X <= k | n) > t: P falls as n grows. */
static uint64_t upper_exact(uint64_t k, double p, double t)
{
	uint64_t lo = k, hi = k + 1;

	while (binom_cdf(k, hi, p) > t)
		hi = hi * 2 + (uint64_t)(1 / p);
	/* P(lo) > t >= P(hi) */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (binom_cdf(k, mid, p) > t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The smallest n >= k with P(X >= k | n) > t, i.e. P(X <= k-1 | n) < 1 - t. */
static uint64_t lower_exact(uint64_t k, double p, double t, uint64_t hi)
{
	uint64_t lo = k;

	if (!k)
		return 0;
	if (1 - binom_cdf(k - 1, lo, p) > t)
		return lo;
	/* fails at lo, holds at hi */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (1 - binom_cdf(k - 1, mid, p) > t)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* z with P(Z > z) = t, by bisection on erfc. */
static double z_upper(double t)
{
	double lo = 0, hi = 10;

	for (int i = 0; i < 60; i++) {
		double mid = (lo + hi) / 2;

		if (0.5 * erfc(mid / sqrt(2)) > t)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* Solves k = n p -+ z sqrt(n p q) for n (x = sqrt(n)). */
static double normal_n(double k, double p, double z, int side)
{
	double q = 1 - p, b = z * sqrt(p * q) * side;
	double x = (b + sqrt(b * b + 4 * p * k)) / (2 * p);

	return x * x;
}

static void bounds(uint64_t k, double p, double alpha, uint64_t *lo, uint64_t *hi)
{
	double t = alpha / 2;

	if (k <= EXACT_K_MAX) {
		*hi = upper_exact(k, p, t);
		*lo = lower_exact(k, p, t, *hi + 1);
		return;
	}
	double z = z_upper(t);
	double h = ceil(normal_n((double)k + 0.5, p, z, 1));
	double l = floor(normal_n((double)k - 0.5, p, z, -1));

	*hi = (uint64_t)h;
	*lo = l < (double)k ? k : (uint64_t)l;
}

void binom_pop_bounds(uint64_t k, double p, double alpha, struct binom_memo *memo, uint64_t *lo,
		      uint64_t *hi)
{
	if (p >= 1 || p <= 0) {
		*lo = *hi = k;
		return;
	}
	if (memo && (memo->p != p || memo->alpha != alpha)) {
		memset(memo, 0, sizeof(*memo));
		memo->p = p;
		memo->alpha = alpha;
	}
	if (memo && k < BINOM_MEMO_K && memo->have[k]) {
		*lo = memo->lo[k];
		*hi = memo->hi[k];
		return;
	}
	bounds(k, p, alpha, lo, hi);
	if (memo && k < BINOM_MEMO_K) {
		memo->lo[k] = *lo;
		memo->hi[k] = *hi;
		memo->have[k] = 1;
	}
}

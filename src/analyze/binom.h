/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Confidence bounds for the size of a population seen through a sample:
 * each member was drawn independently with a known probability p (kleak
 * trace --sample N: p = 1/N, by a seeded hash of the address), k were
 * drawn, how many are there? The bounds are the exact ones: every n whose
 * binomial(n, p) distribution does not put k in a tail of mass below
 * alpha/2. They hold their level at every k, 0 included (k = 0 still has
 * an upper bound: about 3.7 / p at 95%), where k*N +- 1.96*N*sqrt(k) does
 * not. Pure; a memo keeps the bounds of small k across calls.
 */
#ifndef KLEAK_ANALYZE_BINOM_H
#define KLEAK_ANALYZE_BINOM_H

#include <stdint.h>

#define BINOM_MEMO_K 1024 /* bounds of k below this are kept once computed */

struct binom_memo {
	double p, alpha; /* what the memo holds bounds for */
	uint64_t lo[BINOM_MEMO_K], hi[BINOM_MEMO_K];
	uint8_t have[BINOM_MEMO_K];
};

/*
 * lo <= n <= hi at level 1 - alpha (two-sided, alpha/2 each side), for k
 * drawn with probability p (0 < p <= 1; p = 1 gives lo = hi = k). memo may
 * be NULL; it is reset when p or alpha differ from its own.
 */
void binom_pop_bounds(uint64_t k, double p, double alpha, struct binom_memo *memo, uint64_t *lo,
		      uint64_t *hi);
/* P(X <= k) for X ~ binomial(n, p): for tests. */
double binom_cdf(uint64_t k, uint64_t n, double p);

#endif

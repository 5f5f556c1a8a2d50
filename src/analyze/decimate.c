// SPDX-License-Identifier: GPL-2.0
/* Min/max-per-column decimation for drawing; see decimate.h. */
#include "decimate.h"

static size_t column_of(const double *x, size_t i, size_t n, double x0, double span, size_t columns)
{
	double pos;

	if (!x)
		pos = (double)i / (double)(n - 1);
	else if (span > 0)
		pos = (x[i] - x0) / span;
	else
		pos = 0;
	if (!(pos > 0)) /* also NaN */
		return 0;
	if (pos >= 1)
		return columns - 1;
	return (size_t)(pos * (double)columns);
}

/* Appends the column's two extremes in time order, each index once. */
static size_t flush(size_t *idx, size_t k, size_t lo, size_t hi)
{
	size_t a = lo < hi ? lo : hi, b = lo < hi ? hi : lo;

	if (!k || idx[k - 1] < a)
		idx[k++] = a;
	if (idx[k - 1] < b)
		idx[k++] = b;
	return k;
}

size_t decimate_minmax(const double *x, const double *key, size_t n, size_t columns, size_t *idx)
{
	double x0 = x && n ? x[0] : 0, span = x && n ? x[n - 1] - x[0] : 0;
	size_t k = 0, col, lo = 0, hi = 0;

	if (!columns || n <= 2 * columns) {
		for (size_t i = 0; i < n; i++)
			idx[i] = i;
		return n;
	}
	idx[k++] = 0; /* the line starts where the data starts */
	col = column_of(x, 0, n, x0, span, columns);
	for (size_t i = 0; i < n; i++) {
		size_t c = column_of(x, i, n, x0, span, columns);

		if (c != col) {
			k = flush(idx, k, lo, hi);
			col = c;
			lo = hi = i;
			continue;
		}
		if (key[i] < key[lo])
			lo = i;
		if (key[i] > key[hi])
			hi = i;
	}
	k = flush(idx, k, lo, hi);
	if (idx[k - 1] != n - 1)
		idx[k++] = n - 1;
	return k;
}

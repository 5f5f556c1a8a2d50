/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decimation for drawing: which points of a long series to draw when there
 * are more points than pixel columns. Min/max per column: the points are
 * bucketed by their x (time) into `columns` equal columns, and of each
 * column only the point with the lowest and the one with the highest key
 * are kept (in time order), plus the first and the last point. Every peak
 * and every trough stays visible at any zoom of the picture; what is lost
 * is only detail a pixel could not show. Numbers (rates, growth, values in
 * tables) are never computed from decimated points: this is for pictures.
 */
#ifndef KLEAK_ANALYZE_DECIMATE_H
#define KLEAK_ANALYZE_DECIMATE_H

#include <stddef.h>

/* Most indices decimate_minmax() writes for `columns` columns. */
#define DECIMATE_MAX_OUT(columns) (2 * (size_t)(columns) + 2)

/*
 * Picks the points of (x[i], key[i]), i < n, x non-decreasing, to draw in
 * `columns` columns (x NULL: x is the index). Writes their indices in
 * increasing order to idx (room for DECIMATE_MAX_OUT(columns)) and returns
 * how many. With n <= 2 * columns every index is kept. columns 0 keeps
 * every index too (no decimation asked for).
 */
size_t decimate_minmax(const double *x, const double *key, size_t n, size_t columns, size_t *idx);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Theil-Sen slopes, the Mann-Kendall test corrected for autocorrelation
 * (Hamed and Rao 1998), Holm's family-wise control, the evidence a `leak`
 * needs, and the ranking; see trend.h and docs/verdicts.md.
 */
#include "trend.h"
#include "trend_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void trend_opts_default(struct trend_opts *o)
{
	o->leak_window_s = 600;
	o->alpha_series = 0.01;
	o->alpha_family = 0.01;
	o->dw_stationary = 1.0;
	o->family_size = 0;
	o->min_growth_bytes = 16384;
	o->min_rate_bytes_per_hour = 256 * 1024;
	o->noise_ratio = 3;
	o->sustain_frac = 0.25;
	o->floor_frac = 0.25;
	o->release_frac = 0.5;
	o->min_points = 5;
	o->explain_frac = 0.5;
	o->unaccounted_window_s = 3600;
	o->trailing_s = 0;
}

const char *trend_verdict_name(enum trend_verdict v)
{
	switch (v) {
	case TREND_LEAK:
		return "leak";
	case TREND_GROWING:
		return "growing";
	case TREND_RECLAIMABLE:
		return "growing_reclaimable";
	case TREND_POSSIBLE:
		return "possible_leak";
	case TREND_FLUCTUATING:
		return "fluctuating";
	case TREND_RELEASED:
		return "released";
	}
	return "?";
}

const char *trend_reason_name(enum trend_reason r)
{
	static const char *const names[] = {
		[TREND_REASON_NONE] = NULL,
		[TREND_REASON_WINDOW] = "window_too_short",
		[TREND_REASON_WEAK] = "weak_trend",
		[TREND_REASON_SLOW] = "too_slow",
		[TREND_REASON_NOISE] = "within_noise",
		[TREND_REASON_STALLED] = "not_sustained",
		[TREND_REASON_RECLAIMABLE] = "reclaimable",
		[TREND_REASON_NO_TREND] = "no_trend",
		[TREND_REASON_RELEASED] = "released",
		[TREND_REASON_FOLLOWS_RECLAIMABLE] = "follows_reclaimable",
		[TREND_REASON_FOLLOWS_TASKS] = "follows_tasks",
		[TREND_REASON_DROPS] = "drops_back",
		[TREND_REASON_FOLLOWS_USER] = "follows_user_memory",
		[TREND_REASON_FOLLOWS_LAZY_VMALLOC] = "follows_lazy_vmalloc",
		[TREND_REASON_FOLLOWS_SLAB] = "follows_slab_pages",
		[TREND_REASON_HOST_RECLAIMABLE] = "host_reclaimable",
	};

	return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : NULL;
}

/*
 * k-th smallest of a[0..n), reordering a so that a[0..k) <= a[k] <=
 * a(k..n) (Wirth's selection).
 */
static double select_kth(double *a, size_t n, size_t k)
{
	long l = 0, r = (long)n - 1, kk = (long)k;

	while (l < r) {
		double x = a[kk];
		long i = l, j = r;

		do {
			while (a[i] < x)
				i++;
			while (x < a[j])
				j--;
			if (i <= j) {
				double tmp = a[i];

				a[i++] = a[j];
				a[j--] = tmp;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			r = j;
	}
	return a[kk];
}

double trend_theil_sen(const double *t, const double *v, size_t n, double *scratch)
{
	size_t m = 0;
	double lo, hi;

	for (size_t j = 1; j < n; j++)
		for (size_t i = 0; i < j; i++)
			if (t[j] != t[i])
				scratch[m++] = (v[j] - v[i]) / (t[j] - t[i]);
	if (!m)
		return 0;
	hi = select_kth(scratch, m, m / 2);
	if (m % 2)
		return hi;
	/* Even count: the mean of the two middle slopes. */
	lo = scratch[0];
	for (size_t i = 1; i < m / 2; i++)
		if (scratch[i] > lo)
			lo = scratch[i];
	return (lo + hi) / 2;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sum over groups of t tied values of t(t-1)(2t+5); scratch holds n doubles. */
static double tie_term(const double *v, size_t n, double *scratch)
{
	double ties = 0;

	memcpy(scratch, v, n * sizeof(*v));
	qsort(scratch, n, sizeof(*scratch), cmp_double);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && scratch[j] == scratch[i])
			j++;
		if (j - i > 1) {
			double tt = (double)(j - i);

			ties += tt * (tt - 1) * (2 * tt + 5);
		}
		i = j;
	}
	return ties;
}

/* z, p and confidence of S under var widened by ratio. */
static void mk_finish(int64_t s, double var, double ratio, struct trend_mk *out)
{
	out->s = s;
	out->var = var;
	out->var_ratio = ratio;
	out->z = 0;
	out->p = 1; /* no variance (all tied): no evidence of anything */
	out->confidence = 0;
	if (var <= 0)
		return;
	out->z = (double)(s > 0 ? s - 1 : s < 0 ? s + 1 : 0) / sqrt(var * ratio);
	out->p = 0.5 * erfc(out->z / M_SQRT2);
	out->confidence = 1 - out->p;
}

void trend_mann_kendall(const double *v, size_t n, bool have_s, int64_t s, double *scratch,
			struct trend_mk *out)
{
	double nn = (double)n;

	mk_finish(0, 0, 1, out);
	if (n < 2)
		return;
	if (!have_s) {
		s = 0;
		for (size_t j = 1; j < n; j++)
			for (size_t i = 0; i < j; i++)
				s += (v[j] > v[i]) - (v[j] < v[i]);
	}
	mk_finish(s, (nn * (nn - 1) * (2 * nn + 5) - tie_term(v, n, scratch)) / 18, 1, out);
}

/* Ranks of r[0..n) into rank, ties given their mean rank. O(n^2). */
static void ranks_of(const double *r, size_t n, double *rank)
{
	for (size_t i = 0; i < n; i++) {
		size_t less = 0, same = 0;

		for (size_t j = 0; j < n; j++) {
			less += r[j] < r[i];
			same += r[j] == r[i];
		}
		rank[i] = (double)less + (double)(same + 1) / 2;
	}
}

double trend_hamed_rao_ratio(const double *t, const double *v, size_t n, double slope,
			     double *scratch)
{
	double *r = scratch, *rank = scratch + n, nn = (double)n;
	double mean = (nn + 1) / 2, den = 0, sum = 0, bound, ratio;

	if (n < 4)
		return 1;
	for (size_t i = 0; i < n; i++)
		r[i] = v[i] - slope * t[i];
	ranks_of(r, n, rank);
	for (size_t i = 0; i < n; i++) {
		rank[i] -= mean;
		den += rank[i] * rank[i];
	}
	if (den <= 0)
		return 1;
	/* Hamed and Rao keep the lags whose autocorrelation is significant
	 * at 5%: |rho| > 1.96 / sqrt(n) (the large-sample bound). */
	bound = 1.959963985 / sqrt(nn);
	for (size_t k = 1; k + 2 < n; k++) {
		double c = 0, kk = (double)k;

		for (size_t i = 0; i + k < n; i++)
			c += rank[i] * rank[i + k];
		c /= den;
		if (fabs(c) > bound)
			sum += (nn - kk) * (nn - kk - 1) * (nn - kk - 2) * c;
	}
	ratio = 1 + 2 * sum / (nn * (nn - 1) * (nn - 2));
	return ratio > 1 ? ratio : 1;
}

double trend_ar1_ratio(double rho, size_t n)
{
	double sum = 0, pk = 1, nn = (double)n;

	rho = rho < 0 ? 0 : rho > 0.99 ? 0.99 : rho;
	for (size_t k = 1; k < n; k++) {
		pk *= rho;
		sum += (nn - (double)k) * pk;
	}
	return 1 + 2 * sum / nn;
}

void trend_mann_kendall_ac(const double *t, const double *v, size_t n, double slope,
			   double *scratch, struct trend_mk *out)
{
	double hr, ar1, rho;

	trend_mann_kendall(v, n, false, 0, scratch, out);
	if (out->var <= 0)
		return;
	hr = trend_hamed_rao_ratio(t, v, n, slope, scratch);
	rho = 1 - trend_durbin_watson(t, v, n) / 2;
	ar1 = trend_ar1_ratio(rho + (2 + 4 * rho) / (double)n, n);
	mk_finish(out->s, out->var, hr > ar1 ? hr : ar1, out);
}

/*
 * The regularised incomplete beta function I_x(a, b) by its continued
 * fraction (modified Lentz; Press et al., Numerical Recipes, 6.4): for
 * Student's t below.
 */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	d = 1 / (fabs(d) < tiny ? tiny : d);
	h = d;
	for (int m = 1; m <= 300; m++) {
		double aa[2], del = 1;

		aa[0] = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		aa[1] = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
		for (int k = 0; k < 2; k++) {
			d = 1 + aa[k] * d;
			d = 1 / (fabs(d) < tiny ? tiny : d);
			c = 1 + aa[k] / c;
			c = fabs(c) < tiny ? tiny : c;
			del = d * c;
			h *= del;
		}
		if (fabs(del - 1) < 1e-14)
			break;
	}
	return h;
}

static double beta_inc(double a, double b, double x)
{
	double front;

	if (x <= 0 || x >= 1)
		return x <= 0 ? 0 : 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, 1 - x) / b;
}

/* P(T > t) for Student's t with df degrees of freedom. */
static double student_upper(double t, double df)
{
	double tail = 0.5 * beta_inc(df / 2, 0.5, df / (df + t * t));

	return t > 0 ? tail : 1 - tail;
}

/* Least-squares slope and intercept of v over t (n >= 2, t not all equal). */
static void least_squares(const double *t, const double *v, size_t n, double *slope, double *icept)
{
	double nn = (double)n, tm = 0, vm = 0, sxy = 0, sxx = 0;

	for (size_t i = 0; i < n; i++) {
		tm += t[i] / nn;
		vm += v[i] / nn;
	}
	for (size_t i = 0; i < n; i++) {
		sxy += (t[i] - tm) * (v[i] - vm);
		sxx += (t[i] - tm) * (t[i] - tm);
	}
	*slope = sxx > 0 ? sxy / sxx : 0;
	*icept = vm - *slope * tm;
}

double trend_durbin_watson(const double *t, const double *v, size_t n)
{
	double b, a, num = 0, den = 0, prev = 0;

	if (n < 3)
		return 4;
	least_squares(t, v, n, &b, &a);
	for (size_t i = 0; i < n; i++) {
		double r = v[i] - a - b * t[i];

		den += r * r;
		if (i)
			num += (r - prev) * (r - prev);
		prev = r;
	}
	return den > 0 ? num / den : 4; /* a straight line: no noise to judge */
}

/*
 * Under a random walk the growth over a window is as large as the walk's
 * own diffusion makes it: test the drift against that. The diffusion per
 * second D comes from the differences two points apart: for means of
 * consecutive runs of a random walk, var(v[i+2] - v[i]) = (2 - 1/3) D dt
 * (less averaging gives more, which overstates D: conservative), and
 * differences two apart are less swollen than neighbouring ones by noise
 * that comes and goes within a sample (a burst of processes), while they
 * measure a walk as well. The growth is the Theil-Sen slope x the span S
 * (robust to an outlying sample, where least squares is not); for a
 * random walk its variance is (6/5) D S for least squares, 2.5% more for
 * Theil-Sen (simulated), hence 1.25. Overlapping differences carry fewer
 * degrees of freedom than their number: 0.6 (n-2) keeps the tail at or
 * under Student's (simulated down to p 1e-4). For a series that reverts
 * to its trend (stationary noise) D is overstated and the test only loses
 * power.
 */
double trend_drift_p(const double *t, const double *v, size_t n, double slope, double *zout)
{
	double nn = (double)n, dm, ss = 0, span, diff, z;

	*zout = 0;
	if (n < 4 || t[n - 1] <= t[0])
		return 1;
	span = t[n - 1] - t[0];
	dm = 2 * (v[n - 1] - v[0]) / (nn - 1);
	for (size_t i = 2; i < n; i++)
		ss += (v[i] - v[i - 2] - dm) * (v[i] - v[i - 2] - dm);
	if (ss <= 0) /* a straight line: growth without any diffusion */
		return slope > 0 ? 0 : 1;
	diff = ss / (nn - 2) / ((2 - 1.0 / 3) * span / (nn - 1));
	z = slope * span / sqrt(1.25 * diff * span);
	*zout = z;
	return student_upper(z, 0.6 * (nn - 2));
}

static int cmp_by_p(const void *a, const void *b, void *arg)
{
	const double *p = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (p[x] != p[y])
		return p[x] < p[y] ? -1 : 1;
	return (x > y) - (x < y);
}

/*
 * Holm (1979): the i-th smallest of the m p-values (from 0) is rejected
 * when (m - i) p <= alpha and so were all smaller ones; the adjusted
 * p-value max over j <= i of (m - j) p_(j) says that in one number. The
 * chance of any false rejection stays under alpha whatever the
 * dependence between the series. Series not given (m > n) are taken as
 * not significant, which is what they are (they did not even grow).
 */
void trend_holm(double *p, size_t n, size_t m, size_t *order)
{
	double run = 0;

	if (m < n)
		m = n;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_by_p, p);
	for (size_t i = 0; i < n; i++) {
		double adj = (double)(m - i) * p[order[i]];

		adj = adj > 1 ? 1 : adj;
		run = adj > run ? adj : run;
		p[order[i]] = run;
	}
}

/* ---- per-series evidence and verdicts ---- */

bool trend_growing(enum trend_verdict v)
{
	return v <= TREND_POSSIBLE;
}

static bool growing(enum trend_verdict v)
{
	return trend_growing(v);
}

/* The first point of the trailing window (0: every point). */
static size_t window_start(const struct series_set *set, const struct trend_opts *o)
{
	size_t i = 0;

	if (o->trailing_s <= 0 || !set->n)
		return 0;
	while (i + 1 < set->n && set->t[i] < set->t[set->n - 1] - o->trailing_s)
		i++;
	return i;
}

/*
 * First point where the series is present, from point `from`: one that
 * appeared during the watch was 0 (absent) before, and its arrival is not
 * growth.
 */
static size_t first_present(const double *v, size_t from, size_t n)
{
	size_t i = from;

	while (i + 1 < n && v[i] == 0)
		i++;
	return i;
}

/*
 * t, v[0..n) as at most TREND_TS_POINTS points into bt, bv: beyond that,
 * the means of consecutive runs of n / TREND_TS_POINTS points (a linear
 * trend stays linear, noise shrinks), so that a full 512-point window
 * costs 2k slope pairs, not 131k, and the trend test O(64^2).
 */
static size_t runs_of(const double *t, const double *v, size_t n, double *bt, double *bv)
{
	size_t m = n < TREND_TS_POINTS ? n : TREND_TS_POINTS;

	for (size_t j = 0; j < m; j++) {
		size_t a = j * n / m, b = (j + 1) * n / m;
		double st = 0, sv = 0;

		for (size_t i = a; i < b; i++) {
			st += t[i];
			sv += v[i];
		}
		bt[j] = st / (double)(b - a);
		bv[j] = sv / (double)(b - a);
	}
	return m;
}

/*
 * The series' own noise: a robust standard deviation (1.4826 x the median
 * absolute deviation) of its points around the trend line. scratch holds
 * n doubles.
 */
static double noise_of(const double *t, const double *v, size_t n, double slope, double *scratch)
{
	double med;

	if (n < 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		scratch[i] = v[i] - slope * t[i];
	med = select_kth(scratch, n, n / 2);
	for (size_t i = 0; i < n; i++)
		scratch[i] = fabs(scratch[i] - med);
	return 1.4826 * select_kth(scratch, n, n / 2);
}

/* Lowest of the last quarter of v[0..n) minus lowest of the first quarter. */
static double floor_rise(const double *v, size_t n)
{
	size_t q = n / 4 ? n / 4 : 1;
	double lo0 = v[0], lo1 = v[n - 1];

	for (size_t i = 0; i < q; i++) {
		lo0 = v[i] < lo0 ? v[i] : lo0;
		lo1 = v[n - 1 - i] < lo1 ? v[n - 1 - i] : lo1;
	}
	return lo1 - lo0;
}

/* Theil-Sen slope of t, v[0..n) through runs_of; scratch as in measure. */
static double slope_of(const double *t, const double *v, size_t n, double *scratch)
{
	double *bt = scratch, *bv = scratch + TREND_TS_POINTS;
	size_t m = runs_of(t, v, n, bt, bv);

	return trend_theil_sen(bt, bv, m, scratch + 2 * TREND_TS_POINTS);
}

/*
 * The trend tests on the (at most 64) run means. The one that decides a
 * leak: Mann-Kendall corrected for autocorrelation for noise around a
 * trend, the drift test for a series that wanders like a random walk
 * (whose wandering Mann-Kendall mistakes for a trend). Whether the series
 * trends up at all (`growing`, informative): Mann-Kendall, or for a
 * wandering series either test (a shape that is not a line, a ramp that
 * stopped, reads as autocorrelation to the first). Not run when the
 * series does not go up (p 1).
 */
static void test_trend(const double *bt, const double *bv, size_t m, double slope,
		       const struct trend_opts *o, double *work, struct trend_leak *l)
{
	struct trend_mk mk;
	double z;

	l->p = l->p_trend = 1;
	l->var_ratio = 1;
	l->durbin_watson = trend_durbin_watson(bt, bv, m);
	/* A random walk's ratio shrinks as 1/m (Sargan-Bhargava): so does the bar. */
	l->random_walk = l->durbin_watson < o->dw_stationary * TREND_TS_POINTS / (double)m;
	if (slope > 0) {
		trend_mann_kendall_ac(bt, bv, m, slope, work, &mk);
		l->p = l->p_trend = mk.p;
		l->var_ratio = mk.var_ratio;
	}
	if (slope > 0 && l->random_walk) {
		l->p = trend_drift_p(bt, bv, m, slope, &z);
		l->p_trend = l->p < l->p_trend ? l->p : l->p_trend;
	}
	l->p_adjusted = l->p;
	l->confidence = 1 - l->p;
}

/*
 * The statistics of one series (verdicts come after the family-wise
 * step): growth, the rate and the trend test over the points since it is
 * present, its noise, and the rate over their recent half.
 */
void trend_measure(const struct series_set *set, size_t k, const struct trend_opts *o,
		   double *scratch, struct trend_leak *l)
{
	const struct series *s = &set->v[k];
	const double *v = s->v, *t = set->t;
	double *bt = scratch, *bv = scratch + TREND_TS_POINTS;
	double *work = scratch + 2 * TREND_TS_POINTS;
	double *res = work + TREND_TS_POINTS * (TREND_TS_POINTS - 1) / 2;
	size_t n = set->n, w0 = window_start(set, o), from = first_present(v, w0, n);
	size_t r = from, m;
	double peak = v[w0], low = v[w0], slope, half;

	memset(l, 0, sizeof(*l));
	l->series = k;
	l->aggregate = s->source == SERIES_MEMINFO || s->aggregate;
	for (size_t i = w0 + 1; i < n; i++) {
		if (v[i] >= peak)
			peak = low = v[i];
		else if (v[i] < low)
			low = v[i];
	}
	l->growth_bytes = v[n - 1] - v[w0];
	l->peak_growth_bytes = peak - v[w0];
	l->fall_bytes = peak - low;
	l->first = from;
	l->points = n - from;
	l->evidence_s = t[n - 1] - t[from];
	m = runs_of(t + from, v + from, n - from, bt, bv);
	slope = trend_theil_sen(bt, bv, m, work);
	l->rate_bytes_per_hour = slope * 3600;
	test_trend(bt, bv, m, slope, o, work, l);
	l->noise_bytes = noise_of(t + from, v + from, n - from, slope, res);
	l->floor_rise_bytes = floor_rise(v + from, n - from);
	half = t[from] + l->evidence_s / 2;
	while (r + 2 < n && t[r] < half)
		r++;
	l->recent_first = r;
	l->recent_rate_bytes_per_hour = slope_of(t + r, v + r, n - r, scratch) * 3600;
}

static void set_verdict(struct trend_leak *l, enum trend_verdict v, enum trend_reason r)
{
	l->verdict = v;
	l->reason = r;
}

static bool is_unaccounted(const struct series *s)
{
	return s->source == SERIES_MEMINFO && !strcmp(s->name, "Unaccounted");
}

/*
 * The verdict, from the weakest evidence up: the first condition a series
 * fails is its reason (docs/verdicts.md has the table). Unaccounted needs
 * the longer of its window and the leak window, and growth beyond its
 * source's own noise floor (the vmstat drift bound) as well as its
 * measured noise.
 */
void trend_decide(const struct series *s, const struct trend_opts *o, struct trend_leak *l)
{
	double rate = l->rate_bytes_per_hour;
	double growth = rate / 3600 * l->evidence_s;

	l->window_s = o->leak_window_s;
	if (is_unaccounted(s) && o->unaccounted_window_s > l->window_s)
		l->window_s = o->unaccounted_window_s;
	if (s->noise_floor_bytes > l->noise_bytes)
		l->noise_bytes = s->noise_floor_bytes;
	/*
	 * Released: fallen back from its peak by half its growth, now, or
	 * since it last stood at that peak by more than noise makes (twice
	 * noise_ratio deviations): climbing back part of the way is not
	 * growth that never drops (verdicts-live beside a build: SUnreclaim
	 * peaked 356 KB up, fell to 82 KB, `leak` at 229 KB the next second).
	 */
	if (l->peak_growth_bytes - l->growth_bytes >= o->release_frac * l->peak_growth_bytes ||
	    (l->fall_bytes >= o->release_frac * l->peak_growth_bytes &&
	     l->fall_bytes >= 2 * o->noise_ratio * l->noise_bytes))
		set_verdict(l, TREND_RELEASED, TREND_REASON_RELEASED);
	else if (l->points < o->min_points || rate <= 0 || l->p_trend > o->alpha_series)
		set_verdict(l, TREND_FLUCTUATING, TREND_REASON_NO_TREND);
	else if (s->reclaimable == 1)
		set_verdict(l, TREND_RECLAIMABLE, TREND_REASON_RECLAIMABLE);
	else if (l->evidence_s < l->window_s)
		set_verdict(l, TREND_GROWING, TREND_REASON_WINDOW);
	else if (l->p_adjusted > o->alpha_family && l->random_walk && l->p > o->alpha_series)
		set_verdict(l, TREND_GROWING, TREND_REASON_NOISE); /* within its wandering */
	else if (l->p_adjusted > o->alpha_family)
		set_verdict(l, TREND_POSSIBLE, TREND_REASON_WEAK);
	else if (rate < o->min_rate_bytes_per_hour)
		set_verdict(l, TREND_GROWING, TREND_REASON_SLOW);
	else if (growth < o->noise_ratio * l->noise_bytes)
		set_verdict(l, TREND_GROWING, TREND_REASON_NOISE);
	else if (l->recent_rate_bytes_per_hour < o->sustain_frac * rate)
		set_verdict(l, TREND_GROWING, TREND_REASON_STALLED);
	else if (l->floor_rise_bytes < o->floor_frac * 0.75 * growth)
		set_verdict(l, TREND_GROWING, TREND_REASON_DROPS);
	else
		set_verdict(l, TREND_LEAK, TREND_REASON_NONE);
}

static int tier_of(const struct trend_leak *l)
{
	if (l->explained && growing(l->verdict))
		return 4;
	switch (l->verdict) {
	case TREND_LEAK:
		return 0;
	case TREND_GROWING:
		return 1;
	case TREND_RECLAIMABLE:
		return 2;
	case TREND_POSSIBLE:
		return 3;
	case TREND_FLUCTUATING:
		return 5;
	case TREND_RELEASED:
		return 6;
	}
	return 7;
}

static int cmp_leak(const void *a, const void *b, void *arg)
{
	const struct series_set *set = arg;
	const struct trend_leak *x = a, *y = b;
	const struct series *sx = &set->v[x->series], *sy = &set->v[y->series];
	int c;

	if (x->tier != y->tier)
		return x->tier - y->tier;
	if (x->aggregate != y->aggregate) /* CONTRACTS: specific series first */
		return x->aggregate ? 1 : -1;
	if (x->rate_bytes_per_hour != y->rate_bytes_per_hour)
		return x->rate_bytes_per_hour > y->rate_bytes_per_hour ? -1 : 1;
	if (x->confidence != y->confidence)
		return x->confidence > y->confidence ? -1 : 1;
	if (sx->source != sy->source)
		return (int)sx->source - (int)sy->source;
	c = strcmp(sx->name, sy->name);
	return c ? c : strcmp(sx->module, sy->module);
}

/* Reallocates *a to n elements of size sz; *a is kept on failure. */
static int resize(void **a, size_t n, size_t sz)
{
	void *p = realloc(*a, n * sz);

	if (!p)
		return -ENOMEM;
	*a = p;
	return 0;
}

static int reserve(struct trend_report *rep, size_t nseries, size_t points)
{
	size_t ts = TREND_TS_POINTS;
	size_t need = 2 * ts + ts * (ts - 1) / 2 + points + 1;

	if (rep->alloc < nseries) {
		if (resize((void **)&rep->v, nseries, sizeof(*rep->v)) ||
		    resize((void **)&rep->p, nseries, sizeof(*rep->p)) ||
		    resize((void **)&rep->order, nseries, sizeof(*rep->order)))
			return -ENOMEM;
		rep->alloc = nseries;
	}
	if (rep->scratch_len < need) {
		if (resize((void **)&rep->scratch, need, sizeof(*rep->scratch)))
			return -ENOMEM;
		rep->scratch_len = need;
	}
	return 0;
}

/* Grew by min_growth_bytes above its first point of the window at some time. */
static bool candidate(const struct series_set *set, size_t k, size_t w0, double min)
{
	const double *v = set->v[k].v;

	if (set->v[k].source == SERIES_CONTEXT) /* never judged on its own */
		return false;
	for (size_t i = w0 + 1; i < set->n; i++)
		if (v[i] - v[w0] >= min)
			return true;
	return false;
}

/* Every series watched but the context ones: the family of Holm's method. */
static size_t family_of(const struct series_set *set)
{
	size_t n = 0;

	for (size_t k = 0; k < set->count; k++)
		n += set->v[k].source != SERIES_CONTEXT;
	return n;
}

/* Holm over the family: every series watched, the candidates' p given. */
static void family_adjust(struct trend_report *rep)
{
	if (rep->family < rep->n)
		rep->family = rep->n;
	for (size_t i = 0; i < rep->n; i++)
		rep->p[i] = rep->v[i].p;
	trend_holm(rep->p, rep->n, rep->family, rep->order);
	for (size_t i = 0; i < rep->n; i++)
		rep->v[i].p_adjusted = rep->p[i];
}

int trend_analyze(const struct series_set *set, const struct trend_opts *o,
		  struct trend_report *rep)
{
	size_t w0 = window_start(set, o);

	rep->n = 0;
	rep->ncontext = 0;
	rep->points = set->n;
	rep->window_s = set->n ? set->t[set->n - 1] - set->t[w0] : 0;
	rep->leak_window_s = o->leak_window_s;
	rep->family = o->family_size ? o->family_size : family_of(set);
	if (set->n < 2)
		return 0;
	if (reserve(rep, set->count ? set->count : 1, set->n))
		return -ENOMEM;
	for (size_t k = 0; k < set->count; k++)
		if (candidate(set, k, w0, o->min_growth_bytes))
			trend_measure(set, k, o, rep->scratch, &rep->v[rep->n++]);
	family_adjust(rep);
	for (size_t i = 0; i < rep->n; i++)
		trend_decide(&set->v[rep->v[i].series], o, &rep->v[i]);
	trend_relate(set, o, rep);
	for (size_t i = 0; i < rep->n; i++)
		rep->v[i].tier = tier_of(&rep->v[i]);
	qsort_r(rep->v, rep->n, sizeof(*rep->v), cmp_leak, (void *)set);
	return 0;
}

void trend_report_free(struct trend_report *rep)
{
	if (!rep)
		return;
	free(rep->v);
	free(rep->p);
	free(rep->order);
	free(rep->scratch);
	memset(rep, 0, sizeof(*rep));
}

int trend_verdict_parse(const char *s, enum trend_verdict *v)
{
	static const enum trend_verdict ok[] = { TREND_LEAK, TREND_GROWING, TREND_RECLAIMABLE,
						 TREND_POSSIBLE };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(s, trend_verdict_name(ok[i]))) {
			*v = ok[i];
			return 0;
		}
	return -EINVAL;
}

bool trend_leak_counts(const struct trend_leak *l)
{
	return l->verdict == TREND_LEAK && !l->explained;
}

bool trend_report_reaches(const struct trend_report *rep, enum trend_verdict v)
{
	for (size_t i = 0; i < rep->n; i++)
		if (!rep->v[i].explained && growing(rep->v[i].verdict) && rep->v[i].verdict <= v)
			return true;
	return false;
}

double trend_series_rate(const struct series_set *set, size_t k, double t_from, double *scratch)
{
	size_t i = 0;

	while (i < set->n && set->t[i] < t_from)
		i++;
	if (k >= set->count || set->n - i < 2)
		return 0;
	return slope_of(set->t + i, set->v[k].v + i, set->n - i, scratch) * 3600;
}

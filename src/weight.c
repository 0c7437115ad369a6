/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Regional weighting (see weight.h): post-stratification, raking and
 * trimming of per-cell weights, the Kish effective sample size and the
 * margin of error.  The table is small (strata x profiles, a few hundred
 * cells at most), so every pass simply walks it; nothing here allocates,
 * and raking keeps its cell totals in the caller's w until the end.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "concerto/weight.h"

/* A cap that holds the total weight to this relative rounding is enough. */
#define WEIGHT_TRIM_SLACK	1e-12

/* The participants of stratum h: n_h = Σ_g n[h * G + g]. */
static double
weight_stratum_count(const struct weight_input *in, size_t h)
{
	size_t	 g;
	double	 sum = 0.0;

	for (g = 0; g < in->nprofiles; g++)
		sum += in->n[h * in->nprofiles + g];
	return sum;
}

/* The participants with profile g: Σ_h n[h * G + g]. */
static double
weight_profile_count(const struct weight_input *in, size_t g)
{
	size_t	 h;
	double	 sum = 0.0;

	for (h = 0; h < in->nstrata; h++)
		sum += in->n[h * in->nprofiles + g];
	return sum;
}

/*
 * The number of cells H * G into *cells; false if it overflows.  A NULL
 * input has no cells.
 */
static int
weight_cells(const struct weight_input *in, size_t *cells)
{
	*cells = 0;
	if (in == NULL || in->nstrata == 0 || in->nprofiles == 0)
		return 1;
	if (in->nprofiles > SIZE_MAX / in->nstrata)
		return 0;
	*cells = in->nstrata * in->nprofiles;
	return 1;
}

static int
weight_nonnegative(double x)
{
	return isfinite(x) && x >= 0.0;
}

/*
 * What post-stratification and raking both require of counts and
 * populations (see weight_poststratify in weight.h).  On WEIGHT_OK and
 * WEIGHT_EMPTY sets *cells, *n (participants) and *pop (N over
 * represented strata); writes nothing into w.
 */
static enum weight_status
weight_check(const struct weight_input *in, const double *w, size_t *cells,
    double *n, double *pop)
{
	size_t	 c, h;
	double	 nh;

	*n = *pop = 0.0;
	if (in == NULL || !weight_cells(in, cells))
		return WEIGHT_INVALID;
	if (*cells == 0)
		return WEIGHT_EMPTY;
	if (in->n == NULL || in->population == NULL || w == NULL)
		return WEIGHT_INVALID;
	for (c = 0; c < *cells; c++)
		if (!weight_nonnegative(in->n[c]))
			return WEIGHT_INVALID;
	for (h = 0; h < in->nstrata; h++) {
		if (!weight_nonnegative(in->population[h]))
			return WEIGHT_INVALID;
		if ((nh = weight_stratum_count(in, h)) == 0.0)
			continue;
		if (in->population[h] == 0.0)
			return WEIGHT_INVALID;
		*n += nh;
		*pop += in->population[h];
	}
	return *n > 0.0 ? WEIGHT_OK : WEIGHT_EMPTY;
}

static void
weight_zero(double *w, size_t cells)
{
	size_t	 c;

	for (c = 0; c < cells; c++)
		w[c] = 0.0;
}

/*
 * Stratum h's weight is its population share over its sample share,
 * (N_h / N) / (n_h / n), written as N_h * n / (N * n_h).
 */
enum weight_status
weight_poststratify(const struct weight_input *in, double *w)
{
	enum weight_status	 st;
	size_t			 cells, h, g, c;
	double			 n, pop, nh, wh;

	st = weight_check(in, w, &cells, &n, &pop);
	if (st == WEIGHT_EMPTY)
		weight_zero(w, cells);
	if (st != WEIGHT_OK)
		return st;

	for (h = 0; h < in->nstrata; h++) {
		nh = weight_stratum_count(in, h);
		wh = nh > 0.0 ? in->population[h] * n / (pop * nh) : 0.0;
		for (g = 0; g < in->nprofiles; g++) {
			c = h * in->nprofiles + g;
			w[c] = in->n[c] > 0.0 ? wh : 0.0;
		}
	}
	return WEIGHT_OK;
}

/*
 * The sum of the targets into *sum, if they are all finite and >= 0 and
 * sum to 1 within WEIGHT_TARGET_SUM_SLACK.
 */
static int
weight_targets_valid(const struct weight_input *in, double *sum)
{
	size_t	 g;

	*sum = 0.0;
	for (g = 0; g < in->nprofiles; g++) {
		if (!weight_nonnegative(in->profile_target[g]))
			return 0;
		*sum += in->profile_target[g];
	}
	return fabs(*sum - 1.0) <= WEIGHT_TARGET_SUM_SLACK;
}

/*
 * Whether the margins are within reach at all: every profile with a
 * positive target has a participant, and every represented stratum has a
 * participant whose profile has a positive target.
 */
static int
weight_rake_reachable(const struct weight_input *in)
{
	size_t	 h, g;
	int	 reachable;

	for (g = 0; g < in->nprofiles; g++)
		if (in->profile_target[g] > 0.0 &&
		    weight_profile_count(in, g) == 0.0)
			return 0;
	for (h = 0; h < in->nstrata; h++) {
		if (weight_stratum_count(in, h) == 0.0)
			continue;
		reachable = 0;
		for (g = 0; g < in->nprofiles; g++)
			if (in->n[h * in->nprofiles + g] > 0.0 &&
			    in->profile_target[g] > 0.0)
				reachable = 1;
		if (!reachable)
			return 0;
	}
	return 1;
}

/*
 * How far a margin is from its target, relative to the target; a zero
 * target is measured against the whole sample n instead.
 */
static double
weight_margin_error(double got, double want, double n)
{
	if (want > 0.0)
		return fabs(got - want) / want;
	return fabs(got) / n;
}

/*
 * One sweep over the cell totals t: scales each represented stratum to its
 * share n * N_h / N of the sample, then each profile to its share
 * n * target_g / tsum.  A margin whose total is 0 is left alone (only an
 * unrepresented stratum, whose target is 0 too, once the input is
 * reachable).
 */
static void
weight_rake_sweep(const struct weight_input *in, double *t, double n,
    double pop, double tsum)
{
	size_t	 h, g, G = in->nprofiles;
	double	 cur, f;

	for (h = 0; h < in->nstrata; h++) {
		cur = 0.0;
		for (g = 0; g < G; g++)
			cur += t[h * G + g];
		if (cur == 0.0)
			continue;
		f = n * in->population[h] / pop / cur;
		for (g = 0; g < G; g++)
			t[h * G + g] *= f;
	}
	for (g = 0; g < G; g++) {
		cur = 0.0;
		for (h = 0; h < in->nstrata; h++)
			cur += t[h * G + g];
		if (cur == 0.0)
			continue;
		f = n * in->profile_target[g] / tsum / cur;
		for (h = 0; h < in->nstrata; h++)
			t[h * G + g] *= f;
	}
}

/* The largest relative error of any margin of the cell totals t. */
static double
weight_rake_error(const struct weight_input *in, const double *t, double n,
    double pop, double tsum)
{
	size_t	 h, g, G = in->nprofiles;
	double	 cur, want, err, worst = 0.0;

	for (h = 0; h < in->nstrata; h++) {
		cur = 0.0;
		for (g = 0; g < G; g++)
			cur += t[h * G + g];
		want = weight_stratum_count(in, h) > 0.0 ?
		    n * in->population[h] / pop : 0.0;
		if ((err = weight_margin_error(cur, want, n)) > worst)
			worst = err;
	}
	for (g = 0; g < G; g++) {
		cur = 0.0;
		for (h = 0; h < in->nstrata; h++)
			cur += t[h * G + g];
		want = n * in->profile_target[g] / tsum;
		if ((err = weight_margin_error(cur, want, n)) > worst)
			worst = err;
	}
	return worst;
}

/*
 * Iterative proportional fitting on the cell totals, kept in w while it
 * runs and divided by the counts at the end.  The targets are used divided
 * by their sum, so that the profile margins add up to n exactly like the
 * stratum margins do; otherwise a sum off by 1e-7 would keep the two sets
 * of margins 1e-7 apart for ever.
 */
enum weight_status
weight_rake(const struct weight_input *in, double *w, int *iterations)
{
	enum weight_status	 st;
	size_t			 cells, c;
	double			 n, pop, tsum = 1.0;
	int			 it;

	if (iterations != NULL)
		*iterations = 0;
	if (in == NULL)
		return WEIGHT_INVALID;
	if (in->profile_target == NULL)
		return weight_poststratify(in, w);
	if (!(in->tolerance > 0.0) || in->max_iterations < 1 ||
	    (in->nprofiles > 0 && !weight_targets_valid(in, &tsum)))
		return WEIGHT_INVALID;

	st = weight_check(in, w, &cells, &n, &pop);
	if (st == WEIGHT_EMPTY)
		weight_zero(w, cells);
	if (st != WEIGHT_OK)
		return st;
	if (!weight_rake_reachable(in))
		return WEIGHT_INVALID;

	for (c = 0; c < cells; c++)
		w[c] = in->n[c];
	st = WEIGHT_NO_CONVERGENCE;
	for (it = 1; it <= in->max_iterations; it++) {
		weight_rake_sweep(in, w, n, pop, tsum);
		if (weight_rake_error(in, w, n, pop, tsum) <= in->tolerance) {
			st = WEIGHT_OK;
			break;
		}
	}
	if (iterations != NULL)
		*iterations = st == WEIGHT_OK ? it : in->max_iterations;

	for (c = 0; c < cells; c++)
		w[c] = in->n[c] > 0.0 ? w[c] / in->n[c] : 0.0;
	return st;
}

/*
 * Each round caps every weight above the cap and spreads the excess over
 * the cells under the cap in proportion to their total weight.  A capped
 * cell never receives again, so every round caps at least one more cell
 * and the loop ends within one round per cell.  The check before the loop
 * makes sure the cells with a weight can hold the total; if rounding
 * leaves a last crumb of excess with nobody under the cap, it is dropped.
 */
int
weight_trim(const struct weight_input *in, double *w)
{
	size_t	 cells, c;
	double	 cap, total, holders, excess, under;
	int	 rounds, trimmed;

	if (in == NULL || !weight_cells(in, &cells) || isnan(in->cap))
		return -1;
	if (cells > 0 && (in->n == NULL || w == NULL))
		return -1;
	total = holders = 0.0;
	for (c = 0; c < cells; c++) {
		if (!weight_nonnegative(in->n[c]) ||
		    !weight_nonnegative(w[c]))
			return -1;
		total += in->n[c] * w[c];
		if (w[c] > 0.0)
			holders += in->n[c];
	}
	if ((cap = in->cap) <= 0.0)
		return 0;
	if (cap * holders < total * (1.0 - WEIGHT_TRIM_SLACK))
		return -1;

	for (rounds = 0; ; rounds++) {
		excess = 0.0;
		trimmed = 0;
		for (c = 0; c < cells; c++)
			if (in->n[c] > 0.0 && w[c] > cap) {
				excess += in->n[c] * (w[c] - cap);
				w[c] = cap;
				trimmed = 1;
			}
		if (!trimmed)
			return rounds;
		under = 0.0;
		for (c = 0; c < cells; c++)
			if (in->n[c] > 0.0 && w[c] < cap)
				under += in->n[c] * w[c];
		if (under == 0.0)
			return rounds + 1;
		for (c = 0; c < cells; c++)
			if (in->n[c] > 0.0 && w[c] < cap)
				w[c] *= 1.0 + excess / under;
	}
}

double
weight_neff(const struct weight_input *in, const double *w)
{
	size_t	 cells, c;
	double	 s1 = 0.0, s2 = 0.0;

	if (!weight_cells(in, &cells) || cells == 0 ||
	    in->n == NULL || w == NULL)
		return 0.0;
	for (c = 0; c < cells; c++) {
		if (!(in->n[c] > 0.0))
			continue;
		s1 += in->n[c] * w[c];
		s2 += in->n[c] * w[c] * w[c];
	}
	return s2 > 0.0 ? s1 * s1 / s2 : 0.0;
}

double
weight_margin95(double p, double neff)
{
	if (!(neff > 0.0))
		return 0.0;
	if (p < 0.0)
		p = 0.0;
	else if (p > 1.0)
		p = 1.0;
	return 1.96 * sqrt(p * (1.0 - p) / neff);
}

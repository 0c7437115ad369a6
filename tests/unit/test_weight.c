/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of weight.c: post-stratification over represented strata,
 * raking on 2x2 tables (one that converges to a known limit, one solved in
 * a single sweep, one that cannot converge), the inputs refused, trimming
 * in one and in several rounds, the Kish effective sample size and the
 * margin of error.  Every expected value is worked out by hand in the
 * comment above its test, never taken from a run of the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "concerto/weight.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Something no function here writes, to see what was left untouched. */
#define UNTOUCHED	-99.0

static void
assert_near(double got, double want, double eps)
{
	if (!(fabs(got - want) <= eps))
		fail_msg("got %.17g, expected %.17g (within %g)", got, want,
		    eps);
}

static void
fill(double *w, size_t n, double v)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		w[i] = v;
}

/* Σ n w over the cells. */
static double
total_weight(const double *n, const double *w, size_t cells)
{
	size_t	 c;
	double	 sum = 0.0;

	for (c = 0; c < cells; c++)
		sum += n[c] * w[c];
	return sum;
}

/*
 * Four strata, two profiles.  Populations 400, 300, 200, 100; participants
 * per cell (h, g):
 *   h0: 4, 6   (n_0 = 10)
 *   h1: 30, 0  (n_1 = 30)
 *   h2: 0, 0   (n_2 = 0: not represented)
 *   h3: 10, 10 (n_3 = 20)
 * Represented: h0, h1, h3, so N = 400 + 300 + 100 = 800 and n = 60.
 *   w_0 = (400/800) / (10/60) = 0.5 * 6 = 3
 *   w_1 = (300/800) / (30/60) = 0.375 * 2 = 0.75
 *   w_3 = (100/800) / (20/60) = 0.125 * 3 = 0.375
 * Empty cells (h1, g1) and all of h2 weigh 0.  (Counting h2's 200 in N
 * would have given w_0 = 0.4 * 6 = 2.4.)
 */
static const double ps_pop[4] = { 400, 300, 200, 100 };
static const double ps_n[8] = { 4, 6, 30, 0, 0, 0, 10, 10 };

static void
ps_input(struct weight_input *in)
{
	*in = (struct weight_input){
		.nstrata = 4, .nprofiles = 2, .n = ps_n, .population = ps_pop,
	};
}

static void
test_poststratify_weights_by_stratum(void **state)
{
	struct weight_input	 in;
	const double		 want[8] =
	    { 3, 3, 0.75, 0, 0, 0, 0.375, 0.375 };
	double			 w[8];
	size_t			 c;

	ps_input(&in);
	assert_int_equal(weight_poststratify(&in, w), WEIGHT_OK);
	for (c = 0; c < NITEMS(w); c++)
		assert_near(w[c], want[c], 1e-12);
}

/*
 * Same table: Σ n w = 10 * 3 + 30 * 0.75 + 20 * 0.375 = 30 + 22.5 + 7.5
 * = 60 = n, so the 60 participants' weights average exactly 1.
 */
static void
test_poststratify_weights_average_one(void **state)
{
	struct weight_input	 in;
	double			 w[8];

	ps_input(&in);
	assert_int_equal(weight_poststratify(&in, w), WEIGHT_OK);
	assert_near(total_weight(ps_n, w, NITEMS(w)), 60.0, 1e-9);
	assert_near(total_weight(ps_n, w, NITEMS(w)) / 60.0, 1.0, 1e-12);
}

/*
 * Same table with h2's population 200 raised to 5000, and to 0: h2 has no
 * participant, so it is in neither N nor n and the weights stay 3, 0.75,
 * 0.375 (a population of 0 is no error for an unrepresented stratum).
 */
static void
test_poststratify_empty_stratum_excluded(void **state)
{
	struct weight_input	 in;
	const double		 big[4] = { 400, 300, 5000, 100 };
	const double		 none[4] = { 400, 300, 0, 100 };
	double			 w[8];

	ps_input(&in);
	in.population = big;
	assert_int_equal(weight_poststratify(&in, w), WEIGHT_OK);
	assert_near(w[0], 3.0, 1e-12);
	assert_near(w[2], 0.75, 1e-12);
	assert_near(w[6], 0.375, 1e-12);

	in.population = none;
	assert_int_equal(weight_poststratify(&in, w), WEIGHT_OK);
	assert_near(w[0], 3.0, 1e-12);
	assert_near(w[6], 0.375, 1e-12);
}

/*
 * Refused, w untouched: a negative count; a represented stratum (h1, 30
 * participants) with population 0; a negative population; a NaN count.
 */
static void
test_poststratify_invalid_input(void **state)
{
	struct weight_input	 in;
	const double		 neg[8] = { 4, 6, 30, -1, 0, 0, 10, 10 };
	const double		 nan_n[8] = { 4, 6, 30, NAN, 0, 0, 10, 10 };
	const double		 zero_h1[4] = { 400, 0, 200, 100 };
	const double		 neg_pop[4] = { 400, 300, -1, 100 };
	double			 w[8];
	size_t			 c;

	fill(w, NITEMS(w), UNTOUCHED);
	ps_input(&in);
	in.n = neg;
	assert_int_equal(weight_poststratify(&in, w), WEIGHT_INVALID);
	in.n = nan_n;
	assert_int_equal(weight_poststratify(&in, w), WEIGHT_INVALID);
	ps_input(&in);
	in.population = zero_h1;
	assert_int_equal(weight_poststratify(&in, w), WEIGHT_INVALID);
	in.population = neg_pop;
	assert_int_equal(weight_poststratify(&in, w), WEIGHT_INVALID);
	assert_int_equal(weight_poststratify(NULL, w), WEIGHT_INVALID);
	ps_input(&in);
	assert_int_equal(weight_poststratify(&in, NULL), WEIGHT_INVALID);
	for (c = 0; c < NITEMS(w); c++)
		assert_near(w[c], UNTOUCHED, 0.0);
}

/*
 * 2x2, strata populations 5 and 2 (shares 5/7, 2/7), profile targets 5/7
 * and 2/7, counts
 *   10 10     (n = 70)
 *   10 40
 * Margins to reach: strata 70 * 5/7 = 50 and 70 * 2/7 = 20; profiles the
 * same, 50 and 20.  Raking only rescales rows and columns, so it keeps
 * the cross-product ratio t11 t22 / (t12 t21) = 10 * 40 / (10 * 10) = 4,
 * and its limit is the one table with those margins and that ratio:
 *   40 10     rows 50, 20; columns 50, 20; 40 * 10 / (10 * 10) = 4.
 *   10 10
 * Weights = totals / counts: 40/10 = 4, 10/10 = 1, 10/10 = 1, 10/40 = 0.25.
 * The table is not of the form a_h * b_g, so it takes more than one
 * sweep, but only geometrically many: well under 1000.
 */
static const double rk_n[4] = { 10, 10, 10, 40 };
static const double rk_pop[2] = { 5, 2 };
static const double rk_target[2] = { 5.0 / 7.0, 2.0 / 7.0 };

static void
rk_input(struct weight_input *in)
{
	*in = (struct weight_input){
		.nstrata = 2, .nprofiles = 2, .n = rk_n, .population = rk_pop,
		.profile_target = rk_target, .tolerance = 1e-9,
		.max_iterations = 1000,
	};
}

static void
test_rake_2x2_reaches_hand_solution(void **state)
{
	struct weight_input	 in;
	const double		 want[4] = { 4, 1, 1, 0.25 };
	double			 w[4];
	size_t			 c;
	int			 iter = -1;

	rk_input(&in);
	assert_int_equal(weight_rake(&in, w, &iter), WEIGHT_OK);
	assert_true(iter > 1);
	assert_true(iter <= 1000);
	for (c = 0; c < NITEMS(w); c++)
		assert_near(w[c], want[c], 1e-8);
}

/*
 * Same table: each margin of n * w within 1e-9 of its target, relative
 * (strata 50, 20 from rows; profiles 50, 20 from columns), and the total
 * still n = 70.
 */
static void
test_rake_2x2_margins_within_tolerance(void **state)
{
	struct weight_input	 in;
	double			 w[4], t[4];
	size_t			 c;
	int			 iter;

	rk_input(&in);
	assert_int_equal(weight_rake(&in, w, &iter), WEIGHT_OK);
	for (c = 0; c < 4; c++)
		t[c] = rk_n[c] * w[c];
	assert_near((t[0] + t[1]) / 50.0, 1.0, 1e-9);
	assert_near((t[2] + t[3]) / 20.0, 1.0, 1e-9);
	assert_near((t[0] + t[2]) / 50.0, 1.0, 1e-9);
	assert_near((t[1] + t[3]) / 20.0, 1.0, 1e-9);
	assert_near(total_weight(rk_n, w, 4), 70.0, 70.0 * 1e-9);
}

/*
 * Counts 10 10 / 30 30 (n = 80, of the form a_h * b_g), equal strata
 * populations (targets 40, 40), profile targets 0.25, 0.75 (20, 60).
 * Sweep 1, strata: row 1 (total 20) x 2 -> 20 20; row 2 (60) x 2/3 ->
 * 20 20.  Profiles: column 1 (40) x 1/2 -> 10 10; column 2 (40) x 3/2 ->
 * 30 30.  Rows are 40 and 40 again: done in exactly one sweep.
 * Weights 10/10 = 1, 30/10 = 3, 10/30 = 1/3, 30/30 = 1.
 */
static void
test_rake_independent_table_one_sweep(void **state)
{
	struct weight_input	 in;
	const double		 n[4] = { 10, 10, 30, 30 };
	const double		 pop[2] = { 1, 1 };
	const double		 target[2] = { 0.25, 0.75 };
	const double		 want[4] = { 1, 3, 1.0 / 3.0, 1 };
	double			 w[4];
	size_t			 c;
	int			 iter;

	rk_input(&in);
	in.n = n;
	in.population = pop;
	in.profile_target = target;
	assert_int_equal(weight_rake(&in, w, &iter), WEIGHT_OK);
	assert_int_equal(iter, 1);
	for (c = 0; c < NITEMS(w); c++)
		assert_near(w[c], want[c], 1e-12);
}

/*
 * Counts 10 10 / 10 10, equal populations, profile targets 1 and 0.
 * Strata: both rows already 20 = 40 / 2.  Profiles: column 1 (20) x 2 ->
 * 20 20; column 2 x 0 -> 0 0.  Rows 20, 20: one sweep.  Weights 2, 0,
 * 2, 0: the profile with target 0 weighs nothing.
 */
static void
test_rake_zero_target_profile_weighs_zero(void **state)
{
	struct weight_input	 in;
	const double		 n[4] = { 10, 10, 10, 10 };
	const double		 pop[2] = { 1, 1 };
	const double		 target[2] = { 1, 0 };
	const double		 want[4] = { 2, 0, 2, 0 };
	double			 w[4];
	size_t			 c;
	int			 iter;

	rk_input(&in);
	in.n = n;
	in.population = pop;
	in.profile_target = target;
	assert_int_equal(weight_rake(&in, w, &iter), WEIGHT_OK);
	assert_int_equal(iter, 1);
	for (c = 0; c < NITEMS(w); c++)
		assert_near(w[c], want[c], 1e-12);
}

/*
 * Without profile targets raking is post-stratification: the table of
 * test_poststratify_weights_by_stratum gives 3, 3, 0.75, 0, 0, 0, 0.375,
 * 0.375, with no sweep counted.
 */
static void
test_rake_without_targets_is_poststratification(void **state)
{
	struct weight_input	 in;
	const double		 want[8] =
	    { 3, 3, 0.75, 0, 0, 0, 0.375, 0.375 };
	double			 w[8];
	size_t			 c;
	int			 iter = -1;

	ps_input(&in);
	assert_int_equal(weight_rake(&in, w, &iter), WEIGHT_OK);
	assert_int_equal(iter, 0);
	for (c = 0; c < NITEMS(w); c++)
		assert_near(w[c], want[c], 1e-12);
}

/*
 * Counts 10 0 / 0 10: stratum 1 is all profile 1, stratum 2 all profile 2.
 * Equal populations want strata of 10 and 10; targets 0.3, 0.7 want
 * profiles of 6 and 14.  Profile 1 *is* stratum 1, so no table meets both:
 * every sweep ends with columns 6, 14, hence rows 6, 14, 40% off.  After
 * max_iterations (50) sweeps: WEIGHT_NO_CONVERGENCE, iterations 50.
 */
static void
test_rake_inconsistent_margins_do_not_converge(void **state)
{
	struct weight_input	 in;
	const double		 n[4] = { 10, 0, 0, 10 };
	const double		 pop[2] = { 1, 1 };
	const double		 target[2] = { 0.3, 0.7 };
	double			 w[4];
	int			 iter = -1;

	rk_input(&in);
	in.n = n;
	in.population = pop;
	in.profile_target = target;
	in.max_iterations = 50;
	assert_int_equal(weight_rake(&in, w, &iter), WEIGHT_NO_CONVERGENCE);
	assert_int_equal(iter, 50);
}

/*
 * Out of reach by construction, refused before any sweep, w untouched:
 * counts 5 0 / 5 0 with target 0.5 for profile 2, which has nobody; and
 * counts 10 0 / 0 10 with targets 1, 0, where stratum 2's only
 * participants have the profile of target 0.
 */
static void
test_rake_unreachable_margins_invalid(void **state)
{
	struct weight_input	 in;
	const double		 nobody[4] = { 5, 0, 5, 0 };
	const double		 half[2] = { 0.5, 0.5 };
	const double		 diag[4] = { 10, 0, 0, 10 };
	const double		 first[2] = { 1, 0 };
	const double		 pop[2] = { 1, 1 };
	double			 w[4];
	size_t			 c;
	int			 iter = -1;

	fill(w, NITEMS(w), UNTOUCHED);
	rk_input(&in);
	in.population = pop;
	in.n = nobody;
	in.profile_target = half;
	assert_int_equal(weight_rake(&in, w, &iter), WEIGHT_INVALID);
	assert_int_equal(iter, 0);
	in.n = diag;
	in.profile_target = first;
	assert_int_equal(weight_rake(&in, w, &iter), WEIGHT_INVALID);
	for (c = 0; c < NITEMS(w); c++)
		assert_near(w[c], UNTOUCHED, 0.0);
}

/*
 * Targets 0.5 + 0.4 = 0.9 (off by 0.1 > 1e-6), a negative target, a
 * tolerance of 0 and max_iterations 0 are refused, w untouched.
 */
static void
test_rake_bad_targets_or_limits_invalid(void **state)
{
	struct weight_input	 in;
	const double		 short_sum[2] = { 0.5, 0.4 };
	const double		 negative[2] = { 1.5, -0.5 };
	double			 w[4];
	size_t			 c;

	fill(w, NITEMS(w), UNTOUCHED);
	rk_input(&in);
	in.profile_target = short_sum;
	assert_int_equal(weight_rake(&in, w, NULL), WEIGHT_INVALID);
	in.profile_target = negative;
	assert_int_equal(weight_rake(&in, w, NULL), WEIGHT_INVALID);
	rk_input(&in);
	in.tolerance = 0;
	assert_int_equal(weight_rake(&in, w, NULL), WEIGHT_INVALID);
	rk_input(&in);
	in.max_iterations = 0;
	assert_int_equal(weight_rake(&in, w, NULL), WEIGHT_INVALID);
	for (c = 0; c < NITEMS(w); c++)
		assert_near(w[c], UNTOUCHED, 0.0);
}

/*
 * The table of test_rake_independent_table_one_sweep with targets 0.25 +
 * 5e-7 and 0.75: the sum is 1 + 5e-7, within 1e-6, so accepted.  Both
 * sets of margins then add up to n = 80 (the targets divided by their
 * sum), so raking still converges and Σ n w = 80.
 */
static void
test_rake_targets_within_slack_accepted(void **state)
{
	struct weight_input	 in;
	const double		 n[4] = { 10, 10, 30, 30 };
	const double		 pop[2] = { 1, 1 };
	const double		 target[2] = { 0.25 + 5e-7, 0.75 };
	double			 w[4];
	int			 iter;

	rk_input(&in);
	in.n = n;
	in.population = pop;
	in.profile_target = target;
	assert_int_equal(weight_rake(&in, w, &iter), WEIGHT_OK);
	assert_near(total_weight(n, w, 4), 80.0, 80.0 * 1e-9);
}

/*
 * Cells (one profile) with 1, 4, 5 participants weighing 6, 0.5, 0.4:
 * Σ n w = 6 + 2 + 2 = 10 = n.  Cap 5: the first is trimmed to 5, an
 * excess of 1 * (6 - 5) = 1 shared by the others in proportion to their
 * total weight 2 + 2 = 4, i.e. each weight x (1 + 1/4): 0.625, 0.5.
 * One round; Σ n w = 5 + 2.5 + 2.5 = 10.
 */
static void
test_trim_caps_and_redistributes(void **state)
{
	struct weight_input	 in = {
	    .nstrata = 3, .nprofiles = 1, .cap = 5 };
	const double		 n[3] = { 1, 4, 5 };
	double			 w[3] = { 6, 0.5, 0.4 };

	in.n = n;
	assert_int_equal(weight_trim(&in, w), 1);
	assert_near(w[0], 5.0, 0.0);
	assert_near(w[1], 0.625, 1e-12);
	assert_near(w[2], 0.5, 1e-12);
	assert_near(total_weight(n, w, 3), 10.0, 1e-12);
}

/*
 * Cells with 1, 1, 18 participants weighing 8, 4.8, 0.4: Σ n w = 8 + 4.8
 * + 7.2 = 20 = n.  Cap 5.
 *   Round 1: 8 -> 5, excess 3 over 4.8 + 7.2 = 12, factor 1.25:
 *            4.8 -> 6, 0.4 -> 0.5.  Now 6 is above the cap.
 *   Round 2: 6 -> 5, excess 1 over 18 * 0.5 = 9 (the first cell, at the
 *            cap, takes no share), factor 10/9: 0.5 -> 5/9.
 * Two rounds; weights 5, 5, 5/9; Σ n w = 5 + 5 + 10 = 20.
 */
static void
test_trim_repeats_when_redistribution_crosses_cap(void **state)
{
	struct weight_input	 in = {
	    .nstrata = 1, .nprofiles = 3, .cap = 5 };
	const double		 n[3] = { 1, 1, 18 };
	double			 w[3] = { 8, 4.8, 0.4 };

	in.n = n;
	assert_int_equal(weight_trim(&in, w), 2);
	assert_near(w[0], 5.0, 0.0);
	assert_near(w[1], 5.0, 0.0);
	assert_near(w[2], 5.0 / 9.0, 1e-12);
	assert_near(total_weight(n, w, 3), 20.0, 1e-12);
}

/*
 * Weights 3, 0.5 (n 1, 4) with cap 5: none above, 0 rounds, unchanged.
 * Weights 8, 0.5 with cap 0 (no trimming): 0 rounds, unchanged.
 */
static void
test_trim_nothing_to_do(void **state)
{
	struct weight_input	 in = {
	    .nstrata = 2, .nprofiles = 1, .cap = 5 };
	const double		 n[2] = { 1, 4 };
	double			 w[2] = { 3, 0.5 };
	double			 big[2] = { 8, 0.5 };

	in.n = n;
	assert_int_equal(weight_trim(&in, w), 0);
	assert_near(w[0], 3.0, 0.0);
	assert_near(w[1], 0.5, 0.0);
	in.cap = 0;
	assert_int_equal(weight_trim(&in, big), 0);
	assert_near(big[0], 8.0, 0.0);
	assert_near(big[1], 0.5, 0.0);
}

/*
 * A cap that cannot hold the total, -1 and w untouched: n 10, 10 with
 * weights 1.5, 0.5 (total 20) and cap 0.9, 20 * 0.9 = 18 < 20; weights
 * 2, 0 (total 20) and cap 1.5, where only the 10 participants of weight
 * 2 can hold weight: 10 * 1.5 = 15 < 20.
 */
static void
test_trim_impossible_cap_fails(void **state)
{
	struct weight_input	 in = { .nstrata = 2, .nprofiles = 1 };
	const double		 n[2] = { 10, 10 };
	double			 w[2] = { 1.5, 0.5 };
	double			 z[2] = { 2, 0 };

	in.n = n;
	in.cap = 0.9;
	assert_int_equal(weight_trim(&in, w), -1);
	assert_near(w[0], 1.5, 0.0);
	assert_near(w[1], 0.5, 0.0);
	in.cap = 1.5;
	assert_int_equal(weight_trim(&in, z), -1);
	assert_near(z[0], 2.0, 0.0);
	assert_near(z[1], 0.0, 0.0);
}

/*
 * n 10, 10 with weights 1.5, 0.5: Σ n w = 15 + 5 = 20, Σ n w² = 22.5 +
 * 2.5 = 25, n_eff = 20² / 25 = 16.
 */
static void
test_neff_hand_case(void **state)
{
	struct weight_input	 in = { .nstrata = 2, .nprofiles = 1 };
	const double		 n[2] = { 10, 10 };
	const double		 w[2] = { 1.5, 0.5 };

	in.n = n;
	assert_near(weight_neff(&in, w), 16.0, 1e-12);
}

/*
 * Equal weights lose nothing: n 7, 3 with weights 1, 1 gives 10² / 10 =
 * 10 = n; a third, empty cell's weight (9) is not counted.
 */
static void
test_neff_equal_weights_is_n(void **state)
{
	struct weight_input	 in = { .nstrata = 3, .nprofiles = 1 };
	const double		 n[3] = { 7, 3, 0 };
	const double		 w[3] = { 1, 1, 9 };

	in.n = n;
	assert_near(weight_neff(&in, w), 10.0, 1e-12);
}

/*
 * p = 0.5, n_eff = 100: 1.96 * sqrt(0.25 / 100) = 1.96 * 0.05 = 0.098.
 * p = 0.1, n_eff = 100: 1.96 * sqrt(0.09 / 100) = 1.96 * 0.03 = 0.0588.
 * p = 0.2, n_eff = 16:  1.96 * sqrt(0.16 / 16)  = 1.96 * 0.1  = 0.196.
 */
static void
test_margin95_hand_cases(void **state)
{
	assert_near(weight_margin95(0.5, 100), 0.098, 1e-12);
	assert_near(weight_margin95(0.1, 100), 0.0588, 1e-12);
	assert_near(weight_margin95(0.2, 16), 0.196, 1e-12);
}

/*
 * n_eff 0 gives 0 (not a division by zero); a share a hair above 1 or
 * below 0 is clamped, so p (1 - p) = 0 and the margin is 0, not NaN.
 */
static void
test_margin95_zero_neff_and_clamped_share(void **state)
{
	assert_near(weight_margin95(0.5, 0), 0.0, 0.0);
	assert_near(weight_margin95(1.0 + 1e-15, 100), 0.0, 0.0);
	assert_near(weight_margin95(-1e-15, 100), 0.0, 0.0);
}

/*
 * No participant at all (counts 0 0 / 0 0): both weightings say
 * WEIGHT_EMPTY and zero every weight; trimming has nothing to do (0
 * rounds); n_eff is 0.  A table of no cells (H = 0) is empty as well and
 * nothing is read or written.
 */
static void
test_empty_input(void **state)
{
	struct weight_input	 in;
	const double		 n[4] = { 0, 0, 0, 0 };
	double			 w[4];
	size_t			 c;
	int			 iter = -1;

	rk_input(&in);
	in.n = n;
	in.cap = 5;
	fill(w, NITEMS(w), UNTOUCHED);
	assert_int_equal(weight_poststratify(&in, w), WEIGHT_EMPTY);
	for (c = 0; c < NITEMS(w); c++)
		assert_near(w[c], 0.0, 0.0);
	fill(w, NITEMS(w), UNTOUCHED);
	assert_int_equal(weight_rake(&in, w, &iter), WEIGHT_EMPTY);
	assert_int_equal(iter, 0);
	for (c = 0; c < NITEMS(w); c++)
		assert_near(w[c], 0.0, 0.0);
	assert_int_equal(weight_trim(&in, w), 0);
	assert_near(weight_neff(&in, w), 0.0, 0.0);

	in = (struct weight_input){ .nstrata = 0, .nprofiles = 2, .cap = 5,
	    .tolerance = 1e-9, .max_iterations = 10 };
	assert_int_equal(weight_poststratify(&in, NULL), WEIGHT_EMPTY);
	assert_int_equal(weight_rake(&in, NULL, NULL), WEIGHT_EMPTY);
	assert_int_equal(weight_trim(&in, NULL), 0);
	assert_near(weight_neff(&in, NULL), 0.0, 0.0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poststratify_weights_by_stratum),
		cmocka_unit_test(test_poststratify_weights_average_one),
		cmocka_unit_test(test_poststratify_empty_stratum_excluded),
		cmocka_unit_test(test_poststratify_invalid_input),
		cmocka_unit_test(test_rake_2x2_reaches_hand_solution),
		cmocka_unit_test(test_rake_2x2_margins_within_tolerance),
		cmocka_unit_test(test_rake_independent_table_one_sweep),
		cmocka_unit_test(test_rake_zero_target_profile_weighs_zero),
		cmocka_unit_test(
		    test_rake_without_targets_is_poststratification),
		cmocka_unit_test(
		    test_rake_inconsistent_margins_do_not_converge),
		cmocka_unit_test(test_rake_unreachable_margins_invalid),
		cmocka_unit_test(test_rake_bad_targets_or_limits_invalid),
		cmocka_unit_test(test_rake_targets_within_slack_accepted),
		cmocka_unit_test(test_trim_caps_and_redistributes),
		cmocka_unit_test(
		    test_trim_repeats_when_redistribution_crosses_cap),
		cmocka_unit_test(test_trim_nothing_to_do),
		cmocka_unit_test(test_trim_impossible_cap_fails),
		cmocka_unit_test(test_neff_hand_case),
		cmocka_unit_test(test_neff_equal_weights_is_n),
		cmocka_unit_test(test_margin95_hand_cases),
		cmocka_unit_test(test_margin95_zero_neff_and_clamped_share),
		cmocka_unit_test(test_empty_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

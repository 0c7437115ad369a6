/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Regional weighting of participants, from counts per cell only (never from
 * ballots).  A cell is (stratum h, profile g) of a table with H strata and
 * G profiles stored row by row: cell h * G + g.  Post-stratification over
 * the represented strata, raking (iterative proportional fitting) over the
 * stratum and profile margins, trimming at a cap with redistribution, the
 * Kish effective sample size and a 95% margin of error.  Pure functions
 * over arrays the caller owns; no database, no allocation.
 *
 * A stratum is represented when it has at least one participant; N and n
 * are the population and the participants summed over represented strata
 * only.  Every weight computed here leaves the total weight Σ n w equal to
 * n, so the weights of the weighted participants average exactly 1.
 */
#ifndef CONCERTO_WEIGHT_H
#define CONCERTO_WEIGHT_H

#include <stddef.h>

struct weight_input {
	size_t		 nstrata;	/* H */
	size_t		 nprofiles;	/* G */
	const double	*n;		/* n[h * G + g]: cell's participants */
	const double	*population;	/* population[h]: reference N_h */
	const double	*profile_target;/* share of each profile, or NULL */
	double		 cap;		/* trim weights above; <= 0: none */
	double		 tolerance;	/* raking: relative, e.g. 1e-9 */
	int		 max_iterations;/* raking: sweeps, e.g. 1000 */
};

/* Largest distance of the sum of profile_target from 1. */
#define WEIGHT_TARGET_SUM_SLACK	1e-6

enum weight_status {
	WEIGHT_OK,
	WEIGHT_EMPTY,		/* no participant: every weight is 0 */
	WEIGHT_NO_CONVERGENCE,	/* raking missed tolerance in max_iterations */
	WEIGHT_INVALID		/* bad input (see weight_poststratify, _rake) */
};

/*
 * Post-stratification: every participant of represented stratum h weighs
 * w_h = (N_h / N) / (n_h / n); w[h * G + g] receives w_h for a cell with
 * participants and 0 for an empty cell.  profile_target, cap, tolerance
 * and max_iterations are not read.  Counts need not be whole numbers.
 *
 * Returns WEIGHT_INVALID, w untouched, when in, in->n, in->population or
 * w is NULL (with H * G > 0), H * G overflows, a count or a population is
 * negative or not finite, or a represented stratum has population 0.
 * Otherwise WEIGHT_EMPTY, every w 0, when no cell has a participant
 * (H or G being 0 included: nothing is written); else WEIGHT_OK.
 */
enum weight_status	 weight_poststratify(const struct weight_input *,
			    double *w);

/*
 * Raking: the cell totals n * w, starting from n, are scaled alternately
 * so that each represented stratum's total is n * N_h / N and each
 * profile's total is n * profile_target[g] (the targets divided by their
 * sum, so that both sets of margins add up to n); one sweep is both
 * steps.  After each sweep, when every margin is within in->tolerance of
 * its target (relative to the target; a zero target must be met to within
 * tolerance * n), returns WEIGHT_OK with the weights in w (0 for empty
 * cells) and the number of sweeps (>= 1) in *iterations.  Participants of
 * a profile whose target is 0 weigh 0.  With profile_target NULL this is
 * weight_poststratify.  iterations may be NULL; *iterations is 0 unless a
 * sweep ran.
 *
 * WEIGHT_INVALID, w untouched, for anything weight_poststratify refuses,
 * and when a target is negative or not finite, the targets do not sum to 1
 * within WEIGHT_TARGET_SUM_SLACK, tolerance is not > 0, max_iterations is
 * < 1, or the margins are out of reach by construction: a profile with a
 * target > 0 and no participant, or a represented stratum whose
 * participants all have profiles of target 0.  WEIGHT_EMPTY, every w 0,
 * when there is no participant.
 *
 * WEIGHT_NO_CONVERGENCE after max_iterations sweeps without meeting the
 * tolerance, which is what margins that the pattern of empty cells makes
 * inconsistent lead to (a stratum whose participants all have one
 * profile, whose target share differs from the stratum's).  w then holds
 * the weights of the last sweep, which are not to be published, and
 * *iterations is max_iterations.
 */
enum weight_status	 weight_rake(const struct weight_input *, double *w,
			    int *iterations);

/*
 * Trimming at in->cap: every weight above the cap is set to the cap and
 * the excess total weight is shared among the participants still under
 * the cap, in proportion to their weights; rounds repeat until no weight
 * exceeds the cap, so on return every w of a cell with participants is
 * <= cap and Σ n w is unchanged (to rounding).  A weight set to the cap
 * stays there; weights of 0, and cells without participants, are left as
 * they are.
 * Returns the number of rounds that trimmed something (0 when no weight
 * exceeds the cap, and always when cap <= 0, which means no trimming).
 *
 * Returns -1, w untouched, when the cap cannot hold the total weight,
 * that is cap * (participants with a weight > 0) < Σ n w (cap < 1 for
 * weights from weight_poststratify or weight_rake without zero weights),
 * or when in, in->n or w is NULL (with H * G > 0), H * G overflows, the
 * cap is NaN, or a count or a weight is negative or not finite.  Every
 * round caps at least one more cell, so there are at most H * G rounds.
 */
int			 weight_trim(const struct weight_input *, double *w);

/*
 * Kish effective sample size (Σ n w)² / Σ n w² over the cells of in with
 * weights w; 0 when there is no participant or every weight is 0.
 */
double			 weight_neff(const struct weight_input *,
			    const double *w);

/*
 * 95% margin of error of a weighted share p estimated from an effective
 * sample size neff: 1.96 * sqrt(p (1 - p) / neff).  p is first clamped to
 * [0, 1] (a share computed in floating point may stray out by a hair);
 * 0 when neff is not > 0.
 */
double			 weight_margin95(double p, double neff);

#endif

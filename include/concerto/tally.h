/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The arithmetic of results, from tallies only (never from ballots): ranks
 * by supporters or Borda points, the Schulze order from the pairwise
 * matrix, and the James Lind Alliance combination of participant groups.
 * Pure functions over arrays the caller owns; no database, no allocation
 * the caller must free.
 */
#ifndef CONCERTO_TALLY_H
#define CONCERTO_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "concerto/profile.h"

/* The participant groups that weigh equally in the JLA combination. */
enum tally_group {
	TALLY_GROUP_PATIENTS_CARERS,
	TALLY_GROUP_PROFESSIONALS_RESEARCHERS,
	TALLY_GROUP_CITIZENS,		/* citizens and "other" */
	TALLY_GROUP__MAX
};

/*
 * The group of a participant profile: patients and carers, health
 * professionals and researchers; anything else, PROFILE__MAX (no profile)
 * included, is a citizen.
 */
enum tally_group	 tally_group_of(enum profile);
/* The group's key in results ("patients_carers", ...); static; NULL if none. */
const char		*tally_group_name(enum tally_group);

struct tally_item {
	/* Inputs. */
	int64_t	 id;			/* priority id */
	int	 position;		/* for stable ordering of ties */
	int64_t	 supporters;		/* ballots approving / ranking it */
	int64_t	 points;		/* Borda points (ranked) */
	int64_t	 firsts;		/* ballots ranking it first */
	int64_t	 group_points[TALLY_GROUP__MAX];
	/* Outputs. */
	int	 rank;			/* by supporters or points; ties share */
	int	 schulze_rank;
	double	 jla_points;
	int	 jla_rank;
};

/*
 * Ranks items[0..n) by key (supporters when by_points is 0, else points),
 * highest first; ties share the best rank (1, 2, 2, 4).  Sets only rank;
 * the array keeps its order.
 */
void	 tally_rank(struct tally_item *, size_t n, int by_points);

/*
 * The full pairwise matrix d[i*n+j] (ballots preferring item i to item j)
 * of ranked ballots, from the supporters of each item and both[i*n+j], the
 * ballots ranking both i and j with i above j.  A ranked item beats every
 * unranked one; two unranked items are not compared.  Writes all n*n
 * entries of d, the diagonal as 0.
 */
void	 tally_pairwise(const struct tally_item *, size_t n,
	    const int64_t *both, int64_t *d);

/*
 * The Schulze method on d (n*n): sets each item's schulze_rank to 1 + the
 * number of items that beat it by strongest paths; items that nobody
 * beats all rank 1.  work must hold n*n int64_t; its contents on return
 * are unspecified.
 */
void	 tally_schulze(struct tally_item *, size_t n, const int64_t *d,
	    int64_t *work);

/*
 * The JLA combination: for each group g with group_ballots[g] > 0, ranks
 * the items by group_points[g] (ties take the average position), scores
 * n - position + 1, adds the scores into jla_points (which start at 0),
 * then sets jla_rank (ties share).  With no ballots in any group every
 * item has 0 points and rank 1.  order must hold n size_t; its contents on
 * return are unspecified.
 */
void	 tally_jla(struct tally_item *, size_t n,
	    const int64_t group_ballots[TALLY_GROUP__MAX], size_t *order);

#endif

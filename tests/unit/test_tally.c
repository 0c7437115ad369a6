/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of tally.c: the participant groups, ranks with shared ties,
 * the pairwise matrix of ranked ballots, the Schulze order (a Condorcet
 * winner, broken and perfect cycles, the Wikipedia example) and the JLA
 * combination.  Every expected value is worked out by hand in the comment
 * above its test, never taken from a run of the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "concerto/profile.h"
#include "concerto/tally.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Fills items[0..n) with ids 10, 20, ... in positions 0, 1, ... */
static void
items_init(struct tally_item *items, size_t n)
{
	size_t	 i;

	memset(items, 0, n * sizeof(*items));
	for (i = 0; i < n; i++) {
		items[i].id = 10 * ((int64_t)i + 1);
		items[i].position = (int)i;
	}
}

static void
assert_points_equal(double got, double want)
{
	if (fabs(got - want) > 1e-9)
		fail_msg("jla_points %g, expected %g", got, want);
}

/* The group of the profile named s, as results place a row of SQL. */
static enum tally_group
group_of(const char *s)
{
	return tally_group_of(profile_parse(s));
}

static void
test_group_of_patient_and_carer(void **state)
{
	assert_int_equal(group_of("patient"), TALLY_GROUP_PATIENTS_CARERS);
	assert_int_equal(group_of("carer"), TALLY_GROUP_PATIENTS_CARERS);
}

static void
test_group_of_professional_and_researcher(void **state)
{
	assert_int_equal(group_of("health_professional"),
	    TALLY_GROUP_PROFESSIONALS_RESEARCHERS);
	assert_int_equal(group_of("researcher"),
	    TALLY_GROUP_PROFESSIONALS_RESEARCHERS);
}

static void
test_group_of_citizen_and_other(void **state)
{
	assert_int_equal(group_of("citizen"), TALLY_GROUP_CITIZENS);
	assert_int_equal(group_of("other"), TALLY_GROUP_CITIZENS);
}

static void
test_group_of_unknown_or_null_is_citizens(void **state)
{
	assert_int_equal(group_of("doctor"), TALLY_GROUP_CITIZENS);
	assert_int_equal(group_of("Patient"), TALLY_GROUP_CITIZENS);
	assert_int_equal(group_of("patients"), TALLY_GROUP_CITIZENS);
	assert_int_equal(group_of(""), TALLY_GROUP_CITIZENS);
	assert_int_equal(group_of(NULL), TALLY_GROUP_CITIZENS);
}

static void
test_group_names(void **state)
{
	assert_string_equal(tally_group_name(TALLY_GROUP_PATIENTS_CARERS),
	    "patients_carers");
	assert_string_equal(
	    tally_group_name(TALLY_GROUP_PROFESSIONALS_RESEARCHERS),
	    "professionals_researchers");
	assert_string_equal(tally_group_name(TALLY_GROUP_CITIZENS),
	    "citizens");
	assert_null(tally_group_name(TALLY_GROUP__MAX));
}

/*
 * Supporters 7, 10, 3, 7 (points in another order, which would give
 * 3, 3, 1, 2).  Keys
 * greater than each: 7 has {10} -> 2; 10 has none -> 1; 3 has {7, 10, 7}
 * -> 4; 7 -> 2.  Sorted that is 1, 2, 2, 4.
 */
static void
test_rank_by_supporters_ties_share_best_rank(void **state)
{
	struct tally_item	 it[4];
	const int64_t		 sup[4] = { 7, 10, 3, 7 };
	const int64_t		 pts[4] = { 1, 1, 9, 5 };
	size_t			 i;

	items_init(it, NITEMS(it));
	for (i = 0; i < NITEMS(it); i++) {
		it[i].supporters = sup[i];
		it[i].points = pts[i];
	}
	tally_rank(it, NITEMS(it), 0);
	assert_int_equal(it[0].rank, 2);
	assert_int_equal(it[1].rank, 1);
	assert_int_equal(it[2].rank, 4);
	assert_int_equal(it[3].rank, 2);
}

/*
 * Points 9, 4, 12, 9 (supporters in another order, which would give
 * 3, 1, 3, 2).  Greater keys: 9 has {12} -> 2; 4 has {9, 12, 9} -> 4;
 * 12 none -> 1; 9 -> 2.  Sorted 1, 2, 2, 4.
 */
static void
test_rank_by_points_ties_share_best_rank(void **state)
{
	struct tally_item	 it[4];
	const int64_t		 sup[4] = { 1, 9, 1, 5 };
	const int64_t		 pts[4] = { 9, 4, 12, 9 };
	size_t			 i;

	items_init(it, NITEMS(it));
	for (i = 0; i < NITEMS(it); i++) {
		it[i].supporters = sup[i];
		it[i].points = pts[i];
	}
	tally_rank(it, NITEMS(it), 1);
	assert_int_equal(it[0].rank, 2);
	assert_int_equal(it[1].rank, 4);
	assert_int_equal(it[2].rank, 1);
	assert_int_equal(it[3].rank, 2);
}

/* Supporters 5, 5, 5: nobody has a greater key, so all rank 1. */
static void
test_rank_all_equal_all_first(void **state)
{
	struct tally_item	 it[3];
	size_t			 i;

	items_init(it, NITEMS(it));
	for (i = 0; i < NITEMS(it); i++)
		it[i].supporters = 5;
	tally_rank(it, NITEMS(it), 0);
	for (i = 0; i < NITEMS(it); i++)
		assert_int_equal(it[i].rank, 1);
}

static void
test_rank_keeps_array_order(void **state)
{
	struct tally_item	 it[3];

	items_init(it, NITEMS(it));
	it[0].supporters = 1;
	it[1].supporters = 3;
	it[2].supporters = 2;
	tally_rank(it, NITEMS(it), 0);
	assert_int_equal(it[0].id, 10);
	assert_int_equal(it[1].id, 20);
	assert_int_equal(it[2].id, 30);
	assert_int_equal(it[0].supporters, 1);
	assert_int_equal(it[0].rank, 3);
	assert_int_equal(it[1].rank, 1);
	assert_int_equal(it[2].rank, 2);
}

/*
 * Four top-2 ballots over A, B, C (indices 0, 1, 2):
 *   b1: A > B    b2: A > C    b3: B > C    b4: C > A
 * supporters: A {b1, b2, b4} = 3, B {b1, b3} = 2, C {b2, b3, b4} = 3.
 * both[i][j] (both ranked, i above j):
 *   AB = 1 (b1), BA = 0, AC = 1 (b2), CA = 1 (b4), BC = 1 (b3), CB = 0.
 * d counted straight from the ballots (a ranked item beats an unranked):
 *   A>B: b1, b2 (B unranked), b4 (B unranked)         = 3
 *   B>A: b3 (A unranked)                              = 1
 *   A>C: b1 (C unranked), b2                          = 2
 *   C>A: b3 (A unranked), b4                          = 2
 *   B>C: b1 (C unranked), b3                          = 2
 *   C>B: b2 (B unranked), b4 (B unranked)             = 2
 * and by the formula, e.g. A>B = both AB + (sup A - AB - BA) = 1 + 2 = 3.
 */
static void
test_pairwise_from_top_two_ballots(void **state)
{
	struct tally_item	 it[3];
	const int64_t		 both[9] = {
		0, 1, 1,
		0, 0, 1,
		1, 0, 0,
	};
	const int64_t		 want[9] = {
		0, 3, 2,
		1, 0, 2,
		2, 2, 0,
	};
	int64_t			 d[9];
	size_t			 i;

	items_init(it, NITEMS(it));
	it[0].supporters = 3;
	it[1].supporters = 2;
	it[2].supporters = 3;
	memset(d, 0x5a, sizeof(d));	/* the diagonal must be written too */
	tally_pairwise(it, NITEMS(it), both, d);
	for (i = 0; i < NITEMS(d); i++)
		assert_int_equal(d[i], want[i]);
}

/*
 * Ten voters, C the Condorcet winner placed last in the array:
 *   C beats A 7-3, C beats B 6-4, A beats B 6-4.
 * Links p: AB = 6, CA = 7, CB = 6; the rest 0.  No path reaches C, and the
 * path C->A->B (min 7, 6 = 6) does not beat the link CB = 6.  So C is
 * beaten by none (1), A by C (2), B by C and A (3).
 */
static void
test_schulze_condorcet_winner_ranks_first(void **state)
{
	struct tally_item	 it[3];
	const int64_t		 d[9] = {
		0, 6, 3,
		4, 0, 4,
		7, 6, 0,
	};
	int64_t			 work[9];

	items_init(it, NITEMS(it));
	tally_schulze(it, NITEMS(it), d, work);
	assert_int_equal(it[0].schulze_rank, 2);
	assert_int_equal(it[1].schulze_rank, 3);
	assert_int_equal(it[2].schulze_rank, 1);
}

/*
 * Twelve voters in a cycle: 5 A>B>C, 4 B>C>A, 3 C>A>B.
 *   AB = 5 + 3 = 8, BA = 4;  BC = 5 + 4 = 9, CB = 3;  CA = 4 + 3 = 7,
 *   AC = 5.
 * Links: AB = 8, BC = 9, CA = 7.  Strongest paths:
 *   A->C via B = min(8, 9) = 8,  B->A via C = min(9, 7) = 7,
 *   C->B via A = min(7, 8) = 7.
 * A vs B: 8 > 7, A wins; A vs C: 8 > 7, A wins; B vs C: 9 > 7, B wins.
 * The weakest defeat (C over A, 7) is the one dropped: A 1, B 2, C 3.
 */
static void
test_schulze_cycle_broken_by_strongest_paths(void **state)
{
	struct tally_item	 it[3];
	const int64_t		 d[9] = {
		0, 8, 5,
		4, 0, 9,
		7, 3, 0,
	};
	int64_t			 work[9];

	items_init(it, NITEMS(it));
	tally_schulze(it, NITEMS(it), d, work);
	assert_int_equal(it[0].schulze_rank, 1);
	assert_int_equal(it[1].schulze_rank, 2);
	assert_int_equal(it[2].schulze_rank, 3);
}

/*
 * Three voters: A>B>C, B>C>A, C>A>B.  Every pairwise contest is 2-1 round
 * the cycle (AB, BC, CA = 2), so every strongest path in either direction
 * is 2: nobody beats anybody and all three rank 1.
 */
static void
test_schulze_symmetric_cycle_all_tie_first(void **state)
{
	struct tally_item	 it[3];
	const int64_t		 d[9] = {
		0, 2, 1,
		1, 0, 2,
		2, 1, 0,
	};
	int64_t			 work[9];
	size_t			 i;

	items_init(it, NITEMS(it));
	tally_schulze(it, NITEMS(it), d, work);
	for (i = 0; i < NITEMS(it); i++)
		assert_int_equal(it[i].schulze_rank, 1);
}

/* No ballots at all: d is all zero, there are no links, all rank 1. */
static void
test_schulze_without_preferences_all_tie_first(void **state)
{
	struct tally_item	 it[4];
	int64_t			 d[16], work[16];
	size_t			 i;

	items_init(it, NITEMS(it));
	memset(d, 0, sizeof(d));
	tally_schulze(it, NITEMS(it), d, work);
	for (i = 0; i < NITEMS(it); i++)
		assert_int_equal(it[i].schulze_rank, 1);
}

/*
 * The example of the Wikipedia article "Schulze method": 45 voters, five
 * candidates A..E, pairwise matrix
 *        A   B   C   D   E
 *   A    -  20  26  30  22
 *   B   25   -  16  33  18
 *   C   19  29   -  17  24
 *   D   15  12  28   -  14
 *   E   23  27  21  31   -
 * and strongest paths (as given there)
 *        A   B   C   D   E
 *   A    -  28  28  30  24
 *   B   25   -  28  33  24
 *   C   25  29   -  29  24
 *   D   25  28  28   -  24
 *   E   25  28  28  31   -
 * E beats all four (25 > 24, 28 > 24, 28 > 24, 31 > 24); A beats B
 * (28 > 25), C (28 > 25), D (30 > 25); C beats B (29 > 28), D (29 > 28);
 * B beats D (33 > 28).  Order E > A > C > B > D.
 */
static void
test_schulze_wikipedia_example(void **state)
{
	struct tally_item	 it[5];
	const int64_t		 d[25] = {
		 0, 20, 26, 30, 22,
		25,  0, 16, 33, 18,
		19, 29,  0, 17, 24,
		15, 12, 28,  0, 14,
		23, 27, 21, 31,  0,
	};
	int64_t			 work[25];

	items_init(it, NITEMS(it));
	tally_schulze(it, NITEMS(it), d, work);
	assert_int_equal(it[0].schulze_rank, 2);	/* A */
	assert_int_equal(it[1].schulze_rank, 4);	/* B */
	assert_int_equal(it[2].schulze_rank, 3);	/* C */
	assert_int_equal(it[3].schulze_rank, 5);	/* D */
	assert_int_equal(it[4].schulze_rank, 1);	/* E */
}

/*
 * Items X, Y, Z.  Patients and carers put X > Y > Z (points 9, 5, 1),
 * professionals the reverse (1, 5, 9); citizens cast no ballot, though
 * their points would favour Y (0, 100, 0) if wrongly counted.
 *   patients:       X 3, Y 2, Z 1      (n = 3; position 1 scores 3)
 *   professionals:  X 1, Y 2, Z 3
 *   total:          X 4, Y 4, Z 4      -> all rank 1.
 * jla_points start at garbage to check they are reset.
 */
static void
test_jla_opposite_groups_cancel_and_absent_group_ignored(void **state)
{
	struct tally_item	 it[3];
	const int64_t		 ballots[TALLY_GROUP__MAX] = { 4, 6, 0 };
	const int64_t		 pc[3] = { 9, 5, 1 };
	const int64_t		 pr[3] = { 1, 5, 9 };
	const int64_t		 ci[3] = { 0, 100, 0 };
	size_t			 order[3], i;

	items_init(it, NITEMS(it));
	for (i = 0; i < NITEMS(it); i++) {
		it[i].group_points[TALLY_GROUP_PATIENTS_CARERS] = pc[i];
		it[i].group_points[TALLY_GROUP_PROFESSIONALS_RESEARCHERS] =
		    pr[i];
		it[i].group_points[TALLY_GROUP_CITIZENS] = ci[i];
		it[i].jla_points = 99.0;
	}
	tally_jla(it, NITEMS(it), ballots, order);
	for (i = 0; i < NITEMS(it); i++) {
		assert_points_equal(it[i].jla_points, 4.0);
		assert_int_equal(it[i].jla_rank, 1);
	}
}

/*
 * Items X, Y, Z (n = 3), all three groups voting:
 *   patients X 7, Y 7, Z 2: X, Y share positions 1-2 -> 1.5, score 2.5;
 *                           Z position 3, score 1.
 *   professionals Z 6, X 4, Y 0: Z 3, X 2, Y 1.
 *   citizens X 8, Y 3, Z 3: X score 3; Y, Z share positions 2-3 -> 2.5,
 *                           score 1.5.
 *   total: X 2.5 + 2 + 3 = 7.5, Y 2.5 + 1 + 1.5 = 5, Z 1 + 3 + 1.5 = 5.5.
 * Ranks: X 1, Z 2, Y 3.
 */
static void
test_jla_tie_in_group_takes_average_position(void **state)
{
	struct tally_item	 it[3];
	const int64_t		 ballots[TALLY_GROUP__MAX] = { 2, 3, 5 };
	const int64_t		 pc[3] = { 7, 7, 2 };
	const int64_t		 pr[3] = { 4, 0, 6 };
	const int64_t		 ci[3] = { 8, 3, 3 };
	size_t			 order[3], i;

	items_init(it, NITEMS(it));
	for (i = 0; i < NITEMS(it); i++) {
		it[i].group_points[TALLY_GROUP_PATIENTS_CARERS] = pc[i];
		it[i].group_points[TALLY_GROUP_PROFESSIONALS_RESEARCHERS] =
		    pr[i];
		it[i].group_points[TALLY_GROUP_CITIZENS] = ci[i];
	}
	tally_jla(it, NITEMS(it), ballots, order);
	assert_points_equal(it[0].jla_points, 7.5);
	assert_points_equal(it[1].jla_points, 5.0);
	assert_points_equal(it[2].jla_points, 5.5);
	assert_int_equal(it[0].jla_rank, 1);
	assert_int_equal(it[1].jla_rank, 3);
	assert_int_equal(it[2].jla_rank, 2);
}

/*
 * Only patients vote; four items in array order A 1, B 5, C 9, D 5 (n = 4):
 *   C position 1, score 4; B, D share positions 2-3 -> 2.5, score 2.5;
 *   A position 4, score 1.
 * Ranks: C 1, B and D share 2, A 4.
 */
static void
test_jla_tied_totals_share_best_rank(void **state)
{
	struct tally_item	 it[4];
	const int64_t		 ballots[TALLY_GROUP__MAX] = { 3, 0, 0 };
	const int64_t		 pc[4] = { 1, 5, 9, 5 };
	size_t			 order[4], i;

	items_init(it, NITEMS(it));
	for (i = 0; i < NITEMS(it); i++)
		it[i].group_points[TALLY_GROUP_PATIENTS_CARERS] = pc[i];
	tally_jla(it, NITEMS(it), ballots, order);
	assert_points_equal(it[0].jla_points, 1.0);
	assert_points_equal(it[1].jla_points, 2.5);
	assert_points_equal(it[2].jla_points, 4.0);
	assert_points_equal(it[3].jla_points, 2.5);
	assert_int_equal(it[0].jla_rank, 4);
	assert_int_equal(it[1].jla_rank, 2);
	assert_int_equal(it[2].jla_rank, 1);
	assert_int_equal(it[3].jla_rank, 2);
}

/*
 * No group has a ballot: whatever group_points say (and whatever was in
 * jla_points before), every item has 0 points and rank 1.
 */
static void
test_jla_without_ballots_all_zero_and_first(void **state)
{
	struct tally_item	 it[3];
	const int64_t		 ballots[TALLY_GROUP__MAX] = { 0, 0, 0 };
	size_t			 order[3], i;

	items_init(it, NITEMS(it));
	for (i = 0; i < NITEMS(it); i++) {
		it[i].group_points[TALLY_GROUP_PATIENTS_CARERS] =
		    (int64_t)i * 3;
		it[i].group_points[TALLY_GROUP_CITIZENS] = 7 - (int64_t)i;
		it[i].jla_points = 42.0 + (double)i;
		it[i].jla_rank = 9;
	}
	tally_jla(it, NITEMS(it), ballots, order);
	for (i = 0; i < NITEMS(it); i++) {
		assert_points_equal(it[i].jla_points, 0.0);
		assert_int_equal(it[i].jla_rank, 1);
	}
}

/* A consultation without priorities: nothing is read or written. */
static void
test_no_items_is_harmless(void **state)
{
	const int64_t	 ballots[TALLY_GROUP__MAX] = { 1, 1, 1 };

	tally_rank(NULL, 0, 0);
	tally_pairwise(NULL, 0, NULL, NULL);
	tally_schulze(NULL, 0, NULL, NULL);
	tally_jla(NULL, 0, ballots, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_of_patient_and_carer),
		cmocka_unit_test(test_group_of_professional_and_researcher),
		cmocka_unit_test(test_group_of_citizen_and_other),
		cmocka_unit_test(test_group_of_unknown_or_null_is_citizens),
		cmocka_unit_test(test_group_names),
		cmocka_unit_test(test_rank_by_supporters_ties_share_best_rank),
		cmocka_unit_test(test_rank_by_points_ties_share_best_rank),
		cmocka_unit_test(test_rank_all_equal_all_first),
		cmocka_unit_test(test_rank_keeps_array_order),
		cmocka_unit_test(test_pairwise_from_top_two_ballots),
		cmocka_unit_test(test_schulze_condorcet_winner_ranks_first),
		cmocka_unit_test(test_schulze_cycle_broken_by_strongest_paths),
		cmocka_unit_test(test_schulze_symmetric_cycle_all_tie_first),
		cmocka_unit_test(test_schulze_without_preferences_all_tie_first),
		cmocka_unit_test(test_schulze_wikipedia_example),
		cmocka_unit_test(
		    test_jla_opposite_groups_cancel_and_absent_group_ignored),
		cmocka_unit_test(test_jla_tie_in_group_takes_average_position),
		cmocka_unit_test(test_jla_tied_totals_share_best_rank),
		cmocka_unit_test(test_jla_without_ballots_all_zero_and_first),
		cmocka_unit_test(test_no_items_is_harmless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

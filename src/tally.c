/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The arithmetic of results (see tally.h): ranks by a count, the pairwise
 * matrix of ranked ballots, the Schulze order and the James Lind Alliance
 * combination of participant groups.  Everything works in place on arrays
 * the caller owns; the quadratic loops are meant for the few hundred
 * priorities of one consultation, and nothing here allocates.
 */
#include <stddef.h>
#include <stdint.h>

#include "concerto/tally.h"

/* Two JLA totals closer than this are equal (they are sums of halves). */
#define TALLY_JLA_EPSILON	1e-9

static const char *const tally_group_names[TALLY_GROUP__MAX] = {
	"patients_carers",		/* TALLY_GROUP_PATIENTS_CARERS */
	"professionals_researchers",	/* TALLY_GROUP_PROFESSIONALS_RESEARCHERS */
	"citizens",			/* TALLY_GROUP_CITIZENS */
};

enum tally_group
tally_group_of(enum profile p)
{
	/* Every profile is named, so that a new one must be placed here. */
	switch (p) {
	case PROFILE_PATIENT:
	case PROFILE_CARER:
		return TALLY_GROUP_PATIENTS_CARERS;
	case PROFILE_HEALTH_PROFESSIONAL:
	case PROFILE_RESEARCHER:
		return TALLY_GROUP_PROFESSIONALS_RESEARCHERS;
	case PROFILE_CITIZEN:
	case PROFILE_OTHER:
	case PROFILE__MAX:
		break;
	}
	return TALLY_GROUP_CITIZENS;
}

/* A static string; NULL for a value that is not a group. */
const char *
tally_group_name(enum tally_group g)
{
	if ((unsigned int)g >= TALLY_GROUP__MAX)
		return NULL;
	return tally_group_names[g];
}

/*
 * Counting, not sorting: an item's rank is 1 + the number of items with a
 * strictly greater key, which gives tied items the best rank they span and
 * leaves the array in its order.
 */
void
tally_rank(struct tally_item *items, size_t n, int by_points)
{
	size_t	 i, j;
	int64_t	 key;
	int	 above;

	for (i = 0; i < n; i++) {
		key = by_points ? items[i].points : items[i].supporters;
		above = 0;
		for (j = 0; j < n; j++)
			if ((by_points ? items[j].points :
			    items[j].supporters) > key)
				above++;
		items[i].rank = 1 + above;
	}
}

/*
 * The ballots preferring i to j are those ranking both with i above j,
 * plus those ranking i but not j: of the supporters of i, all but the ones
 * that also rank j (above or below i).
 */
void
tally_pairwise(const struct tally_item *items, size_t n,
    const int64_t *both, int64_t *d)
{
	size_t	 i, j;
	int64_t	 only_i;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			if (i == j) {
				d[i * n + j] = 0;
				continue;
			}
			only_i = items[i].supporters -
			    both[i * n + j] - both[j * n + i];
			d[i * n + j] = both[i * n + j] + only_i;
		}
}

static int64_t
tally_min(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/*
 * work[i*n+j] becomes the strength of the strongest path from i to j: a
 * direct link counts only where i wins the pairwise contest (d[i][j] >
 * d[j][i]), and a path is as strong as its weakest link (Floyd-Warshall
 * for widest paths).  j beats i when the path from j to i is stronger than
 * the path back.
 */
void
tally_schulze(struct tally_item *items, size_t n, const int64_t *d,
    int64_t *work)
{
	int64_t	*p = work;
	int64_t	 via;
	size_t	 i, j, k;
	int	 beaten;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			p[i * n + j] = i != j && d[i * n + j] > d[j * n + i] ?
			    d[i * n + j] : 0;

	for (k = 0; k < n; k++)
		for (i = 0; i < n; i++) {
			if (i == k)
				continue;
			for (j = 0; j < n; j++) {
				if (j == k || j == i)
					continue;
				via = tally_min(p[i * n + k], p[k * n + j]);
				if (via > p[i * n + j])
					p[i * n + j] = via;
			}
		}

	for (i = 0; i < n; i++) {
		beaten = 0;
		for (j = 0; j < n; j++)
			if (j != i && p[j * n + i] > p[i * n + j])
				beaten++;
		items[i].schulze_rank = 1 + beaten;
	}
}

/*
 * Whether item a goes before item b in group g: more points first, then
 * the lower position, then the lower id.  A strict total order, so any
 * correct sort gives the same result.
 */
static int
tally_jla_before(const struct tally_item *a, const struct tally_item *b,
    enum tally_group g)
{
	if (a->group_points[g] != b->group_points[g])
		return a->group_points[g] > b->group_points[g];
	if (a->position != b->position)
		return a->position < b->position;
	return a->id < b->id;
}

/* Sorts the indices order[0..n) of items for group g (insertion sort). */
static void
tally_jla_sort(const struct tally_item *items, size_t n, enum tally_group g,
    size_t *order)
{
	size_t	 i, j, cur;

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = 1; i < n; i++) {
		cur = order[i];
		for (j = i; j > 0 &&
		    tally_jla_before(&items[cur], &items[order[j - 1]], g); j--)
			order[j] = order[j - 1];
		order[j] = cur;
	}
}

/*
 * Adds group g's scores into jla_points.  A run of items with equal points
 * spanning the 1-based positions first..last all take the position
 * (first + last) / 2, hence the score n - (first + last) / 2 + 1.
 */
static void
tally_jla_group(struct tally_item *items, size_t n, enum tally_group g,
    size_t *order)
{
	size_t	 start, end, k;
	int64_t	 pts;
	double	 pos;

	tally_jla_sort(items, n, g, order);
	for (start = 0; start < n; start = end) {
		pts = items[order[start]].group_points[g];
		for (end = start + 1; end < n &&
		    items[order[end]].group_points[g] == pts; end++)
			continue;
		/* 1-based positions start + 1 .. end. */
		pos = ((double)(start + 1) + (double)end) / 2.0;
		for (k = start; k < end; k++)
			items[order[k]].jla_points += (double)n - pos + 1.0;
	}
}

void
tally_jla(struct tally_item *items, size_t n,
    const int64_t group_ballots[TALLY_GROUP__MAX], size_t *order)
{
	size_t	 i, j;
	int	 g, above;

	for (i = 0; i < n; i++)
		items[i].jla_points = 0.0;
	for (g = 0; g < TALLY_GROUP__MAX; g++)
		if (group_ballots[g] > 0)
			tally_jla_group(items, n, (enum tally_group)g, order);

	for (i = 0; i < n; i++) {
		above = 0;
		for (j = 0; j < n; j++)
			if (items[j].jla_points >
			    items[i].jla_points + TALLY_JLA_EPSILON)
				above++;
		items[i].jla_rank = 1 + above;
	}
}

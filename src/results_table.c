/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The results table from tallies (see results_table.h): three or four
 * statements (the head, the priorities, their tallies per cell and, for
 * ranked votes, the pairs), then the arithmetic of tally.c; weighting
 * reads three more (results_weight.c).  Nothing here reads a ballot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "concerto/csv.h"
#include "concerto/mem.h"
#include "concerto/profile.h"
#include "concerto/results_table.h"

/* The columns of STMT_RESULTS_HEAD. */
enum head_col { HEAD_COL_METHOD, HEAD_COL_K, HEAD_COL_PHASE, HEAD_COL_NOW,
	HEAD_COL_WEIGHTING, HEAD_COL_PROFILE, HEAD_COL_ASSISTED,
	HEAD_COL_BALLOTS };
/* The columns of STMT_RESULTS_ITEMS. */
enum items_col { ITEMS_COL_ID, ITEMS_COL_POSITION, ITEMS_COL_TITLE_FR,
	ITEMS_COL_TITLE_EN, ITEMS_COL_ANSWERED };
/* The columns of STMT_RESULTS_ITEM_CELLS. */
enum item_cells_col { ITEM_CELLS_COL_ID, ITEM_CELLS_COL_STRATUM,
	ITEM_CELLS_COL_PROFILE, ITEM_CELLS_COL_SUPPORTERS,
	ITEM_CELLS_COL_POINTS, ITEM_CELLS_COL_FIRSTS };
/* The columns of STMT_RESULTS_PAIRS. */
enum pairs_col { PAIRS_COL_WINNER, PAIRS_COL_LOSER, PAIRS_COL_BALLOTS };

static int64_t
table_now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * The consultation's columns from the first row of h, and the ballots of
 * every row, each profile's in its group (ballots of a profile the enum
 * does not know count in the total only).
 */
static void
table_head(struct results_table *r, const struct db_rows *h)
{
	enum profile	 p;
	size_t		 i;

	r->ranked = strcmp(db_value(h, 0, HEAD_COL_METHOD), "ranked") == 0;
	r->k = (int)db_int(h, 0, HEAD_COL_K);
	snprintf(r->phase, sizeof(r->phase), "%s", db_value(h, 0,
	    HEAD_COL_PHASE));
	snprintf(r->computed_at, sizeof(r->computed_at), "%s",
	    db_value(h, 0, HEAD_COL_NOW));
	for (i = 0; i < db_nrows(h); i++) {
		r->assisted += db_int(h, i, HEAD_COL_ASSISTED);
		r->ballots += db_int(h, i, HEAD_COL_BALLOTS);
		if ((p = profile_parse(db_value(h, i, HEAD_COL_PROFILE))) !=
		    PROFILE__MAX)
			r->group_ballots[tally_group_of(p)] +=
			    db_int(h, i, HEAD_COL_BALLOTS);
	}
}

/* Fills the priorities in the vote; answered ones go to not_in_vote. */
static void
table_items(struct results_table *r, const struct db_rows *rows)
{
	size_t			 i, n = db_nrows(rows);
	struct tally_item	*it;
	json_t			*p;

	r->items = xcalloc(n == 0 ? 1 : n, sizeof(*r->items));
	r->titles_fr = xcalloc(n == 0 ? 1 : n, sizeof(char *));
	r->titles_en = xcalloc(n == 0 ? 1 : n, sizeof(char *));
	for (i = 0; i < n; i++) {
		if (!db_isnull(rows, i, ITEMS_COL_ANSWERED)) {
			p = json_loads(db_value(rows, i, ITEMS_COL_ANSWERED), 0,
			    NULL);
			if (p != NULL)
				json_array_append_new(r->not_in_vote, p);
			continue;
		}
		it = &r->items[r->nitems];
		it->id = db_int(rows, i, ITEMS_COL_ID);
		it->position = (int)db_int(rows, i, ITEMS_COL_POSITION);
		r->titles_fr[r->nitems] = xstrdup(db_value(rows, i,
		    ITEMS_COL_TITLE_FR));
		r->titles_en[r->nitems] = db_isnull(rows, i,
		    ITEMS_COL_TITLE_EN) ? NULL : xstrdup(db_value(rows, i,
		    ITEMS_COL_TITLE_EN));
		r->nitems++;
	}
}

/* Index of priority id among r's items (in the vote), or -1. */
static long
table_index(const struct results_table *r, int64_t id)
{
	size_t	 i;

	for (i = 0; i < r->nitems; i++)
		if (r->items[i].id == id)
			return (long)i;
	return -1;
}

/*
 * Adds up the tallies per (priority, stratum, profile) of rows into the
 * items, and returns how many rows are of priorities in the vote, which
 * *out receives (owned by the caller; their strata point into rows) for
 * the weighting.
 */
static size_t
table_tallies(struct results_table *r, const struct db_rows *rows,
    struct results_weight_cell **out)
{
	struct results_weight_cell *cells, *c;
	struct tally_item	*it;
	size_t			 i, n = 0;
	long			 k;

	cells = *out = xcalloc(db_nrows(rows) + 1, sizeof(*cells));
	for (i = 0; i < db_nrows(rows); i++) {
		if ((k = table_index(r, db_int(rows, i,
		    ITEM_CELLS_COL_ID))) < 0)
			continue;
		c = &cells[n++];
		c->item = (size_t)k;
		c->stratum = db_value(rows, i, ITEM_CELLS_COL_STRATUM);
		c->profile = profile_parse(db_value(rows, i,
		    ITEM_CELLS_COL_PROFILE));
		c->supporters = db_int(rows, i, ITEM_CELLS_COL_SUPPORTERS);
		c->points = db_int(rows, i, ITEM_CELLS_COL_POINTS);
		it = &r->items[k];
		it->supporters += c->supporters;
		it->points += c->points;
		it->firsts += db_int(rows, i, ITEM_CELLS_COL_FIRSTS);
		it->group_points[tally_group_of(c->profile)] += c->points;
	}
	return n;
}

/* The Schulze ranks, from the pairs of ranked ballots. */
static void
table_schulze(struct results_table *r, const struct db_rows *pairs)
{
	size_t	 n = r->nitems, i;
	int64_t	*both, *d, *work;
	long	 w, l;

	both = xcalloc(n * n + 1, sizeof(int64_t));
	d = xcalloc(n * n + 1, sizeof(int64_t));
	work = xcalloc(n * n + 1, sizeof(int64_t));
	for (i = 0; i < db_nrows(pairs); i++) {
		w = table_index(r, db_int(pairs, i, PAIRS_COL_WINNER));
		l = table_index(r, db_int(pairs, i, PAIRS_COL_LOSER));
		if (w >= 0 && l >= 0)
			both[(size_t)w * n + (size_t)l] += db_int(pairs, i,
			    PAIRS_COL_BALLOTS);
	}
	tally_pairwise(r->items, n, both, d);
	tally_schulze(r->items, n, d, work);
	free(both);
	free(d);
	free(work);
}

enum db_status
results_table_load(struct db *db, int64_t id,
    const struct results_table_options *opt, struct results_table *r)
{
	struct db_rows	*head = NULL, *items = NULL, *pairs = NULL,
			*cells = NULL;
	struct results_weight_cell *tallies = NULL;
	enum db_status	 rc;
	const char	*in = opt->interests ? "true" : "false";
	char		 ids[24];
	size_t		*order = NULL, ntallies;
	int64_t		 t0 = table_now_us();

	memset(r, 0, sizeof(*r));
	r->consultation_id = id;
	r->interests = opt->interests;
	r->not_in_vote = json_array();
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	rc = db_exec(db, STMT_RESULTS_HEAD, DB_PARAMS(ids, in), &head);
	if (rc != DB_OK)
		goto out;
	if (db_nrows(head) == 0) {
		rc = DB_ERROR;
		goto out;
	}
	table_head(r, head);
	if ((rc = db_exec(db, STMT_RESULTS_ITEMS, DB_PARAMS(ids),
	    &items)) != DB_OK || (rc = db_exec(db, STMT_RESULTS_ITEM_CELLS,
	    DB_PARAMS(ids, in), &cells)) != DB_OK)
		goto out;
	table_items(r, items);
	ntallies = table_tallies(r, cells, &tallies);
	if (r->ranked) {
		rc = db_exec(db, STMT_RESULTS_PAIRS, DB_PARAMS(ids, in), &pairs);
		if (rc != DB_OK)
			goto out;
		table_schulze(r, pairs);
		order = xcalloc(r->nitems + 1, sizeof(size_t));
		tally_jla(r->items, r->nitems, r->group_ballots, order);
	}
	tally_rank(r->items, r->nitems, r->ranked);
	if (opt->weighted &&
	    strcmp(db_value(head, 0, HEAD_COL_WEIGHTING), "none") != 0 &&
	    (rc = results_weight(db, id, db_value(head, 0, HEAD_COL_WEIGHTING),
	    opt->interests, opt->cap, tallies, ntallies, r->nitems,
	    &r->weighting)) != DB_OK)
		goto out;
	r->computation_us = table_now_us() - t0;
out:
	free(tallies);
	free(order);
	db_rows_free(head);
	db_rows_free(items);
	db_rows_free(pairs);
	db_rows_free(cells);
	return rc;
}

void
results_table_free(struct results_table *r)
{
	size_t	 i;

	for (i = 0; i < r->nitems; i++) {
		free(r->titles_fr[i]);
		free(r->titles_en[i]);
	}
	free(r->titles_fr);
	free(r->titles_en);
	free(r->items);
	json_decref(r->not_in_vote);
	results_weight_free(r->weighting);
	memset(r, 0, sizeof(*r));
}

static double
table_share(const struct results_table *r, const struct tally_item *it)
{
	return r->ballots > 0 ? (double)it->supporters / (double)r->ballots : 0;
}

/* Compares items by rank, then position, for qsort_r-free sorting. */
static int
table_before(const struct tally_item *a, const struct tally_item *b)
{
	if (a->rank != b->rank)
		return a->rank < b->rank;
	return a->position < b->position ||
	    (a->position == b->position && a->id < b->id);
}

/* Indexes of the items in the order of the results (rank, position). */
static size_t *
table_order(const struct results_table *r)
{
	size_t	*o = xcalloc(r->nitems + 1, sizeof(size_t));
	size_t	 i, j, t;

	for (i = 0; i < r->nitems; i++)
		o[i] = i;
	for (i = 1; i < r->nitems; i++)
		for (j = i; j > 0 && table_before(&r->items[o[j]],
		    &r->items[o[j - 1]]); j--) {
			t = o[j];
			o[j] = o[j - 1];
			o[j - 1] = t;
		}
	return o;
}

/* [[ids at Schulze rank 1], [ids at the next rank], ...]. */
static json_t *
table_schulze_order(const struct results_table *r)
{
	json_t	*out = json_array(), *tier;
	size_t	 i;
	int	 rank, next;

	for (rank = 1; rank <= (int)r->nitems; rank = next) {
		tier = json_array();
		next = (int)r->nitems + 1;
		for (i = 0; i < r->nitems; i++) {
			if (r->items[i].schulze_rank == rank)
				json_array_append_new(tier,
				    json_integer(r->items[i].id));
			else if (r->items[i].schulze_rank > rank &&
			    r->items[i].schulze_rank < next)
				next = r->items[i].schulze_rank;
		}
		if (json_array_size(tier) > 0)
			json_array_append_new(out, tier);
		else
			json_decref(tier);
	}
	return out;
}

/* A weighted figure of item i, or null when unweighted. */
static json_t *
table_weighted(const struct results_table *r, size_t i, int which)
{
	const struct results_weighting *wt = r->weighting;
	double	 share;

	if (wt == NULL || wt->status != WEIGHT_OK)
		return json_null();
	share = wt->total > 0 ? wt->supporters[i] / wt->total : 0;
	switch (which) {
	case 0:
		return json_real(wt->supporters[i]);
	case 1:
		return r->ranked ? json_real(wt->points[i]) : json_null();
	case 2:
		return json_real(share);
	default:
		return json_real(weight_margin95(share, wt->neff));
	}
}

static json_t *
table_item_json(const struct results_table *r, size_t i)
{
	const struct tally_item *it = &r->items[i];
	json_t	*j;

	j = json_pack("{s:I,s:s,s:o,s:i,s:I,s:f,s:o,s:o,s:i,s:o,s:o,s:o}",
	    "id", (json_int_t)it->id,
	    "title_fr", r->titles_fr[i],
	    "title_en", r->titles_en[i] ? json_string(r->titles_en[i]) :
	    json_null(),
	    "position", it->position,
	    "supporters", (json_int_t)it->supporters,
	    "share", table_share(r, it),
	    "points", r->ranked ? json_integer(it->points) : json_null(),
	    "firsts", r->ranked ? json_integer(it->firsts) : json_null(),
	    "rank", it->rank,
	    "schulze_rank", r->ranked ? json_integer(it->schulze_rank) :
	    json_null(),
	    "jla_points", r->ranked ? json_real(it->jla_points) : json_null(),
	    "jla_rank", r->ranked ? json_integer(it->jla_rank) : json_null());
	json_object_set_new(j, "weighted_supporters", table_weighted(r, i, 0));
	json_object_set_new(j, "weighted_points", table_weighted(r, i, 1));
	json_object_set_new(j, "weighted_share", table_weighted(r, i, 2));
	json_object_set_new(j, "margin_of_error", table_weighted(r, i, 3));
	return j;
}

json_t *
results_table_json(const struct results_table *r)
{
	json_t	*list = json_array(), *groups = json_object();
	size_t	*o = table_order(r), i;
	int	 g;

	for (i = 0; i < r->nitems; i++)
		json_array_append_new(list, table_item_json(r, o[i]));
	for (g = 0; g < TALLY_GROUP__MAX; g++)
		json_object_set_new(groups, tally_group_name(g),
		    json_integer(r->group_ballots[g]));
	free(o);
	return json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:I,s:o,s:o,s:o,"
	    "s:O,s:o}",
	    "consultation_id", (json_int_t)r->consultation_id,
	    "method", r->ranked ? "ranked" : "approval",
	    "phase", r->phase,
	    "interests", r->interests ? "include" : "exclude",
	    "ballots", (json_int_t)r->ballots,
	    "participants", (json_int_t)r->ballots,
	    "assisted", (json_int_t)r->assisted,
	    "computed_at", r->computed_at,
	    "computation_us", (json_int_t)r->computation_us,
	    "priorities", list,
	    "schulze_order", r->ranked ? table_schulze_order(r) : json_null(),
	    "groups", groups,
	    "not_in_vote", r->not_in_vote,
	    "weighting", results_weight_json(r->weighting));
}

void
results_table_csv(const struct results_table *r, struct buf *out)
{
	static const char *const head[] = { "rank", "priority_id", "title",
		"supporters", "share", "points", "firsts", "schulze_rank",
		"jla_rank", "weighted_supporters", "weighted_share",
		"margin_of_error" };
	const struct results_weighting *wt = r->weighting;
	const struct tally_item *it;
	size_t	*o = table_order(r), i, j;
	char	 v[11][32];
	double	 share;

	for (j = 0; j < sizeof(head) / sizeof(head[0]); j++)
		csv_cell(out, head[j], j == 0);
	csv_row_end(out);
	for (i = 0; i < r->nitems; i++) {
		it = &r->items[o[i]];
		snprintf(v[0], sizeof(v[0]), "%d", it->rank);
		snprintf(v[1], sizeof(v[1]), "%lld", (long long)it->id);
		snprintf(v[2], sizeof(v[2]), "%lld", (long long)it->supporters);
		snprintf(v[3], sizeof(v[3]), "%.6f", table_share(r, it));
		snprintf(v[4], sizeof(v[4]), "%lld", (long long)it->points);
		snprintf(v[5], sizeof(v[5]), "%lld", (long long)it->firsts);
		snprintf(v[6], sizeof(v[6]), "%d", it->schulze_rank);
		snprintf(v[7], sizeof(v[7]), "%d", it->jla_rank);
		csv_cell(out, v[0], 1);
		csv_cell(out, v[1], 0);
		csv_cell(out, r->titles_fr[o[i]], 0);
		csv_cell(out, v[2], 0);
		csv_cell(out, v[3], 0);
		for (j = 4; j < 8; j++)
			csv_cell(out, r->ranked ? v[j] : "", 0);
		for (j = 8; j < 11; j++)
			v[j][0] = '\0';
		if (wt != NULL && wt->status == WEIGHT_OK) {
			share = wt->total > 0 ? wt->supporters[o[i]] /
			    wt->total : 0;
			snprintf(v[8], sizeof(v[8]), "%.6f",
			    wt->supporters[o[i]]);
			snprintf(v[9], sizeof(v[9]), "%.6f", share);
			snprintf(v[10], sizeof(v[10]), "%.6f",
			    weight_margin95(share, wt->neff));
		}
		for (j = 8; j < 11; j++)
			csv_cell(out, v[j], 0);
		csv_row_end(out);
	}
	free(o);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Weighted results (see results_weight.h): participants per (stratum,
 * profile) from the tally cells, the scheme's reference populations,
 * weights by post-stratification or raking (weight.c) trimmed at the cap,
 * then each priority's tallies per cell, as the caller hands them, times
 * the cell's weight.  The cost is O(priorities x cells), whatever the
 * number of ballots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/mem.h"
#include "concerto/profile.h"
#include "concerto/results_weight.h"
#include "concerto/stratum.h"

#define RAKE_TOLERANCE	1e-9
#define RAKE_SWEEPS	1000

/* The columns of a cell table are the profiles, in the order of the enum. */
#define NPROFILES	((size_t)PROFILE__MAX)

/* The columns of STMT_RESULTS_CELLS. */
enum cells_col { CELLS_COL_STRATUM, CELLS_COL_PROFILE, CELLS_COL_BALLOTS };
/* The columns of STMT_PROFILE_TARGETS. */
enum targets_col { TARGETS_COL_PROFILE, TARGETS_COL_SHARE };

static long
weight_stratum_index(const struct results_weighting *wt, const char *code)
{
	size_t	 i;

	for (i = 0; i < wt->nstrata; i++)
		if (strcmp(wt->strata[i].code, code) == 0)
			return (long)i;
	return -1;
}

/* The cell of (stratum, profile), or -1 for excluded participants. */
static long
weight_cell(const struct results_weighting *wt, const char *stratum,
    enum profile g)
{
	long	 h = weight_stratum_index(wt, stratum);

	return h < 0 || g == PROFILE__MAX ? -1 : h * (long)NPROFILES + g;
}

static void
weight_strata(struct results_weighting *wt, const struct db_rows *rows)
{
	size_t	 i, n = db_nrows(rows);

	wt->strata = xcalloc(n + 1, sizeof(*wt->strata));
	wt->nstrata = n;
	for (i = 0; i < n; i++) {
		snprintf(wt->strata[i].code, sizeof(wt->strata[i].code), "%s",
		    db_value(rows, i, STRATA_COL_CODE));
		wt->strata[i].name = xstrdup(db_value(rows, i,
		    STRATA_COL_NAME));
		wt->strata[i].population = (double)db_int(rows, i,
		    STRATA_COL_POPULATION);
	}
	wt->vintage = xstrdup(n > 0 ? db_value(rows, 0, STRATA_COL_VINTAGE) :
	    "");
}

/* Participants per cell into n; the excluded ones counted apart. */
static void
weight_counts(struct results_weighting *wt, const struct db_rows *rows,
    double *n)
{
	size_t	 i;
	long	 c;
	int64_t	 k;

	for (i = 0; i < db_nrows(rows); i++) {
		k = db_int(rows, i, CELLS_COL_BALLOTS);
		if ((c = weight_cell(wt, db_value(rows, i, CELLS_COL_STRATUM),
		    profile_parse(db_value(rows, i,
		    CELLS_COL_PROFILE)))) >= 0) {
			n[c] += (double)k;
			wt->strata[c / (long)NPROFILES].participants +=
			    (double)k;
			wt->n += (double)k;
		} else if (strcmp(db_value(rows, i, CELLS_COL_STRATUM),
		    STRATUM_UNKNOWN) == 0)
			wt->unknown += k;
		else
			wt->outside += k;
	}
}

/* Target shares per profile from rows; false if the consultation has none. */
static bool
weight_targets(const struct db_rows *rows, double *t)
{
	size_t		 i;
	enum profile	 g;

	for (i = 0; i < db_nrows(rows); i++)
		if ((g = profile_parse(db_value(rows, i,
		    TARGETS_COL_PROFILE))) != PROFILE__MAX)
			t[g] = strtod(db_value(rows, i, TARGETS_COL_SHARE),
			    NULL);
	return db_nrows(rows) > 0;
}

/* Computes wt->w from the counts n, then trims it. */
static void
weight_compute(struct results_weighting *wt, const double *n,
    const double *targets, bool raking)
{
	struct weight_input	 in;
	double			*pop = xcalloc(wt->nstrata + 1, sizeof(double));
	size_t			 h, g;

	for (h = 0; h < wt->nstrata; h++)
		pop[h] = wt->strata[h].population;
	memset(&in, 0, sizeof(in));
	in.nstrata = wt->nstrata;
	in.nprofiles = NPROFILES;
	in.n = n;
	in.population = pop;
	in.profile_target = raking ? targets : NULL;
	in.cap = wt->cap;
	in.tolerance = RAKE_TOLERANCE;
	in.max_iterations = RAKE_SWEEPS;
	wt->raking = raking;
	wt->status = raking ? weight_rake(&in, wt->w, &wt->iterations) :
	    weight_poststratify(&in, wt->w);
	if (wt->status == WEIGHT_OK && weight_trim(&in, wt->w) < 0)
		wt->status = WEIGHT_INVALID;
	if (wt->status == WEIGHT_OK) {
		wt->neff = weight_neff(&in, wt->w);
		for (h = 0; h < wt->nstrata; h++)
			for (g = 0; g < NPROFILES; g++) {
				wt->strata[h].weight_total +=
				    n[h * NPROFILES + g] * wt->w[h * NPROFILES + g];
				wt->total += n[h * NPROFILES + g] *
				    wt->w[h * NPROFILES + g];
			}
	}
	free(pop);
}

/* Adds each priority's tallies per cell, times the cell's weight. */
static void
weight_items(struct results_weighting *wt,
    const struct results_weight_cell *cells, size_t ncells)
{
	size_t	 i;
	long	 c;

	for (i = 0; i < ncells; i++) {
		if ((c = weight_cell(wt, cells[i].stratum,
		    cells[i].profile)) < 0)
			continue;
		wt->supporters[cells[i].item] += wt->w[c] *
		    (double)cells[i].supporters;
		wt->points[cells[i].item] += wt->w[c] *
		    (double)cells[i].points;
	}
}

enum db_status
results_weight(struct db *db, int64_t id, const char *scheme,
    bool interests, double cap, const struct results_weight_cell *cells,
    size_t ncells, size_t nitems, struct results_weighting **out)
{
	struct results_weighting *wt;
	struct db_rows	*strata = NULL, *counts = NULL, *targets = NULL;
	enum db_status	 rc;
	const char	*in = interests ? "true" : "false";
	double		*n = NULL, t[NPROFILES] = { 0 };
	char		 ids[24];

	*out = NULL;
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	if ((rc = db_exec(db, STMT_SCHEME_STRATA, DB_PARAMS(scheme),
	    &strata)) != DB_OK ||
	    (rc = db_exec(db, STMT_RESULTS_CELLS, DB_PARAMS(ids, in),
	    &counts)) != DB_OK ||
	    (rc = db_exec(db, STMT_PROFILE_TARGETS, DB_PARAMS(ids),
	    &targets)) != DB_OK)
		goto out;
	wt = *out = xcalloc(1, sizeof(*wt));
	snprintf(wt->scheme, sizeof(wt->scheme), "%s", scheme);
	wt->cap = cap;
	weight_strata(wt, strata);
	n = xcalloc(wt->nstrata * NPROFILES + 1, sizeof(double));
	wt->w = xcalloc(wt->nstrata * NPROFILES + 1, sizeof(double));
	wt->supporters = xcalloc(nitems + 1, sizeof(double));
	wt->points = xcalloc(nitems + 1, sizeof(double));
	weight_counts(wt, counts, n);
	weight_compute(wt, n, t, weight_targets(targets, t));
	if (wt->status == WEIGHT_OK)
		weight_items(wt, cells, ncells);
out:
	free(n);
	db_rows_free(strata);
	db_rows_free(counts);
	db_rows_free(targets);
	return rc;
}

void
results_weight_free(struct results_weighting *wt)
{
	size_t	 i;

	if (wt == NULL)
		return;
	for (i = 0; i < wt->nstrata; i++)
		free(wt->strata[i].name);
	free(wt->strata);
	free(wt->vintage);
	free(wt->w);
	free(wt->supporters);
	free(wt->points);
	free(wt);
}

static const char *
weight_status_name(enum weight_status s)
{
	switch (s) {
	case WEIGHT_OK:
		return "ok";
	case WEIGHT_EMPTY:
		return "empty";
	case WEIGHT_NO_CONVERGENCE:
		return "no_convergence";
	default:
		return "invalid";
	}
}

static json_t *
weight_strata_json(const struct results_weighting *wt, json_t *empty)
{
	json_t	*list = json_array();
	double	 all = 0;
	size_t	 h;

	for (h = 0; h < wt->nstrata; h++)
		all += wt->strata[h].population;
	for (h = 0; h < wt->nstrata; h++) {
		const struct results_stratum *s = &wt->strata[h];

		if (s->participants == 0)
			json_array_append_new(empty, json_string(s->code));
		json_array_append_new(list, json_pack("{s:s,s:s,s:f,s:f,s:f,s:f}",
		    "code", s->code, "name", s->name,
		    "participants", s->participants,
		    "sample_share", wt->n > 0 ? s->participants / wt->n : 0.0,
		    "population_share", all > 0 ? s->population / all : 0.0,
		    "weight", s->participants > 0 &&
		    wt->status == WEIGHT_OK ? s->weight_total /
		    s->participants : 0.0));
	}
	return list;
}

json_t *
results_weight_json(const struct results_weighting *wt)
{
	json_t	*empty;

	if (wt == NULL)
		return json_null();
	empty = json_array();
	return json_pack("{s:s,s:s,s:s,s:s,s:i,s:f,s:f,s:f,s:{s:I,s:I},"
	    "s:o,s:o}",
	    "scheme", wt->scheme,
	    "vintage", wt->vintage,
	    "method", wt->raking ? "raking" : "post-stratification",
	    "status", weight_status_name(wt->status),
	    "iterations", wt->iterations,
	    "cap", wt->cap,
	    "n", wt->n,
	    "n_eff", wt->neff,
	    "excluded", "unknown", (json_int_t)wt->unknown,
	    "outside", (json_int_t)wt->outside,
	    "strata", weight_strata_json(wt, empty),
	    "empty_strata", empty);
}

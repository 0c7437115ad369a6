/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Weighted results: the participants of a consultation weighted by region
 * (post-stratification, or raking over the profile targets; weight.c)
 * from its tallies per cell, and each priority's weighted supporters and
 * points.  The results table (results_table.h) reads the tallies and
 * hands them here; nothing here knows the table, so the dependency goes
 * one way.
 */
#ifndef CONCERTO_RESULTS_WEIGHT_H
#define CONCERTO_RESULTS_WEIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "concerto/db.h"
#include "concerto/profile.h"
#include "concerto/weight.h"

/* A stratum of the weighting scheme, as the results report it. */
struct results_stratum {
	char	 code[16];
	char	*name;
	double	 population;		/* N_h */
	double	 participants;		/* n_h */
	double	 weight_total;		/* Σ n w over the stratum's cells */
};

/* Weighting of a consultation's participants. */
struct results_weighting {
	char			 scheme[24];
	char			*vintage;
	bool			 raking;
	enum weight_status	 status;
	int			 iterations;
	double			 cap;
	double			 n;		/* participants weighted */
	double			 total;		/* Σ n w */
	double			 neff;
	int64_t			 unknown;	/* excluded: no stratum */
	int64_t			 outside;	/* excluded: off the territory */
	struct results_stratum	*strata;
	size_t			 nstrata;
	double			*w;		/* per (stratum, profile) cell */
	double			*supporters;	/* weighted, per item */
	double			*points;
};

/* One priority's tallies in one cell (stratum, profile). */
struct results_weight_cell {
	size_t		 item;		/* the priority's index, < nitems */
	const char	*stratum;	/* not copied */
	enum profile	 profile;	/* PROFILE__MAX: none known */
	int64_t		 supporters;
	int64_t		 points;
};

/*
 * Weights the participants of consultation id (counting those with
 * declared interests only if interests) by scheme, trims the weights at
 * cap, and
 * when that succeeds weighs the tallies cells[0..ncells) of its nitems
 * priorities into the weighting's supporters and points (indexed by
 * item).  Reads the scheme's strata, the participants per cell and the
 * profile targets; the strata of cells need live only for the call.
 * Returns DB_OK with *out a new weighting (results_weight_free()
 * releases it; its status says whether the weights may be published),
 * or the database failure with *out NULL.
 */
enum db_status	 results_weight(struct db *, int64_t id, const char *scheme,
		    bool interests, double cap,
		    const struct results_weight_cell *cells, size_t ncells,
		    size_t nitems, struct results_weighting **out);
/* Frees wt and what it holds; NULL is a no-op. */
void		 results_weight_free(struct results_weighting *wt);
/* The "weighting" object of the results JSON; null when wt is NULL. */
json_t		*results_weight_json(const struct results_weighting *wt);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The results table of a consultation: its priorities ranked by supporters
 * or points, Schulze and JLA, with the ballots per group and, if asked,
 * the weighting (results_weight.h), computed from its tallies only: the
 * cost is O(priorities x cells) whatever the number of ballots.  Shared by
 * the results routes (src/api/results.c) and `concerto export results`.
 */
#ifndef CONCERTO_RESULTS_TABLE_H
#define CONCERTO_RESULTS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "concerto/buf.h"
#include "concerto/db.h"
#include "concerto/results_weight.h"
#include "concerto/tally.h"

struct results_table_options {
	bool	 interests;		/* count ballots with declared interests */
	bool	 weighted;		/* weight by the scheme, if it has one */
	double	 cap;			/* trimming cap of weights */
};

struct results_table {
	int64_t			 consultation_id;
	bool			 ranked;
	int			 k;
	bool			 interests;	/* ballots with interests in */
	char			 phase[16];
	char			 computed_at[32];
	int64_t			 ballots;	/* = participants: one each */
	int64_t			 assisted;	/* of which on paper or phone */
	int64_t			 group_ballots[TALLY_GROUP__MAX];
	struct tally_item	*items;		/* in the vote, by position */
	char			**titles_fr;
	char			**titles_en;	/* entries may be NULL */
	size_t			 nitems;
	json_t			*not_in_vote;	/* answered priorities */
	struct results_weighting *weighting;	/* NULL: unweighted */
	int64_t			 computation_us;
};

/*
 * Loads the tallies of consultation id and computes the results into r
 * (which results_table_free() releases in every case).  Returns DB_OK, the
 * database failure, or DB_ERROR with r->nitems 0 and r->phase "" if there
 * is no such consultation.
 */
enum db_status	 results_table_load(struct db *, int64_t id,
		    const struct results_table_options *,
		    struct results_table *r);
void		 results_table_free(struct results_table *);

/* The results as the API shows them (a new reference). */
json_t		*results_table_json(const struct results_table *);

/* The results as CSV, one row per priority in the vote, into out. */
void		 results_table_csv(const struct results_table *,
		    struct buf *out);

#endif

/*
 * Results of a consultation, computed from its tallies only: the cost is
 * O(priorities x cells) whatever the number of ballots.  Shared by the
 * results routes and by `concerto export results` / `results recount`.
 */
#ifndef CONCERTO_RESULTS_H
#define CONCERTO_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "concerto/buf.h"
#include "concerto/db.h"
#include "concerto/results_weight.h"
#include "concerto/tally.h"

struct results_options {
	bool	 interests;		/* count ballots with declared interests */
	bool	 weighted;		/* weight by the scheme, if it has one */
	double	 cap;			/* trimming cap of weights */
};

struct results {
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
 * (which results_free() releases in every case).  Returns DB_OK, the
 * database failure, or DB_ERROR with r->nitems 0 and r->phase "" if there
 * is no such consultation.
 */
enum db_status	 results_load(struct db *, int64_t id,
		    const struct results_options *, struct results *r);
void		 results_free(struct results *);

/* The results as the API shows them (a new reference). */
json_t		*results_json(const struct results *);

/* The results as CSV, one row per priority in the vote, into out. */
void		 results_csv(const struct results *, struct buf *out);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The parts of the data generator (generate.c drives them): what every
 * pass shares, the state of one run.  Each pass writes one table or two
 * through COPY and keeps in memory only what a later pass needs.  Every
 * draw comes from a stream of its own (gen_stream()), so that a table's
 * rows depend on the seed and the options, never on another pass.
 */
#ifndef CONCERTO_GENERATE_PARTS_H
#define CONCERTO_GENERATE_PARTS_H

#include <stdbool.h>
#include <stdint.h>

#include "concerto/buf.h"
#include "concerto/db.h"
#include "concerto/generate_draw.h"
#include "concerto/password.h"
#include "concerto/prng.h"
#include "concerto/progress.h"

struct stratum;

/* The mail domain of generated accounts, by which a later run finds them. */
#define GEN_DOMAIN	"@generated.concerto.test"
#define GEN_PRIORITIES_MAX	25
#define GEN_NO_PLACE	UINT16_MAX

/* Stream numbers (prng_seed()), a table's plus an index. */
enum gen_stream {
	GEN_STREAM_ACCOUNTS = 1, GEN_STREAM_CONSULTATIONS, GEN_STREAM_PRIORITIES,
	GEN_STREAM_SUBMISSIONS, GEN_STREAM_BALLOTS, GEN_STREAM_COMMENTS,
	GEN_STREAM_VOTES
};

enum gen_phase { GEN_DRAFT, GEN_GATHERING, GEN_VOTING, GEN_CLOSED,
	GEN_PUBLISHED };

/* A département where participants live or are seen. */
struct gen_place {
	char		 dep[4];
	char		 region[4];
	char		 postcode[8];	/* one of the département's */
	double		 weight;
};

/* A generated account, as later passes need it. */
struct gen_account {
	uint16_t	 home;		/* place index */
	uint16_t	 seen;		/* where GeoIP puts them, or GEN_NO_PLACE */
	uint8_t		 profile;	/* enum profile */
	bool		 declared;	/* gave their postcode */
	bool		 interests;
};

struct gen_consultation {
	int64_t		 id;
	enum gen_phase	 phase;
	bool		 ranked;
	bool		 premoderated;
	int		 k;
	const char	*scheme;	/* "none", "idf-departements", ... */
	int64_t		 gathering_at;	/* epoch seconds, 0: no gathering */
	int64_t		 voting_at, closes_at, publish_at;
	size_t		 npriorities;
	int64_t		 first_priority;
	bool		 answered[GEN_PRIORITIES_MAX];
	uint8_t		 question[GEN_PRIORITIES_MAX];	/* its text */
	double		 popularity[3][GEN_PRIORITIES_MAX];	/* by JLA group */
	uint64_t	 ballots, comments, submissions, participants;
	struct gen_perm	 perm;		/* participant -> account index */
	uint8_t		*contributed;	/* bit per participant */
};

struct gen {
	struct db		*db;
	uint64_t		 seed;
	uint64_t		 naccounts, nconsultations, nballots, ncomments;
	int64_t			 now;		/* epoch seconds at the start */
	int			 depth_max;	/* comment_depth_max() */
	int64_t			 first_account, first_comment;
	struct gen_account	*accounts;
	struct gen_place	*places;
	size_t			 nplaces;
	struct gen_consultation	*consultations;
	/* Per comment, for the pass of votes: author, votable. */
	uint32_t		*comment_author;
	bool			*comment_votable;
	uint64_t		 comment_votes;
	char			 hash[PASSWORD_ENCODED_MAX];
	struct buf		 row;		/* COPY data not sent yet */
	struct progress		 progress;	/* of the pass running */
	enum db_status		 rc;		/* first failure */
	bool			 copying;	/* a COPY is under way */
};

/* Seeds p for stream s, index i, of the run's seed. */
void	 gen_stream(const struct gen *, struct prng *p, enum gen_stream s,
	    uint64_t i);

/*
 * COPY: begins u, ends a row (sending a full buffer), ends the COPY.
 * After a failure (g->rc) nothing runs any more: a lost connection is
 * never silently replaced by a new one outside the run's transaction.
 */
void	 gen_copy_begin(struct gen *, enum utility u);
void	 gen_row_end(struct gen *);
void	 gen_copy_end(struct gen *);

/* Fields of a row, each followed by a tab (gen_row_end() drops the last). */
void	 gen_text(struct gen *, const char *s);
void	 gen_int(struct gen *, int64_t v);
void	 gen_bool(struct gen *, bool v);
void	 gen_time(struct gen *, int64_t epoch);	/* 0: NULL */
void	 gen_null(struct gen *);

/* The participant's stratum for scheme, as participation_fix() fixes it. */
void	 gen_stratum(const struct gen *, const struct gen_account *,
	    const char *scheme, struct stratum *out);

/* The passes, in order (each sets g->rc on failure). */
void	 gen_places(struct gen *);
void	 gen_accounts(struct gen *);
void	 gen_consultations(struct gen *);
void	 gen_priorities(struct gen *);
/* Writes the submissions from first on, their priority_sources rows into sources. */
void	 gen_submissions(struct gen *, int64_t first, struct buf *sources);
void	 gen_ballots(struct gen *);
void	 gen_comments(struct gen *);
void	 gen_comment_votes(struct gen *);
void	 gen_participations(struct gen *);

/* "draft", "gathering", ... */
const char *gen_phase_name(enum gen_phase);

/* Marks participant v of c as a contributor. */
static inline void
gen_contributed(struct gen_consultation *c, uint64_t v)
{
	c->contributed[v / 8] |= (uint8_t)(1u << (v % 8));
}

#endif

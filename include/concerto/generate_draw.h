/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The pure parts of the data generator (generate.h): the draws that shape
 * the data (pseudonyms, shares, permutations, choices, threads) and the
 * text of COPY rows.  Nothing here touches the database, so each is a unit
 * test away.
 */
#ifndef CONCERTO_GENERATE_DRAW_H
#define CONCERTO_GENERATE_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "concerto/prng.h"

struct buf;

/*
 * A candidate pseudonym into out (reset first): a first name, mostly with
 * an initial, a surname or a number, in forms people choose ("Camille
 * R. 482", "Sacha93", "Léa Martin").  attempt > 0 (the earlier candidates
 * were taken) always adds a number, which makes a free one likely.  The
 * names are stored forms (pseudonym_prepare() keeps them as they are) and
 * none is made of reserved names.
 */
void		 gen_pseudonym(struct prng *, unsigned attempt, struct buf *out);

/*
 * A permutation of [0, n) as x -> (a x + b) mod n, a prime to n: distinct
 * accounts for the participants of a consultation, with no table.
 * n must be below 2^32.
 */
struct gen_perm {
	uint64_t	 n, a, b;
};
void		 gen_perm_init(struct gen_perm *, struct prng *, uint64_t n);
uint64_t	 gen_perm_at(const struct gen_perm *, uint64_t i);

/*
 * Splits total into out[0..n) in proportion to weight[], each at most cap,
 * the rounding and what a capped share could not take going to the
 * others (never to a weight of 0); the parts add up to total.  -1 if
 * total is more than cap times the number of positive weights.
 */
int		 gen_split(uint64_t total, const double *weight, size_t n,
		    uint64_t cap, uint64_t *out);

/*
 * Draws k distinct indexes of [0, n) into out, each draw in proportion to
 * the weights of those not drawn yet (weights > 0 count; k at most the
 * number of them).  work holds n doubles.  Returns how many were drawn.
 */
size_t		 gen_choose(struct prng *, const double *weight, size_t n,
		    size_t k, double *work, size_t *out);

/*
 * The size of a comment thread: heavy-tailed (Pareto), most threads a
 * comment or two, a few of hundreds; 1 to max.
 */
uint64_t	 gen_thread_size(struct prng *, uint64_t max);

/*
 * One comment of a thread being drawn: its parent's index in the thread
 * (-1: the thread itself) and depth, as comment_post() places a reply.
 */
struct gen_node {
	int64_t		 parent;
	int		 depth;
};

/*
 * Where a reply to nodes[to] lands under the depth cap (comment_depth_max()):
 * a reply to a comment at the cap is attached to that comment's parent, so
 * it sits at the cap beside what it answers.  Fills nodes[at] and returns
 * its parent's index.
 */
int64_t		 gen_attach(struct gen_node *nodes, size_t at, size_t to,
		    int cap);

/* Appends s to out as a field of COPY's text format (\N for NULL). */
void		 gen_copy_text(struct buf *out, const char *s);

/*
 * text_fingerprint() of sql/005 for a body whose only capitals are ASCII
 * (the generated ones): md5 of the lower-cased text with each run of
 * white space one space, trimmed; 32 hex digits and a NUL into out.
 */
void		 gen_fingerprint(const char *body, char out[33]);

#endif

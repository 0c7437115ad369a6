/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A small deterministic pseudo-random generator for generated data (never
 * for secrets: tokens and salts come from getrandom(2), token.h):
 * xoshiro256** seeded through splitmix64, so that a seed and a stream name
 * give the same numbers on every machine and every run.
 */
#ifndef CONCERTO_PRNG_H
#define CONCERTO_PRNG_H

#include <stddef.h>
#include <stdint.h>

struct prng {
	uint64_t	 s[4];
};

/* One step of splitmix64 on *x: the next 64-bit value. */
uint64_t	 prng_splitmix(uint64_t *x);

/*
 * Seeds p from seed and a stream number (a table, a consultation...), so
 * that streams drawn from one seed do not depend on each other.
 */
void		 prng_seed(struct prng *p, uint64_t seed, uint64_t stream);

/* The next 64 bits. */
uint64_t	 prng_next(struct prng *p);

/* A uniform integer in [0, n) (0 if n is 0), without modulo bias. */
uint64_t	 prng_below(struct prng *p, uint64_t n);

/* A uniform double in [0, 1). */
double		 prng_unit(struct prng *p);

/* True with probability q. */
int		 prng_chance(struct prng *p, double q);

/*
 * An index in [0, n) drawn with probability weight[i] / sum of weights
 * (weights >= 0, not all 0: else 0).
 */
size_t		 prng_weighted(struct prng *p, const double *weight, size_t n);

#endif

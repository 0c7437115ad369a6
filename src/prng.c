/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The generator of prng.h: splitmix64 (Steele, Lea, Flood) expands a seed
 * into the state of xoshiro256** (Blackman, Vigna), both public-domain
 * algorithms written here from their descriptions.
 */
#include "concerto/prng.h"

uint64_t
prng_splitmix(uint64_t *x)
{
	uint64_t	 z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
prng_seed(struct prng *p, uint64_t seed, uint64_t stream)
{
	uint64_t	 x = seed;
	uint64_t	 k = prng_splitmix(&x) ^ (stream * 0xd1342543de82ef95ULL);
	int		 i;

	for (i = 0; i < 4; i++)
		p->s[i] = prng_splitmix(&k);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
prng_next(struct prng *p)
{
	uint64_t	*s = p->s;
	uint64_t	 r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

uint64_t
prng_below(struct prng *p, uint64_t n)
{
	uint64_t	 x, limit;

	if (n == 0)
		return 0;
	/* The largest multiple of n that fits: draws above it are redrawn. */
	limit = UINT64_MAX - UINT64_MAX % n;
	do
		x = prng_next(p);
	while (x >= limit);
	return x % n;
}

double
prng_unit(struct prng *p)
{
	return (double)(prng_next(p) >> 11) * 0x1.0p-53;
}

int
prng_chance(struct prng *p, double q)
{
	return prng_unit(p) < q;
}

size_t
prng_weighted(struct prng *p, const double *weight, size_t n)
{
	double	 total = 0, x;
	size_t	 i, last = 0;

	for (i = 0; i < n; i++)
		total += weight[i];
	if (total <= 0)
		return 0;
	x = prng_unit(p) * total;
	for (i = 0; i < n; i++) {
		if (weight[i] <= 0)
			continue;
		last = i;
		if (x < weight[i])
			return i;
		x -= weight[i];
	}
	return last;	/* rounding left x just past the end */
}

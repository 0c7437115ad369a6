/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * State shared by the master and all workers of one host: created by the
 * master before it forks (an anonymous shared mapping) so that it outlives
 * any worker.  It holds the counters behind /metrics (with each
 * process's figures: counters.h) and the host-wide semaphore that bounds
 * password hashing.
 */
#ifndef CONCERTO_SHARED_H
#define CONCERTO_SHARED_H

#include <semaphore.h>

#include "concerto/counters.h"

struct shared {
	struct counters	counters;
	sem_t		hash_slots;	/* password hashes running at once */
};

/* Maps a zeroed shared region with hash_slots slots; NULL on failure. */
struct shared	*shared_create(int hash_slots);
void		 shared_destroy(struct shared *);

/* Hashing slots free now (a figure for /metrics), or -1 on failure. */
int		 shared_hash_slots_free(struct shared *);

#endif

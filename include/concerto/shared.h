/*
 * State shared by the master and all workers of one host: created by the
 * master before it forks (an anonymous shared mapping) so that it outlives
 * any worker.  It holds the counters behind /metrics and the host-wide
 * semaphore that bounds password hashing.
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

#endif

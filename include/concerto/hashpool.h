/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A small pool of low-priority threads (nice +10) for password hashing, one
 * per worker.  Argon2 is deliberately expensive; running it below the
 * request threads keeps reads and votes fast during a sign-in flood, while
 * the host-wide slots (password_slot_acquire) bound how many run at once.
 */
#ifndef CONCERTO_HASHPOOL_H
#define CONCERTO_HASHPOOL_H

#include <stdbool.h>

struct hashpool;

/*
 * Starts n threads; at most max_inflight callers may hold a reservation at
 * once, so that the other request threads of the worker stay free for
 * reads.  NULL on failure (callers then hash inline, unbounded).
 */
struct hashpool	*hashpool_start(int n, int max_inflight);

/* Reserves a place for one caller without waiting; 0, or -1 if full. */
int		 hashpool_reserve(struct hashpool *);
void		 hashpool_release(struct hashpool *);

/* True if a reservation would fail now (a hint: it may change at once). */
bool		 hashpool_full(struct hashpool *);

/* Finishes queued jobs, stops the threads and frees the pool. */
void		 hashpool_stop(struct hashpool *);

/* Runs fn(arg) on a pool thread and waits for it; inline if pool is NULL. */
void		 hashpool_run(struct hashpool *, void (*fn)(void *), void *arg);

#endif

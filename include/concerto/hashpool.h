/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Password hashing in a few low-priority processes, one set per worker.
 * Argon2 is deliberately expensive; run below everything else, it keeps
 * reads and votes fast during a sign-in flood, while the host-wide slots
 * (password_slot_acquire) bound how many run at once.  The hashers are
 * processes, not threads, because the kernel weighs CPU between sessions
 * (autogroups, and cgroups under systemd) before it weighs threads by
 * their nice values: a niced thread of the worker still took its share
 * from nginx and PostgreSQL, and health checks ran at half their rate
 * during a flood.
 */
#ifndef CONCERTO_HASHPOOL_H
#define CONCERTO_HASHPOOL_H

#include <stdbool.h>
#include <stddef.h>

struct hashpool;

/* The largest job hashpool_run() carries to a hasher. */
#define HASHPOOL_JOB_MAX	8192

/*
 * Forks n hashers, each in a session of its own at nice +10; at most
 * max_inflight callers may hold a reservation at once, so that the other
 * request threads of the worker stay free for reads.  Call it while the
 * process has one thread (a fork copies only the caller).  NULL on
 * failure (callers then hash inline).
 */
struct hashpool	*hashpool_start(int n, int max_inflight);

/* Reserves a place for one caller without waiting; 0, or -1 if full. */
int		 hashpool_reserve(struct hashpool *);
void		 hashpool_release(struct hashpool *);

/* True if a reservation would fail now (a hint: it may change at once). */
bool		 hashpool_full(struct hashpool *);

/* Closes the hashers' sockets (they exit), reaps them, frees the pool. */
void		 hashpool_stop(struct hashpool *);

/*
 * Runs fn(job) in a hasher and waits for it: job, len bytes (at most
 * HASHPOOL_JOB_MAX) that hold no pointer, is copied there and back, and
 * wiped in transit.  Runs fn in the calling thread when pool is NULL or
 * no hasher answers any more.
 */
void		 hashpool_run(struct hashpool *, void (*fn)(void *), void *job,
		    size_t len);

#endif

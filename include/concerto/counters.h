/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The counters behind /metrics (src/api/metrics.c), kept in memory shared
 * by all workers of a host: requests by route and status, latency
 * histograms by route, database errors, worker restarts, throttled
 * sign-ins and the hashing slots' waits and refusals; and each process's
 * figures (CPU, memory, descriptors, requests in flight, database
 * connections), published by the process itself.  Rendered in the
 * Prometheus text format (0.0.4).  Updates are relaxed atomics: a scrape
 * may see one figure a moment older than another, never a torn one.
 */
#ifndef CONCERTO_COUNTERS_H
#define CONCERTO_COUNTERS_H

#include <stdint.h>

#include "concerto/buf.h"

#define COUNTERS_ROUTES		64	/* >= routes_count + 1 (unmatched) */
#define COUNTERS_STATUSES	24
#define COUNTERS_BUCKETS	12

#define COUNTERS_WORKERS	256	/* CONCERTO_WORKERS at most (config.c) */

/*
 * One process's figures.  The master writes a worker's pid when it forks
 * it and clears the slot when it has reaped it; the process publishes the
 * rest (counters_proc_publish()) and keeps its gauges.  Each slot has
 * cache lines of its own: its threads update it on every request.
 */
struct counters_proc {
	_Alignas(64) int64_t pid;	/* 0: not running */
	int64_t		published_s;	/* last publish, Unix time; 0: never */
	uint64_t	cpu_us;
	uint64_t	rss_bytes;
	uint64_t	open_fds;
	uint64_t	max_fds;	/* 0: unlimited */
	int64_t		start_ms;	/* Unix time, milliseconds */
	int64_t		in_flight;	/* requests being handled */
	int64_t		db_open;	/* database connections open */
	int64_t		db_in_use;	/* of which running a statement */
};

struct counters {
	uint64_t	requests[COUNTERS_ROUTES][COUNTERS_STATUSES];
	uint64_t	latency[COUNTERS_ROUTES][COUNTERS_BUCKETS + 1];
	uint64_t	latency_sum_us[COUNTERS_ROUTES];
	uint64_t	db_errors;
	uint64_t	worker_restarts;
	uint64_t	signin_throttled;	/* 429 too_many_attempts */
	uint64_t	hash_waits;	/* hashes that waited for a host slot */
	uint64_t	hash_refused;	/* 503 busy: no place to hash */
	struct counters_proc master;
	struct counters_proc workers[COUNTERS_WORKERS];
};

/* What a scrape reads at its own time rather than from the counters. */
struct counters_now {
	int		workers;	/* CONCERTO_WORKERS */
	int		threads;	/* CONCERTO_THREADS */
	int		hash_slots;	/* CONCERTO_HASH_SLOTS */
	int		hash_slots_in_use;
	int64_t		outbox_pending;	/* -1: unknown (no database) */
};

/* route is a route index or -1 for requests that matched none. */
void	 counters_observe(struct counters *, int route, int status,
	    uint64_t duration_us);
void	 counters_worker_restarted(struct counters *);
void	 counters_signin_throttled(struct counters *);
void	 counters_hash_waited(struct counters *);
void	 counters_hash_refused(struct counters *);

/* The master's books of worker slot i (< COUNTERS_WORKERS). */
void	 counters_worker_started(struct counters *, int i, int64_t pid);
void	 counters_worker_stopped(struct counters *, int i);

/* Adds delta (+1, -1) to a process's requests in flight. */
void	 counters_in_flight(struct counters_proc *, int delta);

/*
 * Publishes the calling process's figures (procstat.h) into p, unless it
 * did less than a second ago; a failed read leaves the last ones.
 */
void	 counters_proc_publish(struct counters_proc *p);

void	 counters_render(const struct counters *, const struct counters_now *,
	    struct buf *out);

#endif

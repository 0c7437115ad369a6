/*
 * The counters behind /metrics (src/api/metrics.c), kept in memory shared
 * by all workers of a host: requests by route and status, latency
 * histograms by route, database errors and worker restarts, rendered in
 * the Prometheus text format.  Updates are relaxed atomic increments.
 */
#ifndef CONCERTO_COUNTERS_H
#define CONCERTO_COUNTERS_H

#include <stdint.h>

#include "concerto/buf.h"

#define COUNTERS_ROUTES		64	/* >= routes_count + 1 (unmatched) */
#define COUNTERS_STATUSES	24
#define COUNTERS_BUCKETS	12

struct counters {
	uint64_t	requests[COUNTERS_ROUTES][COUNTERS_STATUSES];
	uint64_t	latency[COUNTERS_ROUTES][COUNTERS_BUCKETS + 1];
	uint64_t	latency_sum_us[COUNTERS_ROUTES];
	uint64_t	db_errors;
	uint64_t	worker_restarts;
};

/* route is a route index or -1 for requests that matched none. */
void	 counters_observe(struct counters *, int route, int status,
	    uint64_t duration_us);
void	 counters_worker_restarted(struct counters *);
void	 counters_render(const struct counters *, struct buf *out);

#endif

/*
 * Prometheus metrics kept in memory shared by all workers of a host:
 * requests by route and status, latency histograms by route, database errors
 * and worker restarts.  Updates are relaxed atomic increments.
 */
#ifndef CONCERTO_METRICS_H
#define CONCERTO_METRICS_H

#include <stdint.h>

#include "concerto/buf.h"

#define METRICS_ROUTES		64	/* >= routes_count + 1 (unmatched) */
#define METRICS_STATUSES	24
#define METRICS_BUCKETS		12

struct metrics {
	uint64_t	requests[METRICS_ROUTES][METRICS_STATUSES];
	uint64_t	latency[METRICS_ROUTES][METRICS_BUCKETS + 1];
	uint64_t	latency_sum_us[METRICS_ROUTES];
	uint64_t	db_errors;
	uint64_t	worker_restarts;
};

/* route is a route index or -1 for requests that matched none. */
void	 metrics_observe(struct metrics *, int route, int status,
	    uint64_t duration_us);
void	 metrics_worker_restarted(struct metrics *);
void	 metrics_render(const struct metrics *, struct buf *out);

#endif

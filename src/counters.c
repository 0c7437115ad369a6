/*
 * The shared counters (see counters.h): their updates, and their
 * exposition in the Prometheus text format.
 */
#include <stdio.h>
#include <string.h>

#include "concerto/counters.h"
#include "concerto/http.h"
#include "concerto/router.h"

static const int statuses[COUNTERS_STATUSES - 1] = {
	200, 201, 202, 204, 304, 400, 401, 403, 404, 405, 409, 410, 413,
	415, 422, 428, 429, 500, 502, 503, 504,
};
#define NSTATUSES	(sizeof(statuses) / sizeof(statuses[0]))

/* Upper bounds of the latency buckets, in microseconds. */
static const uint64_t bounds_us[COUNTERS_BUCKETS] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 5000000,
};
static const char *const bounds_s[COUNTERS_BUCKETS] = {
	"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
	"0.25", "0.5", "1", "5",
};

static size_t
status_slot(int status)
{
	size_t	 i;

	for (i = 0; i < NSTATUSES; i++)
		if (statuses[i] == status)
			return i;
	return COUNTERS_STATUSES - 1;	/* other */
}

/* Slot of a route: index + 1; slot 0 is "unmatched". */
static size_t
route_slot(int route)
{
	if (route < 0 || (size_t)route + 1 >= COUNTERS_ROUTES)
		return 0;
	return (size_t)route + 1;
}

void
counters_observe(struct counters *m, int route, int status, uint64_t us)
{
	size_t	 r = route_slot(route), b;

	__atomic_fetch_add(&m->requests[r][status_slot(status)], 1,
	    __ATOMIC_RELAXED);
	for (b = 0; b < COUNTERS_BUCKETS && us > bounds_us[b]; b++)
		continue;
	__atomic_fetch_add(&m->latency[r][b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->latency_sum_us[r], us, __ATOMIC_RELAXED);
}

void
counters_worker_restarted(struct counters *m)
{
	__atomic_fetch_add(&m->worker_restarts, 1, __ATOMIC_RELAXED);
}

static uint64_t
load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static const char *
route_label(size_t slot, char *out, size_t len)
{
	if (slot == 0)
		snprintf(out, len, "method=\"\",route=\"unmatched\"");
	else
		snprintf(out, len, "method=\"%s\",route=\"%s\"",
		    http_method_name(routes[slot - 1].method),
		    routes[slot - 1].pattern);
	return out;
}

static void
render_requests(const struct counters *m, struct buf *out)
{
	size_t	 r, s;
	uint64_t n;
	char	 lab[160];

	buf_puts(out, "# HELP concerto_http_requests_total HTTP requests "
	    "answered, by route and status.\n"
	    "# TYPE concerto_http_requests_total counter\n");
	for (r = 0; r <= routes_count && r < COUNTERS_ROUTES; r++)
		for (s = 0; s < COUNTERS_STATUSES; s++) {
			if ((n = load(&m->requests[r][s])) == 0)
				continue;
			if (s < NSTATUSES)
				buf_printf(out, "concerto_http_requests_total"
				    "{%s,status=\"%d\"} %llu\n",
				    route_label(r, lab, sizeof(lab)), statuses[s],
				    (unsigned long long)n);
			else
				buf_printf(out, "concerto_http_requests_total"
				    "{%s,status=\"other\"} %llu\n",
				    route_label(r, lab, sizeof(lab)),
				    (unsigned long long)n);
		}
}

static void
render_latency(const struct counters *m, struct buf *out)
{
	size_t	 r, b;
	uint64_t cum, total;
	char	 lab[160];

	buf_puts(out, "# HELP concerto_http_request_duration_seconds Time "
	    "from accept to response, by route.\n"
	    "# TYPE concerto_http_request_duration_seconds histogram\n");
	for (r = 0; r <= routes_count && r < COUNTERS_ROUTES; r++) {
		total = 0;
		for (b = 0; b <= COUNTERS_BUCKETS; b++)
			total += load(&m->latency[r][b]);
		if (total == 0)
			continue;
		cum = 0;
		for (b = 0; b < COUNTERS_BUCKETS; b++) {
			cum += load(&m->latency[r][b]);
			buf_printf(out, "concerto_http_request_duration_seconds_"
			    "bucket{%s,le=\"%s\"} %llu\n",
			    route_label(r, lab, sizeof(lab)), bounds_s[b],
			    (unsigned long long)cum);
		}
		buf_printf(out, "concerto_http_request_duration_seconds_bucket"
		    "{%s,le=\"+Inf\"} %llu\n", route_label(r, lab, sizeof(lab)),
		    (unsigned long long)total);
		buf_printf(out, "concerto_http_request_duration_seconds_sum"
		    "{%s} %.6f\n", route_label(r, lab, sizeof(lab)),
		    (double)load(&m->latency_sum_us[r]) / 1e6);
		buf_printf(out, "concerto_http_request_duration_seconds_count"
		    "{%s} %llu\n", route_label(r, lab, sizeof(lab)),
		    (unsigned long long)total);
	}
}

void
counters_render(const struct counters *m, struct buf *out)
{
	render_requests(m, out);
	render_latency(m, out);
	buf_printf(out, "# HELP concerto_db_errors_total Database errors "
	    "(failed statements, timeouts, lost connections).\n"
	    "# TYPE concerto_db_errors_total counter\n"
	    "concerto_db_errors_total %llu\n",
	    (unsigned long long)load(&m->db_errors));
	buf_printf(out, "# HELP concerto_worker_restarts_total Workers "
	    "restarted after dying.\n"
	    "# TYPE concerto_worker_restarts_total counter\n"
	    "concerto_worker_restarts_total %llu\n",
	    (unsigned long long)load(&m->worker_restarts));
}

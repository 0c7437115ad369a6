/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The shared counters (see counters.h): their updates, and their
 * exposition in the Prometheus text format.  Every family has its HELP
 * and TYPE lines even when it has no sample yet, so that what a scrape
 * declares does not depend on the traffic.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "concerto/counters.h"
#include "concerto/http.h"
#include "concerto/procstat.h"
#include "concerto/router.h"
#include "concerto/version.h"

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

void
counters_signin_throttled(struct counters *m)
{
	__atomic_fetch_add(&m->signin_throttled, 1, __ATOMIC_RELAXED);
}

void
counters_hash_waited(struct counters *m)
{
	__atomic_fetch_add(&m->hash_waits, 1, __ATOMIC_RELAXED);
}

void
counters_hash_refused(struct counters *m)
{
	__atomic_fetch_add(&m->hash_refused, 1, __ATOMIC_RELAXED);
}

void
counters_worker_started(struct counters *m, int i, int64_t pid)
{
	if (i >= 0 && i < COUNTERS_WORKERS)
		__atomic_store_n(&m->workers[i].pid, pid, __ATOMIC_RELAXED);
}

/*
 * The worker is dead: what it left in flight and its connections went
 * with it, and its process figures are no longer anybody's.
 */
void
counters_worker_stopped(struct counters *m, int i)
{
	struct counters_proc	*p;

	if (i < 0 || i >= COUNTERS_WORKERS)
		return;
	p = &m->workers[i];
	__atomic_store_n(&p->pid, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&p->published_s, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&p->in_flight, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&p->db_open, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&p->db_in_use, 0, __ATOMIC_RELAXED);
}

void
counters_in_flight(struct counters_proc *p, int delta)
{
	__atomic_fetch_add(&p->in_flight, delta, __ATOMIC_RELAXED);
}

void
counters_proc_publish(struct counters_proc *p)
{
	struct procstat	 st;
	int64_t		 now = (int64_t)time(NULL);

	if (now - __atomic_load_n(&p->published_s, __ATOMIC_RELAXED) < 1 ||
	    procstat_self(&st) < 0)
		return;
	__atomic_store_n(&p->cpu_us, st.cpu_us, __ATOMIC_RELAXED);
	__atomic_store_n(&p->rss_bytes, st.rss_bytes, __ATOMIC_RELAXED);
	__atomic_store_n(&p->open_fds, st.open_fds, __ATOMIC_RELAXED);
	__atomic_store_n(&p->max_fds, st.max_fds, __ATOMIC_RELAXED);
	__atomic_store_n(&p->start_ms, st.start_ms, __ATOMIC_RELAXED);
	__atomic_store_n(&p->pid, (int64_t)getpid(), __ATOMIC_RELAXED);
	__atomic_store_n(&p->published_s, now, __ATOMIC_RELAXED);
}

static uint64_t
load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static int64_t
load_signed(const int64_t *p)
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

/* HELP and TYPE of a family. */
static void
family(struct buf *out, const char *name, const char *type, const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
counter(struct buf *out, const char *name, const char *help, uint64_t v)
{
	family(out, name, "counter", help);
	buf_printf(out, "%s %llu\n", name, (unsigned long long)v);
}

static void
gauge(struct buf *out, const char *name, const char *help, int64_t v)
{
	family(out, name, "gauge", help);
	buf_printf(out, "%s %lld\n", name, (long long)v);
}

/*
 * The process slots worth showing: the master, then each configured
 * worker that runs and has published its figures.  *label is set to the
 * worker label's value ("master", or the slot index in num).
 */
static const struct counters_proc *
proc_at(const struct counters *m, const struct counters_now *now, int i,
    char num[16], const char **label)
{
	const struct counters_proc *p;

	if (i == 0) {
		p = &m->master;
		*label = "master";
	} else {
		if (i - 1 >= now->workers || i - 1 >= COUNTERS_WORKERS)
			return NULL;
		p = &m->workers[i - 1];
		snprintf(num, 16, "%d", i - 1);
		*label = num;
	}
	if (load_signed(&p->pid) == 0 || load_signed(&p->published_s) == 0)
		return NULL;
	return p;
}

enum proc_figure { PROC_CPU, PROC_RSS, PROC_FDS, PROC_MAX_FDS, PROC_START,
	PROC__MAX };

static const struct {
	const char	*name, *type, *help;
} proc_families[PROC__MAX] = {
	[PROC_CPU] = { "process_cpu_seconds_total", "counter",
	    "User and system CPU time spent, by process." },
	[PROC_RSS] = { "process_resident_memory_bytes", "gauge",
	    "Resident memory size, by process." },
	[PROC_FDS] = { "process_open_fds", "gauge",
	    "Open file descriptors, by process." },
	[PROC_MAX_FDS] = { "process_max_fds", "gauge",
	    "Limit of open file descriptors, by process." },
	[PROC_START] = { "process_start_time_seconds", "gauge",
	    "Start time of the process since the Unix epoch, by process." },
};

/*
 * A figure of p, in the family's unit; false if p has none (no limit of
 * descriptors).
 */
static bool
proc_figure(const struct counters_proc *p, enum proc_figure f, double *v)
{
	switch (f) {
	case PROC_CPU:
		*v = (double)load(&p->cpu_us) / 1e6;
		break;
	case PROC_RSS:
		*v = (double)load(&p->rss_bytes);
		break;
	case PROC_FDS:
		*v = (double)load(&p->open_fds);
		break;
	case PROC_MAX_FDS:
		*v = (double)load(&p->max_fds);
		return *v > 0;
	default:
		*v = (double)load_signed(&p->start_ms) / 1e3;
		break;
	}
	return true;
}

/* The process collector's families, one series per process. */
static void
render_processes(const struct counters *m, const struct counters_now *now,
    struct buf *out)
{
	const struct counters_proc *p;
	const char	*label;
	char		 num[16];
	double		 v;
	int		 f, i;

	for (f = 0; f < PROC__MAX; f++) {
		family(out, proc_families[f].name, proc_families[f].type,
		    proc_families[f].help);
		for (i = 0; i <= now->workers; i++)
			if ((p = proc_at(m, now, i, num, &label)) != NULL &&
			    proc_figure(p, (enum proc_figure)f, &v))
				buf_printf(out, "%s{worker=\"%s\"} %.15g\n",
				    proc_families[f].name, label, v);
	}
}

enum worker_gauge { GAUGE_IN_FLIGHT, GAUGE_DB_OPEN, GAUGE_DB_IN_USE };

static int64_t
worker_gauge(const struct counters_proc *p, enum worker_gauge g)
{
	int64_t	 v;

	if (g == GAUGE_IN_FLIGHT)
		v = load_signed(&p->in_flight);
	else if (g == GAUGE_DB_OPEN)
		v = load_signed(&p->db_open);
	else
		v = load_signed(&p->db_in_use);
	return v > 0 ? v : 0;
}

/* A gauge of each running worker. */
static void
render_per_worker(const struct counters *m, const struct counters_now *now,
    struct buf *out, const char *name, const char *help, enum worker_gauge g)
{
	int	 i;

	family(out, name, "gauge", help);
	for (i = 0; i < now->workers && i < COUNTERS_WORKERS; i++)
		if (load_signed(&m->workers[i].pid) != 0)
			buf_printf(out, "%s{worker=\"%d\"} %lld\n", name, i,
			    (long long)worker_gauge(&m->workers[i], g));
}

static void
render_workers(const struct counters *m, const struct counters_now *now,
    struct buf *out)
{
	int	 i, up = 0;

	for (i = 0; i < now->workers && i < COUNTERS_WORKERS; i++)
		if (load_signed(&m->workers[i].pid) != 0)
			up++;
	gauge(out, "concerto_workers", "Worker processes configured "
	    "(CONCERTO_WORKERS).", now->workers);
	gauge(out, "concerto_workers_up", "Worker processes running.", up);
	gauge(out, "concerto_worker_threads", "Request threads per worker, "
	    "each with one database connection (CONCERTO_THREADS).",
	    now->threads);
	render_per_worker(m, now, out, "concerto_http_requests_in_flight",
	    "Requests being handled, by worker.",
	    GAUGE_IN_FLIGHT);
	render_per_worker(m, now, out, "concerto_db_connections_open",
	    "Database connections open, by worker.",
	    GAUGE_DB_OPEN);
	render_per_worker(m, now, out, "concerto_db_connections_in_use",
	    "Database connections running a statement, by worker.",
	    GAUGE_DB_IN_USE);
}

void
counters_render(const struct counters *m, const struct counters_now *now,
    struct buf *out)
{
	render_requests(m, out);
	render_latency(m, out);
	counter(out, "concerto_db_errors_total", "Database errors "
	    "(failed statements, timeouts, lost connections).",
	    load(&m->db_errors));
	counter(out, "concerto_worker_restarts_total", "Workers restarted "
	    "after dying.", load(&m->worker_restarts));
	family(out, "concerto_build_info", "gauge", "The running binary: "
	    "its version and commit, as `concerto version` prints them.");
	buf_printf(out, "concerto_build_info{version=\"%s\",commit=\"%s\"} 1\n",
	    CONCERTO_VERSION, concerto_commit);
	render_processes(m, now, out);
	render_workers(m, now, out);
	gauge(out, "concerto_hash_slots", "Password hashes the host runs at "
	    "once (CONCERTO_HASH_SLOTS).", now->hash_slots);
	gauge(out, "concerto_hash_slots_in_use", "Password hashes running "
	    "now.", now->hash_slots_in_use);
	counter(out, "concerto_hash_waits_total", "Password hashes that "
	    "waited for a host slot.", load(&m->hash_waits));
	counter(out, "concerto_hash_refused_total", "Requests answered 503 "
	    "busy: no place to hash a password.", load(&m->hash_refused));
	counter(out, "concerto_signin_throttled_total", "Sign-in attempts "
	    "refused by the throttle (429 too_many_attempts).",
	    load(&m->signin_throttled));
	family(out, "concerto_mail_outbox_pending", "gauge", "Messages in the "
	    "outbox not sent yet (no sample when the database is away).");
	if (now->outbox_pending >= 0)
		buf_printf(out, "concerto_mail_outbox_pending %lld\n",
		    (long long)now->outbox_pending);
}

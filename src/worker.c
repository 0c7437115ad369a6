/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Worker processes (see worker.h).  Each thread owns one FCGX_Request and
 * one database connection for its whole life and runs the request flow:
 * accept, parse, route, handle, respond, free.  Threads wait in accept(2)
 * itself, where the kernel wakes one waiter per connection; the listening
 * socket's receive timeout (WORKER_ACCEPT_WAIT_MS) brings an idle thread
 * back every so often to look at the stopping flag, which the worker's main
 * thread sets on SIGTERM.  A thread looks at it only between requests, so
 * stopping never interrupts a request in flight.
 */

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "concerto/config.h"
#include "concerto/db.h"
#include "concerto/geo.h"
#include "concerto/hashpool.h"
#include "concerto/privilege.h"
#include "concerto/readcache.h"
#include "concerto/log.h"
#include "concerto/mem.h"
#include "concerto/ctx.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/router.h"
#include "concerto/shared.h"
#include "concerto/worker.h"

struct worker {
	const struct config	*cfg;
	struct shared		*shared;
	struct hashpool		*hashpool;
	struct geo		*geo;		/* NULL: GeoIP off */
	struct readcache	*readcache;	/* its threads share it */
	struct counters_proc	*self;		/* its slot in the counters */
	int			 fd;
	int			 index;
	int			 stopping;	/* atomic */
	int64_t			 trimmed_s;	/* atomic: last malloc_trim() */
};

/*
 * Beyond this, a thread's response buffer is released after the request:
 * room for the largest answer the worker's cache keeps, with its headers.
 */
#define WORKER_OUT_KEEP		(READCACHE_MAX_BODY + 64 * 1024)
/* After an answer this large, worker_trim(). */
#define WORKER_LARGE_ANSWER	(64 * 1024)
/* Blocks of this size and more are mapped for their own use (see below). */
#define WORKER_MMAP_THRESHOLD	(512 * 1024)
/* Free memory an arena keeps on each free(); worker_trim() returns it. */
#define WORKER_TRIM_THRESHOLD	(4 * 1024 * 1024)

static uint64_t
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int
worker_read(void *arg, char *dst, int n)
{
	return FCGX_GetStr(dst, n, ((FCGX_Request *)arg)->in);
}

/* Reads and discards what is left of the body, so nginx can finish. */
static void
worker_drain(FCGX_Request *fr)
{
	char	 sink[4096];

	while (FCGX_GetStr(sink, sizeof(sink), fr->in) > 0)
		continue;
}

/*
 * Ends the request and closes its connection at once.  libfcgi would
 * otherwise shut the socket down and wait, up to 2 s, for nginx to close
 * its end first: a guard against the TCP reset that unread input can cause,
 * which keeps the thread from its next request meanwhile.  The socket is a
 * unix socket (server.c makes no other kind), where a close loses nothing
 * the peer has not read, and worker_handle() has read all of the input; so
 * the request is detached, which makes libfcgi's close a plain close(2).
 */
static void
worker_finish(FCGX_Request *fr)
{
	(void)FCGX_Detach(fr);
	FCGX_Finish_r(fr);
}

/*
 * After a large answer, whose many small allocations (the rows, the JSON
 * tree) each thread's malloc arena keeps once freed: gives the free pages
 * of every arena back, at most once a second per worker, so that a
 * worker's resident memory follows what it holds rather than the largest
 * answer each of its threads ever built.
 */
static void
worker_trim(struct worker *w)
{
	int64_t	 now = (int64_t)time(NULL);
	int64_t	 last = __atomic_load_n(&w->trimmed_s, __ATOMIC_RELAXED);

	if (now == last || !__atomic_compare_exchange_n(&w->trimmed_s, &last,
	    now, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;
	(void)malloc_trim(0);
}

/*
 * One request, from parameters to the log line.  out is the thread's
 * response buffer, empty on entry and left empty (its memory is kept for
 * the next request unless it grew past WORKER_OUT_KEEP).
 */
static void
worker_handle(struct worker *w, struct db *db, FCGX_Request *fr,
    struct buf *out)
{
	struct request	 req;
	struct ctx	 ctx;
	struct response	 res;
	const char	*code = NULL, *msg = NULL;
	int		 status, sent, route;
	uint64_t	 t0 = now_us(), dt;
	enum http_method method;

	memset(&req, 0, sizeof(req));
	memset(&ctx, 0, sizeof(ctx));
	response_init(&res);
	ctx.cfg = w->cfg;
	ctx.db = db;
	ctx.shared = w->shared;
	ctx.hashpool = w->hashpool;
	ctx.geo = w->geo;
	ctx.readcache = w->readcache;
	counters_in_flight(w->self, 1);

	status = request_parse(&req, fr->envp, w->cfg->max_body, worker_read,
	    fr, &code, &msg);
	if (status != 0)
		response_error(&res, status, code, msg, NULL);
	else
		router_dispatch(&ctx, &req, &res);
	worker_drain(fr);
	if ((sent = response_serialize(&res, req.method == METHOD_HEAD,
	    out)) < 0) {
		log_error("response could not be encoded");
		response_error(&res, 500, "internal_error",
		    "The response could not be encoded.", NULL);
		buf_reset(out);
		sent = response_serialize(&res, false, out);
	}
	if (FCGX_PutStr(buf_str(out), (int)out->len, fr->out) < 0)
		log_warn("client went away before the response was sent");
	worker_finish(fr);

	dt = now_us() - t0;
	/*
	 * The client has its answer: its time does not depend on this.  The
	 * FastCGI parameters went with the connection.
	 */
	if (ctx.deferred != NULL) {
		req.envp = NULL;
		req.remote_addr = NULL;
		req.content_type = NULL;
		ctx.deferred(&ctx, &req);
	}
	route = req.route_index;
	method = req.method;
	counters_observe(&w->shared->counters, route, sent, dt);
	log_request(http_method_name(method), route >= 0 ?
	    routes[route].pattern : "unmatched", sent, dt);
	request_free(&req);
	free(ctx.session);
	response_free(&res);
	if (out->len > WORKER_LARGE_ANSWER)
		worker_trim(w);
	if (out->cap > WORKER_OUT_KEEP)
		buf_free(out);
	else
		buf_reset(out);
	counters_in_flight(w->self, -1);
}

/*
 * After a failed accept: nothing, if it only timed out (EAGAIN) or was
 * interrupted; a pause of 100 ms otherwise (EMFILE and the like), so that
 * a lasting error neither spins the thread nor floods the log.
 */
static void
worker_accept_failed(int rc)
{
	const struct timespec	 pause = { 0, 100 * 1000000L };

	if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR)
		return;
	log_warn("accept: %s", rc < 0 && rc > -4096 ? strerror(-rc) :
	    "libfcgi error");
	nanosleep(&pause, NULL);
}

static void *
worker_thread(void *arg)
{
	struct worker		*w = arg;
	FCGX_Request		 fr;
	struct db		*db;
	struct buf		 out;
	int			 rc;

	if (FCGX_InitRequest(&fr, w->fd, 0) != 0) {
		log_error("worker thread: cannot initialise");
		return NULL;
	}
	db = db_open(w->cfg->db, w->cfg->statement_timeout_ms);
	buf_init(&out, 0);
	while (!__atomic_load_n(&w->stopping, __ATOMIC_ACQUIRE)) {
		if ((rc = FCGX_Accept_r(&fr)) < 0) {
			worker_accept_failed(rc);
			continue;
		}
		worker_handle(w, db, &fr, &out);
	}
	buf_free(&out);
	FCGX_Free(&fr, 0);
	db_close(db);
	return NULL;
}

/*
 * Waits for SIGTERM or SIGINT, publishing the worker's figures for
 * /metrics every second meanwhile.  SIGHUP is the master's business: a
 * worker ignores it.  SIGUSR1 comes from the master once it has reopened
 * the log file: the worker reopens it too.
 */
static void
worker_wait_stop(const sigset_t *stop, struct counters_proc *self, int index)
{
	const struct timespec	 second = { 1, 0 };
	int			 sig;

	for (;;) {
		counters_proc_publish(self);
		sig = sigtimedwait(stop, NULL, &second);
		if (sig == SIGTERM || sig == SIGINT ||
		    (sig < 0 && errno != EAGAIN && errno != EINTR))
			return;
		if (sig == SIGUSR1 && log_reopen() < 0)
			log_warn("worker %d: cannot reopen the log: %s", index,
			    strerror(errno));
	}
}

/* Waits for the threads until the grace period ends; 0 if all finished. */
static int
worker_join(struct worker *w, pthread_t *threads, int n)
{
	struct timespec	 deadline;
	int		 i, rc = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += w->cfg->shutdown_grace_s;
	for (i = 0; i < n; i++)
		if (pthread_timedjoin_np(threads[i], NULL, &deadline) != 0)
			rc = -1;
	return rc;
}

int
worker_run(const struct config *cfg, const struct privilege *priv,
    struct shared *shared, int fd, int index)
{
	struct worker	 w = { cfg, shared, NULL, NULL, NULL,
			    &shared->counters.workers[index], fd, index, 0, 0 };
	char		 err[256];
	pthread_t	*threads;
	sigset_t	 stop;
	int		 i, n = 0, rc = 1;
	pid_t		 parent;

	parent = getppid();
	log_set_worker(index);
	db_set_error_counter(&shared->counters.db_errors);
	db_set_pool_gauges(&w.self->db_open, &w.self->db_in_use);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (FCGX_Init() != 0) {
		log_error("worker %d: cannot initialise", index);
		return 1;
	}
	if (cfg->geoip != NULL &&
	    geo_open(cfg->geoip, &w.geo, err, sizeof(err)) < 0) {
		log_error("worker %d: %s", index, err);
		return 1;
	}
	/* The GeoIP file is open: from here on, nothing needs root. */
	if (privilege_drop(priv, err, sizeof(err)) < 0) {
		log_error("worker %d: %s", index, err);
		return 1;
	}
	if (getppid() != parent)
		return 0;	/* the master died before the signal was set */
	/*
	 * A password hash takes CONCERTO_ARGON2_M KiB (19 MiB by default) for
	 * a few milliseconds.  glibc serves a block that large with mmap(2),
	 * but after the first free it raises its threshold to that size, so
	 * the next ones come from the arenas and stay resident once freed: two
	 * hash slots left each worker holding some 40 MiB it no longer used.
	 * A fixed threshold keeps every large block mapped only while in use.
	 */
	if (mallopt(M_MMAP_THRESHOLD, WORKER_MMAP_THRESHOLD) != 1)
		log_warn("worker %d: cannot fix the mmap threshold", index);
	/*
	 * By default, a free() that leaves 128 KiB free at the top of an
	 * arena gives it back, and the next answer of that size faults it in
	 * again, page by page: a page of 40 threads is 131 KB.  The arenas
	 * keep more and worker_trim() gives it back, at most once a second.
	 */
	if (mallopt(M_TRIM_THRESHOLD, WORKER_TRIM_THRESHOLD) != 1)
		log_warn("worker %d: cannot set the trim threshold", index);
	/* Half the request threads at most may wait on hashing. */
	w.hashpool = hashpool_start(cfg->hash_slots < cfg->threads ?
	    cfg->hash_slots : cfg->threads, cfg->threads > 1 ?
	    cfg->threads / 2 : 1);
	w.readcache = readcache_new();
	/* Request lines go through the log writer (written directly if not). */
	if (log_start() < 0)
		log_warn("worker %d: no log writer thread", index);
	threads = xcalloc((size_t)cfg->threads, sizeof(pthread_t));
	for (i = 0; i < cfg->threads; i++) {
		if (pthread_create(&threads[i], NULL, worker_thread, &w) != 0) {
			log_error("worker %d: pthread_create failed", index);
			break;
		}
		n++;
	}
	if (n == cfg->threads) {
		worker_wait_stop(&stop, w.self, index);
		rc = 0;
	}
	/* Idle threads see it within WORKER_ACCEPT_WAIT_MS. */
	__atomic_store_n(&w.stopping, 1, __ATOMIC_RELEASE);
	if (worker_join(&w, threads, n) < 0) {
		log_warn("worker %d: requests still running at the deadline",
		    index);
		log_stop();
		_exit(1);
	}
	log_stop();
	free(threads);
	hashpool_stop(w.hashpool);
	readcache_free(w.readcache);
	geo_close(w.geo);
	return rc;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A worker process: CONCERTO_THREADS threads, each with its own FastCGI
 * request and PostgreSQL connection, accepting on the shared socket.  On
 * SIGTERM it stops accepting, lets in-flight requests finish, and exits.
 */
#ifndef CONCERTO_WORKER_H
#define CONCERTO_WORKER_H

struct config;
struct privilege;
struct shared;

/*
 * How long a thread waits in accept(2) before it looks again at whether
 * its worker is stopping: the listening socket's receive timeout, set by
 * the master (server.c).  It bounds how long a stop waits on idle threads.
 */
#define WORKER_ACCEPT_WAIT_MS	200

/*
 * Runs until SIGTERM; returns the process exit status.  Drops to the
 * account of priv once its GeoIP file is open, before any request.
 */
int	 worker_run(const struct config *, const struct privilege *,
	    struct shared *, int listen_fd, int worker);

#endif

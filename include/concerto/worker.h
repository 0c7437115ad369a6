/*
 * A worker process: CONCERTO_THREADS threads, each with its own FastCGI
 * request and PostgreSQL connection, accepting on the shared socket.  On
 * SIGTERM it stops accepting, lets in-flight requests finish, and exits.
 */
#ifndef CONCERTO_WORKER_H
#define CONCERTO_WORKER_H

struct config;
struct shared;

/* Runs until SIGTERM; returns the process exit status. */
int	 worker_run(const struct config *, struct shared *, int listen_fd,
	    int worker);

#endif

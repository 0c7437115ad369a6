/*
 * `concerto serve`: the master process.  It opens the FastCGI unix socket,
 * forks the workers, restarts any that dies (with back-off when one keeps
 * dying), rolls the workers over on SIGHUP and stops them gracefully on
 * SIGTERM or SIGINT.
 */
#ifndef CONCERTO_SERVER_H
#define CONCERTO_SERVER_H

struct config;

/* Returns the process exit status. */
int	 server_run(const struct config *);

#endif

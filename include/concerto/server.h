/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * `concerto serve`: the master process.  It opens the FastCGI unix socket,
 * forks the workers, restarts any that dies (with back-off when one keeps
 * dying), rolls the workers over on SIGHUP and stops them gracefully on
 * SIGTERM or SIGINT.  SIGUSR1 reopens CONCERTO_LOG_FILE; SIGUSR2 upgrades the
 * binary without a refused connection (see server.c).  Started as root,
 * it runs its workers as the account priv names (privilege.h).
 */
#ifndef CONCERTO_SERVER_H
#define CONCERTO_SERVER_H

struct config;
struct privilege;

/* Returns the process exit status. */
int	 server_run(const struct config *, const struct privilege *);

#endif

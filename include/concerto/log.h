/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Logging: one JSON object per line on stderr.  Values are escaped by jansson,
 * so nothing a client sends can forge a log line.  Never pass secrets
 * (passwords, tokens, cookies) or client addresses to these functions.
 */
#ifndef CONCERTO_LOG_H
#define CONCERTO_LOG_H

#include <stdint.h>
#include <sys/types.h>

void	 log_set_worker(int worker);
/*
 * log_start() starts the process's log writer thread: from then on request
 * lines (log_request()) are queued and written by it within about 10 ms,
 * whole lines at a time, rather than by each request; messages are still
 * written at once.  For worker processes, after fork and before the
 * request threads; -1 if the thread could not start (lines are then
 * written directly).  log_stop() writes what is queued and ends the writer
 * (request lines are then written directly again); call it before the
 * process exits.
 */
int	 log_start(void);
void	 log_stop(void);
/*
 * log_open() makes path (appended to, created mode 0640) the process's
 * standard error, where every line goes; with owner not (uid_t)-1, a file
 * it opens is given that owner, so that workers running as it can reopen
 * it.  log_reopen() opens the same path again, after a rotation renamed
 * the file (SIGUSR1); the old file stays in use until the new one is open.
 * Both are no-ops on a NULL path; they return 0 or -1 with errno set.
 */
int	 log_open(const char *path, uid_t owner);
int	 log_reopen(void);
void	 log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_request(const char *method, const char *route, int status,
	    uint64_t duration_us);

#endif

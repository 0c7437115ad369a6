/*
 * Logging: one JSON object per line on stderr.  Values are escaped by jansson,
 * so nothing a client sends can forge a log line.  Never pass secrets
 * (passwords, tokens, cookies) or client addresses to these functions.
 */
#ifndef CONCERTO_LOG_H
#define CONCERTO_LOG_H

#include <stdint.h>

void	 log_set_worker(int worker);
void	 log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_request(const char *method, const char *route, int status,
	    uint64_t duration_us);

#endif

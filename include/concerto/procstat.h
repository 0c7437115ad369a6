/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * What a process knows of itself for /metrics, in the terms of the
 * Prometheus client libraries' process collector: CPU time, resident
 * memory, open descriptors and their limit, and when it started.  Read
 * from /proc/self and getrusage(2), which need no privilege: a worker
 * that dropped its privileges (and so is no longer dumpable) still reads
 * its own /proc/self/fd.
 */
#ifndef CONCERTO_PROCSTAT_H
#define CONCERTO_PROCSTAT_H

#include <stdint.h>

struct procstat {
	uint64_t	cpu_us;		/* user + system, all threads */
	uint64_t	rss_bytes;
	uint64_t	open_fds;
	uint64_t	max_fds;	/* RLIMIT_NOFILE soft limit */
	int64_t		start_ms;	/* the process's start, Unix time in ms */
};

/* Fills st for the calling process; 0, or -1 if /proc could not be read. */
int	 procstat_self(struct procstat *st);

/*
 * Parses a line of /proc/PID/stat: the start (clock ticks after boot) and
 * the resident pages.  The command name, in parentheses, may hold spaces
 * and parentheses of its own.  0, or -1 if the line has too few fields.
 */
int	 procstat_parse_stat(const char *line, uint64_t *start_ticks,
	    uint64_t *rss_pages);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A process's own figures (see procstat.h).
 */
#include <sys/resource.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "concerto/procstat.h"

/* Fields of /proc/PID/stat (proc(5)), counted from 1, after the name. */
#define STAT_STARTTIME	22
#define STAT_RSS	24

int
procstat_parse_stat(const char *line, uint64_t *start_ticks,
    uint64_t *rss_pages)
{
	const char	*p = strrchr(line, ')');
	char		*end;
	unsigned long long v;
	int		 field;

	if (p == NULL)
		return -1;
	p++;
	/* The name is field 2; each pass reads the next field's value. */
	for (field = 3; field <= STAT_RSS; field++) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n')
			return -1;
		if (field == STAT_STARTTIME || field == STAT_RSS) {
			errno = 0;
			v = strtoull(p, &end, 10);
			if (end == p || errno != 0)
				return -1;
			if (field == STAT_STARTTIME)
				*start_ticks = v;
			else
				*rss_pages = v;
		}
		p += strcspn(p, " \n");
	}
	return 0;
}

/* Reads a small file whole into buf (NUL-terminated); 0 or -1. */
static int
procstat_read(const char *path, char *buf, size_t len)
{
	ssize_t	 n;
	size_t	 got = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return 0;
}

/* True if name, an entry of /proc/self/fd, is the descriptor fd. */
static bool
procstat_is_fd(const char *name, int fd)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(name, &end, 10);
	return errno == 0 && end != name && *end == '\0' && v == fd;
}

/* Open descriptors, not counting the one that lists them; -1 on failure. */
static int64_t
procstat_fds(void)
{
	DIR		*d;
	struct dirent	*e;
	int64_t		 n = 0;
	int		 self;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	self = dirfd(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && !procstat_is_fd(e->d_name, self))
			n++;
	closedir(d);
	return n;
}

static int64_t
procstat_ms(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
}

/*
 * The wall-clock time, in milliseconds, of a start given in clock ticks
 * after boot: the boot's wall-clock time is now less the time since boot.
 */
static int64_t
procstat_start_ms(uint64_t start_ticks)
{
	struct timespec	 real, boot;
	long		 hz = sysconf(_SC_CLK_TCK);

	if (hz <= 0 || clock_gettime(CLOCK_REALTIME, &real) < 0 ||
	    clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
		return 0;
	return procstat_ms(&real) - procstat_ms(&boot) +
	    (int64_t)(start_ticks * 1000 / (uint64_t)hz);
}

int
procstat_self(struct procstat *st)
{
	struct rusage	 ru;
	struct rlimit	 rl;
	char		 line[1024];
	uint64_t	 start_ticks = 0, rss_pages = 0;
	long		 page = sysconf(_SC_PAGESIZE);
	int64_t		 fds;

	memset(st, 0, sizeof(*st));
	if (procstat_read("/proc/self/stat", line, sizeof(line)) < 0 ||
	    procstat_parse_stat(line, &start_ticks, &rss_pages) < 0 ||
	    (fds = procstat_fds()) < 0 || getrusage(RUSAGE_SELF, &ru) < 0)
		return -1;
	st->cpu_us = (uint64_t)ru.ru_utime.tv_sec * 1000000 +
	    (uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_sec *
	    1000000 + (uint64_t)ru.ru_stime.tv_usec;
	st->rss_bytes = rss_pages * (uint64_t)(page > 0 ? page : 4096);
	st->open_fds = (uint64_t)fds;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		st->max_fds = (uint64_t)rl.rlim_cur;
	st->start_ms = procstat_start_ms(start_ticks);
	return 0;
}

/*
 * JSON log lines on stderr (see log.h).  Each line is built whole and
 * written with one write(2), so lines from threads and workers never mix.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "concerto/log.h"

static int	log_worker = -1;	/* set once per process, before threads */

void
log_set_worker(int worker)
{
	log_worker = worker;
}

static void
log_time(char *dst, size_t sz)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(dst, sz, "%.20s.%03dZ", base, (int)(ts.tv_nsec / 1000000) % 1000);
}

/* A new log object holding the time and the worker number. */
static json_t *
log_begin(void)
{
	char	 when[40];
	json_t	*obj = json_object();

	log_time(when, sizeof(when));
	json_object_set_new(obj, "time", json_string(when));
	if (log_worker >= 0)
		json_object_set_new(obj, "worker", json_integer(log_worker));
	return obj;
}

/* Writes obj as one line and releases it. */
static void
log_emit(json_t *obj)
{
	char	*line;
	size_t	 len;

	line = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (line == NULL)
		return;
	len = strlen(line);
	line[len] = '\n';	/* json_dumps leaves room: replace the NUL */
	if (write(STDERR_FILENO, line, len + 1) < 0) {
		/* Nowhere left to report it. */
	}
	free(line);
}

static void
log_vmsg(const char *level, const char *fmt, va_list ap)
{
	char	 msg[1024];
	json_t	*obj, *m;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	obj = log_begin();
	json_object_set_new(obj, "level", json_string(level));
	if ((m = json_string(msg)) == NULL)
		m = json_string("(message was not valid UTF-8)");
	json_object_set_new(obj, "msg", m);
	log_emit(obj);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg("info", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg("warn", fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg("error", fmt, ap);
	va_end(ap);
}

void
log_request(const char *method, const char *route, int status,
    uint64_t duration_us)
{
	json_t	*obj = log_begin();

	json_object_set_new(obj, "method", json_string(method));
	json_object_set_new(obj, "route", json_string(route));
	json_object_set_new(obj, "status", json_integer(status));
	json_object_set_new(obj, "duration_us",
	    json_integer((json_int_t)duration_us));
	log_emit(obj);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * JSON log lines on stderr (see log.h).  Each line is built whole and
 * written whole, by a write(2) of whole lines of at most PIPE_BUF bytes, so
 * lines from threads and workers never mix (even when stderr is a pipe).
 * Messages go through jansson and are written at once.  The request line,
 * written once per request, is formatted by hand into a stack buffer (no
 * allocation) with the same bytes jansson would give; in a worker that
 * started the log writer (log_start()), it is queued and the writer thread
 * writes the queue every LOG_FLUSH_MS, so that a request never waits on the
 * log file (an append can wait on the file system's journal) and the
 * writes stay few.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "concerto/buf.h"
#include "concerto/log.h"

#define LOG_TIME_LEN	24	/* 2026-01-31T23:59:59.999Z */

#define LOG_QUEUE_SIZE	(128 * 1024)	/* bytes of request lines queued */
#define LOG_FLUSH_MS	10		/* the writer's pause between writes */

static int	log_worker = -1;	/* set once per process, before threads */

/* CONCERTO_LOG_FILE and its owner, set once by log_open(). */
static const char	*log_path;
static uid_t		 log_owner = (uid_t)-1;

/*
 * The request lines queued for the writer thread: two buffers, one filled
 * by the request threads while the writer writes the other.  All fields
 * under lock.
 */
static struct {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;		/* signalled when idle lines arrive */
	pthread_t	 thread;
	char		 data[2][LOG_QUEUE_SIZE];
	size_t		 len;		/* of data[cur] */
	int		 cur;
	bool		 running;	/* between log_start() and log_stop() */
	bool		 stopping;
	bool		 idle;		/* the writer waits on cond */
} lq = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

int
log_open(const char *path, uid_t owner)
{
	log_path = path;
	log_owner = owner;
	return log_reopen();
}

int
log_reopen(void)
{
	int	 fd, err;

	if (log_path == NULL)
		return 0;
	if ((fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640)) < 0)
		return -1;
	if ((log_owner != (uid_t)-1 && geteuid() == 0 &&
	    fchown(fd, log_owner, (gid_t)-1) < 0) ||
	    dup2(fd, STDERR_FILENO) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	return 0;
}

void
log_set_worker(int worker)
{
	log_worker = worker;
}

/*
 * Writes whole lines (p[0..len) ends with a newline) to stderr, in writes
 * of at most PIPE_BUF bytes cut after a newline (a single longer line goes
 * alone), retrying short writes.  Gives up silently: there is nowhere left
 * to report it.
 */
static void
log_write(const char *p, size_t len)
{
	size_t	 n;
	ssize_t	 w;

	while (len > 0) {
		n = len;
		if (n > PIPE_BUF) {
			n = PIPE_BUF;
			while (n > 0 && p[n - 1] != '\n')
				n--;
			if (n == 0)
				n = len;	/* one long line: whole */
		}
		if ((w = write(STDERR_FILENO, p, n)) <= 0)
			return;
		p += w;
		len -= (size_t)w;
	}
}

/* Queues a request line for the writer, or writes it if there is none. */
static void
log_queue(const char *line, size_t len)
{
	bool	 wake;

	pthread_mutex_lock(&lq.lock);
	if (!lq.running || len > LOG_QUEUE_SIZE - lq.len) {
		/* No writer, or it fell behind: write it here. */
		pthread_mutex_unlock(&lq.lock);
		log_write(line, len);
		return;
	}
	memcpy(lq.data[lq.cur] + lq.len, line, len);
	lq.len += len;
	wake = lq.idle;
	lq.idle = false;
	pthread_mutex_unlock(&lq.lock);
	if (wake)
		pthread_cond_signal(&lq.cond);
}

/*
 * The writer: sleeps on cond while nothing is queued; once lines arrive,
 * lets more gather for LOG_FLUSH_MS (none when stopping), then writes them.
 * Ends when stopping and the queue is empty.
 */
static void *
log_writer(void *arg)
{
	const struct timespec	 pause = { 0, LOG_FLUSH_MS * 1000000L };
	const char		*data;
	size_t			 len;

	(void)arg;
	pthread_mutex_lock(&lq.lock);
	for (;;) {
		while (lq.len == 0 && !lq.stopping) {
			lq.idle = true;
			pthread_cond_wait(&lq.cond, &lq.lock);
		}
		lq.idle = false;
		if (lq.len == 0)
			break;		/* stopping, all written */
		if (!lq.stopping) {
			pthread_mutex_unlock(&lq.lock);
			nanosleep(&pause, NULL);
			pthread_mutex_lock(&lq.lock);
		}
		data = lq.data[lq.cur];
		len = lq.len;
		lq.cur ^= 1;
		lq.len = 0;
		/* data is the writer's alone until its next swap. */
		pthread_mutex_unlock(&lq.lock);
		log_write(data, len);
		pthread_mutex_lock(&lq.lock);
	}
	pthread_mutex_unlock(&lq.lock);
	return NULL;
}

int
log_start(void)
{
	int	 rc = 0;

	pthread_mutex_lock(&lq.lock);
	if (!lq.running) {
		lq.stopping = false;
		if (pthread_create(&lq.thread, NULL, log_writer, NULL) != 0)
			rc = -1;
		else
			lq.running = true;
	}
	pthread_mutex_unlock(&lq.lock);
	return rc;
}

void
log_stop(void)
{
	pthread_mutex_lock(&lq.lock);
	if (!lq.running) {
		pthread_mutex_unlock(&lq.lock);
		return;
	}
	/* From here request lines are written by their threads. */
	lq.running = false;
	lq.stopping = true;
	pthread_mutex_unlock(&lq.lock);
	pthread_cond_signal(&lq.cond);
	pthread_join(lq.thread, NULL);
}

/*
 * Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 bytes and a NUL) into dst.  The part
 * down to the second is formatted once a second per thread.
 */
static void
log_time(char dst[LOG_TIME_LEN + 1])
{
	static _Thread_local time_t	 cached_sec = (time_t)-1;
	static _Thread_local char	 cached[LOG_TIME_LEN + 1];
	struct timespec	 ts;
	struct tm	 tm;
	int		 ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != cached_sec) {
		gmtime_r(&ts.tv_sec, &tm);
		if (strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S",
		    &tm) != 19)
			memcpy(cached, "0000-00-00T00:00:00", 20);
		cached_sec = ts.tv_sec;
	}
	memcpy(dst, cached, 19);
	ms = (int)(ts.tv_nsec / 1000000) % 1000;
	dst[19] = '.';
	dst[20] = (char)('0' + ms / 100);
	dst[21] = (char)('0' + ms / 10 % 10);
	dst[22] = (char)('0' + ms % 10);
	dst[23] = 'Z';
	dst[24] = '\0';
}

/* A new log object holding the time and the worker number. */
static json_t *
log_begin(void)
{
	char	 when[LOG_TIME_LEN + 1];
	json_t	*obj = json_object();

	log_time(when);
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
	log_write(line, len + 1);
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

/*
 * A line being built in a fixed buffer (struct lline); an append that does
 * not fit marks it truncated and the line is dropped.
 */
struct lline {
	char	 buf[512];
	size_t	 len;
	bool	 full;
};

static void
lline_put(struct lline *l, const char *s, size_t n)
{
	if (l->full || n > sizeof(l->buf) - l->len) {
		l->full = true;
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void
lline_puts(struct lline *l, const char *s)
{
	lline_put(l, s, strlen(s));
}

/* Appends the decimal digits of v. */
static void
lline_uint(struct lline *l, uint64_t v)
{
	char	 d[BUF_DIGITS];
	size_t	 i = buf_digits(v, d);

	lline_put(l, d + i, BUF_DIGITS - i);
}

/*
 * Appends s as a JSON string, escaped as jansson escapes it (", \ and the
 * control characters; other bytes as they are).  s must be valid UTF-8:
 * log_request() is only given the program's own method and route names.
 */
static void
lline_str(struct lline *l, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	const char		*run = s;
	char			 esc[6];
	unsigned char		 c;

	lline_put(l, "\"", 1);
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		lline_put(l, run, (size_t)(s - run));
		run = s + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': case '\\': esc[1] = (char)c; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			lline_put(l, esc, 6);
			continue;
		}
		lline_put(l, esc, 2);
	}
	lline_put(l, run, (size_t)(s - run));
	lline_put(l, "\"", 1);
}

/*
 * The request line, with the keys of log_begin() and in jansson's compact
 * form: {"time":...,"worker":N,"method":...,"route":...,"status":N,
 * "duration_us":N}, queued for the writer (log_queue()).
 */
void
log_request(const char *method, const char *route, int status,
    uint64_t duration_us)
{
	struct lline	 l;
	char		 when[LOG_TIME_LEN + 1];

	l.len = 0;
	l.full = false;
	log_time(when);
	lline_puts(&l, "{\"time\":\"");
	lline_put(&l, when, LOG_TIME_LEN);
	lline_puts(&l, "\"");
	if (log_worker >= 0) {
		lline_puts(&l, ",\"worker\":");
		lline_uint(&l, (uint64_t)log_worker);
	}
	lline_puts(&l, ",\"method\":");
	lline_str(&l, method);
	lline_puts(&l, ",\"route\":");
	lline_str(&l, route);
	lline_puts(&l, ",\"status\":");
	if (status < 0) {
		lline_puts(&l, "-");
		lline_uint(&l, (uint64_t)-(int64_t)status);
	} else
		lline_uint(&l, (uint64_t)status);
	lline_puts(&l, ",\"duration_us\":");
	lline_uint(&l, duration_us);
	lline_puts(&l, "}\n");
	if (!l.full)
		log_queue(l.buf, l.len);
}

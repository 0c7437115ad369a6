/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The hashers (see hashpool.h).  Each is a child forked from the worker
 * before its threads start, talking over a SOCK_SEQPACKET pair: a caller
 * takes a free hasher, sends it a message (the function and the job's
 * bytes: a forked child has the same code at the same addresses), and
 * reads the job back.  A hasher that stops answering is dropped and the
 * job runs in the caller instead.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "concerto/hashpool.h"
#include "concerto/log.h"
#include "concerto/mem.h"

#define HASHER_NICE	10
#define HASHER_NICE_S	"10"	/* the same, as /proc/self/autogroup takes it */
#define HASHER_FD	3	/* a hasher's socket, all it keeps open */

struct hasher_msg {
	void		(*fn)(void *);
	size_t		 len;
	unsigned char	 job[HASHPOOL_JOB_MAX];
};

struct hasher {
	int		 fd;		/* -1: gone */
	pid_t		 pid;
	bool		 busy;
};

struct hashpool {
	pthread_mutex_t	 mu;
	pthread_cond_t	 freed;		/* a hasher is free, or gone */
	struct hasher	*hashers;
	int		 n;
	int		 live;		/* hashers with a socket */
	int		 inflight;	/* reservations held */
	int		 max_inflight;
};

/*
 * Puts the hasher's autogroup (the session setsid() made) at HASHER_NICE;
 * 0 or -1.  The kernel takes one such change a tenth of a second from an
 * unprivileged process (EAGAIN otherwise: the hashers of every worker
 * start at once), and after a change of user the process is not dumpable,
 * so its /proc files are root's: it is dumpable for the write only.
 */
static int
hasher_autogroup_nice(void)
{
	static const char nice[] = HASHER_NICE_S;
	int	 fd, tries, rc = -1, err = 0,
		 dumpable = prctl(PR_GET_DUMPABLE);

	if (dumpable == 0 && prctl(PR_SET_DUMPABLE, 1) < 0)
		return -1;
	for (tries = 0; tries < 40 && rc < 0; tries++) {
		if ((fd = open("/proc/self/autogroup", O_WRONLY | O_CLOEXEC)) < 0) {
			err = errno;
			break;
		}
		if (write(fd, nice, sizeof(nice) - 1) ==
		    (ssize_t)(sizeof(nice) - 1))
			rc = 0;
		else if ((err = errno) != EAGAIN)
			tries = 40;
		close(fd);
		if (rc < 0 && tries < 40)
			usleep(50000 + (useconds_t)(getpid() % 50) * 1000);
	}
	if (dumpable == 0)
		(void)prctl(PR_SET_DUMPABLE, 0);
	errno = err;
	return rc;
}

/*
 * Lowers the hasher's weight: its autogroup, where the kernel groups tasks
 * by session, and its nice value, where it does not.  Either may be
 * refused (no autogroups; the unit's system call filter): the hasher works
 * all the same.
 */
static void
hasher_lower_priority(void)
{
	if (hasher_autogroup_nice() < 0 && errno != ENOENT)
		log_warn("hashpool: cannot lower the hashers' autogroup: %s",
		    strerror(errno));
	if (setpriority(PRIO_PROCESS, 0, HASHER_NICE) < 0)
		log_warn("hashpool: cannot lower the hashers' priority: %s",
		    strerror(errno));
}

/* A hasher: runs the jobs that come on fd until its worker closes it. */
static void __attribute__((noreturn))
hasher_main(int fd, pid_t parent)
{
	struct hasher_msg	 m;
	ssize_t			 got;
	size_t			 len;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(0);
	(void)setsid();
	hasher_lower_priority();	/* while the log is open */
	if (fd != HASHER_FD && (dup2(fd, HASHER_FD) < 0 || close(fd) < 0))
		_exit(1);
	(void)close_range(HASHER_FD + 1, ~0U, 0);
	for (;;) {
		got = recv(HASHER_FD, &m, sizeof(m), 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if ((size_t)got < offsetof(struct hasher_msg, job) ||
		    m.len > HASHPOOL_JOB_MAX ||
		    (size_t)got != offsetof(struct hasher_msg, job) + m.len)
			break;
		len = m.len;
		m.fn(m.job);
		got = send(HASHER_FD, m.job, len, MSG_NOSIGNAL);
		explicit_bzero(&m, sizeof(m));
		if (got != (ssize_t)len)
			break;
	}
	explicit_bzero(&m, sizeof(m));
	_exit(0);
}

/* Forks one hasher into h; 0 or -1. */
static int
hasher_fork(struct hashpool *p, struct hasher *h)
{
	int	 sv[2], i;
	pid_t	 self = getpid();

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if ((h->pid = fork()) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (h->pid == 0) {
		close(sv[0]);
		for (i = 0; i < p->n; i++)
			if (p->hashers[i].fd >= 0)
				close(p->hashers[i].fd);
		hasher_main(sv[1], self);
	}
	close(sv[1]);
	h->fd = sv[0];
	return 0;
}

struct hashpool *
hashpool_start(int n, int max_inflight)
{
	struct hashpool	*p = xcalloc(1, sizeof(*p));

	p->max_inflight = max_inflight;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->hashers = xcalloc((size_t)(n > 0 ? n : 1), sizeof(struct hasher));
	for (p->n = 0; p->n < n; p->n++)
		if (hasher_fork(p, &p->hashers[p->n]) < 0)
			break;
	p->live = p->n;
	if (p->n == 0) {
		log_warn("hashpool: no hasher (%s): hashing inline",
		    strerror(errno));
		hashpool_stop(p);
		return NULL;
	}
	return p;
}

void
hashpool_stop(struct hashpool *p)
{
	int	 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		if (p->hashers[i].fd >= 0)
			close(p->hashers[i].fd);
		while (waitpid(p->hashers[i].pid, NULL, 0) < 0 &&
		    errno == EINTR)
			continue;
	}
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->mu);
	free(p->hashers);
	free(p);
}

/* A free hasher, marked busy (waits for one); NULL when none is left. */
static struct hasher *
hasher_take(struct hashpool *p)
{
	struct hasher	*h = NULL;
	int		 i;

	pthread_mutex_lock(&p->mu);
	while (p->live > 0 && h == NULL) {
		for (i = 0; i < p->n && h == NULL; i++)
			if (p->hashers[i].fd >= 0 && !p->hashers[i].busy)
				h = &p->hashers[i];
		if (h == NULL)
			pthread_cond_wait(&p->freed, &p->mu);
	}
	if (h != NULL)
		h->busy = true;
	pthread_mutex_unlock(&p->mu);
	return h;
}

/* Gives h back; one that failed is closed for good (its child exits). */
static void
hasher_give(struct hashpool *p, struct hasher *h, bool answered)
{
	pthread_mutex_lock(&p->mu);
	h->busy = false;
	if (!answered) {
		log_warn("hashpool: hasher %d stopped answering; %d left",
		    (int)h->pid, p->live - 1);
		close(h->fd);
		h->fd = -1;
		p->live--;
	}
	pthread_cond_broadcast(&p->freed);
	pthread_mutex_unlock(&p->mu);
}

/* Sends the job to h and reads it back; false if h did not answer. */
static bool
hasher_call(struct hasher *h, void (*fn)(void *), void *job, size_t len)
{
	struct hasher_msg	*m = xcalloc(1, sizeof(*m));
	size_t			 size = offsetof(struct hasher_msg, job) + len;
	ssize_t			 got;
	bool			 ok = false;

	m->fn = fn;
	m->len = len;
	memcpy(m->job, job, len);
	if (send(h->fd, m, size, MSG_NOSIGNAL) != (ssize_t)size)
		goto out;
	do
		got = recv(h->fd, m->job, len, 0);
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)len)
		goto out;
	memcpy(job, m->job, len);
	ok = true;
out:
	explicit_bzero(m, sizeof(*m));
	free(m);
	return ok;
}

void
hashpool_run(struct hashpool *p, void (*fn)(void *), void *job, size_t len)
{
	struct hasher	*h;

	while (p != NULL && len <= HASHPOOL_JOB_MAX &&
	    (h = hasher_take(p)) != NULL) {
		if (hasher_call(h, fn, job, len)) {
			hasher_give(p, h, true);
			return;
		}
		hasher_give(p, h, false);
	}
	fn(job);
}

int
hashpool_reserve(struct hashpool *p)
{
	int	 rc = 0;

	if (p == NULL)
		return 0;
	pthread_mutex_lock(&p->mu);
	if (p->inflight >= p->max_inflight)
		rc = -1;
	else
		p->inflight++;
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void
hashpool_release(struct hashpool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->inflight--;
	pthread_mutex_unlock(&p->mu);
}

bool
hashpool_full(struct hashpool *p)
{
	bool	 full;

	if (p == NULL)
		return false;
	pthread_mutex_lock(&p->mu);
	full = p->inflight >= p->max_inflight;
	pthread_mutex_unlock(&p->mu);
	return full;
}

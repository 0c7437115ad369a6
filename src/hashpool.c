/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Low-priority hashing threads (see hashpool.h).  Jobs live on the stack of
 * the waiting caller; the queue only links them.
 */
#include <sys/resource.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "concerto/hashpool.h"
#include "concerto/log.h"
#include "concerto/mem.h"

struct job {
	void		(*fn)(void *);
	void		*arg;
	bool		 done;
	struct job	*next;
};

struct hashpool {
	pthread_mutex_t	 mu;
	pthread_cond_t	 queued;	/* a job arrived, or stop */
	pthread_cond_t	 finished;	/* some job is done */
	struct job	*head, *tail;
	bool		 stopping;
	pthread_t	*threads;
	int		 n;
	int		 inflight;	/* reservations held */
	int		 max_inflight;
};

static void *
hashpool_main(void *arg)
{
	struct hashpool	*p = arg;
	struct job	*j;

	/* Only this thread: on Linux a thread id names one thread. */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), 10) < 0)
		log_warn("hashpool: cannot lower the priority of hashing");
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->head == NULL && !p->stopping)
			pthread_cond_wait(&p->queued, &p->mu);
		if (p->head == NULL)
			break;
		j = p->head;
		p->head = j->next;
		if (p->head == NULL)
			p->tail = NULL;
		pthread_mutex_unlock(&p->mu);
		j->fn(j->arg);
		pthread_mutex_lock(&p->mu);
		j->done = true;
		pthread_cond_broadcast(&p->finished);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct hashpool *
hashpool_start(int n, int max_inflight)
{
	struct hashpool	*p = xcalloc(1, sizeof(*p));

	p->max_inflight = max_inflight;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->queued, NULL);
	pthread_cond_init(&p->finished, NULL);
	p->threads = xcalloc((size_t)n, sizeof(pthread_t));
	for (p->n = 0; p->n < n; p->n++)
		if (pthread_create(&p->threads[p->n], NULL, hashpool_main, p)
		    != 0)
			break;
	if (p->n == 0) {
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
	pthread_mutex_lock(&p->mu);
	p->stopping = true;
	pthread_cond_broadcast(&p->queued);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->n; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->queued);
	pthread_cond_destroy(&p->finished);
	pthread_mutex_destroy(&p->mu);
	free(p->threads);
	free(p);
}

void
hashpool_run(struct hashpool *p, void (*fn)(void *), void *arg)
{
	struct job	 j = { fn, arg, false, NULL };

	if (p == NULL) {
		fn(arg);
		return;
	}
	pthread_mutex_lock(&p->mu);
	if (p->tail != NULL)
		p->tail->next = &j;
	else
		p->head = &j;
	p->tail = &j;
	pthread_cond_signal(&p->queued);
	while (!j.done)
		pthread_cond_wait(&p->finished, &p->mu);
	pthread_mutex_unlock(&p->mu);
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

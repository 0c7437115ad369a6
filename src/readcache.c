/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The cache of shared reads (see readcache.h): a direct-mapped table of
 * slots, each keyed by route and URI, a collision replacing what the slot
 * held.  Nothing is invalidated: an entry is used while it is fresh, and
 * then only while a thread builds its successor (readcache.h).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "concerto/mem.h"
#include "concerto/readcache.h"

struct readcache_slot {
	pthread_mutex_t	 lock;
	int		 route;		/* -1: empty */
	char		*uri;
	char		*body;
	size_t		 len;
	struct readcache_meta meta;
	int64_t		 building;	/* when a rebuild was handed out; 0 */
};

struct readcache {
	struct readcache_slot	 slots[READCACHE_SLOTS];
};

/* FNV-1a over the route and the URI. */
static size_t
readcache_slot_of(int route, const char *uri)
{
	uint64_t	 h = 14695981039346656037ULL;
	const unsigned char *p;

	h = (h ^ (uint64_t)(unsigned)route) * 1099511628211ULL;
	for (p = (const unsigned char *)uri; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return (size_t)(h % READCACHE_SLOTS);
}

struct readcache *
readcache_new(void)
{
	struct readcache *rc = xcalloc(1, sizeof(*rc));
	size_t		 i;

	for (i = 0; i < READCACHE_SLOTS; i++) {
		pthread_mutex_init(&rc->slots[i].lock, NULL);
		rc->slots[i].route = -1;
	}
	return rc;
}

void
readcache_free(struct readcache *rc)
{
	size_t		 i;

	if (rc == NULL)
		return;
	for (i = 0; i < READCACHE_SLOTS; i++) {
		pthread_mutex_destroy(&rc->slots[i].lock);
		free(rc->slots[i].uri);
		free(rc->slots[i].body);
	}
	free(rc);
}

int64_t
readcache_clock(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool
readcache_get(struct readcache *rc, int route, const char *uri,
    int64_t now_ms, struct buf *body, struct readcache_meta *meta)
{
	struct readcache_slot *s = &rc->slots[readcache_slot_of(route, uri)];
	bool		 hit;

	pthread_mutex_lock(&s->lock);
	if (s->route != route || strcmp(s->uri, uri) != 0)
		hit = false;
	else if (s->meta.read_ms / 1000 == now_ms / 1000)
		hit = true;
	else if (s->building != 0 &&
	    now_ms - s->building < READCACHE_STALE_MS)
		hit = true;	/* another caller builds the next one */
	else {
		hit = false;
		s->building = now_ms;
	}
	if (hit) {
		buf_reset(body);
		buf_append(body, s->body, s->len);
		*meta = s->meta;
	}
	pthread_mutex_unlock(&s->lock);
	return hit;
}

void
readcache_put(struct readcache *rc, int route, const char *uri,
    const char *body, size_t len, const struct readcache_meta *meta)
{
	struct readcache_slot *s = &rc->slots[readcache_slot_of(route, uri)];
	char		*u, *b;

	if (len > READCACHE_MAX_BODY)
		return;
	/* Copied outside the lock, so that readers wait only for a swap. */
	u = xstrdup(uri);
	b = xmalloc(len + 1);
	memcpy(b, body, len);
	b[len] = '\0';
	pthread_mutex_lock(&s->lock);
	if (s->route == route && strcmp(s->uri, uri) == 0 &&
	    s->meta.read_ms > meta->read_ms) {
		pthread_mutex_unlock(&s->lock);
		free(u);
		free(b);
		return;
	}
	free(s->uri);
	free(s->body);
	s->route = route;
	s->uri = u;
	s->body = b;
	s->len = len;
	s->meta = *meta;
	s->building = 0;
	pthread_mutex_unlock(&s->lock);
}

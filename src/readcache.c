/*
 * The cache of shared reads (see readcache.h): a direct-mapped table of
 * slots, each keyed by route and URI, a collision replacing what the slot
 * held.  Nothing is invalidated: an entry is only used within the second
 * it was made.
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

bool
readcache_get(struct readcache *rc, int route, const char *uri,
    struct buf *body, struct readcache_meta *meta)
{
	struct readcache_slot *s = &rc->slots[readcache_slot_of(route, uri)];
	bool		 hit;

	pthread_mutex_lock(&s->lock);
	hit = s->route == route && s->meta.built == time(NULL) &&
	    strcmp(s->uri, uri) == 0;
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

	if (len > READCACHE_MAX_BODY || meta->built != time(NULL))
		return;
	/* Copied outside the lock, so that readers wait only for a swap. */
	u = xstrdup(uri);
	b = xmalloc(len + 1);
	memcpy(b, body, len);
	b[len] = '\0';
	pthread_mutex_lock(&s->lock);
	free(s->uri);
	free(s->body);
	s->route = route;
	s->uri = u;
	s->body = b;
	s->len = len;
	s->meta = *meta;
	pthread_mutex_unlock(&s->lock);
}

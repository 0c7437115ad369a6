/*
 * A worker's cache of shared reads: the bodies of 200 answers to GETs of
 * the routes whose answer depends only on the path, the query and whether
 * the viewer is staff (CACHE_SHARED in the route table), for viewers who
 * are not staff.  An answer is kept until the end of the wall-clock second
 * in which it was built, the rule nginx applies to the same answers
 * (response.c), so a change shows within a second whichever of the two
 * serves it.  Its threads share it; each slot has its own lock, held only
 * to copy a body in or out.  Memory is bounded: READCACHE_SLOTS bodies of
 * at most READCACHE_MAX_BODY bytes.
 */
#ifndef CONCERTO_READCACHE_H
#define CONCERTO_READCACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "concerto/buf.h"

#define READCACHE_SLOTS		64
#define READCACHE_MAX_BODY	(64 * 1024)

struct readcache;

struct readcache *readcache_new(void);
void	 readcache_free(struct readcache *);

/*
 * Copies into body the answer kept for key (route index and request URI
 * make it) and its content type into type (a static string), if one was
 * built this second.  Returns true on a hit.
 */
bool	 readcache_get(struct readcache *, int route, const char *uri,
	    struct buf *body, const char **type);

/* Keeps body[0..len) of content type type (a static string) for key. */
void	 readcache_put(struct readcache *, int route, const char *uri,
	    const char *body, size_t len, const char *type);

#endif

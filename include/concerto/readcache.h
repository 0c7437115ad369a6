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

#include <time.h>

#include "concerto/buf.h"
#include "concerto/etag.h"

#define READCACHE_SLOTS		64
#define READCACHE_MAX_BODY	(256 * 1024)

/* What is kept beside a body. */
struct readcache_meta {
	const char	*type;		/* content type, a static string */
	char		 etag[ETAG_LEN];	/* the body's (etag_of()) */
	time_t		 built;		/* the second it was read in */
};

struct readcache;

struct readcache *readcache_new(void);
void	 readcache_free(struct readcache *);

/*
 * Copies into body and meta the answer kept for key (route index and
 * request URI make it), if it was built this second.  Returns true on a
 * hit.
 */
bool	 readcache_get(struct readcache *, int route, const char *uri,
	    struct buf *body, struct readcache_meta *meta);

/*
 * Keeps body[0..len) and meta for key, unless the body is too large or
 * was built before this second (it could not be used).
 */
void	 readcache_put(struct readcache *, int route, const char *uri,
	    const char *body, size_t len, const struct readcache_meta *meta);

#endif

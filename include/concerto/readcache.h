/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A worker's cache of shared reads: the bodies of 200 answers to GETs of
 * the routes whose answer depends only on the path, the query and whether
 * the viewer is staff (CACHE_SHARED in the route table), for viewers who
 * are not staff, and the anonymous answers of CACHE_VIEWER routes.
 *
 * An answer is fresh until the end of the wall-clock second in which the
 * request that read it began, the rule nginx applies to the same answers
 * (response.c), so a change shows within a second and one read whichever
 * of the two serves it.  Once it is not, the first reader to miss builds
 * its successor and the others get it meanwhile, for at most
 * READCACHE_STALE_MS (nginx's "use_stale updating"): a burst builds an
 * answer once, not once per thread, and builds slowed by the burst (past
 * the second) do not make it worse.  Its threads share it;
 * each slot has its own lock, held only to copy a body in or out.  Memory
 * is bounded: READCACHE_SLOTS bodies of at most READCACHE_MAX_BODY bytes.
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
#define READCACHE_STALE_MS	5000

/* What is kept beside a body. */
struct readcache_meta {
	const char	*type;		/* content type, a static string */
	char		 etag[ETAG_LEN];	/* the body's (etag_of()) */
	int64_t		 read_ms;	/* when its request began */
};

struct readcache;

struct readcache *readcache_new(void);
void	 readcache_free(struct readcache *);

/* The cache's clock: the wall-clock time in milliseconds. */
int64_t	 readcache_clock(void);

/*
 * Copies into body and meta the answer kept for key (route index and
 * request URI make it) if it is fresh at now_ms (readcache_clock()), or
 * while another caller builds its successor.  Returns true on a hit; on a
 * miss, the caller is expected to build the answer and put it.
 */
bool	 readcache_get(struct readcache *, int route, const char *uri,
	    int64_t now_ms, struct buf *body, struct readcache_meta *meta);

/*
 * Keeps body[0..len) and meta for key, unless the body is too large or
 * the slot holds a newer answer for it.
 */
void	 readcache_put(struct readcache *, int route, const char *uri,
	    const char *body, size_t len, const struct readcache_meta *meta);

#endif

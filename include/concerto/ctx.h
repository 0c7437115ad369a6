/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * What a handler works with besides the HTTP request: the services of its
 * worker (configuration, database, shared region, hash pool, GeoIP) and
 * the viewer the router authenticated.  The worker fills one per request
 * and passes it beside the request, which knows HTTP only.
 */
#ifndef CONCERTO_CTX_H
#define CONCERTO_CTX_H

struct config;
struct db;
struct geo;
struct hashpool;
struct readcache;
struct request;
struct session;
struct shared;

struct ctx {
	const struct config	*cfg;
	struct db		*db;
	struct shared		*shared;
	struct hashpool		*hashpool;
	const struct geo	*geo;		/* NULL: GeoIP off */
	struct readcache	*readcache;	/* NULL: none (tools) */
	struct session		*session;	/* NULL when anonymous; owned */

	/*
	 * Set by a handler: work done once the response has gone out and
	 * the connection is closed, so that how long the answer took tells
	 * nothing of that work.  The request is whole but for envp,
	 * remote_addr and content_type (NULL: they went with the connection).
	 */
	void			(*deferred)(struct ctx *, struct request *);
};

#endif

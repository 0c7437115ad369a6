/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The router: one table of routes (method, pattern, handler, role, CSRF,
 * accepted fields), matched and enforced in one place before dispatch, in
 * the manner of kcgi's pages[] and Redis's command table.
 */
#ifndef CONCERTO_ROUTER_H
#define CONCERTO_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "concerto/http.h"

struct buf;
struct ctx;
struct request;
struct response;
struct field;

/* What a route requires of its caller; also the roles of accounts. */
enum role {
	ROLE_ANY,		/* no session needed */
	ROLE_SIGNED_IN,		/* any session, even unverified */
	ROLE_PARTICIPANT,	/* verified and not suspended: may contribute */
	ROLE_MODERATOR,		/* moderators and admins, with second factor */
	ROLE_ADMIN,		/* admins, with second factor */
	ROLE__MAX
};

const char	*role_name(enum role);

/*
 * Who may keep a GET's answer, and for whom it may be used again.  A route
 * says what its answer depends on; response.c turns that into Cache-Control,
 * an ETag and, for anonymous readers, the second nginx keeps it (X-Accel-
 * Expires).  Only 200 answers are kept.
 */
enum route_cache {
	CACHE_NONE,		/* the viewer's own data: no-store */
	CACHE_SHARED,		/* the path, the query and staff or not only */
	CACHE_VIEWER,		/* the viewer: shared between anonymous readers,
				   and made for others from theirs (view) */
};

/* "none", "shared" or "viewer", as `concerto routes` prints them. */
const char	*route_cache_name(enum route_cache);

typedef void (*route_handler)(struct ctx *, struct request *,
		    struct response *);

/*
 * How a CACHE_VIEWER route makes the answer of a signed-in viewer who is
 * not staff from the anonymous one (which the worker's cache may hold),
 * asked after authorization, before the handler.  of() returns
 *   VIEW_PUBLIC  theirs is the anonymous answer as it is;
 *   VIEW_MARKED  theirs is the anonymous answer once mark() has set on it
 *                *marks, what it shows them alone (the caller frees it);
 *   VIEW_OWN     it must be built for them (also on a failure).
 * mark() writes the answer's text in[0..len) with marks set into out
 * (json_mark() does for marks by object id); on -1, the answer is built
 * for the viewer instead.
 */
enum view { VIEW_OWN, VIEW_PUBLIC, VIEW_MARKED };
struct route_view {
	enum view	(*of)(struct ctx *, struct request *, json_t **marks);
	int		(*mark)(const char *in, size_t len, const json_t *marks,
			    struct buf *out);
};

struct route {
	enum http_method	 method;
	const char		*pattern;	/* "/api/v1/x/{id}" */
	route_handler		 handler;
	enum role		 role;
	bool			 csrf;		/* state-changing, cookie-bound */
	const struct field	*fields;	/* JSON body; NULL: no body */
	size_t			 nfields;
	const struct field	*query;		/* query parameters */
	size_t			 nquery;
	enum route_cache	 cache;
	const struct route_view	*view;		/* CACHE_VIEWER; NULL: none */
};

/* The table, in src/api/routes.c. */
extern const struct route	routes[];
extern const size_t		routes_count;

/*
 * Matches the request's path and method against the table, enforces role,
 * CSRF, content type and fields, then calls the handler.  Always leaves a
 * response (an error if anything was refused).
 */
void	 router_dispatch(struct ctx *, struct request *, struct response *);

/*
 * Matches path against pattern segment by segment ({id}: a number without
 * a leading zero, at most 18 digits; {slug}: lowercase letters, digits and
 * dashes, at most 64 bytes; another {name}: any segment of at most 256
 * bytes); on success copies the parameter segments into params[0..nparams)
 * (caller frees) if params is not NULL.
 */
bool	 router_pattern_match(const char *pattern, const char *path,
	    char **params, size_t nparams);

/* Index of the route matching method and path, or -1 (for tests). */
int	 router_match(enum http_method, const char *path, char **params,
	    size_t nparams);

#endif

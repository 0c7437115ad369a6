/*
 * Authentication and authorization at the edge: resolves the caller's
 * session and enforces the route's role and CSRF requirement.
 */
#ifndef CONCERTO_AUTH_H
#define CONCERTO_AUTH_H

struct request;
struct response;

/*
 * Resolves the session of the request (if any) into request->session and
 * checks it against request->route.  Returns 0 to go on, or -1 with the
 * response set (401, 403, 503).
 */
int	 auth_authorize(struct request *, struct response *);

#endif

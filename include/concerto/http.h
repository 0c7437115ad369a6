/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* HTTP vocabulary shared by the request layer, the router and the responses. */
#ifndef CONCERTO_HTTP_H
#define CONCERTO_HTTP_H

#include <stdbool.h>
#include <stddef.h>

enum http_method {
	METHOD_GET,
	METHOD_HEAD,
	METHOD_POST,
	METHOD_PUT,
	METHOD_PATCH,
	METHOD_DELETE,
	METHOD_OPTIONS,
	METHOD__MAX		/* also: an unknown method */
};

const char	*http_method_name(enum http_method);
enum http_method http_method_parse(const char *);
const char	*http_status_text(int status);

/* The origin of a URL (RFC 6454): scheme, host and port. */
struct http_origin {
	bool		 https;		/* else http */
	const char	*host;		/* into the parsed string */
	size_t		 hostlen;
	unsigned	 port;		/* 80 or 443 when not written */
};

/*
 * Parses the origin of s: "http" or "https" (any case), "://", a host (a
 * name or a [bracketed] IPv6 address) and an optional port.  With url, s is
 * a URL and may go on with a path, query or fragment; without, s is an
 * Origin header value and must end there.  Returns 0, or -1 for anything
 * else ("null", another scheme, user information, an empty host, a bad
 * port).  o->host points into s.
 */
int		 http_origin_parse(const char *s, bool url,
		    struct http_origin *o);

/* True if a and b are the same origin (hosts compared without case). */
bool		 http_origin_same(const struct http_origin *a,
		    const struct http_origin *b);

#endif

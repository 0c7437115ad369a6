/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The request layer: FastCGI parameters and body into a struct request.
 * It knows HTTP, not Concerto: paths, queries, cookies, headers and JSON
 * bodies.  It never touches the FastCGI stream itself; the worker hands it
 * the parameter array and a reader for the body.
 */
#ifndef CONCERTO_REQUEST_H
#define CONCERTO_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "concerto/http.h"

struct route;
struct field_value;

struct kv {
	char	*key;
	char	*val;
};

struct request {
	/* Filled by request_parse(). */
	enum http_method	 method;
	char			*path;		/* decoded, checked */
	struct kv		*query;
	size_t			 nquery;
	struct kv		*cookies;
	size_t			 ncookies;
	char *const		*envp;		/* FastCGI parameters, not owned */
	const char		*content_type;	/* NULL if none */
	const char		*remote_addr;	/* never stored, never logged */
	char			*body;		/* NUL-terminated, may be NULL */
	size_t			 bodylen;

	/* Filled by the router before the handler runs. */
	const struct route	*route;
	int			 route_index;
	char			*params[4];	/* raw {…} segments */
	int64_t			 id;		/* value of {id}, if any */
	json_t			*json;		/* parsed body, owned */
	struct field_value	*fields;	/* aligned with route->fields */
	struct field_value	*qfields;	/* aligned with route->query */
};

/* Reads up to n bytes of body; returns bytes read, 0 at end, -1 on error. */
typedef int (*request_read_fn)(void *arg, char *dst, int n);

/*
 * Parses the parameters and reads the body (at most max_body bytes).
 * Returns 0, or an HTTP status (400, 413) with *code and *msg set to the
 * error to send.  In both cases request_free() must be called.
 */
int	 request_parse(struct request *, char *const *envp, size_t max_body,
	    request_read_fn, void *arg, const char **code, const char **msg);
void	 request_free(struct request *);

/* A FastCGI parameter such as "HTTP_ORIGIN", or NULL. */
const char *request_param(const struct request *, const char *name);
const char *request_cookie(const struct request *, const char *name);
const char *request_query(const struct request *, const char *name);

/*
 * Decodes %XX escapes (and, when plus_is_space, '+') of src[0..len) into a
 * new string.  Returns NULL on a bad escape, an embedded NUL or invalid UTF-8.
 */
char	*request_decode(const char *src, size_t len, bool plus_is_space);

#endif

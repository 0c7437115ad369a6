/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Responses: a status, headers and a body (JSON through jansson, or text),
 * serialized in one place with the security headers every response carries.
 */
#ifndef CONCERTO_RESPONSE_H
#define CONCERTO_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "concerto/buf.h"
#include "concerto/etag.h"

struct response_header {
	char	*name;
	char	*value;
};

/*
 * Who may keep a 200 answer (other statuses are never kept).  A kept
 * answer carries an ETag, and a conditional GET whose If-None-Match names
 * it is answered 304 without a body.
 */
enum response_cache {
	RESPONSE_NO_STORE,	/* the default: Cache-Control: no-store */
	RESPONSE_PRIVATE,	/* the viewer's browser, revalidating each time */
	RESPONSE_PUBLIC,	/* any cache; nginx keeps it for a second */
};

struct response {
	int			 status;	/* 0 until set */
	const char		*content_type;
	json_t			*json;		/* owned; NULL for text bodies */
	struct buf		 text;		/* used when json is NULL */
	struct response_header	*headers;
	size_t			 nheaders;
	enum response_cache	 cache;
	char			*if_none_match;	/* owned; NULL: none sent */
	time_t			 built;		/* second it was read in */
	char			 etag[ETAG_LEN];	/* "": not computed */
};

/* How every JSON answer is encoded (jansson's flags). */
#define RESPONSE_JSON_FLAGS	(JSON_COMPACT | JSON_PRESERVE_ORDER | \
				 JSON_ENCODE_ANY | JSON_REAL_PRECISION(12))

void	 response_init(struct response *);
void	 response_free(struct response *);

/* Sets the status and a JSON body; takes ownership of body (may be NULL). */
void	 response_json(struct response *, int status, json_t *body);

/*
 * Sets a JSON error {"error":{"code","message","field"?}}.  Adds
 * Retry-After for 429 and 503.  field may be NULL.
 */
void	 response_error(struct response *, int status, const char *code,
	    const char *message, const char *field);

/* Sets a text body of the given content type; the text is copied. */
void	 response_text(struct response *, int status, const char *type,
	    const char *text, size_t len);

/* Adds a header; name and value are copied and must not contain CR/LF. */
void	 response_header(struct response *, const char *name, const char *value);

/*
 * Makes the response one that cache may keep (see enum response_cache),
 * built from what the database held at second built and revalidated
 * against if_none_match, the request's If-None-Match (NULL: none).  Has
 * no effect unless the status is 200 when it is serialized.
 */
void	 response_cache(struct response *, enum response_cache cache,
	    time_t built, const char *if_none_match);

/*
 * Encodes a JSON body into the text body as response_serialize() would
 * (the content type stays).  Returns 0, or -1 if it could not be encoded.
 */
int	 response_json_to_text(struct response *);

/*
 * Encodes a JSON body into the text body and computes its ETag, which
 * response_serialize() then uses as it is.  Returns 0, or -1 if the body
 * could not be encoded.
 */
int	 response_etag(struct response *);

/*
 * Serializes the response (CGI-style "Status:" header first) into out:
 * a 304 without a body when it may be kept and the client holds it.
 * Returns the status written, or -1 if the JSON body could not be encoded.
 */
int	 response_serialize(const struct response *, bool head, struct buf *out);

#endif

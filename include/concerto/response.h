/*
 * Responses: a status, headers and a body (JSON through jansson, or text),
 * serialized in one place with the security headers every response carries.
 */
#ifndef CONCERTO_RESPONSE_H
#define CONCERTO_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "concerto/buf.h"

struct response_header {
	char	*name;
	char	*value;
};

struct response {
	int			 status;	/* 0 until set */
	const char		*content_type;
	json_t			*json;		/* owned; NULL for text bodies */
	struct buf		 text;		/* used when json is NULL */
	struct response_header	*headers;
	size_t			 nheaders;
	bool			 cacheable;	/* default: Cache-Control: no-store */
};

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
 * Serializes the response (CGI-style "Status:" header first) into out.
 * Returns 0, or -1 if the JSON body could not be encoded.
 */
int	 response_serialize(const struct response *, bool head, struct buf *out);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Responses (see response.h).  The security headers every response carries
 * are added in response_serialize(), the one place responses are written.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "concerto/etag.h"
#include "concerto/http.h"
#include "concerto/mem.h"
#include "concerto/response.h"

#define JSON_TYPE	"application/json; charset=utf-8"

void
response_init(struct response *res)
{
	memset(res, 0, sizeof(*res));
	buf_init(&res->text, 0);
}

void
response_free(struct response *res)
{
	size_t	 i;

	json_decref(res->json);
	buf_free(&res->text);
	for (i = 0; i < res->nheaders; i++) {
		free(res->headers[i].name);
		free(res->headers[i].value);
	}
	free(res->headers);
	free(res->if_none_match);
	memset(res, 0, sizeof(*res));
}

void
response_json(struct response *res, int status, json_t *body)
{
	json_decref(res->json);
	buf_reset(&res->text);
	res->etag[0] = '\0';
	res->status = status;
	res->content_type = JSON_TYPE;
	res->json = body;
}

void
response_error(struct response *res, int status, const char *code,
    const char *message, const char *field)
{
	json_t	*err = json_object();

	json_object_set_new(err, "code", json_string(code));
	json_object_set_new(err, "message", json_string(message));
	if (field != NULL)
		json_object_set_new(err, "field", json_string(field));
	response_json(res, status, json_pack("{s:o}", "error", err));
	if (status == 429 || status == 503)
		response_header(res, "Retry-After", status == 503 ? "2" : "5");
}

void
response_text(struct response *res, int status, const char *type,
    const char *text, size_t len)
{
	json_decref(res->json);
	res->json = NULL;
	res->status = status;
	res->content_type = type;
	res->etag[0] = '\0';
	buf_reset(&res->text);
	buf_append(&res->text, text, len);
}

void
response_cache(struct response *res, enum response_cache cache,
    time_t built, const char *if_none_match)
{
	res->cache = cache;
	res->built = built;
	free(res->if_none_match);
	res->if_none_match = if_none_match != NULL ?
	    xstrdup(if_none_match) : NULL;
}

static bool
header_safe(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

void
response_header(struct response *res, const char *name, const char *value)
{
	size_t	 i;

	if (!header_safe(name) || !header_safe(value))
		return;
	for (i = 0; i < res->nheaders; i++)
		if (strcasecmp(res->headers[i].name, name) == 0) {
			free(res->headers[i].value);
			res->headers[i].value = xstrdup(value);
			return;
		}
	res->headers = xreallocarray(res->headers, res->nheaders + 1,
	    sizeof(*res->headers));
	res->headers[res->nheaders].name = xstrdup(name);
	res->headers[res->nheaders].value = xstrdup(value);
	res->nheaders++;
}

static bool
response_has(const struct response *res, const char *name)
{
	size_t	 i;

	for (i = 0; i < res->nheaders; i++)
		if (strcasecmp(res->headers[i].name, name) == 0)
			return true;
	return false;
}

/* The security headers, unless the handler chose its own value. */
static void
response_security(const struct response *res, enum response_cache cache,
    struct buf *out)
{
	if (!response_has(res, "Content-Security-Policy"))
		buf_puts(out, "Content-Security-Policy: default-src 'none'; "
		    "frame-ancestors 'none'; base-uri 'none'\r\n");
	if (!response_has(res, "X-Frame-Options") &&
	    !response_has(res, "Content-Security-Policy"))
		buf_puts(out, "X-Frame-Options: DENY\r\n");
	if (!response_has(res, "X-Content-Type-Options"))
		buf_puts(out, "X-Content-Type-Options: nosniff\r\n");
	if (!response_has(res, "Referrer-Policy"))
		buf_puts(out, "Referrer-Policy: no-referrer\r\n");
	if (response_has(res, "Cache-Control"))
		return;
	switch (cache) {
	case RESPONSE_NO_STORE:
		buf_puts(out, "Cache-Control: no-store\r\n");
		break;
	case RESPONSE_PRIVATE:
		buf_puts(out, "Cache-Control: private, no-cache\r\n");
		break;
	case RESPONSE_PUBLIC:
		/*
		 * Browsers revalidate at each use.  nginx (which does not
		 * pass X-Accel-Expires on) keeps it until the end of the
		 * current second: it counts whole seconds and finds an
		 * answer stale once its clock has passed the time given, so
		 * "@" the second the answer was read in bounds the age of
		 * what it serves by a second, where a relative "1" would let
		 * it reach two.  It comes first:
		 * nginx 1.22 reads the headers in order, and a no-cache
		 * read before it would forbid keeping the answer at all.
		 */
		buf_puts(out, "X-Accel-Expires: @");
		buf_putu(out, (uint64_t)(res->built > 0 ? res->built : 0));
		buf_puts(out, "\r\nCache-Control: public, no-cache\r\n");
		break;
	}
}

/* Appends "name: value\r\n". */
static void
response_put_header(struct buf *out, const char *name, const char *value)
{
	buf_puts(out, name);
	buf_append(out, ": ", 2);
	buf_puts(out, value);
	buf_append(out, "\r\n", 2);
}


int
response_json_to_text(struct response *res)
{
	char	*json;

	if (res->json == NULL)
		return 0;
	if ((json = json_dumps(res->json, RESPONSE_JSON_FLAGS)) == NULL)
		return -1;
	buf_reset(&res->text);
	buf_puts(&res->text, json);
	free(json);
	json_decref(res->json);
	res->json = NULL;
	return 0;
}

int
response_etag(struct response *res)
{
	if (response_json_to_text(res) < 0)
		return -1;
	etag_of(buf_str(&res->text), res->text.len, res->etag);
	return 0;
}

int
response_serialize(const struct response *res, bool head, struct buf *out)
{
	char	*json = NULL;
	const char *body;
	char	 etag[ETAG_LEN];
	size_t	 len, i;
	int	 status = res->status ? res->status : 500;
	enum response_cache cache = status == 200 ? res->cache :
	    RESPONSE_NO_STORE;

	if (res->json != NULL) {
		json = json_dumps(res->json, RESPONSE_JSON_FLAGS);
		if (json == NULL)
			return -1;
		body = json;
		len = strlen(json);
	} else {
		body = buf_str(&res->text);
		len = res->text.len;
	}
	if (cache != RESPONSE_NO_STORE) {
		if (res->json == NULL && res->etag[0] != '\0')
			memcpy(etag, res->etag, sizeof(etag));
		else
			etag_of(body, len, etag);
		if (etag_matches(res->if_none_match, etag))
			status = 304;
	}
	/* By hand rather than printf: this runs for every response. */
	buf_append(out, "Status: ", 8);
	buf_putu(out, (uint64_t)(status < 0 ? 0 : status));
	buf_putc(out, ' ');
	buf_puts(out, http_status_text(status));
	buf_append(out, "\r\n", 2);
	if (status != 204 && status != 304 && res->content_type != NULL)
		response_put_header(out, "Content-Type", res->content_type);
	if (status != 204 && status != 304) {
		buf_puts(out, "Content-Length: ");
		buf_putu(out, len);
		buf_append(out, "\r\n", 2);
	}
	if (cache != RESPONSE_NO_STORE)
		response_put_header(out, "ETag", etag);
	response_security(res, cache, out);
	for (i = 0; i < res->nheaders; i++)
		response_put_header(out, res->headers[i].name,
		    res->headers[i].value);
	buf_append(out, "\r\n", 2);
	if (!head && status != 204 && status != 304)
		buf_append(out, body, len);
	free(json);
	return status;
}

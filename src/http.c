/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * HTTP method names, status texts and origins.
 */
#include <string.h>
#include <strings.h>

#include "concerto/http.h"

static const char *const methods[METHOD__MAX] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
};

const char *
http_method_name(enum http_method m)
{
	return m < METHOD__MAX ? methods[m] : "OTHER";
}

enum http_method
http_method_parse(const char *s)
{
	int	 i;

	if (s == NULL)
		return METHOD__MAX;
	for (i = 0; i < METHOD__MAX; i++)
		if (strcmp(s, methods[i]) == 0)
			return (enum http_method)i;
	return METHOD__MAX;
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 428: return "Precondition Required";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	default:  return "Unknown";
	}
}

/* Reads the port of s[0..len): 1-65535, digits only; -1 if not one. */
static int
http_port_parse(const char *s, size_t len, unsigned *port)
{
	unsigned	 v = 0;
	size_t		 i;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = v;
	return 0;
}

int
http_origin_parse(const char *s, bool url, struct http_origin *o)
{
	const char	*auth, *end, *colon;
	size_t		 len;

	if (strncasecmp(s, "https://", 8) == 0) {
		o->https = true;
		auth = s + 8;
	} else if (strncasecmp(s, "http://", 7) == 0) {
		o->https = false;
		auth = s + 7;
	} else
		return -1;
	len = url ? strcspn(auth, "/?#") : strlen(auth);
	end = auth + len;
	if (len == 0 || memchr(auth, '@', len) != NULL ||
	    strcspn(auth, "/?# \t\r\n") < len)
		return -1;
	if (auth[0] == '[') {
		if ((colon = memchr(auth, ']', len)) == NULL)
			return -1;
		colon++;
		if (colon < end && *colon != ':')
			return -1;
	} else if ((colon = memchr(auth, ':', len)) == NULL)
		colon = end;
	o->host = auth;
	o->hostlen = (size_t)(colon - auth);
	o->port = o->https ? 443 : 80;
	if (o->hostlen == 0 || (o->hostlen == 2 && auth[0] == '['))
		return -1;
	if (colon < end && http_port_parse(colon + 1,
	    (size_t)(end - colon - 1), &o->port) < 0)
		return -1;
	return 0;
}

bool
http_origin_same(const struct http_origin *a, const struct http_origin *b)
{
	return a->https == b->https && a->port == b->port &&
	    a->hostlen == b->hostlen &&
	    strncasecmp(a->host, b->host, a->hostlen) == 0;
}

/*
 * HTTP method names and status texts.
 */
#include <string.h>

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

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The request layer (see request.h): FastCGI parameters into a request.
 * Everything a client controls is decoded and checked here once: the path
 * (percent-decoding, UTF-8, no dot segments), the query, the cookies and the
 * size of the body.  JSON bodies are parsed later by the router, which knows
 * whether the route takes one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/field.h"
#include "concerto/mem.h"
#include "concerto/hex.h"
#include "concerto/request.h"
#include "concerto/router.h"
#include "concerto/utf8.h"

char *
request_decode(const char *src, size_t len, bool plus_is_space)
{
	char	*out = xmalloc(len + 1);
	size_t	 i, o = 0;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (src[i] == '%') {
			if (len - i < 3)
				goto fail;
			if ((hi = hex_digit(src[i + 1])) < 0 ||
			    (lo = hex_digit(src[i + 2])) < 0)
				goto fail;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (src[i] == '+' && plus_is_space)
			out[o++] = ' ';
		else
			out[o++] = src[i];
	}
	out[o] = '\0';
	if (memchr(out, '\0', o) != NULL || !utf8_valid(out, o))
		goto fail;
	return out;
fail:
	free(out);
	return NULL;
}

/*
 * Decodes the path part of REQUEST_URI.  Refuses encoded slashes and
 * backslashes (they would change the segments), control characters and
 * "." or ".." segments.  Returns NULL if the path is not acceptable.
 */
static char *
request_path(const char *uri, size_t len)
{
	char	*path;
	size_t	 i, seg;

	if (len == 0 || uri[0] != '/')
		return NULL;
	for (i = 0; i + 2 < len; i++)
		if (uri[i] == '%' &&
		    ((uri[i + 1] == '2' && (uri[i + 2] | 0x20) == 'f') ||
		     (uri[i + 1] == '5' && (uri[i + 2] | 0x20) == 'c')))
			return NULL;
	if ((path = request_decode(uri, len, false)) == NULL)
		return NULL;
	len = strlen(path);
	if (utf8_has_control(path, len, false) || strchr(path, '\\') != NULL)
		goto fail;
	for (i = 0; i < len; i = seg) {
		seg = i + 1;
		while (seg < len && path[seg] != '/')
			seg++;
		if ((seg - i == 2 && path[i + 1] == '.') ||
		    (seg - i == 3 && path[i + 1] == '.' && path[i + 2] == '.'))
			goto fail;
	}
	return path;
fail:
	free(path);
	return NULL;
}

/* Splits "a=1&b=2" into decoded pairs; -1 on a bad escape. */
static int
request_query_parse(struct request *r, const char *qs)
{
	const char	*p = qs, *end, *eq;

	while (*p != '\0') {
		end = strchr(p, '&');
		if (end == NULL)
			end = p + strlen(p);
		if (end > p) {
			struct kv	 kv;

			eq = memchr(p, '=', (size_t)(end - p));
			kv.key = request_decode(p,
			    (size_t)((eq ? eq : end) - p), true);
			kv.val = eq ? request_decode(eq + 1,
			    (size_t)(end - eq - 1), true) : xstrdup("");
			if (kv.key == NULL || kv.val == NULL ||
			    r->nquery >= 64) {
				free(kv.key);
				free(kv.val);
				return -1;
			}
			r->query = xreallocarray(r->query, r->nquery + 1,
			    sizeof(struct kv));
			r->query[r->nquery++] = kv;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* Splits "a=b; c=d"; pairs that are not name=value are skipped. */
static void
request_cookies_parse(struct request *r, const char *hdr)
{
	const char	*p = hdr, *end, *eq;

	while (*p != '\0' && r->ncookies < 32) {
		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL && eq > p) {
			r->cookies = xreallocarray(r->cookies, r->ncookies + 1,
			    sizeof(struct kv));
			r->cookies[r->ncookies].key = xstrndup(p,
			    (size_t)(eq - p));
			r->cookies[r->ncookies].val = xstrndup(eq + 1,
			    (size_t)(end - eq - 1));
			r->ncookies++;
		}
		p = end;
	}
}

/* Reads exactly len bytes of body; -1 on a short read. */
static int
request_body_read(struct request *r, size_t len, request_read_fn rd,
    void *arg)
{
	size_t	 got = 0;
	int	 n;

	r->body = xmalloc(len + 1);
	while (got < len) {
		n = rd(arg, r->body + got, (int)(len - got));
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	r->body[len] = '\0';
	r->bodylen = len;
	return 0;
}

const char *
request_param(const struct request *r, const char *name)
{
	size_t		 n = strlen(name);
	char *const	*e;

	if (r->envp == NULL)
		return NULL;
	for (e = r->envp; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static const char *
kv_find(const struct kv *kv, size_t n, const char *key)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].val;
	return NULL;
}

const char *
request_cookie(const struct request *r, const char *name)
{
	return kv_find(r->cookies, r->ncookies, name);
}

const char *
request_query(const struct request *r, const char *name)
{
	return kv_find(r->query, r->nquery, name);
}

/* The parameters request_parse() reads, in the order of enum scan_param. */
enum scan_param {
	SCAN_METHOD, SCAN_CONTENT_TYPE, SCAN_REMOTE_ADDR, SCAN_URI,
	SCAN_COOKIE, SCAN_CONTENT_LENGTH, SCAN__MAX
};

static const struct {
	const char	*name;
	size_t		 len;
} scan_names[SCAN__MAX] = {
	{ "REQUEST_METHOD", 14 }, { "CONTENT_TYPE", 12 },
	{ "REMOTE_ADDR", 11 }, { "REQUEST_URI", 11 }, { "HTTP_COOKIE", 11 },
	{ "CONTENT_LENGTH", 14 },
};

/*
 * Finds the parameters of scan_names in one pass over envp (rather than
 * one request_param() each), the first occurrence of each as
 * request_param() would; those absent are NULL.
 */
static void
request_scan(char *const *envp, const char *val[SCAN__MAX])
{
	char *const	*e;
	size_t		 i, n, found = 0;

	for (i = 0; i < SCAN__MAX; i++)
		val[i] = NULL;
	for (e = envp; e != NULL && *e != NULL && found < SCAN__MAX; e++)
		for (i = 0; i < SCAN__MAX; i++) {
			n = scan_names[i].len;
			if (val[i] != NULL || (*e)[0] != scan_names[i].name[0] ||
			    strncmp(*e, scan_names[i].name, n) != 0 ||
			    (*e)[n] != '=')
				continue;
			val[i] = *e + n + 1;
			found++;
			break;
		}
}

int
request_parse(struct request *r, char *const *envp, size_t max_body,
    request_read_fn rd, void *arg, const char **code, const char **msg)
{
	const char	*uri, *q, *cl, *cookie, *val[SCAN__MAX];
	char		*end;
	unsigned long long len = 0;

	r->envp = envp;
	r->route_index = -1;
	request_scan(envp, val);
	r->method = http_method_parse(val[SCAN_METHOD]);
	r->content_type = val[SCAN_CONTENT_TYPE];
	if (r->content_type != NULL && *r->content_type == '\0')
		r->content_type = NULL;
	r->remote_addr = val[SCAN_REMOTE_ADDR];

	if ((uri = val[SCAN_URI]) == NULL)
		uri = "/";
	q = strchr(uri, '?');
	r->path = request_path(uri, q ? (size_t)(q - uri) : strlen(uri));
	if (r->path == NULL) {
		*code = "invalid_path";
		*msg = "The path is not a valid, normalized URL path.";
		return 400;
	}
	if (q != NULL && request_query_parse(r, q + 1) == -1) {
		*code = "invalid_query";
		*msg = "The query string is badly encoded.";
		return 400;
	}
	if ((cookie = val[SCAN_COOKIE]) != NULL)
		request_cookies_parse(r, cookie);

	if ((cl = val[SCAN_CONTENT_LENGTH]) != NULL && *cl != '\0') {
		errno = 0;
		len = strtoull(cl, &end, 10);
		if (errno != 0 || *end != '\0' || *cl < '0' || *cl > '9') {
			*code = "invalid_content_length";
			*msg = "Content-Length is not a number.";
			return 400;
		}
	}
	if (len > max_body) {
		*code = "payload_too_large";
		*msg = "The request body is too large.";
		return 413;
	}
	if (len > 0 && request_body_read(r, (size_t)len, rd, arg) == -1) {
		*code = "incomplete_body";
		*msg = "The request body is shorter than its Content-Length.";
		return 400;
	}
	return 0;
}

static void
kv_free(struct kv *kv, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
}

void
request_free(struct request *r)
{
	size_t	 i;

	free(r->path);
	kv_free(r->query, r->nquery);
	kv_free(r->cookies, r->ncookies);
	free(r->body);
	for (i = 0; i < sizeof(r->params) / sizeof(r->params[0]); i++)
		free(r->params[i]);
	if (r->route != NULL) {
		field_values_free(r->fields, r->route->nfields);
		field_values_free(r->qfields, r->route->nquery);
	}
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The router (see router.h).  Everything a route declares is enforced here,
 * in this order, before its handler runs: path and method (404, 405 with
 * Allow), session and role (401, 403), CSRF (403), content type (415), JSON
 * syntax (400), fields and query parameters (400 naming the field); then
 * who may keep the answer, which the worker's cache of shared reads may
 * give at once (readcache.h), else the handler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "concerto/auth.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/log.h"
#include "concerto/mem.h"
#include "concerto/readcache.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/router.h"
#include "concerto/utf8.h"

static const char *const role_names[ROLE__MAX] = {
	"any", "signed_in", "participant", "moderator", "admin",
};

const char *
role_name(enum role r)
{
	return r < ROLE__MAX ? role_names[r] : "?";
}

const char *
route_cache_name(enum route_cache c)
{
	switch (c) {
	case CACHE_NONE:
		return "none";
	case CACHE_SHARED:
		return "shared";
	case CACHE_VIEWER:
		return "viewer";
	}
	return "?";
}

/* True if seg[0..len) fits the parameter kind named in {kind}. */
static bool
param_fits(const char *kind, size_t kindlen, const char *seg, size_t len)
{
	size_t	 i;

	if (len == 0)
		return false;
	if (kindlen == 2 && strncmp(kind, "id", 2) == 0) {
		if (len > 18 || seg[0] == '0')
			return false;
		for (i = 0; i < len; i++)
			if (seg[i] < '0' || seg[i] > '9')
				return false;
		return true;
	}
	if (kindlen == 4 && strncmp(kind, "slug", 4) == 0) {
		if (len > 64)
			return false;
		for (i = 0; i < len; i++)
			if (!((seg[i] >= 'a' && seg[i] <= 'z') ||
			    (seg[i] >= '0' && seg[i] <= '9') || seg[i] == '-'))
				return false;
		return true;
	}
	return len <= 256;
}

bool
router_pattern_match(const char *pat, const char *path, char **params,
    size_t nparams)
{
	const char	*pe, *se;
	size_t		 np = 0, plen, slen, i;
	char		*found[4] = { NULL };

	while (*pat == '/' && *path == '/') {
		pat++;
		path++;
		pe = strchr(pat, '/');
		if (pe == NULL)
			pe = pat + strlen(pat);
		se = strchr(path, '/');
		if (se == NULL)
			se = path + strlen(path);
		plen = (size_t)(pe - pat);
		slen = (size_t)(se - path);
		if (plen >= 2 && pat[0] == '{' && pat[plen - 1] == '}') {
			if (!param_fits(pat + 1, plen - 2, path, slen) ||
			    np >= 4)
				goto fail;
			found[np++] = xstrndup(path, slen);
		} else if (plen != slen || strncmp(pat, path, plen) != 0)
			goto fail;
		pat = pe;
		path = se;
	}
	if (*pat != '\0' || *path != '\0')
		goto fail;
	for (i = 0; i < np; i++) {
		if (params != NULL && i < nparams)
			params[i] = found[i];
		else
			free(found[i]);
	}
	return true;
fail:
	for (i = 0; i < np; i++)
		free(found[i]);
	return false;
}

int
router_match(enum http_method m, const char *path, char **params,
    size_t nparams)
{
	size_t	 i;

	for (i = 0; i < routes_count; i++)
		if (routes[i].method == m &&
		    router_pattern_match(routes[i].pattern, path, params,
		    nparams))
			return (int)i;
	return -1;
}

/* 404, or 405 with the Allow header listing the methods the path has. */
static void
router_refuse(struct request *req, struct response *res)
{
	struct buf	 allow;
	size_t		 i;
	unsigned	 seen = 0;

	buf_init(&allow, 0);
	for (i = 0; i < routes_count; i++) {
		if (seen & (1u << routes[i].method) ||
		    !router_pattern_match(routes[i].pattern, req->path, NULL,
		    0))
			continue;
		seen |= 1u << routes[i].method;
		if (allow.len > 0)
			buf_puts(&allow, ", ");
		buf_puts(&allow, http_method_name(routes[i].method));
		if (routes[i].method == METHOD_GET) {
			buf_puts(&allow, ", HEAD");
		}
	}
	if (seen == 0)
		response_error(res, 404, "not_found",
		    "There is nothing at this address.", NULL);
	else {
		response_error(res, 405, "method_not_allowed",
		    "This address does not accept this method.", NULL);
		response_header(res, "Allow", buf_str(&allow));
	}
	buf_free(&allow);
}

static bool
content_type_is_json(const char *ct)
{
	static const char	 json[] = "application/json";
	size_t			 n = sizeof(json) - 1;

	if (ct == NULL || strncasecmp(ct, json, n) != 0)
		return false;
	ct += n;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/* Parses and validates the JSON body; 0 or -1 with the response set. */
static int
router_body(struct request *req, struct response *res)
{
	const struct route	*rt = req->route;
	struct field_error	 err;
	json_error_t		 jerr;

	if (!content_type_is_json(req->content_type)) {
		response_error(res, 415, "unsupported_media_type",
		    "Send the body as application/json.", NULL);
		return -1;
	}
	if (req->bodylen > 0 && !utf8_valid(req->body, req->bodylen)) {
		response_error(res, 400, "invalid_utf8",
		    "The body is not valid UTF-8.", NULL);
		return -1;
	}
	req->json = json_loadb(req->body ? req->body : "", req->bodylen,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (req->json == NULL || !json_is_object(req->json)) {
		response_error(res, 400, "invalid_json", req->json == NULL ?
		    "The body is not valid JSON (or repeats a key)." :
		    "The body must be a JSON object.", NULL);
		return -1;
	}
	req->fields = xcalloc(rt->nfields, sizeof(struct field_value));
	if (field_check_json(rt->fields, rt->nfields, req->json, req->fields,
	    &err) < 0) {
		response_error(res, 400, err.code, err.message, err.field);
		return -1;
	}
	return 0;
}

static const char *
router_query_get(void *arg, const char *name)
{
	return request_query(arg, name);
}

/* Validates the declared query parameters; 0 or -1 with the response set. */
static int
router_query(struct request *req, struct response *res)
{
	const struct route	*rt = req->route;
	struct field_error	 err;

	req->qfields = xcalloc(rt->nquery, sizeof(struct field_value));
	if (field_check_query(rt->query, rt->nquery, router_query_get, req,
	    req->qfields, &err) < 0) {
		response_error(res, 400, err.code, err.message, err.field);
		return -1;
	}
	return 0;
}

/*
 * Says, before the handler runs, who may keep the answer of a route that
 * may be kept: any cache when the request carried no credential at all
 * (nginx keeps such answers to the end of the second and never looks at
 * those that carry one), the viewer's browser otherwise.  Both revalidate
 * with the ETag.
 */
static void
router_cache(const struct ctx *ctx, const struct request *req,
    struct response *res, int64_t now_ms)
{
	bool	 anonymous;

	if (req->route->cache == CACHE_NONE)
		return;
	anonymous = ctx->session == NULL &&
	    request_cookie(req, AUTH_COOKIE) == NULL &&
	    request_param(req, "HTTP_AUTHORIZATION") == NULL;
	response_cache(res, anonymous ? RESPONSE_PUBLIC : RESPONSE_PRIVATE,
	    (time_t)(now_ms / 1000), request_param(req, "HTTP_IF_NONE_MATCH"));
}

/*
 * How the viewer's answer is made (router.h's enum view): from the
 * anonymous one for a signed-in viewer who is not staff, if the route has
 * a view that says so; else for them alone.
 */
static enum view
router_view(struct ctx *ctx, struct request *req, json_t **marks)
{
	*marks = NULL;
	if (req->route->cache != CACHE_VIEWER || req->route->view == NULL ||
	    ctx->session == NULL || auth_is_staff(ctx->session))
		return VIEW_OWN;
	return req->route->view->of(ctx, req, marks);
}

/*
 * Sets the viewer's marks on the anonymous answer in res, if a 200; false
 * if they could not be set.
 */
static bool
router_mark(const struct request *req, struct response *res,
    const json_t *marks)
{
	struct buf	 out;
	bool		 ok;

	if (res->status != 200)
		return true;
	if (response_json_to_text(res) < 0)
		return false;
	buf_init(&out, 0);
	ok = req->route->view->mark(buf_str(&res->text), res->text.len, marks,
	    &out) == 0;
	if (ok)
		response_text(res, 200, res->content_type, buf_str(&out),
		    out.len);
	buf_free(&out);
	return ok;
}

/*
 * The URI that keys a read in the worker's cache, or NULL: the reads of
 * CACHE_SHARED routes by viewers who are not staff, and the anonymous
 * answers of CACHE_VIEWER ones (public: the viewer's is made from one).
 */
static const char *
router_shared_read(const struct ctx *ctx, const struct request *req,
    bool public)
{
	if (ctx->readcache == NULL || auth_is_staff(ctx->session))
		return NULL;
	if (req->route->cache == CACHE_SHARED ||
	    (req->route->cache == CACHE_VIEWER &&
	    (ctx->session == NULL || public)))
		return request_param(req, "REQUEST_URI");
	return NULL;
}

/*
 * Answers from the worker's cache; true if it did.  The answer says when
 * it was read, so that nginx keeps it no longer than it would have kept
 * the first.
 */
static bool
router_cache_get(struct ctx *ctx, const struct request *req,
    struct response *res, const char *uri, int64_t now_ms)
{
	struct readcache_meta meta;

	if (uri == NULL || !readcache_get(ctx->readcache, req->route_index,
	    uri, now_ms, &res->text, &meta))
		return false;
	json_decref(res->json);
	res->json = NULL;
	res->status = 200;
	res->content_type = meta.type;
	res->built = (time_t)(meta.read_ms / 1000);
	memcpy(res->etag, meta.etag, sizeof(res->etag));
	return true;
}

/*
 * Keeps a shared read's 200 answer in the worker's cache, with its ETag:
 * its body only, so an answer with headers of its own (the CSV's
 * Content-Disposition) is not kept.
 */
static void
router_cache_put(struct ctx *ctx, const struct request *req,
    struct response *res, const char *uri, int64_t read_ms)
{
	struct readcache_meta meta;

	if (uri == NULL || res->status != 200 || res->nheaders != 0 ||
	    response_etag(res) < 0)
		return;
	meta.type = res->content_type;
	memcpy(meta.etag, res->etag, sizeof(meta.etag));
	meta.read_ms = read_ms;
	readcache_put(ctx->readcache, req->route_index, uri,
	    buf_str(&res->text), res->text.len, &meta);
}

/*
 * Runs the handler; public: as for an anonymous reader (the session set
 * aside for the call), the answer the viewer's is made from.
 */
static void
router_handle(struct ctx *ctx, struct request *req, struct response *res,
    bool public)
{
	struct session	*session = ctx->session;

	if (public)
		ctx->session = NULL;
	req->route->handler(ctx, req, res);
	ctx->session = session;
}

void
router_dispatch(struct ctx *ctx, struct request *req, struct response *res)
{
	enum http_method	 m = req->method;
	const char		*uri;
	enum view		 view;
	json_t			*marks;
	int64_t			 now_ms;
	int			 i;

	if (m == METHOD__MAX) {
		router_refuse(req, res);
		return;
	}
	if (m == METHOD_HEAD)
		m = METHOD_GET;
	if ((i = router_match(m, req->path, req->params, 4)) < 0) {
		router_refuse(req, res);
		return;
	}
	req->route = &routes[i];
	req->route_index = i;
	if (req->params[0] != NULL && strstr(req->route->pattern, "{id}"))
		req->id = strtoll(req->params[0], NULL, 10);

	if (auth_authorize(ctx, req, res) < 0)
		return;
	if (req->route->fields != NULL && router_body(req, res) < 0)
		return;
	if (req->route->query != NULL && router_query(req, res) < 0)
		return;
	now_ms = readcache_clock();
	router_cache(ctx, req, res, now_ms);
	view = router_view(ctx, req, &marks);
	uri = router_shared_read(ctx, req, view != VIEW_OWN);
	if (!router_cache_get(ctx, req, res, uri, now_ms)) {
		router_handle(ctx, req, res, view != VIEW_OWN);
		router_cache_put(ctx, req, res, uri, now_ms);
	}
	if (view == VIEW_MARKED && !router_mark(req, res, marks)) {
		log_warn("%s: the viewer's marks could not be set on the "
		    "shared answer; built for them", req->route->pattern);
		router_handle(ctx, req, res, false);
	}
	json_decref(marks);
}

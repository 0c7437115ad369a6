/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Sessions and authorization at the edge (see auth.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "concerto/auth.h"
#include "concerto/config.h"
#include "concerto/ctx.h"
#include "concerto/db.h"
#include "concerto/http.h"
#include "concerto/log.h"
#include "concerto/mem.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

enum role
auth_role_parse(const char *s)
{
	if (s != NULL && strcmp(s, "admin") == 0)
		return ROLE_ADMIN;
	if (s != NULL && strcmp(s, "moderator") == 0)
		return ROLE_MODERATOR;
	return ROLE_PARTICIPANT;
}

static bool
method_changes_state(enum http_method m)
{
	return m != METHOD_GET && m != METHOD_HEAD && m != METHOD_OPTIONS;
}

/*
 * Defence in depth against cross-site requests: a browser tells where a
 * request comes from in Sec-Fetch-Site and Origin.  Anything but the public
 * origin (scheme, host and port of CONCERTO_PUBLIC_URL, not the request's
 * own Host, which the client chooses) or a direct navigation is refused for
 * state-changing methods.
 */
static bool
auth_cross_site(const struct ctx *ctx, const struct request *req)
{
	const char	*site = request_param(req, "HTTP_SEC_FETCH_SITE");
	const char	*origin = request_param(req, "HTTP_ORIGIN");
	struct http_origin ours, theirs;

	if (site != NULL && strcmp(site, "same-origin") != 0 &&
	    strcmp(site, "none") != 0)
		return true;
	if (origin == NULL)
		return false;
	return http_origin_parse(ctx->cfg->public_url, true, &ours) < 0 ||
	    http_origin_parse(origin, false, &theirs) < 0 ||
	    !http_origin_same(&ours, &theirs);
}

/* The token the caller presents, or NULL. */
static const char *
auth_token(const struct request *req, bool *bearer)
{
	const char	*h = request_param(req, "HTTP_AUTHORIZATION");

	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0) {
		*bearer = true;
		return h + 7;
	}
	*bearer = false;
	return request_cookie(req, AUTH_COOKIE);
}

/* The columns of STMT_SESSION_LOOKUP. */
enum session_col { SESSION_COL_ID, SESSION_COL_ACCOUNT, SESSION_COL_ROLE,
	SESSION_COL_VERIFIED, SESSION_COL_SECOND_FACTOR, SESSION_COL_CSRF_HASH,
	SESSION_COL_SUSPENDED, SESSION_COL_IDLE,
	SESSION_COL_AUTH_AGE, SESSION_COL_LANGUAGE, SESSION_COL_TOTP,
	SESSION_COL_POSTCODE, SESSION_COL_MARKED };

/* Reads the list "1,5,9" of marked consultations into s. */
static void
auth_marked_parse(struct session *s, const char *list)
{
	const char	*p = list;
	char		*end;

	s->nmarked = 0;
	while (p != NULL && *p != '\0') {
		if (s->nmarked == SESSION_MARKED) {
			s->nmarked = -1;
			return;
		}
		s->marked[s->nmarked++] = strtoll(p, &end, 10);
		p = *end == ',' ? end + 1 : NULL;
	}
}

/* Loads the session for token; DB_OK with *out NULL if there is none. */
static enum db_status
auth_session_load(struct ctx *ctx, struct request *req, const char *token,
    bool bearer, struct session **out)
{
	struct db_rows	*rows = NULL;
	struct session	*s;
	char		 hash[TOKEN_HASH_LEN + 3], idle[16];
	enum db_status	 rc;

	*out = NULL;
	if (!token_well_formed(token))
		return DB_OK;
	token_hash(token, hash);
	snprintf(idle, sizeof(idle), "%d", ctx->cfg->session_idle_s);
	rc = db_exec(ctx->db, STMT_SESSION_LOOKUP, DB_PARAMS(hash, idle),
	    &rows);
	if (rc != DB_OK || db_nrows(rows) == 0)
		goto out;
	s = xcalloc(1, sizeof(*s));
	s->id = db_int(rows, 0, SESSION_COL_ID);
	s->account_id = db_int(rows, 0, SESSION_COL_ACCOUNT);
	s->role = auth_role_parse(db_value(rows, 0, SESSION_COL_ROLE));
	s->verified = db_bool(rows, 0, SESSION_COL_VERIFIED);
	s->second_factor = db_bool(rows, 0, SESSION_COL_SECOND_FACTOR);
	snprintf(s->csrf_hash, sizeof(s->csrf_hash), "%s",
	    db_value(rows, 0, SESSION_COL_CSRF_HASH));
	s->suspended = db_bool(rows, 0, SESSION_COL_SUSPENDED);
	/* Only the Authorization header skips CSRF, whatever the kind. */
	s->bearer = bearer;
	s->auth_age_s = db_int(rows, 0, SESSION_COL_AUTH_AGE);
	snprintf(s->language, sizeof(s->language), "%s",
	    db_value(rows, 0, SESSION_COL_LANGUAGE));
	s->totp_enabled = db_bool(rows, 0, SESSION_COL_TOTP);
	if (!db_isnull(rows, 0, SESSION_COL_POSTCODE))
		snprintf(s->postcode, sizeof(s->postcode), "%s",
		    db_value(rows, 0, SESSION_COL_POSTCODE));
	auth_marked_parse(s, db_value(rows, 0, SESSION_COL_MARKED));
	/* Idle expiry counts from the last touch; touch at most once a minute. */
	if (db_int(rows, 0, SESSION_COL_IDLE) >= 60) {
		char	 id[24];

		snprintf(id, sizeof(id), "%lld", (long long)s->id);
		(void)db_exec(ctx->db, STMT_SESSION_TOUCH, DB_PARAMS(id), NULL);
	}
	*out = s;
out:
	db_rows_free(rows);
	return rc;
}

static bool
auth_csrf_ok(const struct request *req, const struct session *s)
{
	const char	*sent = request_param(req, "HTTP_X_CSRF_TOKEN");
	char		 hash[TOKEN_HASH_LEN + 3];

	if (s->bearer)
		return true;
	if (sent == NULL || !token_well_formed(sent))
		return false;
	token_hash(sent, hash);
	return token_equal(hash + 2, s->csrf_hash);
}

/* Checks what the route requires of a resolved session. */
static int
auth_require(const struct request *req, struct response *res,
    const struct session *s)
{
	enum role	 need = req->route->role;

	if (need >= ROLE_MODERATOR) {
		if (s->role < need) {
			response_error(res, 403, "forbidden",
			    "Your role does not allow this.", NULL);
			return -1;
		}
		if (!s->second_factor) {
			response_error(res, 403, "second_factor_required",
			    "Confirm your sign-in with your authenticator code.",
			    NULL);
			return -1;
		}
	}
	if (need >= ROLE_PARTICIPANT) {
		if (!s->verified) {
			response_error(res, 403, "email_not_verified",
			    "Confirm your e-mail address before contributing.",
			    NULL);
			return -1;
		}
		if (s->suspended) {
			response_error(res, 403, "account_suspended",
			    "Your account is suspended: you can read but not "
			    "contribute.", NULL);
			return -1;
		}
	}
	return 0;
}

int
auth_authorize(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct route	*rt = req->route;
	const char		*token;
	bool			 bearer;
	enum db_status		 rc;

	if (method_changes_state(req->method) && auth_cross_site(ctx, req)) {
		response_error(res, 403, "cross_site_request",
		    "This request did not come from this site.", NULL);
		return -1;
	}
	token = auth_token(req, &bearer);
	if (token != NULL) {
		rc = auth_session_load(ctx, req, token, bearer, &ctx->session);
		if (rc != DB_OK) {
			response_db_error(res, rc);
			return -1;
		}
	}
	if (rt->role == ROLE_ANY)
		return 0;
	if (ctx->session == NULL) {
		response_error(res, 401, "authentication_required",
		    "Sign in to do this.", NULL);
		if (token != NULL && !bearer)
			auth_cookie_clear(res);
		return -1;
	}
	if (rt->csrf && !auth_csrf_ok(req, ctx->session)) {
		response_error(res, 403, "csrf_failed",
		    "The X-CSRF-Token header is missing or wrong.", NULL);
		return -1;
	}
	return auth_require(req, res, ctx->session);
}

int
auth_session_start(struct ctx *ctx, struct request *req, struct response *res,
    int64_t account_id, bool second_factor, char csrf[TOKEN_LEN + 1])
{
	char		 token[TOKEN_LEN + 1], th[TOKEN_HASH_LEN + 3];
	char		 ch[TOKEN_HASH_LEN + 3], id[24], max[16];
	struct buf	 cookie;
	enum db_status	 rc;

	if (token_new(token) < 0 || token_new(csrf) < 0)
		return DB_ERROR;
	token_hash(token, th);
	token_hash(csrf, ch);
	snprintf(id, sizeof(id), "%lld", (long long)account_id);
	snprintf(max, sizeof(max), "%d", ctx->cfg->session_max_s);
	rc = db_exec(ctx->db, STMT_SESSION_INSERT, DB_PARAMS(th, ch, id,
	    "cookie", second_factor ? "true" : "false", max), NULL);
	if (rc != DB_OK)
		return rc;
	buf_init(&cookie, 0);
	buf_printf(&cookie, AUTH_COOKIE "=%s; Path=/; Max-Age=%d; Secure; "
	    "HttpOnly; SameSite=Lax", token, ctx->cfg->session_max_s);
	response_header(res, "Set-Cookie", buf_str(&cookie));
	buf_free(&cookie);
	return DB_OK;
}

bool
auth_is_staff(const struct session *s)
{
	return s != NULL && s->second_factor &&
	    (s->role == ROLE_MODERATOR || s->role == ROLE_ADMIN);
}

int
auth_comment_marked(const struct session *s, int64_t consultation)
{
	int	 i;

	if (s->nmarked < 0)
		return -1;
	for (i = 0; i < s->nmarked && s->marked[i] <= consultation; i++)
		if (s->marked[i] == consultation)
			return 1;
	return 0;
}

void
auth_cookie_clear(struct response *res)
{
	response_header(res, "Set-Cookie", AUTH_COOKIE "=; Path=/; Max-Age=0; "
	    "Secure; HttpOnly; SameSite=Lax");
}

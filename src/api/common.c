/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Helpers shared by the handlers (see api/common.h): refusal tables and
 * write refusals as responses, typed values to SQL parameters and JSON
 * columns back, pages and cursors, the viewer and their role.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/auth.h"
#include "concerto/config.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/network.h"
#include "concerto/phase.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"
#include "concerto/router.h"
#include "concerto/throttle.h"

void
api_wait_error(struct response *res, const char *code, const char *message,
    const char *field, int64_t wait)
{
	char	 after[API_INT_LEN];

	response_error(res, 429, code, message, field);
	response_header(res, "Retry-After", api_int(wait > 0 ? wait : 1, after));
}

int
api_network_budget(struct ctx *ctx, struct request *req, struct response *res,
    char kind, int allowed, int window_s)
{
	struct db_rows	*rows = NULL;
	char		 net[NETWORK_PREFIX_MAX], key[THROTTLE_HMAC_LEN + 1];
	char		 a[API_INT_LEN], w[API_INT_LEN];
	enum db_status	 rc;
	int64_t		 wait;

	network_prefix(req->remote_addr, net);
	throttle_hmac(ctx->cfg->throttle_key, kind, net, key);
	rc = db_exec(ctx->db, STMT_NETWORK_BUDGET, DB_PARAMS(key,
	    api_int(allowed, a), api_int(window_s, w)), &rows);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		return -1;
	}
	wait = db_int(rows, 0, 0);
	db_rows_free(rows);
	if (wait == 0)
		return 0;
	api_wait_error(res, "too_many_requests", "Too many requests from your "
	    "network; wait before trying again.", NULL, wait);
	return -1;
}

const char *
api_int(int64_t v, char buf[API_INT_LEN])
{
	snprintf(buf, API_INT_LEN, "%lld", (long long)v);
	return buf;
}

json_t *
api_json_text(const struct db_rows *rows, size_t row, size_t col)
{
	const char	*v = db_value(rows, row, col);

	return v != NULL ? json_string(v) : json_null();
}

void
api_email_normalize(const char *in, char out[API_EMAIL_LEN])
{
	size_t	 i;

	for (i = 0; in[i] != '\0' && i + 1 < API_EMAIL_LEN; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

bool
api_is_staff(const struct ctx *ctx)
{
	return auth_is_staff(ctx->session);
}

bool
api_is_admin(const struct ctx *ctx)
{
	return api_is_staff(ctx) && ctx->session->role == ROLE_ADMIN;
}

json_t *
api_json_parse(const struct db_rows *rows, size_t row, size_t col)
{
	const char	*v = db_value(rows, row, col);

	return v != NULL ? json_loads(v, 0, NULL) : NULL;
}

/*
 * The column holds JSON that PostgreSQL's JSON functions encoded (a JSON
 * encoder in its own right, escaping every string); it is sent as it is,
 * without a second parse and encoding in the worker.
 */
void
api_json_column(struct response *res, int status, const struct db_rows *rows,
    size_t row, size_t col)
{
	const char	*v = db_value(rows, row, col);

	if (v == NULL)
		response_db_error(res, DB_ERROR);
	else
		response_text(res, status, API_JSON_TYPE, v, strlen(v));
}

json_t *
api_json_rows(const struct db_rows *rows, size_t max)
{
	json_t	*list = json_array(), *item;
	size_t	 i;

	for (i = 0; i < db_nrows(rows) && i < max; i++)
		if ((item = api_json_parse(rows, i, 0)) != NULL)
			json_array_append_new(list, item);
	return list;
}

void
api_page(struct response *res, const char *key, const struct db_rows *rows,
    int64_t limit)
{
	size_t	 n = db_nrows(rows);

	response_json(res, 200, json_pack("{s:o,s:o}", key,
	    api_json_rows(rows, (size_t)limit), "next_cursor",
	    (int64_t)n > limit ? json_string(db_value(rows, (size_t)limit - 1,
	    1)) : json_null()));
}

void
api_not_found(struct response *res)
{
	response_error(res, 404, "not_found", "There is nothing here.", NULL);
}

int
api_consultation_shown(struct ctx *ctx, struct response *res, int64_t id)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 ids[API_INT_LEN];
	int		 ret = -1;

	rc = db_exec(ctx->db, STMT_CONSULTATION_PHASE,
	    DB_PARAMS(api_int(id, ids)), &rows);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if (db_nrows(rows) == 0 ||
	    phase_parse(db_value(rows, 0, 0)) < 0 ||
	    (phase_parse(db_value(rows, 0, 0)) == PHASE_DRAFT &&
	    !api_is_staff(ctx)))
		api_not_found(res);
	else
		ret = 0;
	db_rows_free(rows);
	return ret;
}

/*
 * Refusals the shared SQL helpers answer in place of a function's work:
 * idem_claim() for a key that came with another request, or (never seen
 * in a transaction that keeps its answer) one still unanswered.
 */
static const struct api_refusal common_refusals[] = {
	{ "idempotency_key_reused", 422, "This Idempotency-Key was used for "
	  "another request.", NULL, 0 },
	{ "idempotency_key_in_use", 409, "A request with this key is still "
	  "being handled.", NULL, 0 },
	{ NULL, 0, NULL, NULL, 0 }
};

const struct api_refusal *
api_refusal_find(const struct api_refusal *table, const char *code,
    const char *field)
{
	const struct api_refusal *tables[] = { table, common_refusals };
	const struct api_refusal *r;
	size_t		 i;

	if (code == NULL)
		return NULL;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		for (r = tables[i]; r->code != NULL; r++)
			if (strcmp(code, r->code) == 0 && (field == NULL ||
			    r->field == NULL || strcmp(field, r->field) == 0))
				return r;
	return NULL;
}

int
api_refuse(struct response *res, const struct api_refusal *table,
    const char *code)
{
	const struct api_refusal *r = api_refusal_find(table, code, NULL);

	if (r == NULL)
		response_db_error(res, DB_ERROR);
	else
		response_error(res, r->status, r->code, r->message, r->field);
	return -1;
}

bool
api_code_field_ok(struct response *res, enum db_status rc,
    const struct db_rows *rows, const struct api_refusal *table,
    size_t field_col)
{
	const struct api_refusal *r;
	const char	*code, *field;
	char		 wait[API_INT_LEN];
	int64_t		 secs;

	if (rc != DB_OK) {
		response_db_error(res, rc);
		return false;
	}
	if (strcmp((code = db_value(rows, 0, 0)), "ok") == 0)
		return true;
	field = field_col > 0 ? db_value(rows, 0, field_col) : NULL;
	if ((r = api_refusal_find(table, code, field)) == NULL) {
		response_db_error(res, DB_ERROR);
		return false;
	}
	response_error(res, r->status, r->code, r->message,
	    r->field != NULL ? r->field : field);
	if (r->retry_col > 0) {
		secs = db_int(rows, 0, (size_t)r->retry_col);
		response_header(res, "Retry-After", api_int(secs > 0 ? secs : 1,
		    wait));
	}
	return false;
}

bool
api_code_ok(struct response *res, enum db_status rc,
    const struct db_rows *rows, const struct api_refusal *table)
{
	return api_code_field_ok(res, rc, rows, table, 0);
}

int
api_cursor(struct response *res, const char *s, int64_t *v, size_t n)
{
	size_t	 i;
	char	*end;

	for (i = 0; i < n; i++) {
		errno = 0;
		if (*s < '0' || *s > '9')
			break;
		v[i] = strtoll(s, &end, 10);
		if (errno != 0 || *end != (i + 1 < n ? ',' : '\0'))
			break;
		s = end + (i + 1 < n);
	}
	if (i == n)
		return 0;
	response_error(res, 400, "invalid_field",
	    "This cursor does not belong to this list or this order.",
	    "cursor");
	return -1;
}

const char *
api_viewer(const struct ctx *ctx, char buf[API_INT_LEN])
{
	return ctx->session != NULL ? api_int(ctx->session->account_id, buf) :
	    NULL;
}

void
api_json_found(struct response *res, int status, enum db_status rc,
    const struct db_rows *rows)
{
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if (db_nrows(rows) == 0)
		api_not_found(res);
	else
		api_json_column(res, status, rows, 0, 0);
}

enum db_status
api_fields_exec(struct ctx *ctx, struct request *req, enum stmt st,
    const char *first, const char *third, struct db_rows **rows)
{
	struct buf	 f;
	enum db_status	 rc;

	buf_init(&f, 0);
	field_values_json(req->route->fields, req->route->nfields, req->fields,
	    &f);
	rc = db_exec(ctx->db, st, (const char *const []){ first, buf_str(&f),
	    third }, db_statements[st].nparams, rows);
	buf_free(&f);
	return rc;
}

/*
 * Idempotency keys: a client that retries a request (a lost answer, a
 * flaky mobile network) sends the same Idempotency-Key and gets the first
 * answer again instead of a second application.  The key is claimed in the
 * same transaction as the work, so two concurrent requests with one key
 * queue on the key's row and the second sees the first's answer.
 */
#include <stdlib.h>
#include <string.h>

#include "concerto/api/common.h"
#include "concerto/api/idempotency.h"
#include "concerto/auth.h"
#include "concerto/buf.h"
#include "concerto/ctx.h"
#include "concerto/http.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

#define IDEM_HEADER	"HTTP_IDEMPOTENCY_KEY"

/* 1-128 visible ASCII characters. */
static bool
idem_key_valid(const char *k)
{
	size_t	 i;

	for (i = 0; k[i] != '\0'; i++)
		if (i >= API_IDEM_KEY_MAX || k[i] <= ' ' || k[i] > '~')
			return false;
	return i > 0;
}

/* Hash of what makes two requests the same: method, path and body. */
static void
idem_request_hash(const struct request *req, char out[TOKEN_HASH_LEN + 3])
{
	struct buf	 b;

	buf_init(&b, 0);
	buf_printf(&b, "%s %s\n", http_method_name(req->method), req->path);
	if (req->body != NULL)
		buf_append(&b, req->body, req->bodylen);
	token_hash(buf_str(&b), out);
	buf_free(&b);
}

/* Gives the stored answer of a claimed key again (or 422). */
static void
idem_replay(struct ctx *ctx, struct request *req, struct response *res,
    struct api_idem *idem)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	json_t		*body;

	rc = db_exec(ctx->db, STMT_IDEMPOTENCY_GET,
	    DB_PARAMS(idem->account, idem->key, idem->hash), &rows);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if (db_nrows(rows) == 0 || db_isnull(rows, 0, 1))
		response_error(res, 409, "idempotency_key_in_use",
		    "A request with this key is still being handled.", NULL);
	else if (!db_bool(rows, 0, 0))
		response_error(res, 422, "idempotency_key_reused",
		    "This Idempotency-Key was used for another request.", NULL);
	else if (db_isnull(rows, 0, 2))
		response_json(res, (int)db_int(rows, 0, 1), NULL);
	else if ((body = api_json_parse(rows, 0, 2)) == NULL)
		response_db_error(res, DB_ERROR);
	else
		response_json(res, (int)db_int(rows, 0, 1), body);
	db_rows_free(rows);
}

int
api_idem_begin(struct ctx *ctx, struct request *req, struct response *res,
    struct api_idem *idem)
{
	struct db_rows	*rows = NULL;
	const char	*key = request_param(req, IDEM_HEADER);
	enum db_status	 rc;
	int		 ret = -1;

	memset(idem, 0, sizeof(*idem));
	if (key == NULL)
		return 0;
	if (!idem_key_valid(key)) {
		response_error(res, 400, "invalid_idempotency_key",
		    "Idempotency-Key must be 1 to 128 visible ASCII characters.",
		    NULL);
		return -1;
	}
	memcpy(idem->key, key, strlen(key) + 1);
	api_int(ctx->session->account_id, idem->account);
	idem_request_hash(req, idem->hash);
	if ((rc = db_begin(ctx->db)) == DB_OK)
		rc = db_exec(ctx->db, STMT_IDEMPOTENCY_CLAIM,
		    DB_PARAMS(idem->account, idem->key, idem->hash), &rows);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		db_rollback(ctx->db);
	} else if (db_nrows(rows) == 0) {
		db_rollback(ctx->db);
		idem_replay(ctx, req, res, idem);
		ret = 1;
	} else {
		idem->active = true;
		ret = 0;
	}
	db_rows_free(rows);
	return ret;
}

void
api_idem_end(struct ctx *ctx, struct request *req, struct response *res,
    struct api_idem *idem)
{
	enum db_status	 rc;
	char		 status[API_INT_LEN], *body = NULL;

	if (!idem->active)
		return;
	idem->active = false;
	/* A failure, or a refusal for now (429), leaves the key to the retry. */
	if (res->status >= 500 || res->status == 429) {
		db_rollback(ctx->db);
		return;
	}
	if (res->json != NULL)
		body = json_dumps(res->json, JSON_COMPACT);
	else if (res->text.len > 0)
		body = strdup(buf_str(&res->text));
	rc = db_exec(ctx->db, STMT_IDEMPOTENCY_STORE, DB_PARAMS(idem->account,
	    idem->key, api_int(res->status, status), body), NULL);
	if (rc == DB_OK)
		rc = db_commit(ctx->db);
	if (rc != DB_OK) {
		db_rollback(ctx->db);
		response_db_error(res, rc);
	}
	free(body);
}

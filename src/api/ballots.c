/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Ballots: a participant's one ballot per consultation, cast, replaced and
 * withdrawn during the vote; and paper or telephone ballots entered by a
 * facilitator (at most CONCERTO_ASSISTED_PER_MINUTE a minute each, every
 * one in the moderation log).  The rules and the tallies live in the SQL
 * functions ballot_put(), ballot_delete() and ballot_assisted(): one
 * statement, one transaction, the tallies moved with the ballot, the
 * participant's cell fixed from the strata passed in, an Idempotency-Key
 * claimed and answered.  A refused ballot changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/api/idempotency.h"
#include "concerto/api/participation.h"
#include "concerto/auth.h"
#include "concerto/buf.h"
#include "concerto/config.h"
#include "concerto/ctx.h"
#include "concerto/db_array.h"
#include "concerto/field.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"
#include "concerto/stratum.h"

/* Attempts of a statement that lost a deadlock or serialization race. */
#define BALLOT_TRIES	3

/* The columns of STMT_BALLOT_GET, and of STMT_BALLOT_PUT after its code. */
enum ballot_col { BALLOT_COL_CHOICES, BALLOT_COL_CREATED, BALLOT_COL_UPDATED,
	BALLOT_COL_METHOD };
/* The columns of STMT_BALLOT_ASSISTED. */
enum assisted_col { ASSISTED_COL_CODE, ASSISTED_COL_ID, ASSISTED_COL_CREATED,
	ASSISTED_COL_RETRY };

static const struct api_refusal ballot_refusals[] = {
	{ "not_found", 404, "There is nothing here.", NULL, 0 },
	{ "not_voting", 409, "The vote is not open.", NULL, 0 },
	{ "no_ballot", 404, "You have no ballot in this consultation.", NULL,
	  0 },
	{ "too_many_choices", 422, "This ballot holds more choices than the "
	  "consultation allows.", "choices", 0 },
	{ "unknown_priority", 422, "A choice is not a priority of this "
	  "consultation.", "choices", 0 },
	{ "priority_not_in_vote", 422, "A choice is a question already "
	  "answered by research; it is not in the vote.", "choices", 0 },
	{ "too_many_assisted_ballots", 429, "You are entering ballots quickly; "
	  "please wait a moment before the next.", NULL, ASSISTED_COL_RETRY },
	{ NULL, 0, NULL, NULL, 0 }
};

/* A PostgreSQL bigint[] literal ("{3,1,2}") as a JSON array. */
static json_t *
ballot_choices(const char *s)
{
	json_t	*a = json_array();
	char	*end;

	if (s == NULL)
		return a;
	while (*s != '\0') {
		if (*s >= '0' && *s <= '9') {
			json_array_append_new(a,
			    json_integer(strtoll(s, &end, 10)));
			s = end;
		} else
			s++;
	}
	return a;
}

/* The ballot of rows, whose enum ballot_col columns start at column at. */
static json_t *
ballot_json(int64_t cid, const struct db_rows *r, size_t at)
{
	return json_pack("{s:I,s:s,s:o,s:o,s:o}",
	    "consultation_id", (json_int_t)cid,
	    "method", db_value(r, 0, at + BALLOT_COL_METHOD),
	    "choices", ballot_choices(db_value(r, 0, at + BALLOT_COL_CHOICES)),
	    "created_at", api_json_text(r, 0, at + BALLOT_COL_CREATED),
	    "updated_at", api_json_text(r, 0, at + BALLOT_COL_UPDATED));
}

/*
 * Runs a ballot statement (one transaction of its own), again if it lost
 * a deadlock or serialization race: it changed nothing then.
 */
static enum db_status
ballot_exec(struct ctx *ctx, enum stmt st, const char *const *params,
    size_t n, struct db_rows **rows)
{
	enum db_status	 rc;
	int		 i;

	for (i = 0; i < BALLOT_TRIES; i++) {
		rc = db_exec(ctx->db, st, params, n, rows);
		if (rc != DB_RETRY)
			break;
		db_rows_free(*rows);
		*rows = NULL;
	}
	return rc;
}

void
api_ballot_get(struct ctx *ctx, struct request *req, struct response *res)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 cid[API_INT_LEN], me[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_BALLOT_GET, DB_PARAMS(api_int(req->id, cid),
	    api_int(ctx->session->account_id, me)), &rows);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if (db_nrows(rows) == 0)
		api_refuse(res, ballot_refusals, "no_ballot");
	else
		response_json(res, 200, ballot_json(req->id, rows, 0));
	db_rows_free(rows);
}

void
api_ballot_put(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *ch = &req->fields[BALLOT_CHOICES];
	struct api_idem	 idem;
	struct db_rows	*rows = NULL;
	struct buf	 ids, strata;
	enum db_status	 rc;
	char		 cid[API_INT_LEN], me[API_INT_LEN];

	if (api_idem_read(req, res, &idem) < 0)
		return;
	buf_init(&ids, 0);
	buf_init(&strata, 0);
	db_array_ids(ch->ids, ch->nids, &ids);
	api_viewer_strata(ctx, req, &strata);
	rc = ballot_exec(ctx, STMT_BALLOT_PUT, DB_PARAMS(api_int(req->id, cid),
	    api_int(ctx->session->account_id, me), buf_str(&ids),
	    buf_str(&strata), API_IDEM_KEY(&idem), API_IDEM_HASH(&idem)),
	    &rows);
	if (api_code_ok(res, rc, rows, ballot_refusals))
		response_json(res, 200, ballot_json(req->id, rows, 1));
	db_rows_free(rows);
	buf_free(&strata);
	buf_free(&ids);
}

void
api_ballot_delete(struct ctx *ctx, struct request *req, struct response *res)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 cid[API_INT_LEN], me[API_INT_LEN];

	rc = ballot_exec(ctx, STMT_BALLOT_DELETE, DB_PARAMS(
	    api_int(req->id, cid), api_int(ctx->session->account_id, me)),
	    &rows);
	if (api_code_ok(res, rc, rows, ballot_refusals))
		response_json(res, 204, NULL);
	db_rows_free(rows);
}

void
api_assisted_ballot_create(struct ctx *ctx, struct request *req,
    struct response *res)
{
	const struct field_value *f = req->fields;
	struct api_idem	 idem;
	struct db_rows	*rows = NULL;
	struct buf	 ids, strata;
	enum db_status	 rc;
	char		 cid[API_INT_LEN], me[API_INT_LEN], per[API_INT_LEN];

	if (api_idem_read(req, res, &idem) < 0)
		return;
	buf_init(&ids, 0);
	buf_init(&strata, 0);
	db_array_ids(f[ASSISTED_CHOICES].ids, f[ASSISTED_CHOICES].nids, &ids);
	/* The person's declared postcode only: not the facilitator's address. */
	stratum_json(f[ASSISTED_POSTCODE].present && !f[ASSISTED_POSTCODE].null ?
	    f[ASSISTED_POSTCODE].s : NULL, NULL, &strata);
	rc = ballot_exec(ctx, STMT_BALLOT_ASSISTED, DB_PARAMS(
	    api_int(req->id, cid), api_int(ctx->session->account_id, me),
	    buf_str(&ids), f[ASSISTED_PROFILE].s, buf_str(&strata),
	    f[ASSISTED_INTERESTS].present && f[ASSISTED_INTERESTS].b ?
	    "true" : "false",
	    f[ASSISTED_NOTE].present ? f[ASSISTED_NOTE].s : NULL,
	    api_int(ctx->cfg->assisted_per_minute, per), API_IDEM_KEY(&idem),
	    API_IDEM_HASH(&idem)), &rows);
	if (api_code_ok(res, rc, rows, ballot_refusals))
		response_json(res, 201, json_pack("{s:I,s:I,s:b,s:s,s:o,s:o}",
		    "id", (json_int_t)db_int(rows, 0, ASSISTED_COL_ID),
		    "consultation_id", (json_int_t)req->id,
		    "assisted", 1,
		    "profile", f[ASSISTED_PROFILE].s,
		    "choices", ballot_choices(buf_str(&ids)),
		    "created_at", api_json_text(rows, 0,
		    ASSISTED_COL_CREATED)));
	db_rows_free(rows);
	buf_free(&strata);
	buf_free(&ids);
}

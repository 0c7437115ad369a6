/*
 * Ballots: a participant's one ballot per consultation, cast, replaced and
 * withdrawn during the vote; and paper or telephone ballots entered by a
 * facilitator (at most CONCERTO_ASSISTED_PER_MINUTE a minute each, every
 * one in the moderation log).  The rules and the tallies live in the SQL
 * functions ballot_put(), ballot_delete() and ballot_assisted(): one
 * statement, one transaction, the tallies moved with the ballot.  A
 * refused ballot changes nothing.
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
#include "concerto/field.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"
#include "concerto/stratum.h"

/* Attempts of a statement that lost a deadlock or serialization race. */
#define BALLOT_TRIES	3

static const struct {
	const char	*code;
	int		 status;
	const char	*message;
	const char	*field;
} ballot_refusals[] = {
	{ "not_found", 404, "There is nothing here.", NULL },
	{ "not_voting", 409, "The vote is not open.", NULL },
	{ "no_ballot", 404, "You have no ballot in this consultation.", NULL },
	{ "too_many_choices", 422, "This ballot holds more choices than the "
	  "consultation allows.", "choices" },
	{ "unknown_priority", 422, "A choice is not a priority of this "
	  "consultation.", "choices" },
	{ "priority_not_in_vote", 422, "A choice is a question already "
	  "answered by research; it is not in the vote.", "choices" },
	{ "too_many_assisted_ballots", 429, "You are entering ballots quickly; "
	  "please wait a moment before the next.", NULL },
};

/* Sets the refusal named code; false if code is not one. */
static bool
ballot_refuse(struct response *res, const char *code)
{
	size_t	 i;

	for (i = 0; i < sizeof(ballot_refusals) / sizeof(ballot_refusals[0]);
	    i++)
		if (strcmp(code, ballot_refusals[i].code) == 0) {
			response_error(res, ballot_refusals[i].status, code,
			    ballot_refusals[i].message,
			    ballot_refusals[i].field);
			return true;
		}
	return false;
}

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

/* The ballot of rows (choices, created, updated, method at cols). */
static json_t *
ballot_json(int64_t cid, const struct db_rows *r, size_t choices,
    size_t method)
{
	return json_pack("{s:I,s:s,s:o,s:o,s:o}",
	    "consultation_id", (json_int_t)cid,
	    "method", db_value(r, 0, method),
	    "choices", ballot_choices(db_value(r, 0, choices)),
	    "created_at", api_json_text(r, 0, choices + 1),
	    "updated_at", api_json_text(r, 0, choices + 2));
}

/* Runs a ballot statement, again if it lost a deadlock outside a transaction. */
static enum db_status
ballot_exec(struct ctx *ctx, struct request *req, bool in_tx, enum stmt st,
    const char *const *params, size_t n, struct db_rows **rows)
{
	enum db_status	 rc;
	int		 i;

	for (i = 0; i < BALLOT_TRIES; i++) {
		rc = db_exec(ctx->db, st, params, n, rows);
		if (rc != DB_RETRY || in_tx)
			break;
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
		ballot_refuse(res, "no_ballot");
	else
		response_json(res, 200, ballot_json(req->id, rows, 0, 3));
	db_rows_free(rows);
}

/*
 * Runs ballot_put(): first without a stratum, which is enough unless this
 * is the participant's first contribution; then, if asked, with the
 * stratum of the consultation's scheme.  The response is set on failure.
 */
static enum db_status
ballot_put_rows(struct ctx *ctx, struct request *req, struct response *res,
    bool in_tx, const char *ids, struct db_rows **rows)
{
	struct stratum	 st;
	enum db_status	 rc;
	char		 cid[API_INT_LEN], me[API_INT_LEN];
	char		 scheme[24];

	api_int(req->id, cid);
	api_int(ctx->session->account_id, me);
	rc = ballot_exec(ctx, req, in_tx, STMT_BALLOT_PUT, DB_PARAMS(cid, me,
	    ids, NULL, NULL, NULL), rows);
	if (rc != DB_OK || strcmp(db_value(*rows, 0, 0), "need_stratum") != 0)
		return rc;
	snprintf(scheme, sizeof(scheme), "%s", db_value(*rows, 0, 5));
	db_rows_free(*rows);
	*rows = NULL;
	if (api_stratum(ctx, req, res, scheme, &st) < 0)
		return DB_UNAVAILABLE;
	return ballot_exec(ctx, req, in_tx, STMT_BALLOT_PUT, DB_PARAMS(cid, me,
	    ids,
	    st.code, stratum_source_name(st.source), api_stratum_agrees(&st)),
	    rows);
}

void
api_ballot_put(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *ch = &req->fields[BALLOT_CHOICES];
	struct api_idem	 idem;
	struct db_rows	*rows = NULL;
	struct buf	 ids;
	enum db_status	 rc;

	if (api_idem_begin(ctx, req, res, &idem) != 0)
		return;
	buf_init(&ids, 0);
	api_id_array(ch->ids, ch->nids, &ids);
	rc = ballot_put_rows(ctx, req, res, idem.active, buf_str(&ids), &rows);
	if (rc != DB_OK) {
		if (res->status == 0)
			response_db_error(res, rc);
	} else if (!ballot_refuse(res, db_value(rows, 0, 0)))
		response_json(res, 200, ballot_json(req->id, rows, 1, 4));
	api_idem_end(ctx, req, res, &idem);
	db_rows_free(rows);
	buf_free(&ids);
}

void
api_ballot_delete(struct ctx *ctx, struct request *req, struct response *res)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 cid[API_INT_LEN], me[API_INT_LEN];

	rc = ballot_exec(ctx, req, false, STMT_BALLOT_DELETE, DB_PARAMS(
	    api_int(req->id, cid), api_int(ctx->session->account_id, me)),
	    &rows);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if (!ballot_refuse(res, db_value(rows, 0, 0)))
		response_json(res, 204, NULL);
	db_rows_free(rows);
}

void
api_assisted_ballot_create(struct ctx *ctx, struct request *req,
    struct response *res)
{
	const struct field_value *f = req->fields;
	struct consultation_rules cr;
	struct api_idem	 idem;
	struct stratum	 st;
	struct db_rows	*rows = NULL;
	struct buf	 ids;
	enum db_status	 rc;
	char		 cid[API_INT_LEN], me[API_INT_LEN], per[API_INT_LEN],
			 wait[API_INT_LEN];

	/* The person's declared postcode only: not the facilitator's address. */
	if (api_consultation_rules(ctx, req, res, req->id, &cr) < 0)
		return;
	stratum_resolve(cr.scheme, f[ASSISTED_POSTCODE].present ?
	    f[ASSISTED_POSTCODE].s : NULL, NULL, &st);
	if (api_idem_begin(ctx, req, res, &idem) != 0)
		return;
	buf_init(&ids, 0);
	api_id_array(f[ASSISTED_CHOICES].ids, f[ASSISTED_CHOICES].nids, &ids);
	rc = ballot_exec(ctx, req, idem.active, STMT_BALLOT_ASSISTED, DB_PARAMS(
	    api_int(req->id, cid), api_int(ctx->session->account_id, me),
	    buf_str(&ids), f[ASSISTED_PROFILE].s, st.code,
	    f[ASSISTED_INTERESTS].present && f[ASSISTED_INTERESTS].b ?
	    "true" : "false",
	    f[ASSISTED_NOTE].present ? f[ASSISTED_NOTE].s : NULL,
	    api_int(ctx->cfg->assisted_per_minute, per)), &rows);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if (ballot_refuse(res, db_value(rows, 0, 0))) {
		if (res->status == 429)
			response_header(res, "Retry-After", api_int(
			    db_int(rows, 0, 3) > 0 ? db_int(rows, 0, 3) : 1,
			    wait));
	} else
		response_json(res, 201, json_pack("{s:I,s:I,s:b,s:s,s:o,s:o}",
		    "id", (json_int_t)db_int(rows, 0, 1),
		    "consultation_id", (json_int_t)req->id,
		    "assisted", 1,
		    "profile", f[ASSISTED_PROFILE].s,
		    "choices", ballot_choices(buf_str(&ids)),
		    "created_at", api_json_text(rows, 0, 2)));
	api_idem_end(ctx, req, res, &idem);
	db_rows_free(rows);
	buf_free(&ids);
}

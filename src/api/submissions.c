/*
 * Question gathering: during the gathering phase verified participants
 * submit research questions (at most SUBMISSIONS_PER_HOUR an hour);
 * moderators merge them into priorities.  Under pre-moderation a
 * submission waits, seen only by its author and the moderators.
 */
#include <stdio.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/api/participation.h"
#include "concerto/auth.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/phase.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

#define SUBMISSIONS_PER_HOUR	10
#define PAGE_DEFAULT		50

void
api_submissions_list(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *q = req->qfields;
	struct consultation_rules cr;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	int64_t		 limit = q[PAGE_Q_LIMIT].present ? q[PAGE_Q_LIMIT].i :
			    PAGE_DEFAULT;
	char		 cid[API_INT_LEN], cur[API_INT_LEN], me[API_INT_LEN],
			 lim[API_INT_LEN];

	if (api_consultation_rules(ctx, req, res, req->id, &cr) < 0)
		return;
	rc = db_exec(ctx->db, STMT_SUBMISSION_LIST, DB_PARAMS(
	    api_int(req->id, cid),
	    api_int(q[PAGE_Q_CURSOR].present ? q[PAGE_Q_CURSOR].i : 0, cur),
	    ctx->session != NULL ? api_int(ctx->session->account_id, me) :
	    NULL, api_is_staff(ctx) ? "true" : "false",
	    api_int(limit + 1, lim)), &rows);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		goto out;
	}
	api_page(res, "submissions", rows, limit);
out:
	db_rows_free(rows);
}

/* 0 if the account may submit now, or -1 with a 429 (or 503) set. */
static int
submission_rate(struct ctx *ctx, struct request *req, struct response *res,
    const char *me)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 wait[API_INT_LEN];
	int		 ret = -1;

	rc = db_exec(ctx->db, STMT_SUBMISSION_RECENT, DB_PARAMS(me), &rows);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if (db_int(rows, 0, 0) >= SUBMISSIONS_PER_HOUR) {
		response_error(res, 429, "too_many_submissions",
		    "You have sent many questions this hour; please wait a "
		    "little before the next.", NULL);
		response_header(res, "Retry-After", api_int(
		    db_int(rows, 0, 1) > 0 ? db_int(rows, 0, 1) : 1, wait));
	} else
		ret = 0;
	db_rows_free(rows);
	return ret;
}

void
api_submissions_create(struct ctx *ctx, struct request *req,
    struct response *res)
{
	struct consultation_rules cr;
	struct db_rows	*rows = NULL, *one = NULL;
	enum db_status	 rc;
	char		 cid[API_INT_LEN], me[API_INT_LEN], sid[API_INT_LEN],
			 two[API_INT_LEN];

	if (api_consultation_rules(ctx, req, res, req->id, &cr) < 0)
		return;
	if (cr.phase != PHASE_GATHERING) {
		response_error(res, 409, "not_gathering",
		    "Questions are gathered only during the gathering phase.",
		    NULL);
		return;
	}
	api_int(ctx->session->account_id, me);
	if (submission_rate(ctx, req, res, me) < 0 ||
	    api_participation_ensure(ctx, req, res, req->id) < 0)
		return;
	rc = db_exec(ctx->db, STMT_SUBMISSION_INSERT, DB_PARAMS(
	    api_int(req->id, cid), me, req->fields[SUBMISSION_TEXT].s,
	    cr.premoderated ? "pending" : "published"), &rows);
	if (rc == DB_CONFLICT) {
		response_error(res, 409, "duplicate_submission",
		    "You have already sent this question.", "text");
		goto out;
	}
	if (rc != DB_OK) {
		response_db_error(res, rc);
		goto out;
	}
	/* Read back through the list statement: one shape everywhere. */
	api_int(db_int(rows, 0, 0) - 1, sid);
	rc = db_exec(ctx->db, STMT_SUBMISSION_LIST, DB_PARAMS(cid, sid, me,
	    "false", api_int(1, two)), &one);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if (db_nrows(one) == 0)
		response_db_error(res, DB_ERROR);
	else
		api_json_column(res, 201, one, 0, 0);
out:
	db_rows_free(rows);
	db_rows_free(one);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Question gathering: during the gathering phase verified participants
 * submit research questions (at most SUBMISSIONS_PER_HOUR an hour);
 * moderators merge them into priorities.  Under pre-moderation a
 * submission waits, seen only by its author and the moderators.  The
 * rules are those of the SQL function submission_post().
 */
#include <stdio.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/api/participation.h"
#include "concerto/auth.h"
#include "concerto/buf.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

#define SUBMISSIONS_PER_HOUR	10
#define PAGE_DEFAULT		50

void
api_submissions_list(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *q = req->qfields;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	int64_t		 limit = q[PAGE_Q_LIMIT].present ? q[PAGE_Q_LIMIT].i :
			    PAGE_DEFAULT;
	char		 cid[API_INT_LEN], cur[API_INT_LEN], me[API_INT_LEN],
			 lim[API_INT_LEN];

	if (api_consultation_shown(ctx, res, req->id) < 0)
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

/* The columns of STMT_SUBMISSION_POST. */
enum post_col { POST_COL_CODE, POST_COL_ID, POST_COL_RETRY };

static const struct api_refusal submission_refusals[] = {
	{ "not_found", 404, "There is nothing here.", NULL, 0 },
	{ "not_gathering", 409, "Questions are gathered only during the "
	  "gathering phase.", NULL, 0 },
	{ "too_many_submissions", 429, "You have sent many questions this "
	  "hour; please wait a little before the next.", NULL,
	  POST_COL_RETRY },
	{ "duplicate_submission", 409, "You have already sent this question.",
	  "text", 0 },
	{ NULL, 0, NULL, NULL, 0 }
};

void
api_submissions_create(struct ctx *ctx, struct request *req,
    struct response *res)
{
	struct db_rows	*rows = NULL, *one = NULL;
	struct buf	 strata;
	enum db_status	 rc;
	char		 cid[API_INT_LEN], me[API_INT_LEN], sid[API_INT_LEN],
			 per[API_INT_LEN], two[API_INT_LEN];

	buf_init(&strata, 0);
	api_viewer_strata(ctx, req, &strata);
	rc = db_exec(ctx->db, STMT_SUBMISSION_POST, DB_PARAMS(
	    api_int(req->id, cid), api_int(ctx->session->account_id, me),
	    req->fields[SUBMISSION_TEXT].s, buf_str(&strata),
	    api_is_staff(ctx) ? "true" : "false",
	    api_int(SUBMISSIONS_PER_HOUR, per)), &rows);
	if (!api_code_ok(res, rc, rows, submission_refusals))
		goto out;
	/* Read back through the list statement: one shape everywhere. */
	api_int(db_int(rows, 0, POST_COL_ID) - 1, sid);
	rc = db_exec(ctx->db, STMT_SUBMISSION_LIST, DB_PARAMS(cid, sid, me,
	    "false", api_int(1, two)), &one);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if (db_nrows(one) == 0)
		response_db_error(res, DB_ERROR);
	else
		api_json_column(res, 201, one, 0, 0);
out:
	buf_free(&strata);
	db_rows_free(rows);
	db_rows_free(one);
}

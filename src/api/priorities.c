/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Research priorities, the things people vote on.  Moderators write them,
 * often by merging submitted questions (the submissions stay linked and
 * are shown with the priority: the published ones to the public, all of
 * them with their status to staff), and record the evidence check; the
 * list is frozen once the vote opens.  The rules of a write are those of
 * the SQL functions priority_post() and priority_patch() (sql/012), which
 * `concerto import` calls too.
 */
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/api/priorities.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

const struct api_refusal priority_refusals[] = {
	{ "not_found", 404, "There is nothing here.", NULL, 0 },
	{ "priorities_frozen", 409, "Priorities are frozen once the vote has "
	  "opened.", NULL, 0 },
	{ "unknown_submission", 422, "A source is not a submission of this "
	  "consultation.", "sources", 0 },
	{ NULL, 0, NULL, NULL, 0 }
};

/* Answers priority id as staff or the public see it, with status. */
static void
priority_answer(struct ctx *ctx, struct response *res, int64_t id,
    int status)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 ids[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_PRIORITY_GET, DB_PARAMS(api_int(id, ids),
	    api_is_staff(ctx) ? "true" : "false"), &rows);
	api_json_found(res, status, rc, rows);
	db_rows_free(rows);
}

void
api_priorities_list(struct ctx *ctx, struct request *req, struct response *res)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 id[API_INT_LEN];

	if (api_consultation_shown(ctx, res, req->id) < 0)
		return;
	rc = db_exec(ctx->db, STMT_PRIORITY_LIST, DB_PARAMS(api_int(req->id,
	    id), api_is_staff(ctx) ? "true" : "false"), &rows);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		goto out;
	}
	response_json(res, 200, json_pack("{s:o}", "priorities",
	    api_json_rows(rows, db_nrows(rows))));
out:
	db_rows_free(rows);
}

void
api_priorities_create(struct ctx *ctx, struct request *req,
    struct response *res)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 cid[API_INT_LEN];

	rc = api_fields_exec(ctx, req, STMT_PRIORITY_POST,
	    api_int(req->id, cid), "false", &rows);
	if (api_code_field_ok(res, rc, rows, priority_refusals,
	    API_WRITE_COL_FIELD))
		priority_answer(ctx, res, db_int(rows, 0, API_WRITE_COL_ID), 201);
	db_rows_free(rows);
}

void
api_priority_patch(struct ctx *ctx, struct request *req, struct response *res)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 pid[API_INT_LEN];

	rc = api_fields_exec(ctx, req, STMT_PRIORITY_PATCH,
	    api_int(req->id, pid), NULL, &rows);
	if (api_code_field_ok(res, rc, rows, priority_refusals,
	    API_WRITE_COL_FIELD))
		priority_answer(ctx, res, req->id, 200);
	db_rows_free(rows);
}

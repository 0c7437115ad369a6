/*
 * Research priorities, the things people vote on.  Moderators write them,
 * often by merging submitted questions (the submissions stay linked and
 * are shown with the priority: the published ones to the public, all of
 * them with their status to staff), and record the evidence check; the
 * list is frozen once the vote opens.
 */
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/buf.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/phase.h"
#include "concerto/priority_write.h"
#include "concerto/refusal.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"



static void
priority_answer(struct ctx *ctx, struct request *req, struct response *res,
    const char *id, int status)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;

	rc = db_exec(ctx->db, STMT_PRIORITY_GET, DB_PARAMS(id,
	    api_is_staff(ctx) ? "true" : "false"), &rows);
	api_json_found(res, status, rc, rows);
	db_rows_free(rows);
}

static void
priorities_frozen(struct response *res)
{
	response_error(res, 409, "priorities_frozen",
	    "Priorities are frozen once the vote has opened.", NULL);
}

void
api_priorities_list(struct ctx *ctx, struct request *req, struct response *res)
{
	struct consultation_rules cr;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 id[API_INT_LEN];

	if (api_consultation_rules(ctx, req, res, req->id, &cr) < 0)
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
	struct consultation_rules cr;
	struct refusal	 why;
	enum db_status	 rc;
	int64_t		 id;
	char		 pid[API_INT_LEN];

	if (api_consultation_rules(ctx, req, res, req->id, &cr) < 0)
		return;
	if (cr.phase >= PHASE_VOTING) {
		priorities_frozen(res);
		return;
	}
	if ((rc = db_begin(ctx->db)) != DB_OK)
		response_db_error(res, rc);
	else if (priority_write_insert(ctx->db, req->id, req->fields, &id,
	    &why) < 0)
		api_refusal_answer(res, &why);
	else if ((rc = db_commit(ctx->db)) != DB_OK)
		response_db_error(res, rc);
	else
		priority_answer(ctx, req, res, api_int(id, pid), 201);
	db_rollback(ctx->db);
}

void
api_priority_patch(struct ctx *ctx, struct request *req, struct response *res)
{
	struct refusal	 why;
	char		 pid[API_INT_LEN];

	if (priority_write_update(ctx->db, req->id, req->fields, &why) < 0)
		api_refusal_answer(res, &why);
	else
		priority_answer(ctx, req, res, api_int(req->id, pid), 200);
}

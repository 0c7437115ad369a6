/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Flags: a participant tells the moderators that a comment or a
 * submission is spam, abusive, off topic, misinformation, discloses health
 * data, or shows distress.  flag_add() (sql/006_moderation.sql) hides the
 * target at CONCERTO_FLAG_THRESHOLD distinct flaggers.
 */
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/config.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/request.h"
#include "concerto/response.h"

/* The columns of STMT_FLAG_ADD. */
enum flag_add_col { FLAG_ADD_COL_CODE, FLAG_ADD_COL_CREATED,
	FLAG_ADD_COL_RETRY };

static const struct api_refusal flag_refusals[] = {
	{ "not_found", 404, "There is nothing here.", NULL, 0 },
	{ "comment_deleted", 409, "This comment has been deleted.", NULL, 0 },
	{ "own_content", 422, "You cannot flag what you wrote yourself.",
	  NULL, 0 },
	{ "not_gathering", 409,
	  "Questions can be flagged only during the gathering phase.", NULL, 0 },
	{ "already_flagged", 409, "You have already flagged this.", NULL, 0 },
	{ "too_many_flags", 429, "You are flagging quickly; please wait a "
	  "moment.", NULL, FLAG_ADD_COL_RETRY },
	{ NULL, 0, NULL, NULL, 0 }
};

/* Flags req->id, a target of type kind ("comment" or "submission"). */
static void
flag_target(struct ctx *ctx, struct request *req, struct response *res,
    const char *kind)
{
	const struct field_value *f = req->fields;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 id[API_INT_LEN], me[API_INT_LEN], th[API_INT_LEN],
			 per[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_FLAG_ADD, DB_PARAMS(kind,
	    api_int(req->id, id), api_viewer(ctx, me),
	    api_flag_reasons[f[FLAG_REASON].i],
	    f[FLAG_NOTE].present && !f[FLAG_NOTE].null ? f[FLAG_NOTE].s : NULL,
	    api_is_staff(ctx) ? "true" : "false",
	    api_int(ctx->cfg->flag_threshold, th),
	    api_int(ctx->cfg->flags_per_minute, per)), &rows);
	if (api_code_ok(res, rc, rows, flag_refusals))
		response_json(res, 201, json_pack("{s:s,s:I,s:s,s:s}",
		    "target_type", kind, "target_id", (json_int_t)req->id,
		    "reason", api_flag_reasons[f[FLAG_REASON].i],
		    "created_at", db_value(rows, 0, FLAG_ADD_COL_CREATED)));
	db_rows_free(rows);
}

void
api_comment_flag(struct ctx *ctx, struct request *req, struct response *res)
{
	flag_target(ctx, req, res, "comment");
}

void
api_submission_flag(struct ctx *ctx, struct request *req, struct response *res)
{
	flag_target(ctx, req, res, "submission");
}

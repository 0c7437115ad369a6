/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Moderation: the queue of what needs a look (distress first, then the
 * oldest), decisions on comments and submissions, the append-only log,
 * and account suspension.  The rules are in sql/006_moderation.sql; every
 * action is logged and told to the author there, in one transaction.
 */
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/auth.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

#define QUEUE_PAGE_DEFAULT	50
#define LOG_PAGE_DEFAULT	50
#define REDACTION_MARKER	"[retiré par la modération]"

/* The columns of STMT_QUEUE_PAGE. */
enum queue_page_col { QUEUE_PAGE_COL_ITEM, QUEUE_PAGE_COL_CURSOR };
/* The columns of STMT_QUEUE_COUNTS. */
enum queue_counts_col { QUEUE_COUNTS_COL_PENDING, QUEUE_COUNTS_COL_HIDDEN,
	QUEUE_COUNTS_COL_FLAGGED, QUEUE_COUNTS_COL_DISTRESS,
	QUEUE_COUNTS_COL_TOTAL };
/* The columns of STMT_MODERATION_DECIDE. */
enum decide_col { DECIDE_COL_CODE, DECIDE_COL_LOG_ID, DECIDE_COL_FROM,
	DECIDE_COL_TO, DECIDE_COL_CREATED };
/* The columns of STMT_ACCOUNT_SUSPEND. */
enum suspend_col { SUSPEND_COL_CODE, SUSPEND_COL_UNTIL };

static const struct api_refusal moderation_refusals[] = {
	{ "not_found", 404, "There is nothing here.", NULL, 0 },
	{ "comment_deleted", 409, "Its author has deleted this comment.",
	  NULL, 0 },
	{ "invalid_transition", 409,
	  "This action does not apply to the contribution as it stands.",
	  "action", 0 },
	{ "passage_not_found", 422,
	  "This passage is not in the text.", "passage", 0 },
	{ "staff_account", 422,
	  "Moderators and administrators (and yourself) cannot be suspended "
	  "here.", NULL, 0 },
	{ NULL, 0, NULL, NULL, 0 }
};

void
api_moderation_queue(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *q = req->qfields;
	struct db_rows	*page = NULL, *counts = NULL;
	enum db_status	 rc;
	int64_t		 limit = q[QUEUE_Q_LIMIT].present ? q[QUEUE_Q_LIMIT].i :
			    QUEUE_PAGE_DEFAULT, key[4];
	const char	*cid, *why;
	char		 c[API_INT_LEN], lim[API_INT_LEN], k[4][API_INT_LEN];
	bool		 after = q[QUEUE_Q_CURSOR].present;

	if (after && api_cursor(res, q[QUEUE_Q_CURSOR].s, key, 4) < 0)
		return;
	cid = q[QUEUE_Q_CONSULTATION].present ?
	    api_int(q[QUEUE_Q_CONSULTATION].i, c) : NULL;
	why = q[QUEUE_Q_REASON].present ?
	    api_flag_reasons[q[QUEUE_Q_REASON].i] : NULL;
	rc = db_exec(ctx->db, STMT_QUEUE_PAGE, DB_PARAMS(cid, why,
	    after ? api_int(key[0], k[0]) : NULL,
	    after ? api_int(key[1], k[1]) : NULL,
	    after ? api_int(key[2], k[2]) : NULL,
	    after ? api_int(key[3], k[3]) : NULL,
	    api_int(limit + 1, lim)), &page);
	if (rc == DB_OK)
		rc = db_exec(ctx->db, STMT_QUEUE_COUNTS, DB_PARAMS(cid, why),
		    &counts);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		goto out;
	}
	response_json(res, 200, json_pack("{s:o,s:{s:I,s:I,s:I,s:I,s:I},s:o}",
	    "items", api_json_rows(page, (size_t)limit),
	    "counts",
	    "pending", (json_int_t)db_int(counts, 0, QUEUE_COUNTS_COL_PENDING),
	    "hidden", (json_int_t)db_int(counts, 0, QUEUE_COUNTS_COL_HIDDEN),
	    "flagged", (json_int_t)db_int(counts, 0, QUEUE_COUNTS_COL_FLAGGED),
	    "distress", (json_int_t)db_int(counts, 0,
	    QUEUE_COUNTS_COL_DISTRESS),
	    "total", (json_int_t)db_int(counts, 0, QUEUE_COUNTS_COL_TOTAL),
	    "next_cursor", db_nrows(page) > (size_t)limit ? json_string(
	    db_value(page, (size_t)limit - 1, QUEUE_PAGE_COL_CURSOR)) :
	    json_null()));
out:
	db_rows_free(page);
	db_rows_free(counts);
}

void
api_moderation_decide(struct ctx *ctx, struct request *req,
    struct response *res)
{
	const struct field_value *f = req->fields;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	const char	*action = api_decisions[f[DECISION_ACTION].i],
			*kind = api_target_types[f[DECISION_TARGET_TYPE].i];
	bool		 redact = strcmp(action, "redact") == 0;
	char		 id[API_INT_LEN], me[API_INT_LEN];

	if (redact && !f[DECISION_PASSAGE].present) {
		response_error(res, 422, "passage_required",
		    "Say which passage to redact.", "passage");
		return;
	}
	if (!redact && f[DECISION_PASSAGE].present) {
		response_error(res, 400, "invalid_field",
		    "A passage goes only with the redact action.", "passage");
		return;
	}
	rc = db_exec(ctx->db, STMT_MODERATION_DECIDE, DB_PARAMS(kind,
	    api_int(f[DECISION_TARGET_ID].i, id), api_viewer(ctx, me), action,
	    f[DECISION_REASON].s, redact ? f[DECISION_PASSAGE].s : NULL,
	    REDACTION_MARKER), &rows);
	if (api_code_ok(res, rc, rows, moderation_refusals))
		response_json(res, 200, json_pack(
		    "{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s}",
		    "log_id", (json_int_t)db_int(rows, 0, DECIDE_COL_LOG_ID),
		    "target_type", kind,
		    "target_id", (json_int_t)f[DECISION_TARGET_ID].i,
		    "action", action,
		    "from_status", db_value(rows, 0, DECIDE_COL_FROM),
		    "to_status", db_value(rows, 0, DECIDE_COL_TO),
		    "reason", f[DECISION_REASON].s,
		    "created_at", db_value(rows, 0, DECIDE_COL_CREATED)));
	db_rows_free(rows);
}

void
api_moderation_log(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *q = req->qfields;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	int64_t		 limit = q[LOG_Q_LIMIT].present ? q[LOG_Q_LIMIT].i :
			    LOG_PAGE_DEFAULT;
	char		 c[API_INT_LEN], t[API_INT_LEN], cur[API_INT_LEN],
			 lim[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_MODERATION_LOG, DB_PARAMS(
	    q[LOG_Q_CONSULTATION].present ?
	    api_int(q[LOG_Q_CONSULTATION].i, c) : NULL,
	    q[LOG_Q_TARGET_TYPE].present ?
	    api_log_targets[q[LOG_Q_TARGET_TYPE].i] : NULL,
	    q[LOG_Q_TARGET_ID].present ? api_int(q[LOG_Q_TARGET_ID].i, t) :
	    NULL,
	    q[LOG_Q_CURSOR].present ? api_int(q[LOG_Q_CURSOR].i, cur) : NULL,
	    api_int(limit + 1, lim)), &rows);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else
		api_page(res, "entries", rows, limit);
	db_rows_free(rows);
}

void
api_account_suspend(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *f = req->fields;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 id[API_INT_LEN], me[API_INT_LEN], days[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_ACCOUNT_SUSPEND, DB_PARAMS(
	    api_int(req->id, id), api_viewer(ctx, me),
	    api_int(f[SUSPENSION_DAYS].i, days), f[SUSPENSION_REASON].s),
	    &rows);
	if (api_code_ok(res, rc, rows, moderation_refusals))
		response_json(res, 200, json_pack("{s:I,s:o,s:s}",
		    "account_id", (json_int_t)req->id,
		    "suspended_until", api_json_text(rows, 0,
		    SUSPEND_COL_UNTIL),
		    "reason", f[SUSPENSION_REASON].s));
	db_rows_free(rows);
}

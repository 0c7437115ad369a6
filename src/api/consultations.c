/*
 * Consultations: list, create, read, change.  Admins create and edit; a
 * phase moves only forward, by an admin or by its dates (the SQL function
 * consultation_phase() says which phase is in force); drafts are seen by
 * staff only.  The rules of a write are in consultation_write.c, which
 * `concerto import` calls too.
 */
#include <stdio.h>
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/auth.h"
#include "concerto/consultation_write.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/phase.h"
#include "concerto/refusal.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

#define PAGE_DEFAULT	20


/* Answers the consultation id as its GET would, with status. */
static void
consultation_answer(struct ctx *ctx, struct request *req, struct response *res,
    int64_t id, int status)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 ids[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_CONSULTATION_GET, DB_PARAMS(api_int(id, ids),
	    api_is_staff(ctx) ? "true" : "false"), &rows);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if (db_nrows(rows) == 0 || (!api_is_staff(ctx) &&
	    strcmp(db_value(rows, 0, 1), "draft") == 0))
		api_not_found(res);
	else
		api_json_column(res, status, rows, 0, 0);
	db_rows_free(rows);
}

void
api_consultation_get(struct ctx *ctx, struct request *req, struct response *res)
{
	consultation_answer(ctx, req, res, req->id, 200);
}

void
api_consultations_list(struct ctx *ctx, struct request *req,
    struct response *res)
{
	const struct field_value *q = req->qfields;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	int64_t		 limit = q[CONS_Q_LIMIT].present ?
			    q[CONS_Q_LIMIT].i : PAGE_DEFAULT;
	char		 cur[API_INT_LEN], lim[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_CONSULTATION_LIST, DB_PARAMS(
	    q[CONS_Q_PHASE].present ? q[CONS_Q_PHASE].s : NULL,
	    api_is_staff(ctx) ? "true" : "false",
	    q[CONS_Q_CURSOR].present ? api_int(q[CONS_Q_CURSOR].i, cur) : NULL,
	    api_int(limit + 1, lim)), &rows);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		goto out;
	}
	api_page(res, "consultations", rows, limit);
out:
	db_rows_free(rows);
}





void
api_consultations_create(struct ctx *ctx, struct request *req,
    struct response *res)
{
	struct refusal	 why;
	enum db_status	 rc;
	char		 by[API_INT_LEN];
	int64_t		 id;

	if ((rc = db_begin(ctx->db)) != DB_OK)
		response_db_error(res, rc);
	else if (consultation_write_insert(ctx->db, req->fields,
	    req->route->fields, api_int(ctx->session->account_id, by),
	    phase_name(PHASE_DRAFT), &id, &why) < 0)
		api_refusal_answer(res, &why);
	else if ((rc = db_commit(ctx->db)) != DB_OK)
		response_db_error(res, rc);
	else
		consultation_answer(ctx, req, res, id, 201);
	db_rollback(ctx->db);
}


void
api_consultation_patch(struct ctx *ctx, struct request *req,
    struct response *res)
{
	struct refusal	 why;

	if (consultation_write_update(ctx->db, req->id, req->fields,
	    req->route->fields, &why) < 0)
		api_refusal_answer(res, &why);
	else
		consultation_answer(ctx, req, res, req->id, 200);
}

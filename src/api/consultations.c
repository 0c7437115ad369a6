/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Consultations: list, create, read, change.  Admins create and edit; a
 * phase moves only forward, by an admin or by its dates (the SQL function
 * consultation_phase() says which phase is in force); drafts are seen by
 * staff only.  The rules of a write are those of the SQL functions
 * consultation_post() and consultation_patch() (sql/012), which `concerto
 * import` calls too: one statement each, given the fields of the request.
 */
#include <stdio.h>
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/consultations.h"
#include "concerto/api/fields.h"
#include "concerto/auth.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/phase.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

#define PAGE_DEFAULT	20

/* The columns of STMT_CONSULTATION_GET. */
enum get_col { GET_COL_JSON, GET_COL_PHASE };

const struct api_refusal consultation_refusals[] = {
	{ "not_found", 404, "There is nothing here.", NULL, 0 },
	{ "max_choices_required", 422, "An approval vote needs max_choices.",
	  "max_choices", 0 },
	{ "max_ranks_required", 422, "A ranked vote needs max_ranks.",
	  "max_ranks", 0 },
	{ "not_for_method", 422, "max_ranks belongs to ranked votes.",
	  "max_ranks", 0 },
	{ "not_for_method", 422, "max_choices belongs to approval votes.",
	  "max_choices", 0 },
	{ "invalid_dates", 422, "The vote must close after it opens.",
	  "closes_at", 0 },
	{ "invalid_dates", 422, "Question gathering must start before the "
	  "vote opens.", "gathering_at", 0 },
	{ "invalid_dates", 422, "Results cannot be published before the "
	  "vote closes.", "publish_at", 0 },
	{ "invalid_profile_targets", 422, "The target shares of the profiles "
	  "must add up to 1.", "profile_targets", 0 },
	{ "phase_backwards", 409, "A phase only moves forward.", "phase", 0 },
	/* The field is the first one given. */
	{ "published", 409, "A published consultation is not changed.", NULL,
	  0 },
	{ "voting_rules_frozen", 409, "The vote has closed.", "closes_at", 0 },
	/* The field is the first rule of the vote given. */
	{ "voting_rules_frozen", 409, "The rules of the vote are fixed once "
	  "it opens.", NULL, 0 },
	{ NULL, 0, NULL, NULL, 0 }
};

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
	    strcmp(db_value(rows, 0, GET_COL_PHASE), "draft") == 0))
		api_not_found(res);
	else
		api_json_column(res, status, rows, 0, GET_COL_JSON);
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


/* A new consultation is a draft of its author's. */
void
api_consultations_create(struct ctx *ctx, struct request *req,
    struct response *res)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 by[API_INT_LEN];

	rc = api_fields_exec(ctx, req, STMT_CONSULTATION_POST,
	    api_int(ctx->session->account_id, by), phase_name(PHASE_DRAFT),
	    &rows);
	if (api_code_field_ok(res, rc, rows, consultation_refusals,
	    API_WRITE_COL_FIELD))
		consultation_answer(ctx, req, res, db_int(rows, 0,
		    API_WRITE_COL_ID), 201);
	db_rows_free(rows);
}

void
api_consultation_patch(struct ctx *ctx, struct request *req,
    struct response *res)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 id[API_INT_LEN];

	rc = api_fields_exec(ctx, req, STMT_CONSULTATION_PATCH,
	    api_int(req->id, id), NULL, &rows);
	if (api_code_field_ok(res, rc, rows, consultation_refusals,
	    API_WRITE_COL_FIELD))
		consultation_answer(ctx, req, res, req->id, 200);
	db_rows_free(rows);
}

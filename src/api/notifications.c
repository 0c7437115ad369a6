/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * What the platform tells a participant: moderators' decisions on their
 * contributions (with the reason), suspensions, and where to find support.
 */
#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

#define NOTIFICATIONS_PAGE_DEFAULT	20

/* The columns of STMT_NOTIFICATION_PAGE. */
enum notification_page_col { NOTIFICATION_PAGE_COL_JSON,
	NOTIFICATION_PAGE_COL_CURSOR };

/* The number of unread notifications of the session's account, or -1. */
static int64_t
notifications_unread(struct ctx *ctx, struct request *req, struct response *res)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	int64_t		 n = -1;
	char		 me[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_NOTIFICATION_UNREAD,
	    DB_PARAMS(api_viewer(ctx, me)), &rows);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else
		n = db_int(rows, 0, 0);
	db_rows_free(rows);
	return n;
}

void
api_notifications_list(struct ctx *ctx, struct request *req,
    struct response *res)
{
	const struct field_value *q = req->qfields;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	int64_t		 unread, limit = q[PAGE_Q_LIMIT].present ?
			    q[PAGE_Q_LIMIT].i : NOTIFICATIONS_PAGE_DEFAULT;
	char		 me[API_INT_LEN], cur[API_INT_LEN], lim[API_INT_LEN];

	if ((unread = notifications_unread(ctx, req, res)) < 0)
		return;
	rc = db_exec(ctx->db, STMT_NOTIFICATION_PAGE, DB_PARAMS(
	    api_viewer(ctx, me), q[PAGE_Q_CURSOR].present ?
	    api_int(q[PAGE_Q_CURSOR].i, cur) : NULL,
	    api_int(limit + 1, lim)), &rows);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else
		response_json(res, 200, json_pack("{s:o,s:I,s:o}",
		    "notifications", api_json_rows(rows, (size_t)limit),
		    "unread", (json_int_t)unread,
		    "next_cursor", db_nrows(rows) > (size_t)limit ?
		    json_string(db_value(rows, (size_t)limit - 1,
		    NOTIFICATION_PAGE_COL_CURSOR)) :
		    json_null()));
	db_rows_free(rows);
}

void
api_notifications_read(struct ctx *ctx, struct request *req,
    struct response *res)
{
	enum db_status	 rc;
	int64_t		 unread;
	char		 me[API_INT_LEN], upto[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_NOTIFICATION_READ, DB_PARAMS(
	    api_viewer(ctx, me), api_int(req->fields[READ_UP_TO].i, upto)),
	    NULL);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if ((unread = notifications_unread(ctx, req, res)) >= 0)
		response_json(res, 200, json_pack("{s:I}", "unread",
		    (json_int_t)unread));
}

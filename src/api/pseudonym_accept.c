/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The pseudonym a request sets (registration, PATCH /api/v1/me): its
 * stored form and the rules of pseudonym.c and pseudonym_db.c, with
 * refusals as responses.
 */
#include <stdio.h>
#include <string.h>

#include "concerto/api/common.h"
#include "concerto/api/pseudonym_accept.h"
#include "concerto/auth.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/pseudonym.h"
#include "concerto/pseudonym_db.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"
#include "concerto/router.h"

int
api_pseudonym_accept(struct ctx *ctx, struct request *req, struct response *res,
    size_t fi, const char *current, char name[PSEUDONYM_SIZE])
{
	struct field_value	*v = &req->fields[fi];
	const char		*field = req->route->fields[fi].name;
	enum pseudonym_status	 why;
	enum db_status		 rc;
	int64_t			 self = 0;
	bool			 staff = false;
	char			 msg[256];

	if ((why = pseudonym_prepare(v->s, v->len, name)) != PSEUDONYM_OK) {
		if (why == PSEUDONYM_ERROR) {
			response_db_error(res, DB_ERROR);
			return -1;
		}
		snprintf(msg, sizeof(msg), "%s: %s", field, pseudonym_why(why));
		response_error(res, 400, "invalid_field", msg, field);
		return -1;
	}
	v->s = name;
	v->len = strlen(name);
	if (current != NULL) {
		if (strcmp(name, current) == 0)
			return 0;		/* no change, nothing to judge */
		if (ctx->session->suspended) {
			response_error(res, 403, "account_suspended",
			    "Your account is suspended: you cannot change your "
			    "pseudonym until the suspension ends.", field);
			return -1;
		}
		self = ctx->session->account_id;
		staff = ctx->session->role >= ROLE_MODERATOR;
	}
	if ((rc = pseudonym_db_check(ctx->db, name, self, staff, &why)) !=
	    DB_OK) {
		response_db_error(res, rc);
		return -1;
	}
	if (why == PSEUDONYM_RESERVED) {
		response_error(res, 409, "pseudonym_reserved",
		    "This pseudonym could be mistaken for the team's or a "
		    "moderator's; choose another.", field);
		return -1;
	}
	if (why == PSEUDONYM_TAKEN) {
		api_pseudonym_taken(res);
		return -1;
	}
	return 0;
}

void
api_pseudonym_taken(struct response *res)
{
	response_error(res, 409, "pseudonym_taken",
	    "This pseudonym is already used; choose another.", "pseudonym");
}

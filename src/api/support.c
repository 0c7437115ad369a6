/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Where to find support (the national Cancer info line, patient
 * associations), in each language: shown to people whose comment shows
 * distress.  The texts are data that admins edit.
 */
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/ctx.h"
#include "concerto/db_array.h"
#include "concerto/field.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

void
api_support_list(struct ctx *ctx, struct request *req, struct response *res)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	json_t		*list;

	rc = db_exec(ctx->db, STMT_SUPPORT_LIST, NULL, 0, &rows);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if ((list = api_json_parse(rows, 0, 0)) == NULL)
		response_db_error(res, DB_ERROR);
	else
		response_json(res, 200, json_pack("{s:o}", "support_texts",
		    list));
	db_rows_free(rows);
}

void
api_support_put(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *f = req->fields;
	const char	*lang = req->params[0];
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	struct buf	 contacts;
	size_t		 i;
	char		 me[API_INT_LEN];

	for (i = 0; api_languages[i] != NULL; i++)
		if (strcmp(lang, api_languages[i]) == 0)
			break;
	if (api_languages[i] == NULL) {
		api_not_found(res);
		return;
	}
	buf_init(&contacts, 0);
	db_array_texts(f[SUPPORT_CONTACTS].strs, f[SUPPORT_CONTACTS].nstrs,
	    &contacts);
	rc = db_exec(ctx->db, STMT_SUPPORT_PUT, DB_PARAMS(lang,
	    f[SUPPORT_TITLE].s, f[SUPPORT_BODY].s, buf_str(&contacts),
	    api_viewer(ctx, me)), &rows);
	api_json_found(res, 200, rc, rows);
	buf_free(&contacts);
	db_rows_free(rows);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Results of a consultation, as JSON or CSV: public once published,
 * always open to admins.  Computed from tallies on each request (see
 * results_table.c), so they are never stale and never cost a scan of ballots.
 */
#include <stdio.h>
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/config.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/phase.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"
#include "concerto/results_table.h"


/* Loads the results the caller may see; -1 with the response set if none. */
static int
results_visible(struct ctx *ctx, struct request *req, struct response *res,
    struct results_table *r)
{
	const struct field_value *q = req->qfields;
	struct results_table_options opt;
	enum db_status	 rc;
	int		 phase;

	opt.interests = !q[RESULTS_Q_INTERESTS].present ||
	    q[RESULTS_Q_INTERESTS].i == 0;
	opt.weighted = !q[RESULTS_Q_WEIGHTING].present ||
	    q[RESULTS_Q_WEIGHTING].i == 0;
	opt.cap = ctx->cfg->weight_cap;
	rc = results_table_load(ctx->db, req->id, &opt, r);
	if (rc == DB_ERROR && r->phase[0] == '\0') {
		api_not_found(res);
		return -1;
	}
	if (rc != DB_OK) {
		response_db_error(res, rc);
		return -1;
	}
	phase = phase_parse(r->phase);
	if (phase == PHASE_DRAFT && !api_is_staff(ctx)) {
		api_not_found(res);
		return -1;
	}
	if (phase < PHASE_PUBLISHED && !api_is_admin(ctx)) {
		response_error(res, 403, "results_not_published",
		    "Results are shown once they are published.", NULL);
		return -1;
	}
	return 0;
}

void
api_results_get(struct ctx *ctx, struct request *req, struct response *res)
{
	struct results_table r;

	if (results_visible(ctx, req, res, &r) == 0)
		response_json(res, 200, results_table_json(&r));
	results_table_free(&r);
}

void
api_results_csv(struct ctx *ctx, struct request *req, struct response *res)
{
	struct results_table r;
	struct buf	 csv;
	char		 disp[96];

	buf_init(&csv, 0);
	if (results_visible(ctx, req, res, &r) == 0) {
		results_table_csv(&r, &csv);
		response_text(res, 200, "text/csv; charset=utf-8", csv.data,
		    csv.len);
		snprintf(disp, sizeof(disp), "attachment; filename="
		    "\"consultation-%lld-results.csv\"", (long long)req->id);
		response_header(res, "Content-Disposition", disp);
	}
	results_table_free(&r);
	buf_free(&csv);
}

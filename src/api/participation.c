/*
 * A participant's cell in a consultation, fixed at their first
 * contribution (ballot, submission, comment): the stratum of the
 * consultation's weighting scheme (declared postcode first, then GeoIP of
 * the client address, never stored), their profile and declared interests.
 */
#include <string.h>

#include "concerto/api/common.h"
#include "concerto/api/participation.h"
#include "concerto/auth.h"
#include "concerto/ctx.h"
#include "concerto/geo.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"
#include "concerto/stratum.h"

int
api_stratum(struct ctx *ctx, struct request *req, struct response *res,
    const char *scheme, struct stratum *out)
{
	struct db_rows		*rows = NULL;
	struct geo_place	 place, *seen = NULL;
	enum db_status		 rc;
	char			 me[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_ACCOUNT_POSTCODE,
	    DB_PARAMS(api_int(ctx->session->account_id, me)), &rows);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		return -1;
	}
	if (ctx->geo != NULL && req->remote_addr != NULL &&
	    geo_lookup(ctx->geo, req->remote_addr, &place) == 0)
		seen = &place;
	stratum_resolve(scheme, db_nrows(rows) > 0 ? db_value(rows, 0, 0) :
	    NULL, seen, out);
	db_rows_free(rows);
	return 0;
}

const char *
api_stratum_agrees(const struct stratum *s)
{
	return s->geoip_agrees < 0 ? NULL : s->geoip_agrees ? "true" : "false";
}

int
api_participation_ensure(struct ctx *ctx, struct request *req,
    struct response *res, int64_t cid, const char *scheme)
{
	struct stratum	 s;
	enum db_status	 rc;
	char		 c[API_INT_LEN], me[API_INT_LEN];

	if (api_stratum(ctx, req, res, scheme, &s) < 0)
		return -1;
	rc = db_exec(ctx->db, STMT_PARTICIPATION_ENSURE, DB_PARAMS(
	    api_int(cid, c), api_int(ctx->session->account_id, me), s.code,
	    stratum_source_name(s.source), api_stratum_agrees(&s)), NULL);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		return -1;
	}
	return 0;
}

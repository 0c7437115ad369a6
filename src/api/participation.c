/*
 * A participant's cell in a consultation, fixed at their first
 * contribution (ballot, submission, comment) by the SQL function
 * participation_fix(): the stratum of the consultation's weighting scheme,
 * their profile and declared interests.  The worker resolves the stratum
 * in every scheme before the call, from the declared postcode, else GeoIP
 * of the client address (never stored).
 */
#include "concerto/api/common.h"
#include "concerto/api/participation.h"
#include "concerto/auth.h"
#include "concerto/ctx.h"
#include "concerto/geo.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"
#include "concerto/stratum.h"

void
api_viewer_strata(struct ctx *ctx, struct request *req, struct buf *out)
{
	struct geo_place	 place, *seen = NULL;

	if (ctx->geo != NULL && req->remote_addr != NULL &&
	    geo_lookup(ctx->geo, req->remote_addr, &place) == 0)
		seen = &place;
	stratum_json(ctx->session->postcode[0] != '\0' ?
	    ctx->session->postcode : NULL, seen, out);
}

int
api_participation_ensure(struct ctx *ctx, struct request *req,
    struct response *res, int64_t cid)
{
	struct buf	 strata;
	enum db_status	 rc;
	char		 c[API_INT_LEN], me[API_INT_LEN];

	buf_init(&strata, 0);
	api_viewer_strata(ctx, req, &strata);
	rc = db_exec(ctx->db, STMT_PARTICIPATION_ENSURE, DB_PARAMS(
	    api_int(cid, c), api_int(ctx->session->account_id, me),
	    buf_str(&strata)), NULL);
	buf_free(&strata);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		return -1;
	}
	return 0;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A participant's cell in a consultation, fixed at their first
 * contribution (ballot, submission, comment) by the SQL function
 * participation_fix(): the stratum of the consultation's weighting scheme,
 * their profile and declared interests.  The worker resolves the stratum
 * in every scheme before the call, from the declared postcode, else GeoIP
 * of the client address (never stored).
 */
#include "concerto/api/participation.h"
#include "concerto/auth.h"
#include "concerto/ctx.h"
#include "concerto/geo.h"
#include "concerto/request.h"
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

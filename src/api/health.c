/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * GET /api/health: is this worker able to serve?  It runs one trivial
 * statement on the thread's connection (reconnecting if it must).  The two
 * possible bodies are fixed, so they are written as JSON text here rather
 * than built and encoded per request; they are the bytes jansson's compact
 * form gives (CONCERTO_VERSION holds no character JSON escapes).
 */
#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/ctx.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/version.h"

#define HEALTH_BODY(state) "{\"status\":\"" state "\",\"db\":\"" state \
	"\",\"version\":\"" CONCERTO_VERSION "\"}"

static const char	 health_ok[] = HEALTH_BODY("ok");
static const char	 health_down[] = HEALTH_BODY("unavailable");

void
api_health_get(struct ctx *ctx, struct request *req, struct response *res)
{
	if (db_ping(ctx->db) == DB_OK)
		response_text(res, 200, API_JSON_TYPE, health_ok,
		    sizeof(health_ok) - 1);
	else {
		response_text(res, 503, API_JSON_TYPE, health_down,
		    sizeof(health_down) - 1);
		response_header(res, "Retry-After", "2");
	}
}

/*
 * GET /metrics in the Prometheus text format.  nginx lets only loopback
 * clients reach it.
 */
#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/ctx.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/shared.h"

void
api_metrics_get(struct ctx *ctx, struct request *req, struct response *res)
{
	struct buf	 text;

	buf_init(&text, 0);
	counters_render(&ctx->shared->counters, &text);
	response_text(res, 200, "text/plain; version=0.0.4; charset=utf-8",
	    buf_str(&text), text.len);
	buf_free(&text);
}

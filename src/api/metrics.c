/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * GET /metrics in the Prometheus text format.  nginx lets only loopback
 * clients reach it.  Besides the shared counters it reads, at the time of
 * the scrape, the host's hashing slots and the outbox's backlog: one
 * count on the partial index of pending messages (outbox_pending), whose
 * size is the backlog itself.
 */
#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/config.h"
#include "concerto/ctx.h"
#include "concerto/db.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/shared.h"

/* Messages not sent yet, or -1 when the database does not answer. */
static int64_t
metrics_outbox_pending(struct ctx *ctx)
{
	struct db_rows	*rows = NULL;
	int64_t		 n = -1;

	if (db_exec(ctx->db, STMT_OUTBOX_BACKLOG, NULL, 0, &rows) == DB_OK &&
	    db_nrows(rows) == 1)
		n = db_int(rows, 0, 0);
	db_rows_free(rows);
	return n;
}

void
api_metrics_get(struct ctx *ctx, struct request *req, struct response *res)
{
	struct counters_now now;
	struct buf	 text;
	int		 free_slots;

	now.workers = ctx->cfg->workers;
	now.threads = ctx->cfg->threads;
	now.hash_slots = ctx->cfg->hash_slots;
	free_slots = shared_hash_slots_free(ctx->shared);
	now.hash_slots_in_use = free_slots >= 0 && free_slots <= now.hash_slots ?
	    now.hash_slots - free_slots : 0;
	now.outbox_pending = metrics_outbox_pending(ctx);
	buf_init(&text, 0);
	counters_render(&ctx->shared->counters, &now, &text);
	response_text(res, 200, "text/plain; version=0.0.4; charset=utf-8",
	    buf_str(&text), text.len);
	buf_free(&text);
}

/*
 * Research priorities, the things people vote on.  Moderators write them,
 * often by merging submitted questions (the submissions stay linked and
 * are shown with the priority: the published ones to the public, all of
 * them with their status to staff), and record the evidence check; the
 * list is frozen once the vote opens.
 */
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/consultations.h"
#include "concerto/api/fields.h"
#include "concerto/buf.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

#define PHASE_VOTING	2

/* The SQL parameters of a priority's fields (PRIO_SOURCES excluded). */
struct priority_params {
	const char	*v[PRIO_SOURCES];
	char		 pos[API_INT_LEN];
	struct buf	 links;
};

/* Fills p from the request's fields, or from cur (columns from 2) if absent. */
static void
priority_params(struct priority_params *p, const struct field_value *f,
    const struct db_rows *cur)
{
	size_t	 i;

	buf_init(&p->links, 0);
	for (i = 0; i < PRIO_SOURCES; i++) {
		if (!f[i].present)
			p->v[i] = cur != NULL ? db_value(cur, 0, i + 2) : NULL;
		else if (f[i].null)
			p->v[i] = NULL;
		else if (i == PRIO_POSITION)
			p->v[i] = api_int(f[i].i, p->pos);
		else if (i == PRIO_EVIDENCE_LINKS) {
			api_text_array(f[i].strs, f[i].nstrs, &p->links);
			p->v[i] = buf_str(&p->links);
		} else
			p->v[i] = f[i].s;
	}
	if (p->v[PRIO_DESCRIPTION_FR] == NULL)
		p->v[PRIO_DESCRIPTION_FR] = "";
}

/*
 * Sets the sources of priority pid to the submissions f (of consultation
 * cid).  Returns DB_OK, or DB_CONFLICT with a 422 set if one is not a
 * submission of the consultation.
 */
static enum db_status
priority_sources(struct db *db, struct response *res, const char *pid,
    const char *cid, const struct field_value *f)
{
	struct db_rows	*rows = NULL;
	struct buf	 ids;
	enum db_status	 rc;

	if (!f->present)
		return DB_OK;
	buf_init(&ids, 0);
	api_id_array(f->ids, f->nids, &ids);
	rc = db_exec(db, STMT_PRIORITY_SOURCES_SET,
	    DB_PARAMS(pid, cid, buf_str(&ids)), &rows);
	if (rc == DB_OK && (size_t)db_int(rows, 0, 0) != f->nids) {
		response_error(res, 422, "unknown_submission",
		    "A source is not a submission of this consultation.",
		    "sources");
		rc = DB_CONFLICT;
	}
	buf_free(&ids);
	db_rows_free(rows);
	return rc;
}

static void
priority_answer(struct ctx *ctx, struct request *req, struct response *res,
    const char *id, int status)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;

	rc = db_exec(ctx->db, STMT_PRIORITY_GET, DB_PARAMS(id,
	    api_is_staff(ctx) ? "true" : "false"), &rows);
	api_json_found(res, status, rc, rows);
	db_rows_free(rows);
}

static void
priorities_frozen(struct response *res)
{
	response_error(res, 409, "priorities_frozen",
	    "Priorities are frozen once the vote has opened.", NULL);
}

void
api_priorities_list(struct ctx *ctx, struct request *req, struct response *res)
{
	struct consultation_rules cr;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 id[API_INT_LEN];

	if (api_consultation_rules(ctx, req, res, req->id, &cr) < 0)
		return;
	rc = db_exec(ctx->db, STMT_PRIORITY_LIST, DB_PARAMS(api_int(req->id,
	    id), api_is_staff(ctx) ? "true" : "false"), &rows);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		goto out;
	}
	response_json(res, 200, json_pack("{s:o}", "priorities",
	    api_json_rows(rows, db_nrows(rows))));
out:
	db_rows_free(rows);
}

int
api_priority_insert(struct db *db, struct response *res, int64_t cid,
    const struct field_value *f, int64_t *id)
{
	struct priority_params p;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 cids[API_INT_LEN], pid[API_INT_LEN];

	priority_params(&p, f, NULL);
	rc = db_exec(db, STMT_PRIORITY_INSERT, DB_PARAMS(api_int(cid, cids),
	    p.v[PRIO_TITLE_FR], p.v[PRIO_TITLE_EN], p.v[PRIO_DESCRIPTION_FR],
	    p.v[PRIO_DESCRIPTION_EN], p.v[PRIO_POSITION], p.v[PRIO_QUESTION],
	    p.v[PRIO_EVIDENCE_STATUS], p.v[PRIO_EVIDENCE_LINKS]), &rows);
	if (rc == DB_OK) {
		*id = db_int(rows, 0, 0);
		rc = priority_sources(db, res, api_int(*id, pid), cids,
		    &f[PRIO_SOURCES]);
	}
	if (rc != DB_OK && res->status == 0)
		response_db_error(res, rc);
	db_rows_free(rows);
	buf_free(&p.links);
	return rc == DB_OK ? 0 : -1;
}

void
api_priorities_create(struct ctx *ctx, struct request *req,
    struct response *res)
{
	struct consultation_rules cr;
	enum db_status	 rc;
	int64_t		 id;
	char		 pid[API_INT_LEN];

	if (api_consultation_rules(ctx, req, res, req->id, &cr) < 0)
		return;
	if (cr.phase >= PHASE_VOTING) {
		priorities_frozen(res);
		return;
	}
	if ((rc = db_begin(ctx->db)) != DB_OK)
		response_db_error(res, rc);
	else if (api_priority_insert(ctx->db, res, req->id, req->fields,
	    &id) == 0 && (rc = db_commit(ctx->db)) != DB_OK)
		response_db_error(res, rc);
	else if (res->status == 0)
		priority_answer(ctx, req, res, api_int(id, pid), 201);
	db_rollback(ctx->db);
}

void
api_priority_patch(struct ctx *ctx, struct request *req, struct response *res)
{
	struct priority_params p;
	struct db_rows	*cur = NULL;
	enum db_status	 rc;
	char		 pid[API_INT_LEN];

	buf_init(&p.links, 0);
	api_int(req->id, pid);
	if ((rc = db_begin(ctx->db)) == DB_OK)
		rc = db_exec(ctx->db, STMT_PRIORITY_LOCK, DB_PARAMS(pid), &cur);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		goto out;
	}
	if (db_nrows(cur) == 0) {
		api_not_found(res);
		goto out;
	}
	if (api_phase_rank(db_value(cur, 0, 1)) >= PHASE_VOTING) {
		priorities_frozen(res);
		goto out;
	}
	priority_params(&p, req->fields, cur);
	rc = db_exec(ctx->db, STMT_PRIORITY_UPDATE, DB_PARAMS(pid,
	    p.v[PRIO_TITLE_FR], p.v[PRIO_TITLE_EN], p.v[PRIO_DESCRIPTION_FR],
	    p.v[PRIO_DESCRIPTION_EN], p.v[PRIO_POSITION], p.v[PRIO_QUESTION],
	    p.v[PRIO_EVIDENCE_STATUS], p.v[PRIO_EVIDENCE_LINKS]), NULL);
	if (rc == DB_OK)
		rc = priority_sources(ctx->db, res, pid, db_value(cur, 0, 0),
		    &req->fields[PRIO_SOURCES]);
	if (rc == DB_OK)
		rc = db_commit(ctx->db);
	if (rc != DB_OK) {
		if (res->status == 0)
			response_db_error(res, rc);
		goto out;
	}
	priority_answer(ctx, req, res, pid, 200);
out:
	db_rollback(ctx->db);
	db_rows_free(cur);
	buf_free(&p.links);
}

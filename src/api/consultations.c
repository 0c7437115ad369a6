/*
 * Consultations: list, create, read, change.  Admins create and edit; a
 * phase moves only forward, by an admin or by its dates (the SQL function
 * consultation_phase() says which phase is in force); drafts are seen by
 * staff only.  Rules on dates are the table's constraints, mapped here to
 * 422 errors naming the field.
 */
#include <stdio.h>
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/common.h"
#include "concerto/api/consultations.h"
#include "concerto/api/fields.h"
#include "concerto/auth.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/profile.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

#define PAGE_DEFAULT	20

/* A date constraint of the consultations table, and the field it blames. */
static const struct {
	const char	*constraint;
	const char	*field;
	const char	*message;
} date_rules[] = {
	{ "consultation_closes_after_voting", "closes_at",
	  "The vote must close after it opens." },
	{ "consultation_gathering_before_voting", "gathering_at",
	  "Question gathering must start before the vote opens." },
	{ "consultation_publish_after_closing", "publish_at",
	  "Results cannot be published before the vote closes." },
};

/* Maps a failed insert or update to its answer. */
static void
consultation_db_error(struct db *db, struct response *res, enum db_status rc)
{
	const char	*name;
	size_t		 i;

	if (rc == DB_CONFLICT) {
		name = db_conflict_constraint(db);
		for (i = 0; i < sizeof(date_rules) / sizeof(date_rules[0]); i++)
			if (strcmp(name, date_rules[i].constraint) == 0) {
				response_error(res, 422, "invalid_dates",
				    date_rules[i].message,
				    date_rules[i].field);
				return;
			}
	}
	response_db_error(res, rc);
}

/* Answers the consultation id as its GET would, with status. */
static void
consultation_answer(struct ctx *ctx, struct request *req, struct response *res,
    int64_t id, int status)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	char		 ids[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_CONSULTATION_GET, DB_PARAMS(api_int(id, ids),
	    api_is_staff(ctx) ? "true" : "false"), &rows);
	if (rc != DB_OK)
		response_db_error(res, rc);
	else if (db_nrows(rows) == 0 || (!api_is_staff(ctx) &&
	    strcmp(db_value(rows, 0, 1), "draft") == 0))
		api_not_found(res);
	else
		api_json_column(res, status, rows, 0, 0);
	db_rows_free(rows);
}

void
api_consultation_get(struct ctx *ctx, struct request *req, struct response *res)
{
	consultation_answer(ctx, req, res, req->id, 200);
}

void
api_consultations_list(struct ctx *ctx, struct request *req,
    struct response *res)
{
	const struct field_value *q = req->qfields;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	int64_t		 limit = q[CONS_Q_LIMIT].present ?
			    q[CONS_Q_LIMIT].i : PAGE_DEFAULT;
	char		 cur[API_INT_LEN], lim[API_INT_LEN];

	rc = db_exec(ctx->db, STMT_CONSULTATION_LIST, DB_PARAMS(
	    q[CONS_Q_PHASE].present ? q[CONS_Q_PHASE].s : NULL,
	    api_is_staff(ctx) ? "true" : "false",
	    q[CONS_Q_CURSOR].present ? api_int(q[CONS_Q_CURSOR].i, cur) : NULL,
	    api_int(limit + 1, lim)), &rows);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		goto out;
	}
	api_page(res, "consultations", rows, limit);
out:
	db_rows_free(rows);
}

/* The value of a field as an SQL parameter (NULL for JSON null). */
static const char *
consultation_param(const struct field_value *v, enum field_type type,
    char buf[API_INT_LEN])
{
	if (v->null || type == FIELD_SHARES)
		return NULL;
	if (type == FIELD_INT)
		return api_int(v->i, buf);
	return v->s;
}

/*
 * Replaces the profile targets of consultation id with those of field f
 * (if given; null clears them).  Shares must add up to 1.  Returns 0, or
 * -1 with the response set (422, 503).
 */
static int
consultation_targets(struct db *db, struct response *res, const char *id,
    const struct field_value *f)
{
	enum db_status	 rc;
	double		 sum = 0;
	size_t		 i;
	char		 share[32];

	if (!f->present)
		return 0;
	for (i = 0; !f->null && i < PROFILE__MAX; i++)
		if (f->shares[i] >= 0)
			sum += f->shares[i];
	if (!f->null && (sum < 1 - 1e-6 || sum > 1 + 1e-6)) {
		response_error(res, 422, "invalid_profile_targets",
		    "The target shares of the profiles must add up to 1.",
		    "profile_targets");
		return -1;
	}
	rc = db_exec(db, STMT_PROFILE_TARGETS_CLEAR, DB_PARAMS(id), NULL);
	for (i = 0; rc == DB_OK && !f->null && i < PROFILE__MAX; i++) {
		if (f->shares[i] < 0)
			continue;
		snprintf(share, sizeof(share), "%.17g", f->shares[i]);
		rc = db_exec(db, STMT_PROFILE_TARGET_SET,
		    DB_PARAMS(id, profile_names[i], share), NULL);
	}
	if (rc != DB_OK) {
		response_db_error(res, rc);
		return -1;
	}
	return 0;
}

/*
 * Checks that the method's K is given and the other method's is not;
 * vals are the merged values (NULL: unset), given the request's fields.
 * Returns 0, or -1 with a 422.
 */
static int
consultation_method_check(struct response *res, const char *method,
    const char *const *vals, const struct field_value *f)
{
	bool		 approval = strcmp(method, "approval") == 0;
	enum consultation_field mine = approval ? CONS_MAX_CHOICES :
			    CONS_MAX_RANKS;
	enum consultation_field other = approval ? CONS_MAX_RANKS :
			    CONS_MAX_CHOICES;

	if (vals[mine] == NULL) {
		response_error(res, 422, approval ? "max_choices_required" :
		    "max_ranks_required", approval ?
		    "An approval vote needs max_choices." :
		    "A ranked vote needs max_ranks.",
		    approval ? "max_choices" : "max_ranks");
		return -1;
	}
	if (f[other].present && !f[other].null) {
		response_error(res, 422, "not_for_method", approval ?
		    "max_ranks belongs to ranked votes." :
		    "max_choices belongs to approval votes.",
		    approval ? "max_ranks" : "max_choices");
		return -1;
	}
	return 0;
}

int
api_consultation_insert(struct db *db, struct response *res,
    const struct field_value *f, const struct field *defs,
    const char *created_by, const char *phase, int64_t *id)
{
	const char	*vals[CONS_PHASE];
	char		 ints[CONS_PHASE][API_INT_LEN];
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	size_t		 i;

	for (i = 0; i < CONS_PHASE; i++)
		vals[i] = f[i].present ? consultation_param(&f[i],
		    defs[i].type, ints[i]) : NULL;
	if (consultation_method_check(res, vals[CONS_METHOD], vals, f) < 0)
		return -1;
	rc = db_exec(db, STMT_CONSULTATION_INSERT, DB_PARAMS(
	    vals[CONS_TITLE_FR], vals[CONS_TITLE_EN], vals[CONS_SUMMARY_FR],
	    vals[CONS_SUMMARY_EN], vals[CONS_EASY_SUMMARY_FR],
	    vals[CONS_EASY_SUMMARY_EN], vals[CONS_BODY_FR], vals[CONS_BODY_EN],
	    vals[CONS_GATHERING_AT], vals[CONS_VOTING_AT],
	    vals[CONS_CLOSES_AT], vals[CONS_PUBLISH_AT], vals[CONS_METHOD],
	    vals[strcmp(vals[CONS_METHOD], "approval") == 0 ?
	    CONS_MAX_CHOICES : CONS_MAX_RANKS],
	    vals[CONS_WEIGHTING] ? vals[CONS_WEIGHTING] : "none",
	    vals[CONS_MODERATION] ? vals[CONS_MODERATION] : "post",
	    created_by, phase), &rows);
	if (rc != DB_OK) {
		consultation_db_error(db, res, rc);
		return -1;
	}
	*id = db_int(rows, 0, 0);
	rc = consultation_targets(db, res, db_value(rows, 0, 0),
	    &f[CONS_PROFILE_TARGETS]);
	db_rows_free(rows);
	return rc == 0 ? 0 : -1;
}

void
api_consultations_create(struct ctx *ctx, struct request *req,
    struct response *res)
{
	char		 by[API_INT_LEN];
	int64_t		 id;

	enum db_status	 rc;

	if ((rc = db_begin(ctx->db)) != DB_OK)
		response_db_error(res, rc);
	else if (api_consultation_insert(ctx->db, res, req->fields,
	    req->route->fields, api_int(ctx->session->account_id, by),
	    "draft", &id) == 0 && (rc = db_commit(ctx->db)) != DB_OK)
		response_db_error(res, rc);
	else if (res->status == 0)
		consultation_answer(ctx, req, res, id, 201);
	db_rollback(ctx->db);
}

/* Fields that fix the rules of the vote, frozen once it has opened. */
static const enum consultation_field voting_rules[] = { CONS_METHOD,
	CONS_MAX_CHOICES, CONS_MAX_RANKS, CONS_WEIGHTING, CONS_VOTING_AT,
	CONS_GATHERING_AT, CONS_PROFILE_TARGETS };

/*
 * Judges a PATCH against the phase in force (rank now): what is frozen,
 * and that the phase only moves forward.  Returns 0, or -1 with a 409.
 */
static int
consultation_patch_allowed(struct response *res, const struct field_value *f,
    const struct field *defs, int now)
{
	size_t	 i;

	if (f[CONS_PHASE].present && f[CONS_PHASE].i < now) {
		response_error(res, 409, "phase_backwards",
		    "A phase only moves forward.", "phase");
		return -1;
	}
	if (now == 4) {
		for (i = 0; i < CONS_PHASE; i++)
			if (f[i].present) {
				response_error(res, 409, "published",
				    "A published consultation is not changed.",
				    defs[i].name);
				return -1;
			}
		return 0;
	}
	for (i = 0; now >= 2 && i < sizeof(voting_rules) /
	    sizeof(voting_rules[0]); i++)
		if (f[voting_rules[i]].present) {
			response_error(res, 409, "voting_rules_frozen",
			    "The rules of the vote are fixed once it opens.",
			    defs[voting_rules[i]].name);
			return -1;
		}
	if (now >= 3 && f[CONS_CLOSES_AT].present) {
		response_error(res, 409, "voting_rules_frozen",
		    "The vote has closed.", "closes_at");
		return -1;
	}
	return 0;
}

void
api_consultation_patch(struct ctx *ctx, struct request *req,
    struct response *res)
{
	const struct field_value *f = req->fields;
	const struct field *defs = req->route->fields;
	struct db_rows	*cur = NULL;
	const char	*vals[CONS_PHASE], *method, *phase;
	char		 ints[CONS_PHASE][API_INT_LEN], id[API_INT_LEN];
	enum db_status	 rc;
	int		 now;
	size_t		 i;

	if ((rc = db_begin(ctx->db)) != DB_OK) {
		response_db_error(res, rc);
		return;
	}
	rc = db_exec(ctx->db, STMT_CONSULTATION_LOCK,
	    DB_PARAMS(api_int(req->id, id)), &cur);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		goto out;
	}
	if (db_nrows(cur) == 0) {
		api_not_found(res);
		goto out;
	}
	now = api_phase_rank(db_value(cur, 0, CONS_PHASE));
	if (consultation_patch_allowed(res, f, defs, now) < 0)
		goto out;
	for (i = 0; i < CONS_PHASE; i++)
		vals[i] = f[i].present ? consultation_param(&f[i],
		    defs[i].type, ints[i]) : db_value(cur, 0, i);
	method = vals[CONS_METHOD];
	if (consultation_method_check(res, method, vals, f) < 0)
		goto out;
	/* The phase in force is kept, so that dates never move it back. */
	phase = f[CONS_PHASE].present ? f[CONS_PHASE].s : api_phases[now];
	rc = db_exec(ctx->db, STMT_CONSULTATION_UPDATE, DB_PARAMS(id,
	    vals[CONS_TITLE_FR], vals[CONS_TITLE_EN], vals[CONS_SUMMARY_FR],
	    vals[CONS_SUMMARY_EN], vals[CONS_EASY_SUMMARY_FR],
	    vals[CONS_EASY_SUMMARY_EN], vals[CONS_BODY_FR], vals[CONS_BODY_EN],
	    vals[CONS_GATHERING_AT], vals[CONS_VOTING_AT],
	    vals[CONS_CLOSES_AT], vals[CONS_PUBLISH_AT], method,
	    vals[strcmp(method, "approval") == 0 ? CONS_MAX_CHOICES :
	    CONS_MAX_RANKS], vals[CONS_WEIGHTING], vals[CONS_MODERATION],
	    phase), NULL);
	if (rc == DB_OK && consultation_targets(ctx->db, res, id,
	    &f[CONS_PROFILE_TARGETS]) < 0)
		goto out;
	if (rc == DB_OK)
		rc = db_commit(ctx->db);
	if (rc != DB_OK)
		consultation_db_error(ctx->db, res, rc);
	else
		consultation_answer(ctx, req, res, req->id, 200);
out:
	db_rollback(ctx->db);		/* nothing once committed */
	db_rows_free(cur);
}

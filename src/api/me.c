/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The signed-in account: read and change it, export all its data, delete
 * it.  Deletion erases personal data and keeps contributions under
 * "deleted participant".
 */
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/accounts.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/api/pseudonym_accept.h"
#include "concerto/api/session.h"
#include "concerto/auth.h"
#include "concerto/config.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/password.h"
#include "concerto/profile.h"
#include "concerto/pseudonym_db.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"

/* The columns of STMT_ACCOUNT_GET (ACCOUNT_COLUMNS in db_sql.c). */
enum account_col { ACCOUNT_COL_EMAIL, ACCOUNT_COL_PSEUDONYM, ACCOUNT_COL_ROLE,
	ACCOUNT_COL_PROFILE, ACCOUNT_COL_POSTCODE, ACCOUNT_COL_INT_DECL,
	ACCOUNT_COL_INT_TEXT, ACCOUNT_COL_LANGUAGE, ACCOUNT_COL_TERMS_V,
	ACCOUNT_COL_TERMS_AT, ACCOUNT_COL_HEALTH_V, ACCOUNT_COL_HEALTH_AT,
	ACCOUNT_COL_HEALTH_REVOKED, ACCOUNT_COL_VERIFIED_AT, ACCOUNT_COL_TOTP,
	ACCOUNT_COL_CREATED, ACCOUNT_COL_HASH, ACCOUNT_COL_ID };

static enum db_status
me_load(struct ctx *ctx, struct request *req, struct db_rows **rows)
{
	char	 id[API_INT_LEN];

	return db_exec(ctx->db, STMT_ACCOUNT_GET,
	    DB_PARAMS(api_int(ctx->session->account_id, id)), rows);
}

/* The account as the API shows it to its owner. */
static json_t *
me_json(const struct db_rows *r)
{
	return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:{s:b,s:o},s:o,"
	    "s:{s:{s:o,s:o},s:{s:b,s:o,s:o,s:o}},s:b,s:o,s:b}",
	    "id", (json_int_t)db_int(r, 0, ACCOUNT_COL_ID),
	    "email", api_json_text(r, 0, ACCOUNT_COL_EMAIL),
	    "pseudonym", api_json_text(r, 0, ACCOUNT_COL_PSEUDONYM),
	    "role", api_json_text(r, 0, ACCOUNT_COL_ROLE),
	    "profile", api_json_text(r, 0, ACCOUNT_COL_PROFILE),
	    "postcode", api_json_text(r, 0, ACCOUNT_COL_POSTCODE),
	    "interests", "declared", db_bool(r, 0, ACCOUNT_COL_INT_DECL),
	    "text", api_json_text(r, 0, ACCOUNT_COL_INT_TEXT),
	    "language", api_json_text(r, 0, ACCOUNT_COL_LANGUAGE),
	    "consents",
	    "terms", "version", api_json_text(r, 0, ACCOUNT_COL_TERMS_V),
	    "accepted_at", api_json_text(r, 0, ACCOUNT_COL_TERMS_AT),
	    "health_data", "given", !db_isnull(r, 0, ACCOUNT_COL_HEALTH_AT),
	    "version", api_json_text(r, 0, ACCOUNT_COL_HEALTH_V),
	    "given_at", api_json_text(r, 0, ACCOUNT_COL_HEALTH_AT),
	    "revoked_at", api_json_text(r, 0, ACCOUNT_COL_HEALTH_REVOKED),
	    "verified", !db_isnull(r, 0, ACCOUNT_COL_VERIFIED_AT),
	    "created_at", api_json_text(r, 0, ACCOUNT_COL_CREATED),
	    "second_factor_enabled", db_bool(r, 0, ACCOUNT_COL_TOTP));
}

void
api_me_get(struct ctx *ctx, struct request *req, struct response *res)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;

	if ((rc = me_load(ctx, req, &rows)) != DB_OK)
		response_db_error(res, rc);
	else if (db_nrows(rows) == 0)
		response_error(res, 404, "not_found", "This account is gone.",
		    NULL);
	else
		response_json(res, 200, me_json(rows));
	db_rows_free(rows);
}

/*
 * Checks the password of the account under a hashing slot and the sign-in
 * throttle (a stolen session must not become a way to guess the password):
 * a wrong one is booked as a failed sign-in of the account from this
 * network.  Returns 0, or -1 with the response set (403, 429, 503).
 */
static int
me_password_ok(struct ctx *ctx, struct request *req, struct response *res,
    const struct db_rows *acct, const char *pw, const char *field)
{
	const char	*email = db_value(acct, 0, ACCOUNT_COL_EMAIL);
	enum db_status	 rc;
	int		 wait;
	bool		 ok;

	if ((rc = api_signin_wait(ctx, req, email, &wait)) != DB_OK)
		goto fail;
	if (wait > 0) {
		api_too_many_attempts(ctx, res, wait);
		return -1;
	}
	if (api_password_verify(ctx, req, res, db_value(acct, 0,
	    ACCOUNT_COL_HASH), pw, &ok) < 0)
		return -1;
	if (ok)
		return 0;
	if ((rc = api_signin_failed(ctx, req, email, &wait)) != DB_OK)
		goto fail;
	response_error(res, 403, "invalid_password",
	    "The current password is not right.", field);
	return -1;
fail:
	response_db_error(res, rc);
	return -1;
}

static const char *
pick(const struct field_value *v, const struct db_rows *r,
    enum account_col col)
{
	if (!v->present)
		return db_value(r, 0, col);
	return v->null ? NULL : v->s;
}

/*
 * Works out the consent and profile after a change: revoking the health
 * data consent moves a patient or carer profile to "other" (withdrawing is
 * as easy as giving); choosing such a profile needs the consent.  Returns
 * 0, or -1 with the response set.
 */
static int
me_consent(const struct field_value *f, const struct db_rows *r,
    struct response *res, const char **profile, bool *consent)
{
	const struct field_value *c = &f[ME_HEALTH_CONSENT];

	*consent = c->present ? c->b : !db_isnull(r, 0, ACCOUNT_COL_HEALTH_AT);
	*profile = pick(&f[ME_PROFILE], r, ACCOUNT_COL_PROFILE);
	if (profile_is_health_data(profile_parse(*profile)) && !*consent) {
		if (f[ME_PROFILE].present) {
			response_error(res, 400, "consent_required",
			    "The patient and carer profiles are health data: "
			    "consent to their processing first.",
			    "health_data_consent");
			return -1;
		}
		*profile = profile_name(PROFILE_OTHER);
	}
	return 0;
}

/*
 * The new password's hash into hash, if one is asked for (*hash is "" if
 * not): the new one is checked against the policy before the current one
 * is checked.  Runs outside any transaction, so that a wrong current
 * password stays booked.  Returns 0, or -1 with the response set.
 */
static int
me_password_new(struct ctx *ctx, struct request *req, struct response *res,
    const struct db_rows *r, char hash[PASSWORD_ENCODED_MAX])
{
	const struct field_value *f = req->fields;

	hash[0] = '\0';
	if (!f[ME_NEW_PASSWORD].present)
		return 0;
	if (!f[ME_CURRENT_PASSWORD].present) {
		response_error(res, 400, "missing_field",
		    "current_password: give it to change the password.",
		    "current_password");
		return -1;
	}
	if (api_password_policy(res, "new_password", f[ME_NEW_PASSWORD].s,
	    db_value(r, 0, ACCOUNT_COL_EMAIL),
	    db_value(r, 0, ACCOUNT_COL_PSEUDONYM)) < 0 ||
	    me_password_ok(ctx, req, res, r, f[ME_CURRENT_PASSWORD].s,
	    "current_password") < 0 ||
	    api_password_hash(ctx, req, res, f[ME_NEW_PASSWORD].s, hash) < 0)
		return -1;
	return 0;
}

/* Stores the new password; the other sessions and every reset link end. */
static enum db_status
me_password_store(struct ctx *ctx, struct request *req, const char *hash)
{
	char		 id[API_INT_LEN], sid[API_INT_LEN];
	enum db_status	 rc;

	api_int(ctx->session->account_id, id);
	api_int(ctx->session->id, sid);
	if ((rc = db_exec(ctx->db, STMT_ACCOUNT_PASSWORD_SET,
	    DB_PARAMS(id, hash), NULL)) != DB_OK ||
	    (rc = db_exec(ctx->db, STMT_SESSION_DELETE_OTHERS,
	    DB_PARAMS(id, sid), NULL)) != DB_OK)
		return rc;
	return db_exec(ctx->db, STMT_TOKENS_END, DB_PARAMS(id, "reset"), NULL);
}

void
api_me_patch(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *f = req->fields;
	struct db_rows	*r = NULL, *taken = NULL;
	const char	*profile, *pseudonym;
	char		 id[API_INT_LEN], hash[PASSWORD_ENCODED_MAX];
	char		 name[PSEUDONYM_SIZE];
	enum db_status	 rc;
	bool		 consent;

	if ((rc = me_load(ctx, req, &r)) != DB_OK)
		goto fail;
	if (db_nrows(r) == 0 || me_consent(f, r, res, &profile, &consent) < 0)
		goto out;
	if (f[ME_PSEUDONYM].present && api_pseudonym_accept(ctx, req, res,
	    ME_PSEUDONYM, db_value(r, 0, ACCOUNT_COL_PSEUDONYM), name) < 0)
		goto out;
	pseudonym = pick(&f[ME_PSEUDONYM], r, ACCOUNT_COL_PSEUDONYM);
	api_int(ctx->session->account_id, id);
	if ((rc = db_exec(ctx->db, STMT_PSEUDONYM_TAKEN,
	    DB_PARAMS(pseudonym, id), &taken)) != DB_OK)
		goto fail;
	if (db_nrows(taken) > 0) {
		api_pseudonym_taken(res);
		goto out;
	}
	if (me_password_new(ctx, req, res, r, hash) < 0)
		goto out;
	if ((rc = db_begin(ctx->db)) != DB_OK ||
	    (hash[0] != '\0' && (rc = me_password_store(ctx, req,
	    hash)) != DB_OK))
		goto fail;
	rc = db_exec(ctx->db, STMT_ACCOUNT_UPDATE, DB_PARAMS(id, pseudonym,
	    profile, pick(&f[ME_POSTCODE], r, ACCOUNT_COL_POSTCODE),
	    pick(&f[ME_LANGUAGE], r, ACCOUNT_COL_LANGUAGE),
	    f[ME_INTERESTS_DECLARED].present ?
	    (f[ME_INTERESTS_DECLARED].b ? "true" : "false") :
	    db_value(r, 0, ACCOUNT_COL_INT_DECL),
	    pick(&f[ME_INTERESTS_TEXT], r, ACCOUNT_COL_INT_TEXT),
	    consent ? API_HEALTH_CONSENT_VERSION : db_value(r, 0,
	    ACCOUNT_COL_HEALTH_V),
	    consent ? "true" : "false"), NULL);
	if (rc == DB_OK && f[ME_PSEUDONYM].present)
		rc = pseudonym_db_store(ctx->db, ctx->session->account_id,
		    pseudonym);
	if (rc == DB_CONFLICT) {
		api_pseudonym_taken(res);
		goto out;
	}
	db_rows_free(r);
	r = NULL;
	if (rc != DB_OK || (rc = me_load(ctx, req, &r)) != DB_OK ||
	    (rc = db_commit(ctx->db)) != DB_OK)
		goto fail;
	response_json(res, 200, me_json(r));
	goto out;
fail:
	response_db_error(res, rc);
out:
	db_rollback(ctx->db);
	db_rows_free(r);
	db_rows_free(taken);
}

void
api_me_delete(struct ctx *ctx, struct request *req, struct response *res)
{
	struct db_rows	*r = NULL;
	char		 id[API_INT_LEN];
	enum db_status	 rc;
	static const enum stmt erase[] = { STMT_ACCOUNT_ERASE,
	    STMT_SESSION_DELETE_ALL, STMT_TOKENS_DELETE, STMT_OUTBOX_DELETE,
	    STMT_RECOVERY_DELETE, STMT_NOTIFICATIONS_DELETE };
	size_t		 i;

	if ((rc = me_load(ctx, req, &r)) != DB_OK)
		goto fail;
	if (db_nrows(r) == 0 || me_password_ok(ctx, req, res, r,
	    req->fields[ME_DELETE_PASSWORD].s, "password") < 0)
		goto out;
	api_int(ctx->session->account_id, id);
	if ((rc = db_begin(ctx->db)) != DB_OK)
		goto fail;
	for (i = 0; i < sizeof(erase) / sizeof(erase[0]); i++)
		if ((rc = db_exec(ctx->db, erase[i], DB_PARAMS(id), NULL)) !=
		    DB_OK)
			goto fail;
	if ((rc = db_commit(ctx->db)) != DB_OK)
		goto fail;
	response_json(res, 204, NULL);
	auth_cookie_clear(res);
	goto out;
fail:
	response_db_error(res, rc);
out:
	db_rollback(ctx->db);
	db_rows_free(r);
}

/* Signs out everywhere: every session, this one too, and every reset link. */
void
api_me_sessions_delete(struct ctx *ctx, struct request *req,
    struct response *res)
{
	char		 id[API_INT_LEN];
	enum db_status	 rc;

	api_int(ctx->session->account_id, id);
	if ((rc = db_begin(ctx->db)) != DB_OK ||
	    (rc = db_exec(ctx->db, STMT_SESSION_DELETE_ALL, DB_PARAMS(id),
	    NULL)) != DB_OK ||
	    (rc = db_exec(ctx->db, STMT_TOKENS_END, DB_PARAMS(id, "reset"),
	    NULL)) != DB_OK ||
	    (rc = db_commit(ctx->db)) != DB_OK) {
		db_rollback(ctx->db);
		response_db_error(res, rc);
		return;
	}
	response_json(res, 204, NULL);
	auth_cookie_clear(res);
}

/* Runs stmt for the account and appends its rows as objects of keys. */
static enum db_status
me_export_rows(struct ctx *ctx, struct request *req, enum stmt s,
    const char *const *keys, json_t *arr)
{
	struct db_rows	*rows = NULL;
	char		 id[API_INT_LEN];
	enum db_status	 rc;
	size_t		 i, k;
	json_t		*o;

	rc = db_exec(ctx->db, s, DB_PARAMS(api_int(ctx->session->account_id,
	    id)), &rows);
	for (i = 0; rc == DB_OK && i < db_nrows(rows); i++) {
		o = json_object();
		for (k = 0; keys[k] != NULL; k++)
			json_object_set_new(o, keys[k],
			    api_json_text(rows, i, k));
		json_array_append_new(arr, o);
	}
	db_rows_free(rows);
	return rc;
}

void
api_me_export(struct ctx *ctx, struct request *req, struct response *res)
{
	static const char *const skeys[] = { "kind", "created_at",
	    "last_seen_at", "expires_at", "second_factor", NULL };
	static const char *const rkeys[] = { "old_role", "new_role",
	    "changed_by", "changed_at", NULL };
	static const char *const mkeys[] = { "subject", "created_at",
	    "sent_at", NULL };
	static const char *const ckeys[] = { "unused", "total", NULL };
	struct db_rows	*r = NULL;
	json_t		*out = NULL, *sessions = json_array();
	json_t		*roles = json_array(), *mail = json_array();
	json_t		*codes = json_array(), *contributions = NULL;
	struct db_rows	*c = NULL;
	enum db_status	 rc;
	char		 id[API_INT_LEN];

	if (ctx->session->auth_age_s > ctx->cfg->recent_auth_s) {
		response_error(res, 403, "reauthentication_required",
		    "Sign in again to export your data.", NULL);
		goto out;
	}
	if ((rc = me_load(ctx, req, &r)) != DB_OK ||
	    (rc = me_export_rows(ctx, req, STMT_EXPORT_SESSIONS, skeys,
	    sessions)) != DB_OK ||
	    (rc = me_export_rows(ctx, req, STMT_EXPORT_ROLE_CHANGES, rkeys,
	    roles)) != DB_OK ||
	    (rc = me_export_rows(ctx, req, STMT_EXPORT_MAIL, mkeys,
	    mail)) != DB_OK ||
	    (rc = me_export_rows(ctx, req, STMT_EXPORT_RECOVERY, ckeys,
	    codes)) !=
	    DB_OK || (rc = db_exec(ctx->db, STMT_EXPORT_CONTRIBUTIONS,
	    DB_PARAMS(api_int(ctx->session->account_id, id)), &c)) != DB_OK) {
		response_db_error(res, rc);
		goto out;
	}
	if (db_nrows(r) == 0) {
		response_error(res, 404, "not_found", "This account is gone.",
		    NULL);
		goto out;
	}
	if ((contributions = api_json_parse(c, 0, 0)) == NULL) {
		response_db_error(res, DB_ERROR);
		goto out;
	}
	out = json_pack("{s:s,s:o,s:O,s:O,s:O,s:O,s:o}",
	    "format", "concerto-export-1", "account", me_json(r),
	    "sessions", sessions, "role_changes", roles, "mail", mail,
	    "recovery_codes", json_array_get(codes, 0), "contributions",
	    contributions);
	response_json(res, 200, out);
	response_header(res, "Content-Disposition",
	    "attachment; filename=\"concerto-export.json\"");
out:
	json_decref(sessions);
	json_decref(roles);
	json_decref(mail);
	json_decref(codes);
	db_rows_free(r);
	db_rows_free(c);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Accounts: registration, e-mail verification and password reset.
 * Whether an address already has an account is never revealed: both cases
 * answer the same and take the same time (the password is hashed either
 * way; a reset's work is done after the answer); the owner of the address
 * learns the difference from the mail.  Every cheap rule is checked before
 * a password is hashed, and the routes anyone may call spend a budget of
 * hashes per client network, so that nobody can keep the hashing slots
 * busy.
 */
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/accounts.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/api/pseudonym_accept.h"
#include "concerto/config.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/hashpool.h"
#include "concerto/log.h"
#include "concerto/mail.h"
#include "concerto/password.h"
#include "concerto/profile.h"
#include "concerto/pseudonym_db.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"
#include "concerto/shared.h"
#include "concerto/token.h"

#define VERIFY_TTL	"86400"		/* 24 hours */
#define RESET_TTL	"3600"		/* 1 hour */
#define RESETS_PER_HOUR	3
#define NOTICES_PER_HOUR 3		/* "someone tried to register" mails */
#define HASH_WINDOW	600		/* seconds of the hashing budget */
#define MAIL_REQUESTS	10		/* reset requests per network ... */
#define MAIL_WINDOW	600		/* ... per this many seconds */
/*
 * How long a sign-in waits for a host hashing slot before 503 busy: a few
 * hashes' time, so that a hash slowed by a busy host (a vacuum, at nice 0,
 * against the hashes' nice 10) does not turn the next sign-in away; only
 * the worker's hashing places wait, never a read's thread.
 */
#define HASH_SLOT_WAIT_MS 1000

/*
 * Takes a place in the worker's hashing pool and a host hashing slot, or
 * answers 503 busy: a sign-in flood waits its turn, reads never do.
 */
static int
api_hash_begin(struct ctx *ctx, struct request *req, struct response *res)
{
	if (hashpool_reserve(ctx->hashpool) == 0) {
		if (password_slot_acquire(ctx->shared, HASH_SLOT_WAIT_MS) == 0)
			return 0;
		hashpool_release(ctx->hashpool);
	}
	api_hash_busy(ctx, res);
	return -1;
}

void
api_hash_busy(struct ctx *ctx, struct response *res)
{
	counters_hash_refused(&ctx->shared->counters);
	response_error(res, 503, "busy",
	    "Too many sign-ins at once; try again in a moment.", NULL);
	response_header(res, "Retry-After", "1");
}

static void
api_hash_end(struct ctx *ctx, struct request *req)
{
	password_slot_release(ctx->shared);
	hashpool_release(ctx->hashpool);
}

/*
 * Hashes pw for storage.  Returns 0, or -1 with the response set (503 when
 * hashing is saturated).
 */
int
api_password_hash(struct ctx *ctx, struct request *req, struct response *res,
    const char *pw, char out[PASSWORD_ENCODED_MAX])
{
	int	 rc;

	if (api_hash_begin(ctx, req, res) < 0)
		return -1;
	rc = password_hash(ctx->cfg, ctx->hashpool, pw, out);
	api_hash_end(ctx, req);
	if (rc < 0) {
		response_error(res, 500, "internal_error",
		    "The password could not be hashed.", NULL);
		return -1;
	}
	return 0;
}

/*
 * Checks pw against encoded (which may be NULL: no account) under a host
 * hashing slot; *ok tells the result.  Returns 0, or -1 with the response
 * set (503 when every slot stays busy).
 */
int
api_password_verify(struct ctx *ctx, struct request *req, struct response *res,
    const char *encoded, const char *pw, bool *ok)
{
	if (api_hash_begin(ctx, req, res) < 0)
		return -1;
	*ok = password_verify(ctx->hashpool, encoded, pw);
	api_hash_end(ctx, req);
	return 0;
}

/* Refuses a weak password with a 400 naming field; 0 if acceptable. */
int
api_password_policy(struct response *res, const char *field, const char *pw,
    const char *email, const char *pseudonym)
{
	const char	*why = password_policy(pw, email, pseudonym);

	if (why == NULL)
		return 0;
	if (strcmp(why, "too_short") == 0)
		response_error(res, 400, "weak_password",
		    "Choose a password of at least 12 characters.", field);
	else if (strcmp(why, "too_long") == 0)
		response_error(res, 400, "weak_password",
		    "Choose a password of at most 1024 bytes.", field);
	else if (strcmp(why, "too_common") == 0)
		response_error(res, 400, "weak_password",
		    "This password is among the most common ones; choose "
		    "another.", field);
	else
		response_error(res, 400, "weak_password",
		    "The password must not be your e-mail or pseudonym.", field);
	return -1;
}

/* Checks the consents of a registration; 0 or -1 with the response set. */
static int
accounts_consents(const struct field_value *f, struct response *res)
{
	if (!f[ACCOUNT_ACCEPT_TERMS].b) {
		response_error(res, 400, "consent_required",
		    "Accept the terms of use to create an account.",
		    "accept_terms");
		return -1;
	}
	if (profile_is_health_data(profile_parse(f[ACCOUNT_PROFILE].s)) &&
	    !(f[ACCOUNT_HEALTH_CONSENT].present && f[ACCOUNT_HEALTH_CONSENT].b)) {
		response_error(res, 400, "consent_required",
		    "The patient and carer profiles are health data: consent "
		    "to their processing, or choose another profile.",
		    "health_data_consent");
		return -1;
	}
	return 0;
}

static enum db_status
accounts_pseudonym_taken(struct db *db, const char *pseudonym, bool *taken)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;

	rc = db_exec(db, STMT_PSEUDONYM_TAKEN, DB_PARAMS(pseudonym, NULL),
	    &rows);
	*taken = rc == DB_OK && db_nrows(rows) > 0;
	db_rows_free(rows);
	return rc;
}

static enum db_status
accounts_email_taken(struct db *db, const char *email, bool *taken)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;

	rc = db_exec(db, STMT_ACCOUNT_BY_EMAIL, DB_PARAMS(email), &rows);
	*taken = rc == DB_OK && db_nrows(rows) > 0;
	db_rows_free(rows);
	return rc;
}

/*
 * Inserts the account, its verification token and mail, in the open
 * transaction.  Returns DB_CONFLICT if the address was taken meanwhile.
 */
static enum db_status
accounts_insert(struct ctx *ctx, struct request *req, const char *email,
    const char *hash)
{
	const struct field_value *f = req->fields;
	struct db_rows	*rows = NULL;
	char		 token[TOKEN_LEN + 1], th[TOKEN_HASH_LEN + 3];
	const char	*lang = f[ACCOUNT_LANGUAGE].present ?
			    f[ACCOUNT_LANGUAGE].s : "fr";
	bool		 health = profile_is_health_data(
			    profile_parse(f[ACCOUNT_PROFILE].s));
	enum db_status	 rc;
	int64_t		 id;

	rc = db_exec(ctx->db, STMT_ACCOUNT_INSERT, DB_PARAMS(email, hash,
	    f[ACCOUNT_PSEUDONYM].s, f[ACCOUNT_PROFILE].s,
	    f[ACCOUNT_POSTCODE].null ? NULL : f[ACCOUNT_POSTCODE].s,
	    f[ACCOUNT_INTERESTS_DECLARED].b ? "true" : "false",
	    f[ACCOUNT_INTERESTS_TEXT].null ? NULL : f[ACCOUNT_INTERESTS_TEXT].s,
	    lang, API_TERMS_VERSION,
	    health || (f[ACCOUNT_HEALTH_CONSENT].present &&
	    f[ACCOUNT_HEALTH_CONSENT].b) ? API_HEALTH_CONSENT_VERSION : NULL),
	    &rows);
	if (rc != DB_OK)
		goto out;
	id = db_int(rows, 0, 0);
	if ((rc = pseudonym_db_store(ctx->db, id, f[ACCOUNT_PSEUDONYM].s)) !=
	    DB_OK)
		goto out;
	if (token_new(token) < 0) {
		rc = DB_ERROR;
		goto out;
	}
	token_hash(token, th);
	{
		char	 idb[API_INT_LEN];

		rc = db_exec(ctx->db, STMT_TOKEN_INSERT, DB_PARAMS(th,
		    api_int(id, idb), "verify", VERIFY_TTL), NULL);
	}
	if (rc == DB_OK)
		rc = mail_queue(ctx->db, ctx->cfg, id, email, lang, MAIL_VERIFY,
		    token);
out:
	db_rows_free(rows);
	return rc;
}

/*
 * Tells the owner of an address that already has an account, a few times
 * an hour at most, so that registrations cannot flood a mailbox.
 */
static enum db_status
accounts_notify_taken(struct ctx *ctx, struct request *req, const char *email)
{
	struct db_rows	*rows = NULL, *recent = NULL;
	enum db_status	 rc;

	rc = db_exec(ctx->db, STMT_ACCOUNT_BY_EMAIL_LOCKED, DB_PARAMS(email),
	    &rows);
	if (rc != DB_OK || db_nrows(rows) == 0)
		goto out;
	rc = db_exec(ctx->db, STMT_MAIL_RECENT, DB_PARAMS(db_value(rows, 0,
	    BY_EMAIL_ID), mail_kind_name(MAIL_REGISTER_AGAIN)), &recent);
	if (rc == DB_OK && db_int(recent, 0, 0) < NOTICES_PER_HOUR)
		rc = mail_queue(ctx->db, ctx->cfg, db_int(rows, 0, BY_EMAIL_ID),
		    email, db_value(rows, 0, BY_EMAIL_LANGUAGE),
		    MAIL_REGISTER_AGAIN, NULL);
out:
	db_rows_free(rows);
	db_rows_free(recent);
	return rc;
}

void
api_accounts_create(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *f = req->fields;
	char		 email[API_EMAIL_LEN], hash[PASSWORD_ENCODED_MAX];
	char		 pseudonym[PSEUDONYM_SIZE];
	bool		 taken;
	enum db_status	 rc;

	api_email_normalize(f[ACCOUNT_EMAIL].s, email);
	if (accounts_consents(f, res) < 0 ||
	    api_pseudonym_accept(ctx, req, res, ACCOUNT_PSEUDONYM, NULL,
	    pseudonym) < 0 ||
	    api_password_policy(res, "password", f[ACCOUNT_PASSWORD].s, email,
	    f[ACCOUNT_PSEUDONYM].s) < 0)
		return;
	if ((rc = accounts_pseudonym_taken(ctx->db, f[ACCOUNT_PSEUDONYM].s,
	    &taken)) != DB_OK) {
		response_db_error(res, rc);
		return;
	}
	if (taken) {
		api_pseudonym_taken(res);
		return;
	}
	if (api_network_budget(ctx, req, res, 'h', ctx->cfg->hashes_per_network,
	    HASH_WINDOW) < 0 ||
	    api_password_hash(ctx, req, res, f[ACCOUNT_PASSWORD].s, hash) < 0)
		return;
	if ((rc = db_begin(ctx->db)) != DB_OK ||
	    (rc = accounts_email_taken(ctx->db, email, &taken)) != DB_OK)
		goto fail;
	/* Checked first so the usual case leaves no error in the server log. */
	rc = taken ? accounts_notify_taken(ctx, req, email) :
	    accounts_insert(ctx, req, email, hash);
	if (rc == DB_CONFLICT &&
	    strcmp(db_conflict_constraint(ctx->db), "accounts_email_key") == 0) {
		db_rollback(ctx->db);
		if ((rc = db_begin(ctx->db)) == DB_OK)
			rc = accounts_notify_taken(ctx, req, email);
	} else if (rc == DB_CONFLICT) {
		db_rollback(ctx->db);
		api_pseudonym_taken(res);
		return;
	}
	if (rc != DB_OK || (rc = db_commit(ctx->db)) != DB_OK)
		goto fail;
	response_json(res, 202, json_pack("{s:s,s:s}", "status",
	    "verification_sent", "message", "If this address can be used, "
	    "a message with a confirmation link is on its way."));
	return;
fail:
	db_rollback(ctx->db);
	response_db_error(res, rc);
}

/* Marks a one-time token used; its account id, 0 if invalid. */
static enum db_status
accounts_token_use(struct ctx *ctx, struct request *req, const char *purpose,
    int64_t *id)
{
	struct db_rows	*rows = NULL;
	char		 th[TOKEN_HASH_LEN + 3];
	const char	*token = req->fields[TOKEN_FIELD_TOKEN].s;
	enum db_status	 rc = DB_OK;

	*id = 0;
	if (!token_well_formed(token))
		return DB_OK;
	token_hash(token, th);
	rc = db_exec(ctx->db, STMT_TOKEN_USE, DB_PARAMS(th, purpose), &rows);
	if (rc == DB_OK && db_nrows(rows) > 0)
		*id = db_int(rows, 0, 0);
	db_rows_free(rows);
	return rc;
}

/*
 * Opens a transaction and uses up the one-time token of the request for
 * purpose.  Returns 0 with *id set and the transaction open, or -1 with it
 * closed and the response set (400 invalid_token, 503).
 */
static int
accounts_token_begin(struct ctx *ctx, struct request *req, struct response *res,
    const char *purpose, int64_t *id)
{
	enum db_status	 rc;

	if ((rc = db_begin(ctx->db)) != DB_OK ||
	    (rc = accounts_token_use(ctx, req, purpose, id)) != DB_OK) {
		db_rollback(ctx->db);
		response_db_error(res, rc);
		return -1;
	}
	if (*id == 0) {
		db_rollback(ctx->db);
		response_error(res, 400, "invalid_token", "This link is not "
		    "valid: it may have expired or been used already.", "token");
		return -1;
	}
	return 0;
}

void
api_accounts_verify(struct ctx *ctx, struct request *req, struct response *res)
{
	char		 idb[API_INT_LEN];
	int64_t		 id;
	enum db_status	 rc;

	if (accounts_token_begin(ctx, req, res, "verify", &id) < 0)
		return;
	if ((rc = db_exec(ctx->db, STMT_ACCOUNT_VERIFY,
	    DB_PARAMS(api_int(id, idb)), NULL)) != DB_OK ||
	    (rc = db_commit(ctx->db)) != DB_OK)
		goto fail;
	response_json(res, 200, json_pack("{s:s}", "status", "verified"));
	return;
fail:
	db_rollback(ctx->db);
	response_db_error(res, rc);
}

/*
 * The work of a reset request, done after the answer (see
 * api_password_reset): a link for a known address, a few an hour at most.
 */
static void
accounts_reset_send(struct ctx *ctx, struct request *req)
{
	struct db_rows	*rows = NULL, *recent = NULL;
	char		 email[API_EMAIL_LEN], token[TOKEN_LEN + 1];
	char		 th[TOKEN_HASH_LEN + 3];
	const char	*id;
	enum db_status	 rc;

	api_email_normalize(req->fields[EMAIL_FIELD_EMAIL].s, email);
	if ((rc = db_begin(ctx->db)) != DB_OK ||
	    (rc = db_exec(ctx->db, STMT_ACCOUNT_BY_EMAIL_LOCKED,
	    DB_PARAMS(email), &rows)) != DB_OK || db_nrows(rows) == 0)
		goto out;
	id = db_value(rows, 0, BY_EMAIL_ID);
	if ((rc = db_exec(ctx->db, STMT_TOKEN_RECENT, DB_PARAMS(id, "reset"),
	    &recent)) != DB_OK || db_int(recent, 0, 0) >= RESETS_PER_HOUR)
		goto out;
	if (token_new(token) < 0) {
		rc = DB_ERROR;
		goto out;
	}
	token_hash(token, th);
	if ((rc = db_exec(ctx->db, STMT_TOKEN_INSERT, DB_PARAMS(th, id, "reset",
	    RESET_TTL), NULL)) != DB_OK ||
	    (rc = mail_queue(ctx->db, ctx->cfg, db_int(rows, 0, BY_EMAIL_ID),
	    email, db_value(rows, 0, BY_EMAIL_LANGUAGE), MAIL_RESET,
	    token)) != DB_OK)
		goto out;
	rc = db_commit(ctx->db);
out:
	db_rollback(ctx->db);
	db_rows_free(rows);
	db_rows_free(recent);
	if (rc != DB_OK)
		log_warn("password reset: the link could not be queued");
}

/*
 * A reset request answers before it looks the address up: the answer
 * takes the same time whether or not an account uses it.  Only the
 * network's budget of requests is checked first (the same work for any
 * address).
 */
void
api_password_reset(struct ctx *ctx, struct request *req, struct response *res)
{
	if (api_network_budget(ctx, req, res, 'm', MAIL_REQUESTS,
	    MAIL_WINDOW) < 0)
		return;
	ctx->deferred = accounts_reset_send;
	response_json(res, 202, json_pack("{s:s,s:s}", "status", "accepted",
	    "message", "If an account uses this address, a message with a "
	    "link is on its way."));
}

/*
 * Whether the request's reset link is usable, without using it up, so
 * that a wrong link costs no hash.  Returns 0, or -1 with the response set
 * (400 invalid_token, 503).
 */
static int
accounts_token_check(struct ctx *ctx, struct request *req, struct response *res)
{
	struct db_rows	*rows = NULL;
	char		 th[TOKEN_HASH_LEN + 3];
	const char	*token = req->fields[TOKEN_FIELD_TOKEN].s;
	enum db_status	 rc = DB_OK;
	bool		 valid = false;

	if (token_well_formed(token)) {
		token_hash(token, th);
		rc = db_exec(ctx->db, STMT_TOKEN_VALID, DB_PARAMS(th, "reset"),
		    &rows);
		valid = rc == DB_OK && db_nrows(rows) > 0;
		db_rows_free(rows);
	}
	if (rc != DB_OK) {
		response_db_error(res, rc);
		return -1;
	}
	if (!valid) {
		response_error(res, 400, "invalid_token", "This link is not "
		    "valid: it may have expired or been used already.", "token");
		return -1;
	}
	return 0;
}

void
api_password_reset_confirm(struct ctx *ctx, struct request *req,
    struct response *res)
{
	const char	*pw = req->fields[TOKEN_FIELD_PASSWORD].s;
	char		 hash[PASSWORD_ENCODED_MAX], idb[API_INT_LEN];
	int64_t		 id;
	enum db_status	 rc;

	if (api_password_policy(res, "password", pw, NULL, NULL) < 0 ||
	    accounts_token_check(ctx, req, res) < 0 ||
	    api_network_budget(ctx, req, res, 'h', ctx->cfg->hashes_per_network,
	    HASH_WINDOW) < 0 ||
	    api_password_hash(ctx, req, res, pw, hash) < 0)
		return;
	if (accounts_token_begin(ctx, req, res, "reset", &id) < 0)
		return;
	api_int(id, idb);
	/* The link proves the address too; every session and link ends. */
	if ((rc = db_exec(ctx->db, STMT_ACCOUNT_PASSWORD_SET,
	    DB_PARAMS(idb, hash), NULL)) != DB_OK ||
	    (rc = db_exec(ctx->db, STMT_ACCOUNT_VERIFY, DB_PARAMS(idb),
	    NULL)) != DB_OK ||
	    (rc = db_exec(ctx->db, STMT_SESSION_DELETE_ALL, DB_PARAMS(idb),
	    NULL)) != DB_OK ||
	    (rc = db_exec(ctx->db, STMT_TOKENS_END, DB_PARAMS(idb, "reset"),
	    NULL)) != DB_OK ||
	    (rc = db_commit(ctx->db)) != DB_OK)
		goto fail;
	response_json(res, 200, json_pack("{s:s}", "status", "password_changed"));
	return;
fail:
	db_rollback(ctx->db);
	response_db_error(res, rc);
}

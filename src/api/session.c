/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Sign-in, sign-out and the second factor.  A sign-in is throttled per
 * account, per client network and per pair (the counters live in
 * PostgreSQL, shared by every worker, under keys only the worker can
 * compute) before any password is hashed; an unknown address costs the
 * same hash as a known one.  Moderators and admins give a second factor,
 * or are enrolled at their first sign-in; wrong codes lock it per account.
 */
#include <stdio.h>
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/accounts.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/api/session.h"
#include "concerto/auth.h"
#include "concerto/buf.h"
#include "concerto/config.h"
#include "concerto/ctx.h"
#include "concerto/field.h"
#include "concerto/hashpool.h"
#include "concerto/log.h"
#include "concerto/mail.h"
#include "concerto/network.h"
#include "concerto/password.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/response_db.h"
#include "concerto/shared.h"
#include "concerto/throttle.h"
#include "concerto/twofactor.h"

/*
 * What an unknown address is checked against, so that it costs the same
 * time as a known one: an argon2id hash with the default parameters (of a
 * password nobody has).
 */
static const char dummy_hash[] = "$argon2id$v=19$m=19456,t=2,p=1$"
    "Y29uY2VydG8tZHVtbXkhIQ$gmtlbS99MPpsAHbeTuSzrbFw9wabS8lmhxgkpGmRnqk";

/* The columns of STMT_ACCOUNT_CONTACT. */
enum contact_col { CONTACT_COL_EMAIL, CONTACT_COL_LANGUAGE, CONTACT_COL_ID };
/* The columns of STMT_SECOND_FACTOR_FAILED. */
enum factor_failed_col { FACTOR_FAILED_COL_WAIT, FACTOR_FAILED_COL_LOCKED };

/* The sign-in throttle's keys of who (an e-mail, or "#id") from net. */
struct signin_keys {
	char	 account[THROTTLE_HMAC_LEN + 1];
	char	 network[THROTTLE_HMAC_LEN + 1];
	char	 pair[THROTTLE_HMAC_LEN + 1];
};

static void
signin_keys(const struct ctx *ctx, const struct request *req, const char *who,
    struct signin_keys *k)
{
	const struct throttle_key *key = ctx->cfg->throttle_key;
	char		 net[NETWORK_PREFIX_MAX];
	struct buf	 pair;

	network_prefix(req->remote_addr, net);
	buf_init(&pair, 0);
	buf_puts(&pair, who);
	buf_putc(&pair, ' ');
	buf_puts(&pair, net);
	throttle_hmac(key, 'a', who, k->account);
	throttle_hmac(key, 'n', net, k->network);
	throttle_hmac(key, 'p', buf_str(&pair), k->pair);
	buf_free(&pair);
}

/* Runs one of the sign-in throttle's statements; *wait: seconds, or 0. */
static enum db_status
signin_throttle(struct ctx *ctx, struct request *req, enum stmt s,
    const char *who, int *wait)
{
	struct signin_keys k;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;

	signin_keys(ctx, req, who, &k);
	if (s == STMT_SIGNIN_SUCCEEDED)
		rc = db_exec(ctx->db, s, DB_PARAMS(k.account, k.pair), NULL);
	else
		rc = db_exec(ctx->db, s, DB_PARAMS(k.account, k.network,
		    k.pair), &rows);
	*wait = rc == DB_OK && db_nrows(rows) > 0 ? (int)db_int(rows, 0, 0) : 0;
	db_rows_free(rows);
	return rc;
}

enum db_status
api_signin_wait(struct ctx *ctx, struct request *req, const char *who,
    int *wait)
{
	return signin_throttle(ctx, req, STMT_SIGNIN_WAIT, who, wait);
}

enum db_status
api_signin_failed(struct ctx *ctx, struct request *req, const char *who,
    int *wait)
{
	return signin_throttle(ctx, req, STMT_SIGNIN_FAILED, who, wait);
}

void
api_too_many_attempts(struct ctx *ctx, struct response *res, int wait)
{
	counters_signin_throttled(&ctx->shared->counters);
	api_wait_error(res, "too_many_attempts",
	    "Too many failed attempts; wait before trying again.", NULL, wait);
}

static void
session_second_factor_locked(struct response *res, int wait)
{
	api_wait_error(res, "second_factor_locked",
	    "Too many wrong codes: the second factor of this account is "
	    "locked for a while. Its owner has been told by e-mail.", "totp",
	    wait);
}

/* Tells the owner of id that its second factor is locked. */
static enum db_status
session_lock_mail(struct ctx *ctx, struct request *req, const char *id)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;

	rc = db_exec(ctx->db, STMT_ACCOUNT_CONTACT, DB_PARAMS(id), &rows);
	if (rc == DB_OK && db_nrows(rows) > 0 && !db_isnull(rows, 0,
	    CONTACT_COL_EMAIL))
		rc = mail_queue(ctx->db, ctx->cfg, db_int(rows, 0,
		    CONTACT_COL_ID), db_value(rows, 0, CONTACT_COL_EMAIL),
		    db_value(rows, 0, CONTACT_COL_LANGUAGE),
		    MAIL_SECOND_FACTOR_LOCKED, NULL);
	db_rows_free(rows);
	return rc;
}

/* The TOTP secret of the account cannot be opened (see twofactor.h). */
static void
session_second_factor_unavailable(struct response *res)
{
	response_error(res, 503, "second_factor_unavailable",
	    "The authenticator code cannot be checked: this server does not "
	    "hold the key its secret is sealed under. A recovery code still "
	    "works; the operators must restore the key "
	    "(CONCERTO_SECRET_KEY_FILE).", "totp");
}

/*
 * Checks a second-factor code (TOTP or recovery, either may be NULL) of
 * account id under the account's lock: while the lock holds, no code is
 * even looked at.  A wrong code is booked against the account, whatever
 * the route or the network; the failure that sets the lock mails the
 * owner.  A TOTP code that cannot be checked (the secret does not open)
 * is not booked.  Returns 0 with *ok set, or -1 with the response set
 * (429, 503).
 */
static int
session_code_check(struct ctx *ctx, struct request *req, struct response *res,
    int64_t id, const char *totp, const char *recovery, bool *ok)
{
	struct db_rows	*rows = NULL;
	char		 idb[API_INT_LEN];
	enum twofactor_verdict verdict;
	enum db_status	 rc;
	int		 ret = -1;

	*ok = false;
	api_int(id, idb);
	if ((rc = db_exec(ctx->db, STMT_SECOND_FACTOR_WAIT, DB_PARAMS(idb),
	    &rows)) != DB_OK)
		goto fail;
	if (db_int(rows, 0, 0) > 0) {
		session_second_factor_locked(res, (int)db_int(rows, 0, 0));
		goto out;
	}
	if ((rc = twofactor_verify(ctx->db, ctx->cfg->secretbox, id, totp,
	    recovery, &verdict)) != DB_OK)
		goto fail;
	if (verdict == TWOFACTOR_UNAVAILABLE) {
		session_second_factor_unavailable(res);
		goto out;
	}
	*ok = verdict == TWOFACTOR_GOOD;
	db_rows_free(rows);
	rows = NULL;
	if (*ok)
		rc = db_exec(ctx->db, STMT_SECOND_FACTOR_SUCCEEDED,
		    DB_PARAMS(idb), NULL);
	else if ((rc = db_exec(ctx->db, STMT_SECOND_FACTOR_FAILED,
	    DB_PARAMS(idb), &rows)) == DB_OK &&
	    db_bool(rows, 0, FACTOR_FAILED_COL_LOCKED))
		rc = session_lock_mail(ctx, req, idb);
	if (rc != DB_OK)
		goto fail;
	ret = 0;
	goto out;
fail:
	response_db_error(res, rc);
out:
	db_rows_free(rows);
	return ret;
}

/*
 * Verifies the password under a hashing slot, rehashing it when the
 * configured parameters changed.  *ok tells the result.  Returns 0, or -1
 * with the response set.
 */
static int
session_password(struct ctx *ctx, struct request *req, struct response *res,
    const struct db_rows *acct, bool *ok)
{
	const char	*pw = req->fields[SESSION_PASSWORD].s;
	const char	*stored = db_nrows(acct) > 0 ? db_value(acct, 0,
	    BY_EMAIL_PASSWORD_HASH) : NULL;
	char		 fresh[PASSWORD_ENCODED_MAX];

	if (api_password_verify(ctx, req, res, stored ? stored : dummy_hash, pw,
	    ok) < 0)
		return -1;
	*ok = *ok && stored != NULL;
	if (!*ok || !password_needs_rehash(ctx->cfg, stored))
		return 0;
	if (api_password_hash(ctx, req, res, pw, fresh) < 0)
		return -1;
	if (db_exec(ctx->db, STMT_ACCOUNT_PASSWORD_SET,
	    DB_PARAMS(db_value(acct, 0, BY_EMAIL_ID), fresh), NULL) != DB_OK)
		log_warn("sign-in: could not store the rehashed password");
	return 0;
}

static json_t *
session_enrolment_json(const struct twofactor_enrolment *e)
{
	json_t	*codes = json_array();
	size_t	 i;

	for (i = 0; i < TWOFACTOR_CODES; i++)
		json_array_append_new(codes, json_string(e->codes[i]));
	return json_pack("{s:s,s:s,s:o}", "secret", e->secret,
	    "otpauth_uri", e->uri, "recovery_codes", codes);
}

/*
 * Settles the second factor of a staff sign-in: "verified" (a good code
 * was given), "required" (enrolled, no code), "enrol" (first sign-in:
 * *enrolment is set).  Returns 0, or -1 with the response set (a wrong
 * code: 401; locked: 429; 503).
 */
static int
session_second_factor(struct ctx *ctx, struct request *req,
    struct response *res,
    int64_t id, const char *email, const char **state, json_t **enrolment)
{
	const struct field_value *f = req->fields;
	struct twofactor_enrolment e;
	enum db_status	 rc;
	int		 st;
	bool		 ok = false;

	if ((rc = twofactor_state(ctx->db, id, &st)) != DB_OK)
		goto fail;
	if (st == 2 && (f[SESSION_TOTP].present ||
	    f[SESSION_RECOVERY_CODE].present)) {
		if (session_code_check(ctx, req, res, id,
		    f[SESSION_TOTP].present ?
		    f[SESSION_TOTP].s : NULL, f[SESSION_RECOVERY_CODE].present ?
		    f[SESSION_RECOVERY_CODE].s : NULL, &ok) < 0)
			return -1;
		if (!ok) {
			response_error(res, 401, "invalid_second_factor",
			    "This code is not valid.", "totp");
			return -1;
		}
		*state = "verified";
		return 0;
	}
	if (st == 2) {
		*state = "required";
		return 0;
	}
	/* None yet, or an enrolment never confirmed: (re)enrol. */
	if ((rc = twofactor_enrol(ctx->db, ctx->cfg->secretbox, id, email,
	    false, &e)) != DB_OK)
		goto fail;
	*enrolment = session_enrolment_json(&e);
	*state = "enrol";
	return 0;
fail:
	response_db_error(res, rc);
	return -1;
}

/*
 * A sign-in.  The throttle's counters of the account and the pair are
 * cleared only by a complete one: a right password that still owes its
 * second factor ("required", "enrol") clears nothing, so that password
 * sign-ins cannot be interleaved between guesses of codes.
 */
void
api_session_create(struct ctx *ctx, struct request *req, struct response *res)
{
	const struct field_value *f = req->fields;
	struct db_rows	*acct = NULL;
	char		 email[API_EMAIL_LEN];
	char		 csrf[TOKEN_LEN + 1];
	const char	*state = "not_required";
	json_t		*enrolment = NULL;
	enum db_status	 rc;
	enum role	 role;
	int		 wait;
	bool		 ok;

	/* Turned away before any query when this worker's hashing is full. */
	if (hashpool_full(ctx->hashpool)) {
		api_hash_busy(ctx, res);
		return;
	}
	api_email_normalize(f[SESSION_EMAIL].s, email);
	if ((rc = api_signin_wait(ctx, req, email, &wait)) != DB_OK)
		goto fail;
	if (wait > 0) {
		api_too_many_attempts(ctx, res, wait);
		goto out;
	}
	if ((rc = db_exec(ctx->db, STMT_ACCOUNT_BY_EMAIL, DB_PARAMS(email),
	    &acct)) != DB_OK)
		goto fail;
	if (session_password(ctx, req, res, acct, &ok) < 0)
		goto out;
	role = ok ? auth_role_parse(db_value(acct, 0, BY_EMAIL_ROLE)) :
	    ROLE_PARTICIPANT;
	if (ok && role >= ROLE_MODERATOR && session_second_factor(ctx, req, res,
	    db_int(acct, 0, BY_EMAIL_ID), email, &state, &enrolment) < 0) {
		/* A wrong code counts against the pair too. */
		if (res->status == 401 &&
		    (rc = api_signin_failed(ctx, req, email, &wait)) != DB_OK)
			goto fail;
		goto out;
	}
	if (!ok) {
		if ((rc = api_signin_failed(ctx, req, email, &wait)) != DB_OK)
			goto fail;
		response_error(res, 401, "invalid_credentials",
		    "This e-mail and password do not match an account.", NULL);
		goto out;
	}
	if ((strcmp(state, "not_required") == 0 ||
	    strcmp(state, "verified") == 0) &&
	    (rc = signin_throttle(ctx, req, STMT_SIGNIN_SUCCEEDED, email,
	    &wait)) != DB_OK)
		goto fail;
	if ((rc = auth_session_start(ctx, req, res,
	    db_int(acct, 0, BY_EMAIL_ID),
	    strcmp(state, "verified") == 0, csrf)) != DB_OK)
		goto fail;
	response_json(res, 200, json_pack("{s:s,s:{s:I,s:s,s:s,s:s},s:s}",
	    "csrf_token", csrf,
	    "account", "id", (json_int_t)db_int(acct, 0, BY_EMAIL_ID),
	    "pseudonym", db_value(acct, 0, BY_EMAIL_PSEUDONYM),
	    "role", db_value(acct, 0, BY_EMAIL_ROLE),
	    "language", db_value(acct, 0, BY_EMAIL_LANGUAGE),
	    "second_factor", state));
	if (enrolment != NULL) {
		json_object_set_new(res->json, "enrolment", enrolment);
		enrolment = NULL;
	}
	goto out;
fail:
	response_db_error(res, rc);
out:
	json_decref(enrolment);
	db_rows_free(acct);
}

void
api_session_delete(struct ctx *ctx, struct request *req, struct response *res)
{
	char		 id[API_INT_LEN];
	enum db_status	 rc;

	rc = db_exec(ctx->db, STMT_SESSION_DELETE,
	    DB_PARAMS(api_int(ctx->session->id, id)), NULL);
	if (rc != DB_OK) {
		response_db_error(res, rc);
		return;
	}
	response_json(res, 204, NULL);
	auth_cookie_clear(res);
}

/*
 * The second factor of a signed-in staff session.  A good code gains the
 * session privileges, so the session is replaced by a new one (new token,
 * new CSRF token): a token seen before the code was given is worth nothing
 * after it.
 */
void
api_session_second_factor(struct ctx *ctx, struct request *req,
    struct response *res)
{
	const struct field_value *f = req->fields;
	char		 who[API_INT_LEN + 1], id[API_INT_LEN];
	char		 csrf[TOKEN_LEN + 1];
	enum db_status	 rc;
	int		 wait;
	bool		 ok;

	/* Codes are throttled like passwords, keyed by the account. */
	snprintf(who, sizeof(who), "#%lld", (long long)ctx->session->account_id);
	if ((rc = api_signin_wait(ctx, req, who, &wait)) != DB_OK)
		goto fail;
	if (wait > 0) {
		api_too_many_attempts(ctx, res, wait);
		return;
	}
	if (session_code_check(ctx, req, res, ctx->session->account_id,
	    f[SECOND_FACTOR_CODE].present ? f[SECOND_FACTOR_CODE].s : NULL,
	    f[SECOND_FACTOR_RECOVERY_CODE].present ?
	    f[SECOND_FACTOR_RECOVERY_CODE].s : NULL, &ok) < 0)
		return;
	if (!ok) {
		if ((rc = api_signin_failed(ctx, req, who, &wait)) != DB_OK)
			goto fail;
		response_error(res, 401, "invalid_second_factor",
		    "This code is not valid.", "totp");
		return;
	}
	if ((rc = db_begin(ctx->db)) != DB_OK ||
	    (rc = db_exec(ctx->db, STMT_SESSION_DELETE,
	    DB_PARAMS(api_int(ctx->session->id, id)), NULL)) != DB_OK ||
	    (rc = auth_session_start(ctx, req, res, ctx->session->account_id,
	    true, csrf)) != DB_OK ||
	    (rc = db_commit(ctx->db)) != DB_OK)
		goto fail;
	response_json(res, 200, json_pack("{s:s,s:s}", "second_factor",
	    "verified", "csrf_token", csrf));
	return;
fail:
	db_rollback(ctx->db);
	response_db_error(res, rc);
}

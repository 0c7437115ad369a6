/*
 * Sign-in and sign-out.  A sign-in is throttled per account, per client
 * network and per pair (the counters live in PostgreSQL, shared by every
 * worker) before any password is hashed; an unknown address costs the same
 * hash as a known one.  Moderators and admins give a second factor, or are
 * enrolled at their first sign-in.
 */
#include <stdio.h>
#include <string.h>

#include "concerto/api.h"
#include "concerto/auth.h"
#include "concerto/config.h"
#include "concerto/field.h"
#include "concerto/hashpool.h"
#include "concerto/log.h"
#include "concerto/network.h"
#include "concerto/password.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/twofactor.h"

/*
 * What an unknown address is checked against, so that it costs the same
 * time as a known one: an argon2id hash with the default parameters (of a
 * password nobody has).
 */
static const char dummy_hash[] = "$argon2id$v=19$m=19456,t=2,p=1$"
    "Y29uY2VydG8tZHVtbXkhIQ$gmtlbS99MPpsAHbeTuSzrbFw9wabS8lmhxgkpGmRnqk";

/* Seconds to wait before another try, by throttle key; -1 on error. */
static enum db_status
session_throttle(struct db *db, enum stmt s, const char *who,
    const char *net, int *wait)
{
	struct db_rows	*rows = NULL;
	enum db_status	 rc;

	rc = db_exec(db, s, DB_PARAMS(who, net), &rows);
	*wait = rc == DB_OK && db_nrows(rows) > 0 ? (int)db_int(rows, 0, 0) : 0;
	db_rows_free(rows);
	return rc;
}

static void
session_too_many(struct response *res, int wait)
{
	char	 after[16];

	response_error(res, 429, "too_many_attempts",
	    "Too many failed sign-ins; wait before trying again.", NULL);
	snprintf(after, sizeof(after), "%d", wait);
	response_header(res, "Retry-After", after);
}

/*
 * Verifies the password under a hashing slot, rehashing it when the
 * configured parameters changed.  *ok tells the result.  Returns 0, or -1
 * with the response set.
 */
static int
session_password(struct request *req, struct response *res,
    const struct db_rows *acct, bool *ok)
{
	const char	*pw = req->fields[SESSION_PASSWORD].s;
	const char	*stored = db_nrows(acct) > 0 ? db_value(acct, 0, 1) : NULL;
	char		 fresh[PASSWORD_ENCODED_MAX];

	if (api_password_verify(req, res, stored ? stored : dummy_hash, pw,
	    ok) < 0)
		return -1;
	*ok = *ok && stored != NULL;
	if (!*ok || !password_needs_rehash(req->cfg, stored))
		return 0;
	if (api_password_hash(req, res, pw, fresh) < 0)
		return -1;
	if (db_exec(req->db, STMT_ACCOUNT_PASSWORD_SET,
	    DB_PARAMS(db_value(acct, 0, 0), fresh), NULL) != DB_OK)
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
 * *enrolment is set).  Returns DB_OK, or the failure; *bad is set when a
 * code was given and is wrong.
 */
static enum db_status
session_second_factor(struct request *req, int64_t id, const char *email,
    const char **state, json_t **enrolment, bool *bad)
{
	const struct field_value *f = req->fields;
	struct twofactor_enrolment e;
	enum db_status	 rc;
	int		 st;
	bool		 ok = false;

	*bad = false;
	if ((rc = twofactor_state(req->db, id, &st)) != DB_OK)
		return rc;
	if (st == 2 && (f[SESSION_TOTP].present ||
	    f[SESSION_RECOVERY_CODE].present)) {
		rc = twofactor_verify(req->db, id, f[SESSION_TOTP].present ?
		    f[SESSION_TOTP].s : NULL, f[SESSION_RECOVERY_CODE].present ?
		    f[SESSION_RECOVERY_CODE].s : NULL, &ok);
		*bad = !ok;
		*state = ok ? "verified" : "required";
		return rc;
	}
	if (st == 2) {
		*state = "required";
		return DB_OK;
	}
	/* None yet, or an enrolment never confirmed: (re)enrol. */
	if ((rc = twofactor_enrol(req->db, id, email, false, &e)) != DB_OK)
		return rc;
	*enrolment = session_enrolment_json(&e);
	*state = "enrol";
	return DB_OK;
}

void
api_session_create(struct request *req, struct response *res)
{
	const struct field_value *f = req->fields;
	struct db_rows	*acct = NULL;
	char		 email[API_EMAIL_LEN], net[NETWORK_PREFIX_MAX];
	char		 csrf[TOKEN_LEN + 1];
	const char	*state = "not_required";
	json_t		*enrolment = NULL;
	enum db_status	 rc;
	enum role	 role;
	int		 wait;
	bool		 ok, bad = false;

	/* Turned away before any query when this worker's hashing is full. */
	if (hashpool_full(req->hashpool)) {
		api_hash_busy(res);
		return;
	}
	api_email_normalize(f[SESSION_EMAIL].s, email);
	network_prefix(req->remote_addr, net);
	if ((rc = session_throttle(req->db, STMT_SIGNIN_WAIT, email, net,
	    &wait)) != DB_OK)
		goto fail;
	if (wait > 0) {
		session_too_many(res, wait);
		goto out;
	}
	if ((rc = db_exec(req->db, STMT_ACCOUNT_BY_EMAIL, DB_PARAMS(email),
	    &acct)) != DB_OK)
		goto fail;
	if (session_password(req, res, acct, &ok) < 0)
		goto out;
	role = ok ? auth_role_parse(db_value(acct, 0, 2)) : ROLE_PARTICIPANT;
	if (ok && role >= ROLE_MODERATOR &&
	    (rc = session_second_factor(req, db_int(acct, 0, 0), email, &state,
	    &enrolment, &bad)) != DB_OK)
		goto fail;
	if (!ok || bad) {
		if ((rc = session_throttle(req->db, STMT_SIGNIN_FAILED, email,
		    net, &wait)) != DB_OK)
			goto fail;
		response_error(res, 401, bad ? "invalid_second_factor" :
		    "invalid_credentials", bad ? "This code is not valid." :
		    "This e-mail and password do not match an account.",
		    bad ? "totp" : NULL);
		goto out;
	}
	if ((rc = session_throttle(req->db, STMT_SIGNIN_SUCCEEDED, email, net,
	    &wait)) != DB_OK ||
	    (rc = auth_session_start(req, res, db_int(acct, 0, 0),
	    strcmp(state, "verified") == 0, csrf)) != DB_OK)
		goto fail;
	response_json(res, 200, json_pack("{s:s,s:{s:I,s:s,s:s,s:s},s:s}",
	    "csrf_token", csrf,
	    "account", "id", (json_int_t)db_int(acct, 0, 0),
	    "pseudonym", db_value(acct, 0, 4), "role", db_value(acct, 0, 2),
	    "language", db_value(acct, 0, 3),
	    "second_factor", state));
	if (enrolment != NULL) {
		json_object_set_new(res->json, "enrolment", enrolment);
		enrolment = NULL;
	}
	goto out;
fail:
	api_db_error(res, rc);
out:
	json_decref(enrolment);
	db_rows_free(acct);
}

void
api_session_delete(struct request *req, struct response *res)
{
	char		 id[API_INT_LEN];
	enum db_status	 rc;

	rc = db_exec(req->db, STMT_SESSION_DELETE,
	    DB_PARAMS(api_int(req->session->id, id)), NULL);
	if (rc != DB_OK) {
		api_db_error(res, rc);
		return;
	}
	response_json(res, 204, NULL);
	auth_cookie_clear(res);
}

void
api_session_second_factor(struct request *req, struct response *res)
{
	const struct field_value *f = req->fields;
	char		 who[API_INT_LEN + 1], net[NETWORK_PREFIX_MAX];
	char		 id[API_INT_LEN];
	enum db_status	 rc;
	int		 wait;
	bool		 ok;

	/* Codes are throttled like passwords, keyed by the account. */
	snprintf(who, sizeof(who), "#%lld", (long long)req->session->account_id);
	network_prefix(req->remote_addr, net);
	if ((rc = session_throttle(req->db, STMT_SIGNIN_WAIT, who, net,
	    &wait)) != DB_OK)
		goto fail;
	if (wait > 0) {
		session_too_many(res, wait);
		return;
	}
	if ((rc = twofactor_verify(req->db, req->session->account_id,
	    f[SECOND_FACTOR_CODE].present ? f[SECOND_FACTOR_CODE].s : NULL,
	    f[SECOND_FACTOR_RECOVERY_CODE].present ?
	    f[SECOND_FACTOR_RECOVERY_CODE].s : NULL, &ok)) != DB_OK)
		goto fail;
	if (!ok) {
		if ((rc = session_throttle(req->db, STMT_SIGNIN_FAILED, who, net,
		    &wait)) != DB_OK)
			goto fail;
		response_error(res, 401, "invalid_second_factor",
		    "This code is not valid.", "totp");
		return;
	}
	if ((rc = db_exec(req->db, STMT_SESSION_SECOND_FACTOR,
	    DB_PARAMS(api_int(req->session->id, id)), NULL)) != DB_OK)
		goto fail;
	response_json(res, 200, json_pack("{s:s}", "second_factor", "verified"));
	return;
fail:
	api_db_error(res, rc);
}

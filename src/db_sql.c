/*
 * The one table of SQL statements (see db_sql.h).  Each is prepared once per
 * connection under its name and only ever run with parameters.
 */
#include "concerto/db_sql.h"

#define ACCOUNT_COLUMNS \
	"email, pseudonym, role, profile, postcode, interests_declared, " \
	"interests_text, language, terms_version, iso(terms_accepted_at), " \
	"health_consent_version, iso(health_consent_at), " \
	"iso(health_consent_revoked_at), iso(verified_at), " \
	"totp_enabled_at IS NOT NULL, iso(created_at), password_hash, id"

const struct stmt_def db_statements[STMT__MAX] = {
	[STMT_PING] = { "ping", "SELECT 1", 0 },

	[STMT_ACCOUNT_BY_EMAIL] = { "account_by_email",
	    "SELECT id, password_hash, role, language, pseudonym "
	    "FROM accounts WHERE email = $1 AND deleted_at IS NULL", 1 },
	[STMT_PSEUDONYM_TAKEN] = { "pseudonym_taken",
	    "SELECT 1 FROM accounts WHERE lower(pseudonym) = lower($1) "
	    "AND id IS DISTINCT FROM $2::bigint", 2 },
	[STMT_ACCOUNT_INSERT] = { "account_insert",
	    "INSERT INTO accounts (email, password_hash, pseudonym, profile, "
	    "postcode, interests_declared, interests_text, language, "
	    "terms_version, terms_accepted_at, health_consent_version, "
	    "health_consent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	    "now(), $10, CASE WHEN $10::text IS NULL THEN NULL ELSE now() END) "
	    "RETURNING id", 10 },
	[STMT_ACCOUNT_INSERT_STAFF] = { "account_insert_staff",
	    "INSERT INTO accounts (email, password_hash, pseudonym, role, "
	    "profile, terms_version, terms_accepted_at, verified_at, "
	    "health_consent_version, health_consent_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, now(), now(), $7, "
	    "CASE WHEN $7::text IS NULL THEN NULL ELSE now() END) "
	    "RETURNING id", 7 },
	[STMT_ACCOUNT_GET] = { "account_get",
	    "SELECT " ACCOUNT_COLUMNS " FROM accounts "
	    "WHERE id = $1 AND deleted_at IS NULL", 1 },
	[STMT_ACCOUNT_UPDATE] = { "account_update",
	    "UPDATE accounts SET pseudonym = $2, profile = $3, postcode = $4, "
	    "language = $5, interests_declared = $6, interests_text = $7, "
	    "health_consent_version = $8, "
	    "health_consent_at = CASE WHEN $9::boolean "
	    "  THEN coalesce(health_consent_at, now()) ELSE NULL END, "
	    "health_consent_revoked_at = CASE "
	    "  WHEN $9::boolean THEN NULL "
	    "  WHEN health_consent_at IS NOT NULL THEN now() "
	    "  ELSE health_consent_revoked_at END "
	    "WHERE id = $1 AND deleted_at IS NULL", 9 },
	[STMT_ACCOUNT_VERIFY] = { "account_verify",
	    "UPDATE accounts SET verified_at = coalesce(verified_at, now()) "
	    "WHERE id = $1 AND deleted_at IS NULL", 1 },
	[STMT_ACCOUNT_PASSWORD_SET] = { "account_password_set",
	    "UPDATE accounts SET password_hash = $2 "
	    "WHERE id = $1 AND deleted_at IS NULL", 2 },
	[STMT_ACCOUNT_ERASE] = { "account_erase",
	    "UPDATE accounts SET email = NULL, password_hash = NULL, "
	    "pseudonym = 'deleted-' || id, profile = 'other', postcode = NULL, "
	    "interests_declared = false, interests_text = NULL, "
	    "health_consent_version = NULL, health_consent_at = NULL, "
	    "health_consent_revoked_at = NULL, totp_secret = NULL, "
	    "totp_enabled_at = NULL, deleted_at = now() WHERE id = $1", 1 },
	[STMT_ACCOUNT_ROLE_SET] = { "account_role_set",
	    "WITH old AS (SELECT id, role FROM accounts "
	    "  WHERE email = $1 AND deleted_at IS NULL FOR UPDATE), "
	    "upd AS (UPDATE accounts a SET role = $2 FROM old "
	    "  WHERE a.id = old.id RETURNING a.id, old.role AS old_role) "
	    "INSERT INTO role_changes (account_id, old_role, new_role, "
	    "changed_by) SELECT id, old_role, $2, $3 FROM upd "
	    "RETURNING account_id, old_role", 3 },
	[STMT_ROLE_CHANGE_INSERT] = { "role_change_insert",
	    "INSERT INTO role_changes (account_id, old_role, new_role, "
	    "changed_by) VALUES ($1, $2, $3, $4)", 4 },

	[STMT_TOKEN_INSERT] = { "token_insert",
	    "INSERT INTO account_tokens (token_hash, account_id, purpose, "
	    "expires_at) VALUES ($1::bytea, $2, $3, "
	    "now() + make_interval(secs => $4::int))", 4 },
	[STMT_TOKEN_USE] = { "token_use",
	    "UPDATE account_tokens SET used_at = now() "
	    "WHERE token_hash = $1::bytea AND purpose = $2 "
	    "AND used_at IS NULL AND expires_at > now() RETURNING account_id",
	    2 },
	[STMT_TOKEN_RECENT] = { "token_recent",
	    "SELECT count(*) FROM account_tokens WHERE account_id = $1 "
	    "AND purpose = $2 AND created_at > now() - interval '1 hour'", 2 },
	[STMT_TOKENS_DELETE] = { "tokens_delete",
	    "DELETE FROM account_tokens WHERE account_id = $1", 1 },
	[STMT_OUTBOX_INSERT] = { "outbox_insert",
	    "INSERT INTO outbox (account_id, recipient, subject, body) "
	    "VALUES ($1, $2, $3, $4)", 4 },
	[STMT_OUTBOX_PENDING] = { "outbox_pending",
	    "SELECT id, recipient, subject, body FROM outbox "
	    "WHERE sent_at IS NULL ORDER BY id LIMIT 100 "
	    "FOR UPDATE SKIP LOCKED", 0 },
	[STMT_OUTBOX_SENT] = { "outbox_sent",
	    "UPDATE outbox SET sent_at = now() WHERE id = $1", 1 },
	[STMT_OUTBOX_DELETE] = { "outbox_delete",
	    "DELETE FROM outbox WHERE account_id = $1", 1 },

	[STMT_SESSION_INSERT] = { "session_insert",
	    "INSERT INTO sessions (token_hash, csrf_hash, account_id, kind, "
	    "second_factor, expires_at) VALUES ($1::bytea, $2::bytea, $3, $4, "
	    "$5, now() + make_interval(secs => $6::int)) RETURNING id", 6 },
	[STMT_SESSION_LOOKUP] = { "session_lookup",
	    "SELECT s.id, s.account_id, a.role, a.verified_at IS NOT NULL, "
	    "s.second_factor, encode(s.csrf_hash, 'hex'), "
	    "coalesce(a.suspended_until > now(), false), s.kind, "
	    "extract(epoch FROM now() - s.last_seen_at)::int, "
	    "extract(epoch FROM now() - s.authenticated_at)::int, "
	    "a.language, a.totp_enabled_at IS NOT NULL "
	    "FROM sessions s JOIN accounts a ON a.id = s.account_id "
	    "WHERE s.token_hash = $1::bytea AND s.expires_at > now() "
	    "AND s.last_seen_at > now() - make_interval(secs => $2::int) "
	    "AND a.deleted_at IS NULL", 2 },
	[STMT_SESSION_TOUCH] = { "session_touch",
	    "UPDATE sessions SET last_seen_at = now() WHERE id = $1", 1 },
	[STMT_SESSION_DELETE] = { "session_delete",
	    "DELETE FROM sessions WHERE id = $1", 1 },
	[STMT_SESSION_DELETE_OTHERS] = { "session_delete_others",
	    "DELETE FROM sessions WHERE account_id = $1 AND id <> $2", 2 },
	[STMT_SESSION_DELETE_ALL] = { "session_delete_all",
	    "DELETE FROM sessions WHERE account_id = $1", 1 },
	[STMT_SESSION_SECOND_FACTOR] = { "session_second_factor",
	    "UPDATE sessions SET second_factor = true, "
	    "authenticated_at = now() WHERE id = $1", 1 },

	[STMT_SIGNIN_WAIT] = { "signin_wait",
	    "SELECT signin_wait($1, $2)", 2 },
	[STMT_SIGNIN_FAILED] = { "signin_failed",
	    "SELECT signin_failed($1, $2)", 2 },
	[STMT_SIGNIN_SUCCEEDED] = { "signin_succeeded",
	    "SELECT signin_succeeded($1, $2)", 2 },

	[STMT_TOTP_SET] = { "totp_set",
	    "UPDATE accounts SET totp_secret = $2::bytea, "
	    "totp_enabled_at = CASE WHEN $3::boolean THEN now() END, "
	    "totp_last_step = 0 WHERE id = $1", 3 },
	[STMT_TOTP_GET] = { "totp_get",
	    "SELECT encode(totp_secret, 'hex'), totp_enabled_at IS NOT NULL, "
	    "totp_last_step FROM accounts "
	    "WHERE id = $1 AND totp_secret IS NOT NULL", 1 },
	[STMT_TOTP_USED] = { "totp_used",
	    "UPDATE accounts SET totp_last_step = $2, "
	    "totp_enabled_at = coalesce(totp_enabled_at, now()) "
	    "WHERE id = $1 AND totp_last_step < $2 RETURNING id", 2 },
	[STMT_RECOVERY_DELETE] = { "recovery_delete",
	    "DELETE FROM recovery_codes WHERE account_id = $1", 1 },
	[STMT_RECOVERY_INSERT] = { "recovery_insert",
	    "INSERT INTO recovery_codes (account_id, code_hash) "
	    "VALUES ($1, $2::bytea)", 2 },
	[STMT_RECOVERY_USE] = { "recovery_use",
	    "UPDATE recovery_codes SET used_at = now() WHERE account_id = $1 "
	    "AND code_hash = $2::bytea AND used_at IS NULL RETURNING 1", 2 },

	[STMT_EXPORT_SESSIONS] = { "export_sessions",
	    "SELECT kind, iso(created_at), iso(last_seen_at), "
	    "iso(expires_at), second_factor FROM sessions "
	    "WHERE account_id = $1 ORDER BY id", 1 },
	[STMT_EXPORT_ROLE_CHANGES] = { "export_role_changes",
	    "SELECT old_role, new_role, changed_by, iso(changed_at) "
	    "FROM role_changes WHERE account_id = $1 ORDER BY id", 1 },
	[STMT_EXPORT_MAIL] = { "export_mail",
	    "SELECT subject, iso(created_at), iso(sent_at) FROM outbox "
	    "WHERE account_id = $1 ORDER BY id", 1 },
	[STMT_EXPORT_RECOVERY] = { "export_recovery",
	    "SELECT count(*) FILTER (WHERE used_at IS NULL), count(*) "
	    "FROM recovery_codes WHERE account_id = $1", 1 },
};

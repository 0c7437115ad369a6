/* SPDX-License-Identifier: AGPL-3.0-or-later */
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
	[STMT_ACCOUNT_BY_EMAIL_LOCKED] = { "account_by_email_locked",
	    "SELECT id, password_hash, role, language, pseudonym "
	    "FROM accounts WHERE email = $1 AND deleted_at IS NULL "
	    "FOR UPDATE", 1 },
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
	    "health_consent_revoked_at = NULL, totp_sealed = NULL, "
	    "totp_enabled_at = NULL, deleted_at = now() WHERE id = $1", 1 },
	[STMT_ACCOUNT_ROLE_SET] = { "account_role_set",
	    "WITH old AS (SELECT id, role FROM accounts "
	    "  WHERE email = $1 AND deleted_at IS NULL FOR UPDATE), "
	    "upd AS (UPDATE accounts a SET role = $2 FROM old "
	    "  WHERE a.id = old.id RETURNING a.id, old.role AS old_role) "
	    "INSERT INTO role_changes (account_id, old_role, new_role, "
	    "changed_by) SELECT id, old_role, $2, $3 FROM upd "
	    "RETURNING account_id, old_role", 3 },
	[STMT_ACCOUNT_CONTACT] = { "account_contact",
	    "SELECT email, language, id FROM accounts "
	    "WHERE id = $1 AND deleted_at IS NULL", 1 },
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
	[STMT_TOKEN_VALID] = { "token_valid",
	    "SELECT 1 FROM account_tokens WHERE token_hash = $1::bytea "
	    "AND purpose = $2 AND used_at IS NULL AND expires_at > now()", 2 },
	[STMT_TOKEN_RECENT] = { "token_recent",
	    "SELECT count(*) FROM account_tokens WHERE account_id = $1 "
	    "AND purpose = $2 AND created_at > now() - interval '1 hour'", 2 },
	[STMT_TOKENS_END] = { "tokens_end",
	    "UPDATE account_tokens SET used_at = now() WHERE account_id = $1 "
	    "AND purpose = $2 AND used_at IS NULL", 2 },
	[STMT_TOKENS_DELETE] = { "tokens_delete",
	    "DELETE FROM account_tokens WHERE account_id = $1", 1 },
	[STMT_OUTBOX_INSERT] = { "outbox_insert",
	    "INSERT INTO outbox (account_id, recipient, subject, body_sealed, "
	    "kind) VALUES ($1, $2, $3, $4::bytea, $5)", 5 },
	[STMT_OUTBOX_PENDING] = { "outbox_pending",
	    "SELECT id, recipient, subject, body, encode(body_sealed, 'hex'), "
	    "coalesce(kind, '') FROM outbox "
	    "WHERE sent_at IS NULL ORDER BY id LIMIT 100 "	/* MAIL_BATCH */
	    "FOR UPDATE SKIP LOCKED", 0 },
	[STMT_OUTBOX_PREVIEW] = { "outbox_preview",
	    "SELECT id, recipient, subject, body, encode(body_sealed, 'hex'), "
	    "coalesce(kind, '') FROM outbox WHERE sent_at IS NULL AND "
	    "($1::text IS NULL OR recipient = lower($1)) ORDER BY id", 1 },
	[STMT_OUTBOX_SEALED_LIST] = { "outbox_sealed_list",
	    "SELECT id, kind, recipient, encode(body_sealed, 'hex') FROM outbox "
	    "WHERE body_sealed IS NOT NULL ORDER BY id FOR UPDATE", 0 },
	[STMT_OUTBOX_SEALED_PUT] = { "outbox_sealed_put",
	    "UPDATE outbox SET body_sealed = $2::bytea WHERE id = $1", 2 },
	[STMT_OUTBOX_PENDING_COUNT] = { "outbox_pending_count",
	    "SELECT count(*) FROM outbox WHERE sent_at IS NULL", 0 },
	[STMT_OUTBOX_SENT] = { "outbox_sent",
	    "UPDATE outbox SET sent_at = now(), body = NULL, body_sealed = NULL "
	    "WHERE id = $1", 1 },
	[STMT_OUTBOX_DELETE] = { "outbox_delete",
	    "DELETE FROM outbox WHERE account_id = $1", 1 },
	[STMT_OUTBOX_BACKLOG] = { "outbox_backlog",	/* index outbox_pending */
	    "SELECT count(*) FROM outbox WHERE sent_at IS NULL", 0 },
	[STMT_MAIL_RECENT] = { "mail_recent",
	    "SELECT count(*) FROM outbox WHERE account_id = $1 AND kind = $2 "
	    "AND created_at > now() - interval '1 hour'", 2 },

	[STMT_SESSION_INSERT] = { "session_insert",
	    "INSERT INTO sessions (token_hash, csrf_hash, account_id, kind, "
	    "second_factor, expires_at) VALUES ($1::bytea, $2::bytea, $3, $4, "
	    "$5, now() + make_interval(secs => $6::int)) RETURNING id", 6 },
	[STMT_SESSION_LOOKUP] = { "session_lookup",
	    "SELECT s.id, s.account_id, a.role, a.verified_at IS NOT NULL, "
	    "s.second_factor, encode(s.csrf_hash, 'hex'), "
	    "coalesce(a.suspended_until > now(), false), "
	    "extract(epoch FROM now() - s.last_seen_at)::int, "
	    "extract(epoch FROM now() - s.authenticated_at)::int, "
	    "a.language, a.totp_enabled_at IS NOT NULL, a.postcode, "
	    /* SESSION_MARKED + 1 at most: more is "many" (auth.h). */
	    "array_to_string(ARRAY(SELECT m.consultation_id "
	    "FROM comment_viewers m WHERE m.account_id = s.account_id "
	    "ORDER BY m.consultation_id LIMIT 33), ',') "
	    "FROM sessions s JOIN accounts a ON a.id = s.account_id "
	    "WHERE s.token_hash = $1::bytea AND s.expires_at > now() "
	    "AND s.last_seen_at > now() - make_interval(secs => $2::int) "
	    "AND a.deleted_at IS NULL", 2 },
	/*
	 * Committed without waiting for the disk (set_config(..., true) holds
	 * for the statement's own transaction): a touch lost in a crash only
	 * ends a session a minute early, and one a minute per active session
	 * would otherwise hold a request thread for a flush each time.
	 */
	[STMT_SESSION_TOUCH] = { "session_touch",
	    "UPDATE sessions SET last_seen_at = now() FROM (SELECT "
	    "set_config('synchronous_commit', 'off', true)) lazy "
	    "WHERE id = $1", 1 },
	[STMT_SESSION_DELETE] = { "session_delete",
	    "DELETE FROM sessions WHERE id = $1", 1 },
	[STMT_SESSION_DELETE_OTHERS] = { "session_delete_others",
	    "DELETE FROM sessions WHERE account_id = $1 AND id <> $2", 2 },
	[STMT_SESSION_DELETE_ALL] = { "session_delete_all",
	    "DELETE FROM sessions WHERE account_id = $1", 1 },

	[STMT_SIGNIN_WAIT] = { "signin_wait",
	    "SELECT signin_wait($1::bytea, $2::bytea, $3::bytea)", 3 },
	[STMT_SIGNIN_FAILED] = { "signin_failed",
	    "SELECT signin_failed($1::bytea, $2::bytea, $3::bytea)", 3 },
	[STMT_SIGNIN_SUCCEEDED] = { "signin_succeeded",
	    "SELECT signin_succeeded($1::bytea, $2::bytea)", 2 },
	[STMT_SECOND_FACTOR_WAIT] = { "second_factor_wait",
	    "SELECT second_factor_wait($1)", 1 },
	[STMT_SECOND_FACTOR_FAILED] = { "second_factor_failed",
	    "SELECT wait, locked_now FROM second_factor_failed($1)", 1 },
	[STMT_SECOND_FACTOR_SUCCEEDED] = { "second_factor_succeeded",
	    "SELECT second_factor_succeeded($1)", 1 },
	[STMT_NETWORK_BUDGET] = { "network_budget",
	    "SELECT network_budget($1::bytea, $2, $3)", 3 },

	[STMT_TOTP_SET] = { "totp_set",
	    "UPDATE accounts SET totp_sealed = $2::bytea, "
	    "totp_enabled_at = CASE WHEN $3::boolean THEN now() END, "
	    "totp_last_step = 0 WHERE id = $1", 3 },
	/* NULL secret with totp_enabled_at: waiting for `secrets seal`. */
	[STMT_TOTP_GET] = { "totp_get",
	    "SELECT encode(totp_sealed, 'hex'), totp_enabled_at IS NOT NULL, "
	    "totp_last_step FROM accounts WHERE id = $1 AND "
	    "(totp_sealed IS NOT NULL OR totp_enabled_at IS NOT NULL)", 1 },
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
	[STMT_EXPORT_CONTRIBUTIONS] = { "export_contributions",
	    "SELECT account_contributions($1)", 1 },
	[STMT_NOTIFICATIONS_DELETE] = { "notifications_delete",
	    "DELETE FROM notifications WHERE account_id = $1", 1 },

	/*
	 * Consultations.  Resources leave as JSON built by the SQL functions
	 * of 003_consultations.sql, so every route shows one shape.
	 */
	/*
	 * The sources of priority p, one lookup of priority_sources per
	 * priority (its primary key), whatever the number of priorities the
	 * planner expects: staff see every source (with its status), the
	 * public only published ones.  NULL when it has none.
	 */
#define PRIORITY_SOURCES(p, staff) \
	"LEFT JOIN LATERAL (SELECT json_agg(priority_source_json(s, " staff \
	") ORDER BY s.id) AS sources FROM priority_sources ps " \
	"JOIN submissions s ON s.id = ps.submission_id " \
	"WHERE ps.priority_id = " p ".id AND (" staff " OR " \
	"s.status = 'published')) src ON true "
	/*
	 * $2: staff, who see every source of a priority (with its status).
	 * The priorities are spliced in as the last key, as
	 * consultation_json(c, true, staff) does.
	 */
	[STMT_CONSULTATION_GET] = { "consultation_get",
	    "SELECT (left(consultation_json(c, false)::text, -1) || "
	    "',\"priorities\":' || coalesce((SELECT json_agg(priority_object(p, "
	    "src.sources) ORDER BY p.position, p.id)::text FROM priorities p "
	    PRIORITY_SOURCES("p", "$2::boolean")
	    "WHERE p.consultation_id = c.id), '[]') "
	    "|| '}')::json, consultation_phase(c) FROM consultations c "
	    "WHERE c.id = $1", 2 },
	/* What handlers of its parts need to know of a consultation. */
	[STMT_CONSULTATION_PHASE] = { "consultation_phase",
	    "SELECT consultation_phase(c) FROM consultations c WHERE id = $1",
	    1 },
	[STMT_CONSULTATION_IDS] = { "consultation_ids",
	    "SELECT id FROM consultations ORDER BY id", 0 },
	[STMT_CONSULTATION_LIST] = { "consultation_list",
	    "SELECT consultation_json(c, false), c.id FROM consultations c "
	    "WHERE ($1::text IS NULL OR consultation_phase(c) = $1) "
	    "AND ($2::boolean OR c.phase <> 'draft') "
	    "AND ($3::bigint IS NULL OR c.id < $3) "
	    "ORDER BY c.id DESC LIMIT $4", 4 },
	/*
	 * The writes of sql/012 (code, id, field): $2 is the JSON of the
	 * fields the request gave (field_values_json()).
	 */
	/* $1: the author (NULL: imported); $3: the phase. */
	[STMT_CONSULTATION_POST] = { "consultation_post",
	    "SELECT code, id, field FROM consultation_post($1, $2::jsonb, $3)",
	    3 },
	[STMT_CONSULTATION_BY_TITLE] = { "consultation_by_title",
	    "SELECT id FROM consultations WHERE title_fr = $1", 1 },
	[STMT_CONSULTATION_PATCH] = { "consultation_patch",
	    "SELECT code, id, field FROM consultation_patch($1, $2::jsonb)", 2 },

	/* $2: staff, who see every source (with its status). */
	[STMT_PRIORITY_LIST] = { "priority_list",
	    "SELECT priority_object(p, src.sources) FROM priorities p "
	    PRIORITY_SOURCES("p", "$2::boolean")
	    "WHERE p.consultation_id = $1 ORDER BY p.position, p.id", 2 },
	[STMT_PRIORITY_GET] = { "priority_get",
	    "SELECT priority_object(p, src.sources) FROM priorities p "
	    PRIORITY_SOURCES("p", "$2::boolean") "WHERE p.id = $1", 2 },
	/* $3: imported, into a consultation of any phase. */
	[STMT_PRIORITY_POST] = { "priority_post",
	    "SELECT code, id, field FROM priority_post($1, $2::jsonb, "
	    "$3::boolean)", 3 },
	[STMT_PRIORITY_PATCH] = { "priority_patch",
	    "SELECT code, id, field FROM priority_patch($1, $2::jsonb)", 2 },

	/* Published ones, the caller's own ($3), or all for staff ($4). */
	[STMT_SUBMISSION_LIST] = { "submission_list",
	    "SELECT json_build_object('id', s.id, 'consultation_id', "
	    "s.consultation_id, 'text', s.text, 'status', s.status, "
	    "'author', a.pseudonym, 'mine', s.account_id IS NOT DISTINCT "
	    "FROM $3::bigint, "
	    "'priority_ids', coalesce((SELECT json_agg(ps.priority_id ORDER BY "
	    "ps.priority_id) FROM priority_sources ps WHERE ps.submission_id "
	    "= s.id), '[]'), 'created_at', iso(s.created_at)), s.id "
	    "FROM submissions s JOIN accounts a ON a.id = s.account_id "
	    "WHERE s.consultation_id = $1 AND s.id > $2 AND (s.status = "
	    "'published' OR s.account_id = $3 OR $4::boolean) "
	    "ORDER BY s.id LIMIT $5", 5 },
	/* $4: the strata (stratum_json()); $5: staff; $6: a budget an hour. */
	[STMT_SUBMISSION_POST] = { "submission_post",
	    "SELECT code, id, retry FROM submission_post($1, $2, $3, $4::jsonb, "
	    "$5::boolean, $6::integer)", 6 },

	[STMT_BALLOT_GET] = { "ballot_get",
	    "SELECT b.choices, iso(b.created_at), iso(b.updated_at), c.method "
	    "FROM ballots b JOIN consultations c ON c.id = b.consultation_id "
	    "WHERE b.consultation_id = $1 AND b.account_id = $2", 2 },
	/* $4: the strata (stratum_json()); $5, $6: Idempotency-Key, hash. */
	[STMT_BALLOT_PUT] = { "ballot_put",
	    "SELECT code, choices, created_at, updated_at, method "
	    "FROM ballot_put($1, $2, $3::bigint[], $4::jsonb, $5, $6::bytea)",
	    6 },
	[STMT_BALLOT_DELETE] = { "ballot_delete",
	    "SELECT ballot_delete($1, $2)", 2 },
	/* $8: the facilitator's budget a minute; $9, $10 as for ballot_put. */
	[STMT_BALLOT_ASSISTED] = { "ballot_assisted",
	    "SELECT code, id, created_at, retry FROM ballot_assisted($1, $2, "
	    "$3::bigint[], $4, $5::jsonb, $6::boolean, $7, $8::integer, $9, "
	    "$10::bytea)", 10 },
	/*
	 * Results: only tallies are read, never ballots.  The head is one
	 * row per profile that has ballots (assisted ones, all ones), each
	 * with the consultation's columns; a consultation without any has
	 * one row whose profile is NULL, and no row means no consultation.
	 */
	[STMT_RESULTS_HEAD] = { "results_head",
	    "SELECT c.method, c.k, consultation_phase(c), iso(now()), "
	    "c.weighting, t.profile, t.assisted, t.ballots "
	    "FROM consultations c LEFT JOIN LATERAL (SELECT profile, "
	    "sum(assisted) AS assisted, sum(ballots) AS ballots "
	    "FROM tally_cells_now WHERE consultation_id = c.id "
	    "AND ($2::boolean OR NOT interests) GROUP BY profile) t ON true "
	    "WHERE c.id = $1", 2 },
	/*
	 * Priorities with their tallies and Borda points per profile; those
	 * answered by research (out of the vote) with their JSON last.
	 */
	[STMT_RESULTS_ITEMS] = { "results_items",
	    "SELECT p.id, p.position, p.title_fr, p.title_en, CASE WHEN "
	    "p.evidence_status = 'answered' THEN priority_json(p) END "
	    "FROM priorities p WHERE p.consultation_id = $1 "
	    "ORDER BY p.position, p.id", 1 },
	[STMT_RESULTS_PAIRS] = { "results_pairs",
	    "SELECT winner, loser, sum(ballots) FROM tally_pairs_now "
	    "WHERE consultation_id = $1 AND ($2::boolean OR NOT interests) "
	    "GROUP BY 1, 2", 2 },
	/* For weighting: participants and tallies per (stratum, profile). */
	[STMT_RESULTS_CELLS] = { "results_cells",
	    "SELECT stratum, profile, sum(ballots) FROM tally_cells_now "
	    "WHERE consultation_id = $1 AND ($2::boolean OR NOT interests) "
	    "GROUP BY 1, 2 HAVING sum(ballots) <> 0", 2 },
	[STMT_RESULTS_ITEM_CELLS] = { "results_item_cells",
	    "SELECT priority_id, stratum, profile, sum(supporters), "
	    "sum(points), sum(firsts) FROM tally_items_now WHERE "
	    "consultation_id = $1 AND "
	    "($2::boolean OR NOT interests) GROUP BY 1, 2, 3 "
	    "HAVING sum(supporters) <> 0 OR sum(points) <> 0 OR "
	    "sum(firsts) <> 0", 2 },
	[STMT_PROFILE_TARGETS] = { "profile_targets",
	    "SELECT profile, share FROM profile_targets "
	    "WHERE consultation_id = $1", 1 },
	[STMT_TALLY_RECOUNT] = { "tally_recount",
	    "SELECT kind, key, kept, recounted FROM tally_recount($1)", 1 },
	[STMT_SCHEME_STRATA] = { "scheme_strata",
	    "SELECT code, name, population, vintage, source "
	    "FROM scheme_strata($1)", 1 },
	[STMT_POPULATION_INSERT] = { "population_insert",
	    "INSERT INTO reference_populations (scheme, vintage, code, name, "
	    "population, source) VALUES ($1, $2, $3, $4, $5::bigint, $6)", 6 },
	[STMT_POPULATION_VINTAGE] = { "population_vintage",
	    "SELECT code, name, population, source FROM reference_populations "
	    "WHERE scheme = $1 AND vintage = $2 ORDER BY code", 2 },
	[STMT_POPULATION_DELETE] = { "population_delete",
	    "DELETE FROM reference_populations WHERE scheme = $1 AND "
	    "vintage = $2", 2 },
	[STMT_POPULATION_USE] = { "population_use",
	    "INSERT INTO population_in_force (scheme, vintage) VALUES ($1, $2) "
	    "ON CONFLICT (scheme) DO UPDATE SET vintage = EXCLUDED.vintage, "
	    "since = now()", 2 },
	[STMT_POPULATION_IN_FORCE] = { "population_in_force",
	    "SELECT vintage FROM population_in_force WHERE scheme = $1", 1 },
	[STMT_SCHEME_VINTAGES] = { "scheme_vintages",
	    "SELECT vintage, count(*), min(loaded_at)::date FROM "
	    "reference_populations WHERE scheme = $1 GROUP BY vintage "
	    "ORDER BY min(loaded_at), vintage", 1 },
	[STMT_BALLOT_COUNT] = { "ballot_count",
	    "SELECT count(*) FROM ballots WHERE consultation_id = $1", 1 },

	/*
	 * A comment is one row of a set: comment_object() (sql/013) of the
	 * row c and of what is joined to it, the author, the viewer's vote,
	 * the replies the viewer may see, and for staff the open flags and
	 * the edits.  The author, the replies, the flags and the edits are
	 * index lookups per row (LATERAL; the LIMIT keeps the author's from
	 * becoming a hash join over every account when a thousand replies
	 * are shown), the viewer's votes one join.  viewer and staff are the
	 * statement's parameters of the viewer and of staff.
	 */
#define COMMENT_OBJECT(viewer, staff) \
	"comment_object(c, a.pseudonym, v.value, r.n, " viewer ", " staff ", " \
	"f.n, e.edits, (SELECT support_json(m.language) FROM accounts m " \
	"WHERE m.id = " viewer ")) "
#define COMMENT_JOINS(viewer, staff) \
	"CROSS JOIN LATERAL (SELECT a.pseudonym FROM accounts a " \
	"WHERE a.id = (c).account_id LIMIT 1) a " \
	"LEFT JOIN comment_votes v ON v.comment_id = (c).id " \
	"AND v.account_id = " viewer " " \
	"CROSS JOIN LATERAL (SELECT count(*) AS n FROM comments r " \
	"WHERE r.parent_id = (c).id AND comment_visible(r, " viewer ", " \
	staff ")) r " \
	"CROSS JOIN LATERAL (SELECT count(*) AS n FROM flags f WHERE " staff \
	" AND f.target_type = 'comment' AND f.target_id = (c).id " \
	"AND f.resolved_at IS NULL) f " \
	"CROSS JOIN LATERAL (SELECT jsonb_agg(jsonb_build_object('body', " \
	"e.body, 'edited_at', iso(e.edited_at)) ORDER BY e.id) AS edits " \
	"FROM comment_edits e WHERE " staff " AND e.comment_id = (c).id) e "
	/*
	 * Comment pages: $1 consultation, $2 parent (NULL: top level), $3
	 * priority (NULL: all), $4 viewer, $5 staff, then the keyset and the
	 * limit.  Column 1 is the cursor of the row.  Replies under a comment
	 * the viewer may not see are not shown either.  The page's ids are
	 * chosen first (index comments_siblings or comments_siblings_best)
	 * and leave the subquery whole, as its column c ((c).id is a field
	 * of it), so that only they are shown and none is read twice.
	 */
#define COMMENT_PAGE_WHERE \
	"WHERE x.consultation_id = $1 " \
	"AND coalesce(x.parent_id, 0) = coalesce($2::bigint, 0) " \
	"AND ($3::bigint IS NULL OR x.priority_id = $3) " \
	"AND comment_visible(x, $4, $5) " \
	"AND NOT EXISTS (SELECT 1 FROM comments y WHERE y.id = ANY (x.path) " \
	"AND y.id <> x.id AND NOT comment_visible(y, $4, $5)) "
	[STMT_COMMENT_PAGE_OLDEST] = { "comment_page_oldest",
	    "SELECT " COMMENT_OBJECT("$4::bigint", "$5::boolean")
	    ", (c).id::text FROM (SELECT x AS c FROM comments x "
	    COMMENT_PAGE_WHERE
	    "AND ($6::bigint IS NULL OR x.id > $6) "
	    "ORDER BY x.id LIMIT $7) p "
	    COMMENT_JOINS("$4::bigint", "$5::boolean")
	    "ORDER BY (c).id", 7 },
	[STMT_COMMENT_PAGE_NEWEST] = { "comment_page_newest",
	    "SELECT " COMMENT_OBJECT("$4::bigint", "$5::boolean")
	    ", (c).id::text FROM (SELECT x AS c FROM comments x "
	    COMMENT_PAGE_WHERE
	    "AND ($6::bigint IS NULL OR x.id < $6) "
	    "ORDER BY x.id DESC LIMIT $7) p "
	    COMMENT_JOINS("$4::bigint", "$5::boolean")
	    "ORDER BY (c).id DESC", 7 },
	[STMT_COMMENT_PAGE_BEST] = { "comment_page_best",
	    "SELECT " COMMENT_OBJECT("$4::bigint", "$5::boolean")
	    ", (c).score_key || ',' || (c).id FROM (SELECT x AS c FROM comments x "
	    COMMENT_PAGE_WHERE
	    "AND ($6::bigint IS NULL OR x.score_key < $6 "
	    "OR (x.score_key = $6 AND x.id > $7::bigint)) "
	    "ORDER BY x.score_key DESC, x.id LIMIT $8) p "
	    COMMENT_JOINS("$4::bigint", "$5::boolean")
	    "ORDER BY (c).score_key DESC, (c).id", 8 },
	/*
	 * Replies under the roots $1 of consultation $6 down to depth $2,
	 * oldest first, for viewer $3 (staff: $4), at most $5.  The roots'
	 * descendants are found level by level from their parents (index
	 * comments_parent), hidden ones included so that a visible reply
	 * under them is still found (comments.c drops it), and never below
	 * depth $2: what is read is the subtree shown, whatever else the
	 * thread or the consultation holds.  The rows chosen leave the
	 * subquery whole, as its column c, so that they are not read again.
	 */
	/*
	 * The replies of comment parent in consultation $6 down to depth $2,
	 * as whole rows, looked up in comments_parent for each parent: OFFSET 0
	 * keeps the planner from turning the lookups into one join, which it
	 * would run as a scan of the table when it expects many parents.
	 */
#define COMMENT_CHILDREN(parent) \
	"SELECT y FROM comments y WHERE y.parent_id = " parent " " \
	"AND y.consultation_id = $6 AND y.depth <= $2 OFFSET 0"
	[STMT_COMMENT_DESCENDANTS] = { "comment_descendants",
	    "SELECT " COMMENT_OBJECT("$3::bigint", "$4::boolean")
	    ", (c).id, (c).parent_id FROM (WITH RECURSIVE t (c) AS ("
	    "SELECT z.y FROM unnest($1::bigint[]) r (id) CROSS JOIN LATERAL "
	    "(" COMMENT_CHILDREN("r.id") ") z UNION ALL "
	    "SELECT z.y FROM t CROSS JOIN LATERAL "
	    "(" COMMENT_CHILDREN("(t.c).id") ") z) "
	    "SELECT t.c FROM t WHERE comment_visible(t.c, $3, $4) "
	    "ORDER BY (t.c).id LIMIT $5) d "
	    COMMENT_JOINS("$3::bigint", "$4::boolean")
	    "ORDER BY (c).id", 6 },
	[STMT_COMMENT_GET] = { "comment_get",
	    "SELECT " COMMENT_OBJECT("$2::bigint", "$3::boolean")
	    "FROM comments c " COMMENT_JOINS("$2::bigint", "$3::boolean")
	    "WHERE c.id = $1", 3 },
	/*
	 * $1 viewer, $2 consultation.  Marked: whether they wrote or voted
	 * there (sql/016); if not, its pages are those an anonymous reader
	 * sees.  Marks: whether one of their comments there changed in the
	 * last $3 seconds, is not published or shows them support (the pages
	 * must be built for them), then the
	 * fields a page shows them alone, by comment id: {"ID": {"mine": true}}
	 * for theirs, {"ID": {"my_vote": V, "up": U, "down": D, "score": S}}
	 * for those they voted on (the counts as they are now, so that their
	 * vote shows in them at once), in comment_object()'s encoding.
	 */
	[STMT_COMMENT_VIEWER_MARKED] = { "comment_viewer_marked",
	    "SELECT EXISTS (SELECT 1 FROM comment_viewers "
	    "WHERE consultation_id = $2 AND account_id = $1)", 2 },
	[STMT_COMMENT_VIEWER_MARKS] = { "comment_viewer_marks",
	    "SELECT EXISTS (SELECT 1 FROM comment_viewers m "
	    "WHERE m.consultation_id = $2 AND m.account_id = $1 "
	    "AND m.changed_at > now() - make_interval(secs => $3::int)) "
	    "OR EXISTS (SELECT 1 FROM comments c WHERE c.account_id = $1 "
	    "AND c.consultation_id = $2 AND (c.status <> 'published' "
	    "OR (c.distress AND c.deleted_at IS NULL))), "
	    "(SELECT jsonb_object_agg(m.id, m.fields) FROM ("
	    "SELECT c.id, jsonb_build_object('mine', true) AS fields "
	    "FROM comments c WHERE c.account_id = $1 "
	    "AND c.consultation_id = $2 UNION ALL "
	    "SELECT c.id, jsonb_build_object('my_vote', v.value, 'up', c.up, "
	    "'down', c.down, 'score', c.score) "
	    "FROM comment_votes v JOIN comments c ON c.id = v.comment_id "
	    "WHERE v.account_id = $1 AND c.consultation_id = $2) m)", 3 },
	/* $7: the strata (stratum_json()); $8: staff; $9: a budget a minute. */
	[STMT_COMMENT_POST] = { "comment_post",
	    "SELECT code, id, retry FROM comment_post($1, $2, $3, $4, $5, $6, "
	    "$7::jsonb, $8::boolean, $9::integer)", 9 },
	[STMT_COMMENT_EDIT] = { "comment_edit",
	    "SELECT comment_edit($1, $2, $3, $4, $5)", 5 },
	[STMT_COMMENT_DELETE] = { "comment_delete",
	    "SELECT comment_delete($1, $2)", 2 },
	[STMT_COMMENT_VOTE] = { "comment_vote",
	    "SELECT code, up, down, score FROM comment_vote($1, $2, $3, $4)",
	    4 },
	[STMT_FLAG_ADD] = { "flag_add",
	    "SELECT code, created, retry FROM flag_add($1, $2, $3, $4, $5, "
	    "$6, $7, $8)", 8 },

	/* $1 consultation, $2 flag reason (NULL: any), $3-$6 keyset. */
	[STMT_QUEUE_PAGE] = { "queue_page",
	    "SELECT item, concat_ws(',', sort_distress, sort_time, sort_kind, "
	    "sort_id) FROM moderation_queue($1::bigint, $2::text) "
	    "WHERE $3::integer IS NULL OR (sort_distress, sort_time, "
	    "sort_kind, sort_id) > ($3, $4::bigint, $5::integer, $6::bigint) "
	    "ORDER BY sort_distress, sort_time, sort_kind, sort_id LIMIT $7",
	    7 },
	[STMT_QUEUE_COUNTS] = { "queue_counts",
	    "SELECT count(*) FILTER (WHERE status = 'pending'), "
	    "count(*) FILTER (WHERE status = 'hidden'), "
	    "count(*) FILTER (WHERE flag_count > 0), "
	    "count(*) FILTER (WHERE distress), count(*) "
	    "FROM moderation_queue($1::bigint, $2::text)", 2 },
	[STMT_MODERATION_DECIDE] = { "moderation_decide",
	    "SELECT code, log_id, from_status, to_status, created "
	    "FROM moderation_decide($1, $2, $3, $4, $5, $6, $7)", 7 },
	[STMT_MODERATION_LOG] = { "moderation_log",
	    "SELECT moderation_log_json(l), l.id FROM moderation_log l "
	    "WHERE ($1::bigint IS NULL OR l.consultation_id = $1) "
	    "AND ($2::text IS NULL OR l.target_type = $2) "
	    "AND ($3::bigint IS NULL OR l.target_id = $3) "
	    "AND ($4::bigint IS NULL OR l.id < $4) "
	    "ORDER BY l.id DESC LIMIT $5", 5 },
	[STMT_ACCOUNT_SUSPEND] = { "account_suspend",
	    "SELECT code, until FROM account_suspend($1, $2, $3, $4)", 4 },
	[STMT_NOTIFICATION_PAGE] = { "notification_page",
	    "SELECT notification_json(n), n.id FROM notifications n "
	    "WHERE n.account_id = $1 AND ($2::bigint IS NULL OR n.id < $2) "
	    "ORDER BY n.id DESC LIMIT $3", 3 },
	[STMT_NOTIFICATION_UNREAD] = { "notification_unread",
	    "SELECT count(*) FROM notifications "
	    "WHERE account_id = $1 AND read_at IS NULL", 1 },
	[STMT_NOTIFICATION_READ] = { "notification_read",
	    "UPDATE notifications SET read_at = now() WHERE account_id = $1 "
	    "AND id <= $2 AND read_at IS NULL", 2 },
	[STMT_SUPPORT_LIST] = { "support_list",
	    "SELECT coalesce(json_agg(support_row_json(s) "
	    "ORDER BY s.language), '[]') FROM support_texts s", 0 },
	[STMT_SUPPORT_PUT] = { "support_put",
	    "UPDATE support_texts SET title = $2, body = $3, "
	    "contacts = $4::text[], updated_at = now(), updated_by = $5 "
	    "WHERE language = $1 RETURNING support_row_json(support_texts)", 5 },

	/* `concerto purge`: each answers the number of rows it erased. */
	[STMT_PURGE_REDACTIONS] = { "purge_redactions",
	    "WITH p AS (UPDATE redactions SET original = NULL, "
	    "purged_at = now() WHERE original IS NOT NULL AND created_at < "
	    "now() - make_interval(days => $1::integer) RETURNING 1) "
	    "SELECT count(*) FROM p", 1 },
	[STMT_PURGE_SESSIONS] = { "purge_sessions",
	    "WITH p AS (DELETE FROM sessions WHERE expires_at < now() OR "
	    "last_seen_at < now() - make_interval(secs => $1::integer) "
	    "RETURNING 1) SELECT count(*) FROM p", 1 },
	[STMT_PURGE_TOKENS] = { "purge_tokens",
	    "WITH p AS (DELETE FROM account_tokens WHERE expires_at < now() "
	    "OR used_at IS NOT NULL RETURNING 1) SELECT count(*) FROM p", 0 },
	[STMT_PURGE_IDEMPOTENCY] = { "purge_idempotency",
	    "WITH p AS (DELETE FROM idempotency_keys WHERE created_at < "
	    "now() - interval '1 day' RETURNING 1) SELECT count(*) FROM p", 0 },
	[STMT_PURGE_MAIL] = { "purge_mail",
	    "WITH p AS (DELETE FROM outbox WHERE sent_at < "
	    "now() - make_interval(days => $1::integer) RETURNING 1) "
	    "SELECT count(*) FROM p", 1 },
	[STMT_PURGE_BUDGETS] = { "purge_budgets",
	    "WITH p AS (DELETE FROM network_budgets WHERE window_start < "
	    "now() - interval '1 day' RETURNING 1), "
	    "f AS (DELETE FROM second_factor_failures WHERE window_start < "
	    "now() - interval '1 day' AND (locked_until IS NULL OR "
	    "locked_until < now()) RETURNING 1) "
	    "SELECT (SELECT count(*) FROM p) + (SELECT count(*) FROM f)", 0 },

	/* Pseudonyms: keys (skeletons) are computed by pseudonym.c. */
	[STMT_STAFF_PSEUDONYMS] = { "staff_pseudonyms",
	    "SELECT pseudonym FROM accounts WHERE role <> 'participant' "
	    "AND deleted_at IS NULL AND id IS DISTINCT FROM $1::bigint", 1 },
	[STMT_PSEUDONYM_LOOKALIKE] = { "pseudonym_lookalike",
	    "SELECT 1 FROM accounts WHERE pseudonym_skeleton = $1 "
	    "AND id IS DISTINCT FROM $2::bigint", 2 },
	[STMT_PSEUDONYM_SKELETON_SET] = { "pseudonym_skeleton_set",
	    "UPDATE accounts SET pseudonym_skeleton = $2 WHERE id = $1 "
	    "AND pseudonym_skeleton IS DISTINCT FROM $2", 2 },
	[STMT_PSEUDONYM_UNKEYED] = { "pseudonym_unkeyed",
	    "SELECT id, pseudonym FROM accounts WHERE pseudonym_skeleton "
	    "IS NULL AND deleted_at IS NULL ORDER BY id", 0 },

	/*
	 * The data generator: its accounts are those under its mail domain
	 * ($1); it reserves n ($2) ids of a table's ($1) sequence at once,
	 * under the lock of UTIL_GEN_LOCK, and answers the first.
	 */
	[STMT_GEN_EXISTING] = { "gen_existing",
	    "SELECT count(*) FROM accounts WHERE email LIKE '%' || $1", 1 },
	[STMT_GEN_CLOCK] = { "gen_clock",
	    "SELECT extract(epoch FROM now())::bigint, comment_depth_max()", 0 },
	[STMT_GEN_PSEUDONYMS] = { "gen_pseudonyms",
	    "SELECT pseudonym, pseudonym_skeleton FROM accounts", 0 },
	[STMT_GEN_RESERVE] = { "gen_reserve",
	    "SELECT setval(pg_get_serial_sequence($1, 'id'), "
	    "nextval(pg_get_serial_sequence($1, 'id')) + $2::bigint - 1) "
	    "- $2::bigint + 1", 2 },
	/* Secrets at rest (secrets.c), as the owner role. */
	[STMT_TOTP_UNSEALED_LIST] = { "totp_unsealed_list",
	    "SELECT u.account_id, encode(u.secret, 'hex'), "
	    "a.deleted_at IS NOT NULL FROM totp_unsealed u "
	    "JOIN accounts a ON a.id = u.account_id "
	    "ORDER BY u.account_id FOR UPDATE", 0 },
	[STMT_TOTP_UNSEALED_DELETE] = { "totp_unsealed_delete",
	    "DELETE FROM totp_unsealed WHERE account_id = $1", 1 },
	[STMT_TOTP_SEALED_LIST] = { "totp_sealed_list",
	    "SELECT id, encode(totp_sealed, 'hex') FROM accounts "
	    "WHERE totp_sealed IS NOT NULL ORDER BY id FOR UPDATE", 0 },
	[STMT_TOTP_SEALED_PUT] = { "totp_sealed_put",
	    "UPDATE accounts SET totp_sealed = $2::bytea WHERE id = $1", 2 },
};

const char *const db_utilities[UTIL__MAX] = {
	/* Writers wait (readers do not) while the generator reserves ids. */
	[UTIL_GEN_LOCK] = "LOCK TABLE accounts, consultations, priorities, "
	    "submissions, comments IN EXCLUSIVE MODE",
	/*
	 * Bulk loads go faster into tables without their secondary indexes
	 * and foreign keys, which are then built in one pass each: DETACH
	 * drops them, keeping how to make them again, and ATTACH makes them
	 * again (indexes, then keys), all in the run's transaction, whose
	 * rollback puts them back.
	 */
	[UTIL_GEN_DETACH] = "DO $gen$ DECLARE r record; BEGIN "
	    "CREATE TEMP TABLE gen_detached (n serial, restore text) "
	    "ON COMMIT DROP; "
	    "FOR r IN SELECT c.conrelid::regclass AS t, c.conname, "
	    "pg_get_constraintdef(c.oid) AS def FROM pg_constraint c "
	    "WHERE c.contype = 'f' AND c.conrelid IN ('ballots'::regclass, "
	    "'comments'::regclass, 'comment_votes'::regclass, "
	    "'participations'::regclass) ORDER BY 1, 2 LOOP "
	    "INSERT INTO gen_detached (restore) VALUES (format("
	    "'ALTER TABLE %s ADD CONSTRAINT %I %s', r.t, r.conname, r.def)); "
	    "EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, "
	    "r.conname); END LOOP; "
	    "FOR r IN SELECT i.indexrelid::regclass AS ix, "
	    "pg_get_indexdef(i.indexrelid) AS def FROM pg_index i "
	    "WHERE i.indrelid IN ('accounts'::regclass, 'ballots'::regclass, "
	    "'comments'::regclass, 'comment_votes'::regclass) "
	    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
	    "WHERE c.conindid = i.indexrelid) ORDER BY 1 LOOP "
	    "INSERT INTO gen_detached (restore) VALUES (r.def); "
	    "EXECUTE format('DROP INDEX %s', r.ix); END LOOP; END $gen$",
	[UTIL_GEN_ATTACH] = "DO $gen$ DECLARE r record; BEGIN "
	    "FOR r IN SELECT restore FROM gen_detached ORDER BY n DESC LOOP "
	    "EXECUTE r.restore; END LOOP; END $gen$",
	[UTIL_GEN_ANALYZE] = "ANALYZE accounts, consultations, priorities, "
	    "submissions, priority_sources, participations, ballots, "
	    "tally_cells, tally_items, tally_pairs, comments, comment_votes",
	[UTIL_COPY_ACCOUNTS] = "COPY accounts (id, email, password_hash, "
	    "pseudonym, pseudonym_skeleton, profile, postcode, "
	    "interests_declared, interests_text, language, terms_version, "
	    "terms_accepted_at, health_consent_version, health_consent_at, "
	    "verified_at, created_at) FROM STDIN",
	[UTIL_COPY_CONSULTATIONS] = "COPY consultations (id, phase, title_fr, "
	    "title_en, summary_fr, summary_en, easy_summary_fr, body_fr, "
	    "body_en, gathering_at, voting_at, closes_at, publish_at, method, "
	    "k, weighting, moderation, created_at, updated_at) FROM STDIN",
	[UTIL_COPY_PRIORITIES] = "COPY priorities (id, consultation_id, "
	    "position, title_fr, title_en, description_fr, question, "
	    "evidence_status, evidence_links, created_at, updated_at) "
	    "FROM STDIN",
	[UTIL_COPY_SUBMISSIONS] = "COPY submissions (id, consultation_id, "
	    "account_id, text, status, created_at) FROM STDIN",
	[UTIL_COPY_PRIORITY_SOURCES] = "COPY priority_sources (priority_id, "
	    "submission_id) FROM STDIN",
	[UTIL_COPY_BALLOTS] = "COPY ballots (consultation_id, account_id, "
	    "choices, stratum, profile, interests, created_at, updated_at) "
	    "FROM STDIN",
	[UTIL_COPY_TALLY_CELLS] = "COPY tally_cells (consultation_id, stratum, "
	    "profile, interests, shard, ballots, assisted) FROM STDIN",
	[UTIL_COPY_TALLY_ITEMS] = "COPY tally_items (consultation_id, "
	    "priority_id, stratum, profile, interests, shard, supporters, "
	    "points, firsts) FROM STDIN",
	[UTIL_COPY_TALLY_PAIRS] = "COPY tally_pairs (consultation_id, winner, "
	    "loser, interests, shard, ballots) FROM STDIN",
	[UTIL_COPY_COMMENTS] = "COPY comments (id, consultation_id, "
	    "priority_id, parent_id, path, depth, account_id, alignment, body, "
	    "fingerprint, status, up, down, created_at, deleted_at) FROM STDIN",
	[UTIL_COPY_COMMENT_VOTES] = "COPY comment_votes (comment_id, "
	    "account_id, value, created_at) FROM STDIN",
	[UTIL_COPY_PARTICIPATIONS] = "COPY participations (consultation_id, "
	    "account_id, stratum, stratum_source, geoip_agrees, profile, "
	    "interests, created_at) FROM STDIN",
};

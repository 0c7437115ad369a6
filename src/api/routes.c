/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The route table: every URL the workers answer, with the role it needs,
 * whether it needs the CSRF token, and the fields it accepts (indexed by
 * the enums in api.h, as kcgi's keys[]).  www/api/openapi.json describes
 * exactly these routes; a test checks it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "concerto/api.h"
#include "concerto/api/accounts.h"
#include "concerto/api/common.h"
#include "concerto/api/fields.h"
#include "concerto/field.h"
#include "concerto/phase.h"
#include "concerto/profile.h"
#include "concerto/pseudonym.h"
#include "concerto/router.h"
#include "concerto/utf8.h"

#define FIELDS(a)	(a), (sizeof(a) / sizeof((a)[0]))
#define NO_FIELDS	NULL, 0
#define NO_QUERY	NULL, 0

const char *const api_languages[] = { "fr", "en", NULL };
const char *const api_methods[] = { "approval", "ranked", NULL };
static const char *const weightings[] = { "none", "idf-departements",
	"fr-regions", NULL };
static const char *const moderations[] = { "pre", "post", NULL };
static const char *const evidence_statuses[] = { "unanswered",
	"partly_answered", "answered", NULL };
static const char *const interests_views[] = { "include", "exclude", NULL };
static const char *const weighting_views[] = { "regional", "none", NULL };
const char *const api_alignments[] = { "for", "against", "neutral", NULL };
const char *const api_flag_reasons[] = { "spam", "abuse", "off_topic",
	"misinformation", "health_data_disclosure", "distress", NULL };
const char *const api_target_types[] = { "comment", "submission", NULL };
const char *const api_decisions[] = { "approve", "hide", "reject",
	"restore", "redact", NULL };
const char *const api_log_targets[] = { "comment", "submission", "account",
	"ballot", NULL };
static const char *const comment_sorts[] = { "oldest", "newest", "best",
	NULL };

/* A French postcode: five digits, département 01-95 or overseas 97x/98x. */
static bool
valid_postcode(const char *s)
{
	int	 i, dep;

	if (strlen(s) != 5)
		return false;
	for (i = 0; i < 5; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	dep = (s[0] - '0') * 10 + (s[1] - '0');
	return dep >= 1 && dep <= 98 && dep != 96;
}

static const struct field session_fields[SESSION__MAX] = {
	[SESSION_EMAIL] = { "email", FIELD_STRING, FIELD_REQUIRED, 3, 254,
	    NULL, NULL },
	[SESSION_PASSWORD] = { "password", FIELD_STRING,
	    FIELD_REQUIRED | FIELD_MULTILINE, 1, 1024, NULL, NULL },
	[SESSION_TOTP] = { "totp", FIELD_STRING, 0, 6, 6, NULL, NULL },
	[SESSION_RECOVERY_CODE] = { "recovery_code", FIELD_STRING, 0, 8, 32,
	    NULL, NULL },
};

static const struct field second_factor_fields[SECOND_FACTOR__MAX] = {
	[SECOND_FACTOR_CODE] = { "totp", FIELD_STRING, 0, 6, 6, NULL, NULL },
	[SECOND_FACTOR_RECOVERY_CODE] = { "recovery_code", FIELD_STRING, 0, 8,
	    32, NULL, NULL },
};

static const struct field account_fields[ACCOUNT__MAX] = {
	[ACCOUNT_EMAIL] = { "email", FIELD_STRING, FIELD_REQUIRED, 3, 254,
	    NULL, field_valid_email },
	[ACCOUNT_PASSWORD] = { "password", FIELD_STRING,
	    FIELD_REQUIRED | FIELD_MULTILINE, 1, 1024, NULL, NULL },
	[ACCOUNT_PSEUDONYM] = { "pseudonym", FIELD_STRING, FIELD_REQUIRED,
	    PSEUDONYM_MIN, PSEUDONYM_MAX, NULL, NULL },
	[ACCOUNT_PROFILE] = { "profile", FIELD_ENUM, FIELD_REQUIRED, 0, 0,
	    profile_names, NULL },
	[ACCOUNT_POSTCODE] = { "postcode", FIELD_STRING, FIELD_NULLABLE, 5, 5,
	    NULL, valid_postcode },
	[ACCOUNT_INTERESTS_DECLARED] = { "interests_declared", FIELD_BOOL, 0,
	    0, 0, NULL, NULL },
	[ACCOUNT_INTERESTS_TEXT] = { "interests_text", FIELD_STRING,
	    FIELD_NULLABLE | FIELD_MULTILINE, 0, 2000, NULL, NULL },
	[ACCOUNT_LANGUAGE] = { "language", FIELD_ENUM, 0, 0, 0,
	    api_languages, NULL },
	[ACCOUNT_ACCEPT_TERMS] = { "accept_terms", FIELD_BOOL, FIELD_REQUIRED,
	    0, 0, NULL, NULL },
	[ACCOUNT_HEALTH_CONSENT] = { "health_data_consent", FIELD_BOOL, 0, 0,
	    0, NULL, NULL },
};

static const struct field token_fields[TOKEN_FIELD__MAX] = {
	[TOKEN_FIELD_TOKEN] = { "token", FIELD_STRING, FIELD_REQUIRED, 1, 64,
	    NULL, NULL },
	[TOKEN_FIELD_PASSWORD] = { "password", FIELD_STRING,
	    FIELD_REQUIRED | FIELD_MULTILINE, 1, 1024, NULL, NULL },
};

static const struct field email_fields[EMAIL_FIELD__MAX] = {
	[EMAIL_FIELD_EMAIL] = { "email", FIELD_STRING, FIELD_REQUIRED, 3, 254,
	    NULL, field_valid_email },
};

static const struct field me_fields[ME__MAX] = {
	[ME_PSEUDONYM] = { "pseudonym", FIELD_STRING, 0, PSEUDONYM_MIN,
	    PSEUDONYM_MAX, NULL, NULL },
	[ME_PROFILE] = { "profile", FIELD_ENUM, 0, 0, 0, profile_names, NULL },
	[ME_POSTCODE] = { "postcode", FIELD_STRING, FIELD_NULLABLE, 5, 5,
	    NULL, valid_postcode },
	[ME_LANGUAGE] = { "language", FIELD_ENUM, 0, 0, 0, api_languages,
	    NULL },
	[ME_INTERESTS_DECLARED] = { "interests_declared", FIELD_BOOL, 0, 0, 0,
	    NULL, NULL },
	[ME_INTERESTS_TEXT] = { "interests_text", FIELD_STRING,
	    FIELD_NULLABLE | FIELD_MULTILINE, 0, 2000, NULL, NULL },
	[ME_HEALTH_CONSENT] = { "health_data_consent", FIELD_BOOL, 0, 0, 0,
	    NULL, NULL },
	[ME_CURRENT_PASSWORD] = { "current_password", FIELD_STRING,
	    FIELD_MULTILINE, 1, 1024, NULL, NULL },
	[ME_NEW_PASSWORD] = { "new_password", FIELD_STRING, FIELD_MULTILINE,
	    1, 1024, NULL, NULL },
};

static const struct field me_delete_fields[ME_DELETE__MAX] = {
	[ME_DELETE_PASSWORD] = { "password", FIELD_STRING,
	    FIELD_REQUIRED | FIELD_MULTILINE, 1, 1024, NULL, NULL },
};

/*
 * A consultation: R is FIELD_REQUIRED for creation, 0 for a PATCH (where
 * every field is optional and phase may move forward).
 */
#define CONSULTATION_FIELDS(R) \
	[CONS_TITLE_FR] = { "title_fr", FIELD_STRING, R, 3, 200, NULL, NULL }, \
	[CONS_TITLE_EN] = { "title_en", FIELD_STRING, FIELD_NULLABLE, 3, 200, \
	    NULL, NULL }, \
	[CONS_SUMMARY_FR] = { "summary_fr", FIELD_STRING, R | FIELD_MULTILINE, \
	    1, 2000, NULL, NULL }, \
	[CONS_SUMMARY_EN] = { "summary_en", FIELD_STRING, \
	    FIELD_NULLABLE | FIELD_MULTILINE, 1, 2000, NULL, NULL }, \
	[CONS_EASY_SUMMARY_FR] = { "easy_summary_fr", FIELD_STRING, \
	    FIELD_NULLABLE | FIELD_MULTILINE, 1, 2000, NULL, NULL }, \
	[CONS_EASY_SUMMARY_EN] = { "easy_summary_en", FIELD_STRING, \
	    FIELD_NULLABLE | FIELD_MULTILINE, 1, 2000, NULL, NULL }, \
	[CONS_BODY_FR] = { "body_fr", FIELD_STRING, R | FIELD_MULTILINE, 1, \
	    50000, NULL, NULL }, \
	[CONS_BODY_EN] = { "body_en", FIELD_STRING, \
	    FIELD_NULLABLE | FIELD_MULTILINE, 1, 50000, NULL, NULL }, \
	[CONS_GATHERING_AT] = { "gathering_at", FIELD_TIME, FIELD_NULLABLE, \
	    0, 64, NULL, NULL }, \
	[CONS_VOTING_AT] = { "voting_at", FIELD_TIME, R, 0, 64, NULL, NULL }, \
	[CONS_CLOSES_AT] = { "closes_at", FIELD_TIME, R, 0, 64, NULL, NULL }, \
	[CONS_PUBLISH_AT] = { "publish_at", FIELD_TIME, FIELD_NULLABLE, 0, 64, \
	    NULL, NULL }, \
	[CONS_METHOD] = { "method", FIELD_ENUM, R, 0, 0, api_methods, NULL }, \
	[CONS_MAX_CHOICES] = { "max_choices", FIELD_INT, FIELD_NULLABLE, 1, \
	    50, NULL, NULL }, \
	[CONS_MAX_RANKS] = { "max_ranks", FIELD_INT, FIELD_NULLABLE, 1, 20, \
	    NULL, NULL }, \
	[CONS_WEIGHTING] = { "weighting", FIELD_ENUM, 0, 0, 0, weightings, \
	    NULL }, \
	[CONS_MODERATION] = { "moderation", FIELD_ENUM, 0, 0, 0, moderations, \
	    NULL }, \
	[CONS_PROFILE_TARGETS] = { "profile_targets", FIELD_SHARES, \
	    FIELD_NULLABLE, 0, 0, profile_names, NULL }

static const struct field consultation_create_fields[CONS_PHASE] = {
	CONSULTATION_FIELDS(FIELD_REQUIRED),
};

static const struct field consultation_patch_fields[CONS__MAX] = {
	CONSULTATION_FIELDS(0),
	[CONS_PHASE] = { "phase", FIELD_ENUM, 0, 0, 0, phase_names, NULL },
};

static const struct field consultation_query[CONS_Q__MAX] = {
	[CONS_Q_PHASE] = { "phase", FIELD_ENUM, 0, 0, 0, phase_names, NULL },
	[CONS_Q_LIMIT] = { "limit", FIELD_INT, 0, 1, 100, NULL, NULL },
	[CONS_Q_CURSOR] = { "cursor", FIELD_INT, 0, 1, INT64_MAX, NULL, NULL },
};

static const struct field page_query[PAGE_Q__MAX] = {
	[PAGE_Q_LIMIT] = { "limit", FIELD_INT, 0, 1, 100, NULL, NULL },
	[PAGE_Q_CURSOR] = { "cursor", FIELD_INT, 0, 0, INT64_MAX, NULL, NULL },
};

#define PRIORITY_FIELDS(R) \
	[PRIO_TITLE_FR] = { "title_fr", FIELD_STRING, R, 3, 300, NULL, NULL }, \
	[PRIO_TITLE_EN] = { "title_en", FIELD_STRING, FIELD_NULLABLE, 3, 300, \
	    NULL, NULL }, \
	[PRIO_DESCRIPTION_FR] = { "description_fr", FIELD_STRING, \
	    FIELD_MULTILINE, 0, 5000, NULL, NULL }, \
	[PRIO_DESCRIPTION_EN] = { "description_en", FIELD_STRING, \
	    FIELD_NULLABLE | FIELD_MULTILINE, 0, 5000, NULL, NULL }, \
	[PRIO_POSITION] = { "position", FIELD_INT, 0, 1, 1000, NULL, NULL }, \
	[PRIO_QUESTION] = { "question", FIELD_STRING, \
	    FIELD_NULLABLE | FIELD_MULTILINE, 1, 2000, NULL, NULL }, \
	[PRIO_EVIDENCE_STATUS] = { "evidence_status", FIELD_ENUM, 0, 0, 0, \
	    evidence_statuses, NULL }, \
	[PRIO_EVIDENCE_LINKS] = { "evidence_links", FIELD_TEXT_LIST, 0, 0, \
	    20, NULL, field_valid_url }, \
	[PRIO_SOURCES] = { "sources", FIELD_ID_LIST, 0, 0, 100, NULL, NULL }

static const struct field priority_create_fields[PRIO__MAX] = {
	PRIORITY_FIELDS(FIELD_REQUIRED),
};

static const struct field priority_patch_fields[PRIO__MAX] = {
	PRIORITY_FIELDS(0),
};

static const struct field submission_fields[SUBMISSION__MAX] = {
	[SUBMISSION_TEXT] = { "text", FIELD_STRING,
	    FIELD_REQUIRED | FIELD_MULTILINE, 10, 2000, NULL, NULL },
};

static const struct field ballot_fields[BALLOT__MAX] = {
	[BALLOT_CHOICES] = { "choices", FIELD_ID_LIST, FIELD_REQUIRED, 1, 50,
	    NULL, NULL },
};

static const struct field assisted_fields[ASSISTED__MAX] = {
	[ASSISTED_CHOICES] = { "choices", FIELD_ID_LIST, FIELD_REQUIRED, 1,
	    50, NULL, NULL },
	[ASSISTED_PROFILE] = { "profile", FIELD_ENUM, FIELD_REQUIRED, 0, 0,
	    profile_names, NULL },
	[ASSISTED_POSTCODE] = { "postcode", FIELD_STRING, FIELD_NULLABLE, 5,
	    5, NULL, valid_postcode },
	[ASSISTED_INTERESTS] = { "interests_declared", FIELD_BOOL, 0, 0, 0,
	    NULL, NULL },
	[ASSISTED_NOTE] = { "note", FIELD_STRING,
	    FIELD_NULLABLE | FIELD_MULTILINE, 0, 500, NULL, NULL },
};

static const struct field results_query[RESULTS_Q__MAX] = {
	[RESULTS_Q_INTERESTS] = { "interests", FIELD_ENUM, 0, 0, 0,
	    interests_views, NULL },
	[RESULTS_Q_WEIGHTING] = { "weighting", FIELD_ENUM, 0, 0, 0,
	    weighting_views, NULL },
};

/* A list cursor: numbers separated by commas (the handler counts them). */
static bool
valid_cursor(const char *s)
{
	for (; *s != '\0'; s++)
		if ((*s < '0' || *s > '9') && *s != ',')
			return false;
	return true;
}

/* A support contact: one line of at most 300 characters. */
static bool
valid_contact(const char *s)
{
	size_t	 len = strlen(s);

	return len > 0 && utf8_length(s, len) <= 300;
}

#define CURSOR_FIELD(I) \
	[I] = { "cursor", FIELD_STRING, 0, 1, 80, NULL, valid_cursor }
#define REASON_FIELD(I) \
	[I] = { "reason", FIELD_STRING, FIELD_REQUIRED | FIELD_MULTILINE, 3, \
	    1000, NULL, NULL }
#define ID_QUERY(I, NAME) \
	[I] = { NAME, FIELD_INT, 0, 1, INT64_MAX, NULL, NULL }
#define LIMIT_QUERY(I) \
	[I] = { "limit", FIELD_INT, 0, 1, 100, NULL, NULL }

static const struct field comment_fields[COMMENT__MAX] = {
	[COMMENT_BODY] = { "body", FIELD_STRING,
	    FIELD_REQUIRED | FIELD_MULTILINE, 1, 5000, NULL, NULL },
	[COMMENT_ALIGNMENT] = { "alignment", FIELD_ENUM, 0, 0, 0,
	    api_alignments, NULL },
	[COMMENT_PRIORITY] = { "priority_id", FIELD_INT, FIELD_NULLABLE, 1,
	    INT64_MAX, NULL, NULL },
	[COMMENT_PARENT] = { "parent_id", FIELD_INT, FIELD_NULLABLE, 1,
	    INT64_MAX, NULL, NULL },
};

static const struct field comment_patch_fields[COMMENT_PRIORITY] = {
	[COMMENT_BODY] = { "body", FIELD_STRING, FIELD_MULTILINE, 1, 5000,
	    NULL, NULL },
	[COMMENT_ALIGNMENT] = { "alignment", FIELD_ENUM, 0, 0, 0,
	    api_alignments, NULL },
};

static const struct field comment_query[COMMENT_Q__MAX] = {
	[COMMENT_Q_SORT] = { "sort", FIELD_ENUM, 0, 0, 0, comment_sorts,
	    NULL },
	ID_QUERY(COMMENT_Q_PRIORITY, "priority_id"),
	ID_QUERY(COMMENT_Q_PARENT, "parent_id"),
	LIMIT_QUERY(COMMENT_Q_LIMIT),
	CURSOR_FIELD(COMMENT_Q_CURSOR),
};

static const struct field vote_fields[VOTE__MAX] = {
	[VOTE_VALUE] = { "value", FIELD_INT, FIELD_REQUIRED, -1, 1, NULL,
	    NULL },
};

static const struct field flag_fields[FLAG__MAX] = {
	[FLAG_REASON] = { "reason", FIELD_ENUM, FIELD_REQUIRED, 0, 0,
	    api_flag_reasons, NULL },
	[FLAG_NOTE] = { "note", FIELD_STRING,
	    FIELD_NULLABLE | FIELD_MULTILINE, 0, 1000, NULL, NULL },
};

static const struct field queue_query[QUEUE_Q__MAX] = {
	ID_QUERY(QUEUE_Q_CONSULTATION, "consultation_id"),
	[QUEUE_Q_REASON] = { "reason", FIELD_ENUM, 0, 0, 0, api_flag_reasons,
	    NULL },
	LIMIT_QUERY(QUEUE_Q_LIMIT),
	CURSOR_FIELD(QUEUE_Q_CURSOR),
};

static const struct field decision_fields[DECISION__MAX] = {
	[DECISION_TARGET_TYPE] = { "target_type", FIELD_ENUM, FIELD_REQUIRED,
	    0, 0, api_target_types, NULL },
	[DECISION_TARGET_ID] = { "target_id", FIELD_INT, FIELD_REQUIRED, 1,
	    INT64_MAX, NULL, NULL },
	[DECISION_ACTION] = { "action", FIELD_ENUM, FIELD_REQUIRED, 0, 0,
	    api_decisions, NULL },
	REASON_FIELD(DECISION_REASON),
	[DECISION_PASSAGE] = { "passage", FIELD_STRING, FIELD_MULTILINE, 1,
	    5000, NULL, NULL },
};

static const struct field log_query[LOG_Q__MAX] = {
	ID_QUERY(LOG_Q_CONSULTATION, "consultation_id"),
	[LOG_Q_TARGET_TYPE] = { "target_type", FIELD_ENUM, 0, 0, 0,
	    api_log_targets, NULL },
	ID_QUERY(LOG_Q_TARGET_ID, "target_id"),
	LIMIT_QUERY(LOG_Q_LIMIT),
	[LOG_Q_CURSOR] = { "cursor", FIELD_INT, 0, 1, INT64_MAX, NULL, NULL },
};

static const struct field suspension_fields[SUSPENSION__MAX] = {
	[SUSPENSION_DAYS] = { "days", FIELD_INT, FIELD_REQUIRED, 0, 3650,
	    NULL, NULL },
	REASON_FIELD(SUSPENSION_REASON),
};

static const struct field read_fields[READ__MAX] = {
	[READ_UP_TO] = { "up_to", FIELD_INT, FIELD_REQUIRED, 0, INT64_MAX,
	    NULL, NULL },
};

static const struct field support_fields[SUPPORT__MAX] = {
	[SUPPORT_TITLE] = { "title", FIELD_STRING, FIELD_REQUIRED, 3, 200,
	    NULL, NULL },
	[SUPPORT_BODY] = { "body", FIELD_STRING,
	    FIELD_REQUIRED | FIELD_MULTILINE, 1, 5000, NULL, NULL },
	[SUPPORT_CONTACTS] = { "contacts", FIELD_TEXT_LIST, FIELD_REQUIRED, 0,
	    20, NULL, valid_contact },
};

/* The verify route reuses the token table's first field only. */
#define TOKEN_ONLY	token_fields, 1

const struct route routes[] = {
	{ METHOD_GET, "/api/health", api_health_get,
	  ROLE_ANY, false, NO_FIELDS, NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_GET, "/metrics", api_metrics_get,
	  ROLE_ANY, false, NO_FIELDS, NO_QUERY, CACHE_NONE, NULL },

	{ METHOD_POST, "/api/v1/accounts", api_accounts_create,
	  ROLE_ANY, false, FIELDS(account_fields), NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_POST, "/api/v1/accounts/verify", api_accounts_verify,
	  ROLE_ANY, false, TOKEN_ONLY, NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_POST, "/api/v1/password-reset", api_password_reset,
	  ROLE_ANY, false, FIELDS(email_fields), NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_POST, "/api/v1/password-reset/confirm",
	  api_password_reset_confirm,
	  ROLE_ANY, false, FIELDS(token_fields), NO_QUERY, CACHE_NONE, NULL },

	{ METHOD_POST, "/api/v1/session", api_session_create,
	  ROLE_ANY, false, FIELDS(session_fields), NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_DELETE, "/api/v1/session", api_session_delete,
	  ROLE_SIGNED_IN, true, NO_FIELDS, NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_POST, "/api/v1/session/second-factor",
	  api_session_second_factor,
	  ROLE_SIGNED_IN, true, FIELDS(second_factor_fields), NO_QUERY,
	  CACHE_NONE, NULL },

	{ METHOD_GET, "/api/v1/me", api_me_get,
	  ROLE_SIGNED_IN, false, NO_FIELDS, NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_PATCH, "/api/v1/me", api_me_patch,
	  ROLE_SIGNED_IN, true, FIELDS(me_fields), NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_DELETE, "/api/v1/me", api_me_delete,
	  ROLE_SIGNED_IN, true, FIELDS(me_delete_fields), NO_QUERY,
	  CACHE_NONE, NULL },
	{ METHOD_GET, "/api/v1/me/export", api_me_export,
	  ROLE_SIGNED_IN, false, NO_FIELDS, NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_DELETE, "/api/v1/me/sessions", api_me_sessions_delete,
	  ROLE_SIGNED_IN, true, NO_FIELDS, NO_QUERY, CACHE_NONE, NULL },

	{ METHOD_GET, "/api/v1/consultations", api_consultations_list,
	  ROLE_ANY, false, NO_FIELDS, FIELDS(consultation_query),
	  CACHE_SHARED, NULL },
	{ METHOD_POST, "/api/v1/consultations", api_consultations_create,
	  ROLE_ADMIN, true, FIELDS(consultation_create_fields), NO_QUERY,
	  CACHE_NONE, NULL },
	{ METHOD_GET, "/api/v1/consultations/{id}", api_consultation_get,
	  ROLE_ANY, false, NO_FIELDS, NO_QUERY, CACHE_SHARED, NULL },
	{ METHOD_PATCH, "/api/v1/consultations/{id}", api_consultation_patch,
	  ROLE_ADMIN, true, FIELDS(consultation_patch_fields), NO_QUERY,
	  CACHE_NONE, NULL },

	{ METHOD_GET, "/api/v1/consultations/{id}/priorities",
	  api_priorities_list,
	  ROLE_ANY, false, NO_FIELDS, NO_QUERY, CACHE_SHARED, NULL },
	{ METHOD_POST, "/api/v1/consultations/{id}/priorities",
	  api_priorities_create,
	  ROLE_MODERATOR, true, FIELDS(priority_create_fields), NO_QUERY,
	  CACHE_NONE, NULL },
	{ METHOD_PATCH, "/api/v1/priorities/{id}", api_priority_patch,
	  ROLE_MODERATOR, true, FIELDS(priority_patch_fields), NO_QUERY,
	  CACHE_NONE, NULL },

	{ METHOD_GET, "/api/v1/consultations/{id}/submissions",
	  api_submissions_list,
	  ROLE_ANY, false, NO_FIELDS, FIELDS(page_query), CACHE_VIEWER, NULL },
	{ METHOD_POST, "/api/v1/consultations/{id}/submissions",
	  api_submissions_create,
	  ROLE_PARTICIPANT, true, FIELDS(submission_fields), NO_QUERY,
	  CACHE_NONE, NULL },

	{ METHOD_GET, "/api/v1/consultations/{id}/ballot", api_ballot_get,
	  ROLE_SIGNED_IN, false, NO_FIELDS, NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_PUT, "/api/v1/consultations/{id}/ballot", api_ballot_put,
	  ROLE_PARTICIPANT, true, FIELDS(ballot_fields), NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_DELETE, "/api/v1/consultations/{id}/ballot",
	  api_ballot_delete,
	  ROLE_PARTICIPANT, true, NO_FIELDS, NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_POST, "/api/v1/consultations/{id}/assisted-ballots",
	  api_assisted_ballot_create,
	  ROLE_MODERATOR, true, FIELDS(assisted_fields), NO_QUERY, CACHE_NONE, NULL },

	{ METHOD_GET, "/api/v1/consultations/{id}/results", api_results_get,
	  ROLE_ANY, false, NO_FIELDS, FIELDS(results_query), CACHE_SHARED, NULL },
	{ METHOD_GET, "/api/v1/consultations/{id}/results.csv",
	  api_results_csv,
	  ROLE_ANY, false, NO_FIELDS, FIELDS(results_query), CACHE_SHARED, NULL },

	{ METHOD_GET, "/api/v1/consultations/{id}/comments",
	  api_comments_list,
	  ROLE_ANY, false, NO_FIELDS, FIELDS(comment_query), CACHE_VIEWER,
	  &api_comments_view },
	{ METHOD_POST, "/api/v1/consultations/{id}/comments",
	  api_comments_create,
	  ROLE_PARTICIPANT, true, FIELDS(comment_fields), NO_QUERY,
	  CACHE_NONE, NULL },
	{ METHOD_PATCH, "/api/v1/comments/{id}", api_comment_patch,
	  ROLE_PARTICIPANT, true, FIELDS(comment_patch_fields), NO_QUERY,
	  CACHE_NONE, NULL },
	{ METHOD_DELETE, "/api/v1/comments/{id}", api_comment_delete,
	  ROLE_PARTICIPANT, true, NO_FIELDS, NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_PUT, "/api/v1/comments/{id}/vote", api_comment_vote,
	  ROLE_PARTICIPANT, true, FIELDS(vote_fields), NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_POST, "/api/v1/comments/{id}/flags", api_comment_flag,
	  ROLE_PARTICIPANT, true, FIELDS(flag_fields), NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_POST, "/api/v1/submissions/{id}/flags", api_submission_flag,
	  ROLE_PARTICIPANT, true, FIELDS(flag_fields), NO_QUERY, CACHE_NONE, NULL },

	{ METHOD_GET, "/api/v1/moderation/queue", api_moderation_queue,
	  ROLE_MODERATOR, false, NO_FIELDS, FIELDS(queue_query), CACHE_NONE, NULL },
	{ METHOD_POST, "/api/v1/moderation/decisions", api_moderation_decide,
	  ROLE_MODERATOR, true, FIELDS(decision_fields), NO_QUERY, CACHE_NONE, NULL },
	{ METHOD_GET, "/api/v1/moderation/log", api_moderation_log,
	  ROLE_MODERATOR, false, NO_FIELDS, FIELDS(log_query), CACHE_NONE, NULL },
	{ METHOD_POST, "/api/v1/accounts/{id}/suspension",
	  api_account_suspend,
	  ROLE_MODERATOR, true, FIELDS(suspension_fields), NO_QUERY,
	  CACHE_NONE, NULL },

	{ METHOD_GET, "/api/v1/me/notifications", api_notifications_list,
	  ROLE_SIGNED_IN, false, NO_FIELDS, FIELDS(page_query), CACHE_NONE, NULL },
	{ METHOD_POST, "/api/v1/me/notifications/read",
	  api_notifications_read,
	  ROLE_SIGNED_IN, true, FIELDS(read_fields), NO_QUERY, CACHE_NONE, NULL },

	{ METHOD_GET, "/api/v1/support-texts", api_support_list,
	  ROLE_ANY, false, NO_FIELDS, NO_QUERY, CACHE_SHARED, NULL },
	{ METHOD_PUT, "/api/v1/support-texts/{slug}", api_support_put,
	  ROLE_ADMIN, true, FIELDS(support_fields), NO_QUERY, CACHE_NONE, NULL },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

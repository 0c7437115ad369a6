/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The accepted fields of each route, as indexes into request->fields and
 * request->qfields (the field tables are beside the route table in
 * src/api/routes.c), and the closed lists of values fields accept.
 */
#ifndef CONCERTO_API_FIELDS_H
#define CONCERTO_API_FIELDS_H

enum session_field { SESSION_EMAIL, SESSION_PASSWORD, SESSION_TOTP,
	SESSION_RECOVERY_CODE, SESSION__MAX };
enum second_factor_field { SECOND_FACTOR_CODE, SECOND_FACTOR_RECOVERY_CODE,
	SECOND_FACTOR__MAX };
enum account_field { ACCOUNT_EMAIL, ACCOUNT_PASSWORD, ACCOUNT_PSEUDONYM,
	ACCOUNT_PROFILE, ACCOUNT_POSTCODE, ACCOUNT_INTERESTS_DECLARED,
	ACCOUNT_INTERESTS_TEXT, ACCOUNT_LANGUAGE, ACCOUNT_ACCEPT_TERMS,
	ACCOUNT_HEALTH_CONSENT, ACCOUNT__MAX };
enum token_field { TOKEN_FIELD_TOKEN, TOKEN_FIELD_PASSWORD, TOKEN_FIELD__MAX };
enum email_field { EMAIL_FIELD_EMAIL, EMAIL_FIELD__MAX };
enum me_field { ME_PSEUDONYM, ME_PROFILE, ME_POSTCODE, ME_LANGUAGE,
	ME_INTERESTS_DECLARED, ME_INTERESTS_TEXT, ME_HEALTH_CONSENT,
	ME_CURRENT_PASSWORD, ME_NEW_PASSWORD, ME__MAX };
enum me_delete_field { ME_DELETE_PASSWORD, ME_DELETE__MAX };

/*
 * Consultation fields, in the order in which consultation_patch()
 * (sql/012) names the first one given; CONS_PHASE only in a PATCH.
 */
enum consultation_field { CONS_TITLE_FR, CONS_TITLE_EN, CONS_SUMMARY_FR,
	CONS_SUMMARY_EN, CONS_EASY_SUMMARY_FR, CONS_EASY_SUMMARY_EN,
	CONS_BODY_FR, CONS_BODY_EN, CONS_GATHERING_AT, CONS_VOTING_AT,
	CONS_CLOSES_AT, CONS_PUBLISH_AT, CONS_METHOD, CONS_MAX_CHOICES,
	CONS_MAX_RANKS, CONS_WEIGHTING, CONS_MODERATION, CONS_PROFILE_TARGETS,
	CONS_PHASE, CONS__MAX };
enum consultation_query { CONS_Q_PHASE, CONS_Q_LIMIT, CONS_Q_CURSOR,
	CONS_Q__MAX };
/* Priority fields. */
enum priority_field { PRIO_TITLE_FR, PRIO_TITLE_EN, PRIO_DESCRIPTION_FR,
	PRIO_DESCRIPTION_EN, PRIO_POSITION, PRIO_QUESTION,
	PRIO_EVIDENCE_STATUS, PRIO_EVIDENCE_LINKS, PRIO_SOURCES, PRIO__MAX };
enum submission_field { SUBMISSION_TEXT, SUBMISSION__MAX };
enum page_query { PAGE_Q_LIMIT, PAGE_Q_CURSOR, PAGE_Q__MAX };
enum ballot_field { BALLOT_CHOICES, BALLOT__MAX };
enum assisted_field { ASSISTED_CHOICES, ASSISTED_PROFILE, ASSISTED_POSTCODE,
	ASSISTED_INTERESTS, ASSISTED_NOTE, ASSISTED__MAX };
enum results_query { RESULTS_Q_INTERESTS, RESULTS_Q_WEIGHTING, RESULTS_Q__MAX };
/* Comment fields; a PATCH accepts the first two. */
enum comment_field { COMMENT_BODY, COMMENT_ALIGNMENT, COMMENT_PRIORITY,
	COMMENT_PARENT, COMMENT__MAX };
enum comment_query { COMMENT_Q_SORT, COMMENT_Q_PRIORITY, COMMENT_Q_PARENT,
	COMMENT_Q_LIMIT, COMMENT_Q_CURSOR, COMMENT_Q__MAX };
enum comment_sort { COMMENT_SORT_OLDEST, COMMENT_SORT_NEWEST,
	COMMENT_SORT_BEST };
enum vote_field { VOTE_VALUE, VOTE__MAX };
enum flag_field { FLAG_REASON, FLAG_NOTE, FLAG__MAX };
enum queue_query { QUEUE_Q_CONSULTATION, QUEUE_Q_REASON, QUEUE_Q_LIMIT,
	QUEUE_Q_CURSOR, QUEUE_Q__MAX };
enum decision_field { DECISION_TARGET_TYPE, DECISION_TARGET_ID,
	DECISION_ACTION, DECISION_REASON, DECISION_PASSAGE, DECISION__MAX };
enum log_query { LOG_Q_CONSULTATION, LOG_Q_TARGET_TYPE, LOG_Q_TARGET_ID,
	LOG_Q_LIMIT, LOG_Q_CURSOR, LOG_Q__MAX };
enum suspension_field { SUSPENSION_DAYS, SUSPENSION_REASON, SUSPENSION__MAX };
enum read_field { READ_UP_TO, READ__MAX };
enum support_field { SUPPORT_TITLE, SUPPORT_BODY, SUPPORT_CONTACTS,
	SUPPORT__MAX };

extern const char *const api_methods[];
extern const char *const api_languages[];
extern const char *const api_alignments[];
extern const char *const api_flag_reasons[];
/* Kinds of contribution a flag or a decision is about. */
extern const char *const api_target_types[];
extern const char *const api_decisions[];
extern const char *const api_log_targets[];

#endif

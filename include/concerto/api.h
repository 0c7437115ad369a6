/*
 * HTTP handlers, grouped by resource under src/api/.  Each reads the typed
 * values the router validated (request->fields, request->id) and fills the
 * response.  The route table itself is in src/api/routes.c.
 */
#ifndef CONCERTO_API_H
#define CONCERTO_API_H

struct request;
struct response;
struct field;
struct field_value;

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "concerto/buf.h"
#include "concerto/db.h"
#include "concerto/password.h"
#include "concerto/pseudonym.h"
#include "concerto/token.h"

#define API_INT_LEN	24
#define API_EMAIL_LEN	256

/* common.c */
/* Maps a database status that is not DB_OK to a response (503, 409, 500). */
void		 api_db_error(struct response *, enum db_status);
/* Formats v into buf and returns buf, for SQL parameters. */
const char	*api_int(int64_t v, char buf[API_INT_LEN]);
/* A column as a JSON string, or null. */
json_t		*api_json_text(const struct db_rows *, size_t row, size_t col);
/* 409 pseudonym_taken, naming the field. */
void		 api_pseudonym_taken(struct response *);
/* 429 code (message, field: may be NULL) with Retry-After: wait (>= 1). */
void		 api_wait_error(struct response *, const char *code,
		    const char *message, const char *field, int64_t wait);
/*
 * Spends one unit of the client network's budget of kind (one letter, see
 * throttle.h) of allowed units per window_s seconds.  Returns 0, or -1
 * with the response set (429 too_many_requests with Retry-After, 503).
 */
int		 api_network_budget(struct request *, struct response *,
		    char kind, int allowed, int window_s);
/*
 * pseudonym.c: checks the pseudonym field fi of the request, as the new
 * pseudonym of a new account (current NULL) or of the signed-in one
 * (current: its pseudonym now).  On success returns 0 and the field's
 * value is its stored form, held in name; else -1 with the response set:
 * 400 invalid_field, 403 account_suspended (a suspended account renaming
 * itself), 409 pseudonym_reserved (a participant's made of reserved names
 * or staff pseudonyms) or pseudonym_taken (a look-alike's), 503.
 */
int		 api_pseudonym_accept(struct request *, struct response *,
		    size_t fi, const char *current, char name[PSEUDONYM_SIZE]);
/* Lower-cases an (already validated) e-mail address. */
void		 api_email_normalize(const char *in, char out[API_EMAIL_LEN]);
/* True for a moderator or admin session with its second factor. */
bool		 api_is_staff(const struct request *);
bool		 api_is_admin(const struct request *);
#define API_JSON_TYPE	"application/json; charset=utf-8"
/*
 * Answers status with the JSON of column col of row (encoded by the SQL
 * JSON functions of sql/), as it is; 500 if it is NULL.
 */
void		 api_json_column(struct response *, int status,
		    const struct db_rows *, size_t row, size_t col);
/*
 * After a statement that answered rc: a failure as api_db_error(), no row
 * as 404, else status with the JSON of column 0 of the first row.
 */
void		 api_json_found(struct response *, int status, enum db_status,
		    const struct db_rows *);
/* Parses a JSON column into a new value, or NULL. */
json_t		*api_json_parse(const struct db_rows *, size_t row, size_t col);
/* The JSON of column 0 of the first max rows, as a new array. */
json_t		*api_json_rows(const struct db_rows *, size_t max);
/*
 * Answers 200 {key: [...], "next_cursor": ...} from rows fetched with
 * limit + 1: column 0 the item's JSON, column 1 its cursor.  The cursor
 * is that of the last item shown, or null when nothing follows.
 */
void		 api_page(struct response *, const char *key,
		    const struct db_rows *, int64_t limit);
/* 404 not_found. */
void		 api_not_found(struct response *);
/* Formats ids as a PostgreSQL array literal "{1,2,3}" into out. */
void		 api_id_array(const int64_t *ids, size_t n, struct buf *out);
/* Formats strings as a PostgreSQL array literal {"a","b"} into out. */
void		 api_text_array(const char *const *strs, size_t n,
		    struct buf *out);
/*
 * Loads the phase (rank), moderation and method of consultation id,
 * hiding drafts from all but staff.  Returns 0, or -1 with the response
 * set (404, 503).
 */
struct consultation_rules {
	int	 phase;			/* api_phase_rank() */
	bool	 premoderated;
	bool	 ranked;
	int	 k;
	char	 scheme[24];		/* weighting scheme */
};
int		 api_consultation_rules(struct request *, struct response *,
		    int64_t id, struct consultation_rules *);
/* Rank of a phase name (draft 0 ... published 4), or -1. */
int		 api_phase_rank(const char *);

/* health.c */
void	 api_health_get(struct request *, struct response *);

/* metrics.c */
void	 api_metrics_get(struct request *, struct response *);

/*
 * Accepted fields of each route, indexes into request->fields; the field
 * tables themselves are beside the route table in routes.c.
 */
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
 * Consultation fields, in the order of the columns of
 * STMT_CONSULTATION_LOCK; CONS_PHASE only in a PATCH.
 */
enum consultation_field { CONS_TITLE_FR, CONS_TITLE_EN, CONS_SUMMARY_FR,
	CONS_SUMMARY_EN, CONS_EASY_SUMMARY_FR, CONS_EASY_SUMMARY_EN,
	CONS_BODY_FR, CONS_BODY_EN, CONS_GATHERING_AT, CONS_VOTING_AT,
	CONS_CLOSES_AT, CONS_PUBLISH_AT, CONS_METHOD, CONS_MAX_CHOICES,
	CONS_MAX_RANKS, CONS_WEIGHTING, CONS_MODERATION, CONS_PROFILE_TARGETS,
	CONS_PHASE, CONS__MAX };
enum consultation_query { CONS_Q_PHASE, CONS_Q_LIMIT, CONS_Q_CURSOR,
	CONS_Q__MAX };
/* Priority fields, in the order of STMT_PRIORITY_LOCK from column 2. */
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

extern const char *const api_phases[];
extern const char *const api_methods[];

/* The participant profiles, in the order of the profile enum fields. */
extern const char *const api_profiles[];
extern const char *const api_languages[];
extern const char *const api_alignments[];
extern const char *const api_flag_reasons[];
/* Kinds of contribution a flag or a decision is about. */
extern const char *const api_target_types[];
extern const char *const api_decisions[];
extern const char *const api_log_targets[];

/* Texts whose version is recorded with each consent. */
#define API_TERMS_VERSION		"2026-11"
#define API_HEALTH_CONSENT_VERSION	"2026-11"

/* accounts.c */
/* Hashes under a host slot; 0, or -1 with the response set (503). */
int	 api_password_hash(struct request *, struct response *,
	    const char *pw, char out[PASSWORD_ENCODED_MAX]);
/* 503 busy with Retry-After: hashing is saturated. */
void	 api_hash_busy(struct response *);
/* Verifies under a host slot; 0, or -1 with the response set (503). */
int	 api_password_verify(struct request *, struct response *,
	    const char *encoded, const char *pw, bool *ok);
/* 0 if pw is acceptable, or -1 with a 400 naming field. */
int	 api_password_policy(struct response *, const char *field,
	    const char *pw, const char *email, const char *pseudonym);
void	 api_accounts_create(struct request *, struct response *);
void	 api_accounts_verify(struct request *, struct response *);
void	 api_password_reset(struct request *, struct response *);
void	 api_password_reset_confirm(struct request *, struct response *);

/* session.c */
/*
 * The sign-in throttle of who (a normalised e-mail, or "#id") from the
 * client's network: the wait in force, in seconds (0: none), before and
 * after booking a failure.
 */
enum db_status api_signin_wait(struct request *, const char *who, int *wait);
enum db_status api_signin_failed(struct request *, const char *who,
	    int *wait);
/* 429 too_many_attempts with Retry-After: wait. */
void	 api_too_many_attempts(struct response *, int wait);
void	 api_session_create(struct request *, struct response *);
void	 api_session_delete(struct request *, struct response *);
void	 api_session_second_factor(struct request *, struct response *);

/* me.c */
void	 api_me_get(struct request *, struct response *);
void	 api_me_patch(struct request *, struct response *);
void	 api_me_delete(struct request *, struct response *);
void	 api_me_export(struct request *, struct response *);
void	 api_me_sessions_delete(struct request *, struct response *);

/* idempotency.c */
#define API_IDEM_KEY_MAX	128
struct api_idem {
	bool	 active;		/* a key was given and claimed */
	char	 key[API_IDEM_KEY_MAX + 1];
	char	 account[API_INT_LEN];
	char	 hash[TOKEN_HASH_LEN + 3];
};
/*
 * Honours an Idempotency-Key header.  Without one: 0, nothing begun.
 * With a new key: begins a transaction, claims the key and returns 0 with
 * idem->active; the handler's statements then run in that transaction
 * and api_idem_end() must follow.  With a key already answered: sets the
 * response (the first answer again, or 422 for another request) and
 * returns 1.  On failure: the response set, -1.
 */
int	 api_idem_begin(struct request *, struct response *,
	    struct api_idem *);
/*
 * Keeps the response as the key's answer and commits, unless it is a
 * server failure (5xx), which rolls back so that a retry runs afresh.
 */
void	 api_idem_end(struct request *, struct response *,
	    struct api_idem *);

/* participation.c */
struct stratum;
/*
 * The stratum of the signed-in participant for scheme: their declared
 * postcode, else GeoIP of the client address.  0, or -1 with a 503 set.
 */
int	 api_stratum(struct request *, struct response *, const char *scheme,
	    struct stratum *);
/* "true", "false" or NULL (not compared): whether GeoIP agreed. */
const char *api_stratum_agrees(const struct stratum *);
/*
 * Fixes the participant's cell in consultation cid at their first
 * contribution (nothing happens afterwards).  0, or -1 with the response
 * set.
 */
int	 api_participation_ensure(struct request *, struct response *,
	    int64_t cid, const char *scheme);

/* consultations.c */
void	 api_consultations_list(struct request *, struct response *);
void	 api_consultations_create(struct request *, struct response *);
void	 api_consultation_get(struct request *, struct response *);
void	 api_consultation_patch(struct request *, struct response *);
/*
 * Inserts a consultation from the validated fields f of the creation
 * route (defs), in phase, by created_by (NULL: imported).  Returns 0 with
 * *id, or -1 with the response set (422, 409, 503).
 */
int	 api_consultation_insert(struct db *, struct response *,
	    const struct field_value *f, const struct field *defs,
	    const char *created_by, const char *phase, int64_t *id);

/* priorities.c */
void	 api_priorities_list(struct request *, struct response *);
void	 api_priorities_create(struct request *, struct response *);
void	 api_priority_patch(struct request *, struct response *);
/*
 * Inserts a priority of consultation cid from the validated fields f of
 * the creation route, with its sources.  Returns 0 with *id, or -1 with
 * the response set.  Runs in the caller's transaction.
 */
int	 api_priority_insert(struct db *, struct response *, int64_t cid,
	    const struct field_value *f, int64_t *id);

/* submissions.c */
void	 api_submissions_list(struct request *, struct response *);
void	 api_submissions_create(struct request *, struct response *);

/* ballots.c */
void	 api_ballot_get(struct request *, struct response *);
void	 api_ballot_put(struct request *, struct response *);
void	 api_ballot_delete(struct request *, struct response *);
void	 api_assisted_ballot_create(struct request *, struct response *);

/*
 * A refusal a SQL function can answer (its code column), and the HTTP
 * answer it gets.  Tables end with a NULL code.
 */
struct api_refusal {
	const char	*code;
	int		 status;
	const char	*message;
	const char	*field;
	int		 retry_col;	/* > 0: Retry-After seconds are there */
};
/*
 * Sets the response for code from table; a code the table lacks is a
 * server failure (500).  Returns -1, for "return api_refuse(...)".
 */
int	 api_refuse(struct response *, const struct api_refusal *,
	    const char *code);
/*
 * After a statement that answered rc with a code in column 0: true if it
 * ran and the code is "ok"; otherwise the response is set (the failure,
 * or the refusal of table, with its Retry-After).
 */
bool	 api_code_ok(struct response *, enum db_status,
	    const struct db_rows *, const struct api_refusal *);
/*
 * Parses a cursor of exactly n comma-separated numbers into v.  Returns
 * 0, or -1 with a 400 naming the cursor.
 */
int	 api_cursor(struct response *, const char *s, int64_t *v, size_t n);
/* The session's account id as text into buf, or NULL if signed out. */
const char *api_viewer(const struct request *, char buf[API_INT_LEN]);

/* comments.c */
void	 api_comments_list(struct request *, struct response *);
void	 api_comments_create(struct request *, struct response *);
void	 api_comment_patch(struct request *, struct response *);
void	 api_comment_delete(struct request *, struct response *);
void	 api_comment_vote(struct request *, struct response *);

/* flags.c */
void	 api_comment_flag(struct request *, struct response *);
void	 api_submission_flag(struct request *, struct response *);

/* moderation.c */
void	 api_moderation_queue(struct request *, struct response *);
void	 api_moderation_decide(struct request *, struct response *);
void	 api_moderation_log(struct request *, struct response *);
void	 api_account_suspend(struct request *, struct response *);

/* notifications.c */
void	 api_notifications_list(struct request *, struct response *);
void	 api_notifications_read(struct request *, struct response *);

/* support.c */
void	 api_support_list(struct request *, struct response *);
void	 api_support_put(struct request *, struct response *);

/* results.c */
void	 api_results_get(struct request *, struct response *);
void	 api_results_csv(struct request *, struct response *);

#endif

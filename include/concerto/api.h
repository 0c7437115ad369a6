/*
 * HTTP handlers, grouped by resource under src/api/.  Each reads the typed
 * values the router validated (request->fields, request->id) and fills the
 * response.  The route table itself is in src/api/routes.c.
 */
#ifndef CONCERTO_API_H
#define CONCERTO_API_H

struct request;
struct response;

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "concerto/db.h"
#include "concerto/password.h"

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
/* Lower-cases an (already validated) e-mail address. */
void		 api_email_normalize(const char *in, char out[API_EMAIL_LEN]);

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

/* The participant profiles, in the order of the profile enum fields. */
extern const char *const api_profiles[];
extern const char *const api_languages[];

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
void	 api_session_create(struct request *, struct response *);
void	 api_session_delete(struct request *, struct response *);
void	 api_session_second_factor(struct request *, struct response *);

/* me.c */
void	 api_me_get(struct request *, struct response *);
void	 api_me_patch(struct request *, struct response *);
void	 api_me_delete(struct request *, struct response *);
void	 api_me_export(struct request *, struct response *);

#endif

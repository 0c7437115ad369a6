/*
 * The route table: every URL the workers answer, with the role it needs,
 * whether it needs the CSRF token, and the fields it accepts (indexed by
 * the enums in api.h, as kcgi's keys[]).  www/api/openapi.json describes
 * exactly these routes; a test checks it.
 */
#include <stdbool.h>
#include <string.h>

#include "concerto/api.h"
#include "concerto/field.h"
#include "concerto/router.h"

#define FIELDS(a)	(a), (sizeof(a) / sizeof((a)[0]))
#define NO_FIELDS	NULL, 0
#define NO_QUERY	NULL, 0

const char *const api_profiles[] = { "patient", "carer", "citizen",
	"health_professional", "researcher", "other", NULL };
const char *const api_languages[] = { "fr", "en", NULL };

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
	[ACCOUNT_PSEUDONYM] = { "pseudonym", FIELD_STRING, FIELD_REQUIRED, 3,
	    40, NULL, NULL },
	[ACCOUNT_PROFILE] = { "profile", FIELD_ENUM, FIELD_REQUIRED, 0, 0,
	    api_profiles, NULL },
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
	[ME_PSEUDONYM] = { "pseudonym", FIELD_STRING, 0, 3, 40, NULL, NULL },
	[ME_PROFILE] = { "profile", FIELD_ENUM, 0, 0, 0, api_profiles, NULL },
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

/* The verify route reuses the token table's first field only. */
#define TOKEN_ONLY	token_fields, 1

const struct route routes[] = {
	{ METHOD_GET, "/api/health", api_health_get,
	  ROLE_ANY, false, NO_FIELDS, NO_QUERY },
	{ METHOD_GET, "/metrics", api_metrics_get,
	  ROLE_ANY, false, NO_FIELDS, NO_QUERY },

	{ METHOD_POST, "/api/v1/accounts", api_accounts_create,
	  ROLE_ANY, false, FIELDS(account_fields), NO_QUERY },
	{ METHOD_POST, "/api/v1/accounts/verify", api_accounts_verify,
	  ROLE_ANY, false, TOKEN_ONLY, NO_QUERY },
	{ METHOD_POST, "/api/v1/password-reset", api_password_reset,
	  ROLE_ANY, false, FIELDS(email_fields), NO_QUERY },
	{ METHOD_POST, "/api/v1/password-reset/confirm",
	  api_password_reset_confirm,
	  ROLE_ANY, false, FIELDS(token_fields), NO_QUERY },

	{ METHOD_POST, "/api/v1/session", api_session_create,
	  ROLE_ANY, false, FIELDS(session_fields), NO_QUERY },
	{ METHOD_DELETE, "/api/v1/session", api_session_delete,
	  ROLE_SIGNED_IN, true, NO_FIELDS, NO_QUERY },
	{ METHOD_POST, "/api/v1/session/second-factor",
	  api_session_second_factor,
	  ROLE_SIGNED_IN, true, FIELDS(second_factor_fields), NO_QUERY },

	{ METHOD_GET, "/api/v1/me", api_me_get,
	  ROLE_SIGNED_IN, false, NO_FIELDS, NO_QUERY },
	{ METHOD_PATCH, "/api/v1/me", api_me_patch,
	  ROLE_SIGNED_IN, true, FIELDS(me_fields), NO_QUERY },
	{ METHOD_DELETE, "/api/v1/me", api_me_delete,
	  ROLE_SIGNED_IN, true, FIELDS(me_delete_fields), NO_QUERY },
	{ METHOD_GET, "/api/v1/me/export", api_me_export,
	  ROLE_SIGNED_IN, false, NO_FIELDS, NO_QUERY },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

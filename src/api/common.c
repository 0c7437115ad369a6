/*
 * Helpers shared by the handlers: database failures as responses, typed
 * values to SQL parameters and back.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "concerto/api.h"
#include "concerto/response.h"

void
api_db_error(struct response *res, enum db_status rc)
{
	switch (rc) {
	case DB_UNAVAILABLE:
	case DB_RETRY:
		response_error(res, 503, "database_unavailable",
		    "The service is briefly unavailable; try again shortly.",
		    NULL);
		break;
	case DB_CONFLICT:
		response_error(res, 409, "conflict",
		    "This conflicts with the current state.", NULL);
		break;
	default:
		response_error(res, 500, "internal_error",
		    "Something went wrong on our side.", NULL);
		break;
	}
}

const char *
api_int(int64_t v, char buf[API_INT_LEN])
{
	snprintf(buf, API_INT_LEN, "%lld", (long long)v);
	return buf;
}

json_t *
api_json_text(const struct db_rows *rows, size_t row, size_t col)
{
	const char	*v = db_value(rows, row, col);

	return v != NULL ? json_string(v) : json_null();
}

void
api_email_normalize(const char *in, char out[API_EMAIL_LEN])
{
	size_t	 i;

	for (i = 0; in[i] != '\0' && i + 1 < API_EMAIL_LEN; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

void
api_pseudonym_taken(struct response *res)
{
	response_error(res, 409, "pseudonym_taken",
	    "This pseudonym is already used; choose another.", "pseudonym");
}

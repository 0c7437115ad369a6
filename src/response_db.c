/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Database statuses as HTTP answers (see response_db.h).
 */
#include "concerto/response.h"
#include "concerto/response_db.h"

void
response_db_error(struct response *res, enum db_status rc)
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

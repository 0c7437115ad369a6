/*
 * POST /api/v1/session: sign in.
 */
#include "concerto/api.h"
#include "concerto/request.h"
#include "concerto/response.h"

void
api_session_create(struct request *req, struct response *res)
{
	response_error(res, 401, "invalid_credentials",
	    "This email and password do not match an account.", NULL);
}

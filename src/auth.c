/*
 * Authorization at the edge (see auth.h).  Sessions arrive with the accounts
 * work; until then only public routes can be reached.
 */
#include "concerto/auth.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/router.h"

int
auth_authorize(struct request *req, struct response *res)
{
	if (req->route->role == ROLE_ANY)
		return 0;
	response_error(res, 401, "authentication_required",
	    "Sign in to do this.", NULL);
	return -1;
}

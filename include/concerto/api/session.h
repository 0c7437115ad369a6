/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The sign-in throttle (src/api/session.c), which PATCH and DELETE /me
 * also spend: a wrong current password counts as a failed sign-in.
 */
#ifndef CONCERTO_API_SESSION_H
#define CONCERTO_API_SESSION_H

#include "concerto/db.h"

struct ctx;
struct request;
struct response;

/*
 * The sign-in throttle of who (a normalised e-mail, or "#id") from the
 * client's network: the wait in force, in seconds (0: none), before and
 * after booking a failure.
 */
enum db_status	 api_signin_wait(struct ctx *, struct request *,
		    const char *who, int *wait);
enum db_status	 api_signin_failed(struct ctx *, struct request *,
		    const char *who, int *wait);
/* 429 too_many_attempts with Retry-After: wait (counted). */
void		 api_too_many_attempts(struct ctx *, struct response *,
		    int wait);

#endif

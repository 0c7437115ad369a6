/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A database status as an HTTP answer: what the router and every handler
 * send when a statement did not run.
 */
#ifndef CONCERTO_RESPONSE_DB_H
#define CONCERTO_RESPONSE_DB_H

#include "concerto/db.h"

struct response;

/* Maps a status that is not DB_OK to a response (503, 409, 500). */
void	 response_db_error(struct response *, enum db_status);

#endif

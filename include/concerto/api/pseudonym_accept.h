/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Pseudonyms accepted at the edge (src/api/pseudonym_accept.c), for a new
 * account and for one renaming itself.
 */
#ifndef CONCERTO_API_PSEUDONYM_ACCEPT_H
#define CONCERTO_API_PSEUDONYM_ACCEPT_H

#include <stddef.h>

#include "concerto/pseudonym.h"

struct ctx;
struct request;
struct response;

/*
 * Checks the pseudonym field fi of the request, as the new pseudonym of a
 * new account (current NULL) or of the signed-in one (current: its
 * pseudonym now).  On success returns 0 and the field's value is its
 * stored form, held in name; else -1 with the response set: 400
 * invalid_field, 403 account_suspended (a suspended account renaming
 * itself), 409 pseudonym_reserved (a participant's made of reserved names
 * or staff pseudonyms) or pseudonym_taken (a look-alike's), 503.
 */
int	 api_pseudonym_accept(struct ctx *, struct request *, struct response *,
	    size_t fi, const char *current, char name[PSEUDONYM_SIZE]);
/* 409 pseudonym_taken, naming the field. */
void	 api_pseudonym_taken(struct response *);

#endif

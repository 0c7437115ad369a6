/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Idempotency keys (src/api/idempotency.c): a retried request with the
 * same Idempotency-Key gets the first answer again.  The SQL function of
 * the route claims the key and keeps its answer; a replay answers the
 * kept code and values, which the handler turns into the same response.
 */
#ifndef CONCERTO_API_IDEMPOTENCY_H
#define CONCERTO_API_IDEMPOTENCY_H

#include <stdbool.h>

#include "concerto/api/common.h"
#include "concerto/token.h"

struct request;
struct response;

#define API_IDEM_KEY_MAX	128
struct api_idem {
	bool	 given;			/* a valid key came with the request */
	char	 key[API_IDEM_KEY_MAX + 1];
	char	 hash[TOKEN_HASH_LEN + 3];	/* of method, path and body */
};

/*
 * Reads the Idempotency-Key header into idem: 0 (idem->given if there is
 * one), or -1 with a 400 when it is not 1 to 128 visible ASCII characters.
 */
int	 api_idem_read(const struct request *, struct response *,
	    struct api_idem *);
/* The key and the request's hash as SQL parameters (NULL without a key). */
#define API_IDEM_KEY(idem)	((idem)->given ? (idem)->key : NULL)
#define API_IDEM_HASH(idem)	((idem)->given ? (idem)->hash : NULL)

#endif

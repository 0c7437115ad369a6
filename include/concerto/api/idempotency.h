/*
 * Idempotency keys (src/api/idempotency.c): a retried request with the
 * same Idempotency-Key gets the first answer again.
 */
#ifndef CONCERTO_API_IDEMPOTENCY_H
#define CONCERTO_API_IDEMPOTENCY_H

#include <stdbool.h>

#include "concerto/api/common.h"
#include "concerto/token.h"

struct ctx;
struct request;
struct response;

#define API_IDEM_KEY_MAX	128
struct api_idem {
	bool	 active;		/* a key was given and claimed */
	char	 key[API_IDEM_KEY_MAX + 1];
	char	 account[API_INT_LEN];
	char	 hash[TOKEN_HASH_LEN + 3];
};
/*
 * Honours an Idempotency-Key header.  Without one: 0, nothing begun.
 * With a new key: begins a transaction, claims the key and returns 0 with
 * idem->active; the handler's statements then run in that transaction
 * and api_idem_end() must follow.  With a key already answered: sets the
 * response (the first answer again, or 422 for another request) and
 * returns 1.  On failure: the response set, -1.
 */
int	 api_idem_begin(struct ctx *, struct request *, struct response *,
	    struct api_idem *);
/*
 * Keeps the response as the key's answer and commits, unless it is a
 * server failure (5xx), which rolls back so that a retry runs afresh.
 */
void	 api_idem_end(struct ctx *, struct request *, struct response *,
	    struct api_idem *);

#endif

/*
 * E-mail through the outbox table: handlers queue messages in the same
 * transaction as the change they report; `concerto mail` delivers them
 * through the local sendmail interface and marks them sent.
 */
#ifndef CONCERTO_MAIL_H
#define CONCERTO_MAIL_H

#include <stdint.h>

#include "concerto/db.h"

struct config;

enum mail_kind {
	MAIL_VERIFY,		/* link to confirm the address */
	MAIL_REGISTER_AGAIN,	/* someone tried to register this address */
	MAIL_RESET,		/* link to choose a new password */
	MAIL_SECOND_FACTOR_LOCKED, /* too many wrong codes: locked */
	MAIL__MAX
};

/* The name of kind, as the outbox records it ("verify", ...). */
const char	*mail_kind_name(enum mail_kind);

/*
 * Queues a message of kind to recipient in language lang ("fr" or "en");
 * token, when the kind carries a link, is appended to the public URL.
 * account_id may be 0 (none).
 */
enum db_status	 mail_queue(struct db *, const struct config *,
		    int64_t account_id, const char *recipient,
		    const char *lang, enum mail_kind, const char *token);

/* `concerto mail`: delivers pending messages; returns the exit status. */
int		 mail_deliver(const struct config *);

#endif

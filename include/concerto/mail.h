/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * E-mail through the outbox table: handlers queue messages in the same
 * transaction as the change they report, their bodies sealed (mail_seal.h);
 * `concerto mail` opens and delivers them through the local sendmail
 * interface and marks them sent.
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
 * token, when the kind carries a link, goes into the link to the page
 * that takes it (CONCERTO_PUBLIC_URL/account#verify=, /reset#reset=).
 * account_id may be 0 (none).
 */
enum db_status	 mail_queue(struct db *, const struct config *,
		    int64_t account_id, const char *recipient,
		    const char *lang, enum mail_kind, const char *token);

/*
 * NULL if cfg names the sender of the messages (CONCERTO_MAIL_FROM),
 * else the sentence that says it does not, naming the variable.
 */
const char	*mail_from_missing(const struct config *);

/*
 * `concerto mail`: delivers pending messages, each with From (the
 * CONCERTO_MAIL_FROM), Date, Message-ID and the MIME headers, a progress
 * bar on a terminal.  Without CONCERTO_SENDMAIL or CONCERTO_MAIL_FROM it
 * delivers nothing, marks nothing sent and returns 1, as for any missing
 * setting; otherwise 0, or 1 if a message stays queued.
 */
int		 mail_deliver(const struct config *);

/*
 * `concerto mail --dry-run [--to ADDRESS]`: prints each message that would
 * be delivered (to ADDRESS only, if not NULL), as it would be, after a
 * line "--- message ID ---"; sends nothing, marks nothing.  Needs the
 * sender and the keys, as delivery does.  Returns 0, or 1 if a message
 * would stay queued or a setting is missing.
 */
int		 mail_preview(const struct config *, const char *to);

#endif

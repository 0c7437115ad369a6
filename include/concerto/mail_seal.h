/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The bodies of queued messages at rest: their links are live secrets (a
 * reset link signs in as the account), so the outbox keeps them sealed
 * (secretbox.h) under the service's key, bound to the message's kind and
 * recipient ("outbox:reset:ana@example.org"): a body copied to another
 * row does not open, and the database alone reads none.
 */
#ifndef CONCERTO_MAIL_SEAL_H
#define CONCERTO_MAIL_SEAL_H

#include <stdbool.h>

#include "concerto/buf.h"
#include "concerto/secretbox.h"

/* The largest body sealed, in bytes. */
#define MAIL_SEAL_BODY_MAX	8192

/*
 * Seals body for kind and recipient into out as a bytea literal ("\\x"
 * and hex digits).  Returns 0, or -1 (no current key, body too long, or
 * libcrypto failed) with out as it was.
 */
int	 mail_seal(const struct secretbox *, const char *kind,
	    const char *recipient, const char *body, struct buf *out);

/*
 * Opens hex (the column through encode(..., 'hex')), sealed for kind and
 * recipient, appending the body to out; *old (if not NULL) tells whether
 * the previous key opened it.  On failure out is as it was.
 */
enum secretbox_status mail_open(const struct secretbox *, const char *kind,
	    const char *recipient, const char *hex, struct buf *out,
	    bool *old);

#endif

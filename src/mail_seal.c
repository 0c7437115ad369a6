/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Sealing the outbox's bodies (see mail_seal.h): the context string, then
 * secretbox and hex both ways.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "concerto/hex.h"
#include "concerto/mail_seal.h"

#define MAIL_SEAL_MAX	(MAIL_SEAL_BODY_MAX + SECRETBOX_OVERHEAD)

/* The associated data of a body: "outbox:KIND:RECIPIENT". */
static void
mail_seal_context(const char *kind, const char *recipient, struct buf *ad)
{
	buf_init(ad, 0);
	buf_printf(ad, "outbox:%s:%s", kind, recipient);
}

int
mail_seal(const struct secretbox *box, const char *kind,
    const char *recipient, const char *body, struct buf *out)
{
	unsigned char	 sealed[MAIL_SEAL_MAX];
	struct buf	 ad;
	size_t		 n = strlen(body), len;
	int		 rc = -1;

	if (n > MAIL_SEAL_BODY_MAX)
		return -1;
	mail_seal_context(kind, recipient, &ad);
	if (!ad.overflow && secretbox_seal(box, buf_str(&ad),
	    (const unsigned char *)body, n, sealed, sizeof(sealed), &len) == 0) {
		hex_bytea(out, sealed, len);
		rc = 0;
	}
	buf_free(&ad);
	return rc;
}

enum secretbox_status
mail_open(const struct secretbox *box, const char *kind,
    const char *recipient, const char *hex, struct buf *out, bool *old)
{
	unsigned char	 sealed[MAIL_SEAL_MAX], body[MAIL_SEAL_MAX];
	enum secretbox_status st = SECRETBOX_INVALID;
	struct buf	 ad;
	size_t		 n, len;

	if ((n = hex_decode(hex, sealed, sizeof(sealed))) == 0)
		return SECRETBOX_INVALID;
	mail_seal_context(kind, recipient, &ad);
	if (!ad.overflow)
		st = secretbox_open(box, buf_str(&ad), sealed, n, body,
		    sizeof(body), &len, old);
	if (st == SECRETBOX_OK)
		buf_append(out, body, len);
	OPENSSL_cleanse(body, sizeof(body));
	buf_free(&ad);
	return st;
}

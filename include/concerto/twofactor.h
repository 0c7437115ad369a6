/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The second factor of moderators and admins: enrolment (a TOTP secret and
 * single-use recovery codes, both shown once) and verification (a code is
 * good once; a recovery code is good once).  TOTP secrets are stored
 * sealed (secretbox.h), bound to their account by the associated data
 * "totp:" and its id; recovery codes as SHA-256 only.
 */
#ifndef CONCERTO_TWOFACTOR_H
#define CONCERTO_TWOFACTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "concerto/db.h"
#include "concerto/secretbox.h"
#include "concerto/totp.h"

#define TWOFACTOR_CODES		10
#define TWOFACTOR_CODE_LEN	16	/* base32 of 10 bytes */
/* The largest sealed secret, and as a bytea literal ("\\x", hex, NUL). */
#define TWOFACTOR_SEALED_MAX	64
#define TWOFACTOR_SEALED_HEX	(2 + 2 * TWOFACTOR_SEALED_MAX + 1)

enum twofactor_verdict {
	TWOFACTOR_WRONG = 0,	/* no code, or not a good one */
	TWOFACTOR_GOOD,		/* good, and now used up */
	TWOFACTOR_UNAVAILABLE	/* the secret cannot be opened (see below) */
};

struct twofactor_enrolment {
	char	secret[TOTP_B32_LEN + 1];
	char	uri[256];		/* otpauth://totp/... */
	char	codes[TWOFACTOR_CODES][TWOFACTOR_CODE_LEN + 1];
};

/*
 * Gives account_id a new secret and new recovery codes, replacing any.
 * With confirmed false the secret waits for its first code (enrolment at
 * sign-in); with true it is in force at once (set up by an operator).
 * label names the account in the authenticator app.  The secret is sealed
 * under the current key of box; DB_ERROR if it cannot be.
 */
enum db_status	 twofactor_enrol(struct db *, const struct secretbox *box,
		    int64_t account_id,
		    const char *label, bool confirmed,
		    struct twofactor_enrolment *out);

/*
 * Checks a TOTP code or a recovery code (either may be NULL); *out tells
 * whether one was good, and it is then used up.  A good first code
 * confirms a pending enrolment.  A TOTP code of an account whose secret
 * box cannot open (sealed under a key it does not hold, tampered with,
 * or still waiting for `concerto secrets seal`) is TWOFACTOR_UNAVAILABLE,
 * logged; recovery codes need no key.
 */
enum db_status	 twofactor_verify(struct db *, const struct secretbox *box,
		    int64_t account_id, const char *totp,
		    const char *recovery, enum twofactor_verdict *out);

/* *state: 0 none, 1 pending (enrolled, not confirmed), 2 in force. */
enum db_status	 twofactor_state(struct db *, int64_t account_id, int *state);

/*
 * Seals n bytes of secret for account_id under box's current key into out
 * as a bytea literal.  Returns 0 or -1.
 */
int		 twofactor_seal(const struct secretbox *box,
		    int64_t account_id, const unsigned char *secret, size_t n,
		    char out[TWOFACTOR_SEALED_HEX]);

/*
 * Opens the sealed secret of account_id given as hex (the column through
 * encode(..., 'hex')) into secret[max]; *n gets its length, *old whether
 * box's previous key opened it (may be NULL).  Returns what
 * secretbox_open() says, SECRETBOX_INVALID for text that is not hex.
 */
enum secretbox_status twofactor_open(const struct secretbox *box,
		    int64_t account_id, const char *hex,
		    unsigned char *secret, size_t max, size_t *n, bool *old);


#endif

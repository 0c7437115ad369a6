/*
 * The second factor of moderators and admins: enrolment (a TOTP secret and
 * single-use recovery codes, both shown once) and verification (a code is
 * good once; a recovery code is good once).
 */
#ifndef CONCERTO_TWOFACTOR_H
#define CONCERTO_TWOFACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "concerto/db.h"
#include "concerto/totp.h"

#define TWOFACTOR_CODES		10
#define TWOFACTOR_CODE_LEN	16	/* base32 of 10 bytes */

struct twofactor_enrolment {
	char	secret[TOTP_B32_LEN + 1];
	char	uri[256];		/* otpauth://totp/... */
	char	codes[TWOFACTOR_CODES][TWOFACTOR_CODE_LEN + 1];
};

/*
 * Gives account_id a new secret and new recovery codes, replacing any.
 * With confirmed false the secret waits for its first code (enrolment at
 * sign-in); with true it is in force at once (set up by an operator).
 * label names the account in the authenticator app.
 */
enum db_status	 twofactor_enrol(struct db *, int64_t account_id,
		    const char *label, bool confirmed,
		    struct twofactor_enrolment *out);

/*
 * Checks a TOTP code or a recovery code (either may be NULL); *ok tells
 * whether one was good, and it is then used up.  A good first code
 * confirms a pending enrolment.
 */
enum db_status	 twofactor_verify(struct db *, int64_t account_id,
		    const char *totp, const char *recovery, bool *ok);

/* *state: 0 none, 1 pending (enrolled, not confirmed), 2 in force. */
enum db_status	 twofactor_state(struct db *, int64_t account_id, int *state);

#endif

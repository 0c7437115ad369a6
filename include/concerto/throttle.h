/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Throttling keys: the HMAC-SHA256, under a secret that only the service
 * holds, of what a counter is about (an account's e-mail, a client
 * network, both).  PostgreSQL stores and compares these keys and never
 * sees the secret, so neither an address nor a network can be read back
 * from a throttling table, even by the application role.
 */
#ifndef CONCERTO_THROTTLE_H
#define CONCERTO_THROTTLE_H

#include <stddef.h>

#define THROTTLE_KEY_MIN	32	/* bytes of secret, at least */
#define THROTTLE_KEY_MAX	64
#define THROTTLE_HMAC_LEN	(2 + 64)	/* "\\x" + hex, PostgreSQL bytea */

struct throttle_key {
	unsigned char	 bytes[THROTTLE_KEY_MAX];
	size_t		 len;
};

/*
 * Reads the secret from path: a file of THROTTLE_KEY_MIN to
 * THROTTLE_KEY_MAX bytes that its owner alone may read (no group or other
 * permission).  Returns 0, or -1 with the reason in err.
 */
int	 throttle_key_load(const char *path, struct throttle_key *,
	    char *err, size_t errlen);

/*
 * Writes the key of kind (one letter: 'a' account, 'n' network, 'p' pair,
 * 'h' hashing budget, 'r' registration mail) and text as a bytea literal
 * into out[THROTTLE_HMAC_LEN + 1].
 */
void	 throttle_hmac(const struct throttle_key *, char kind,
	    const char *text, char out[THROTTLE_HMAC_LEN + 1]);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the second factor
 * of moderators and admins.  HMAC comes from libcrypto.
 */
#ifndef CONCERTO_TOTP_H
#define CONCERTO_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOTP_SECRET_LEN	20	/* bytes */
#define TOTP_B32_LEN	32	/* base32 of 20 bytes, no padding */

/* The code for a time step (unix time / 30). */
uint32_t totp_code(const unsigned char *secret, size_t len, uint64_t step);

/*
 * Checks a 6-digit code against the steps now-1, now, now+1, refusing any
 * step not after last_step (a code is good once).  Returns the matched step
 * or 0.
 */
uint64_t totp_check(const unsigned char *secret, size_t len,
	    const char *code, uint64_t now_unix, uint64_t last_step);

/* RFC 4648 base32 without padding; out must hold 8 * ceil(n / 5) + 1. */
void	 totp_base32(const unsigned char *src, size_t n, char *out);

#endif

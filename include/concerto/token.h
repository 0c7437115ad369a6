/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Secret tokens (sessions, CSRF, e-mail links, recovery codes): 256 bits
 * from getrandom(2), base64url without padding; stored only as SHA-256.
 */
#ifndef CONCERTO_TOKEN_H
#define CONCERTO_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define TOKEN_LEN	43		/* base64url of 32 bytes */
#define TOKEN_HASH_LEN	64		/* hex SHA-256 */

/* Fills n random bytes; 0, or -1 if the kernel refused. */
int	 token_random(void *dst, size_t n);

/* A new token in out[TOKEN_LEN + 1]; 0 or -1. */
int	 token_new(char out[TOKEN_LEN + 1]);

/* Hex SHA-256 of s, as "\\x..." (PostgreSQL bytea input) in out. */
void	 token_hash(const char *s, char out[TOKEN_HASH_LEN + 3]);

/* True if s looks like a token (length and alphabet). */
bool	 token_well_formed(const char *s);

/* Constant-time comparison of two NUL-terminated strings. */
bool	 token_equal(const char *a, const char *b);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Passwords: the policy (length, common passwords) and argon2id hashing in
 * libargon2's encoded form.  Hashing is bounded host-wide by a semaphore in
 * the shared region, so a flood of sign-ins cannot starve other requests.
 */
#ifndef CONCERTO_PASSWORD_H
#define CONCERTO_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

struct config;
struct hashpool;
struct shared;

#define PASSWORD_ENCODED_MAX	160
/* The longest password hashed or verified (the policy allows 1024). */
#define PASSWORD_BYTES_MAX	4096

/*
 * Checks the policy; returns NULL if acceptable, else a short reason
 * ("too_short", "too_long", "too_common", "contains_identity").
 */
const char *password_policy(const char *pw, const char *email,
	    const char *pseudonym);

/*
 * Hashes pw with the configured parameters into out; 0 or -1.  The work
 * runs on pool (NULL: in the calling thread).
 */
int	 password_hash(const struct config *, struct hashpool *pool,
	    const char *pw, char out[PASSWORD_ENCODED_MAX]);

/* True if pw matches the encoded hash; the work runs on pool. */
bool	 password_verify(struct hashpool *pool, const char *encoded,
	    const char *pw);

/* True if encoded was made with other parameters than the configured ones. */
bool	 password_needs_rehash(const struct config *, const char *encoded);

/*
 * Waits up to wait_ms for one of the host's hashing slots.  Returns 0 (the
 * caller must password_slot_release()) or -1 when all stay busy.  shared
 * may be NULL (command-line use): then there is no limit.
 */
int	 password_slot_acquire(struct shared *, int wait_ms);
void	 password_slot_release(struct shared *);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * What the account handlers share (src/api/accounts.c): the versions of
 * the texts consented to, and passwords hashed and verified under a slot
 * of the host's hash pool, checked against the policy first.
 */
#ifndef CONCERTO_API_ACCOUNTS_H
#define CONCERTO_API_ACCOUNTS_H

#include <stdbool.h>

#include "concerto/password.h"

struct ctx;
struct request;
struct response;

/* Texts whose version is recorded with each consent. */
#define API_TERMS_VERSION		"2026-11"
#define API_HEALTH_CONSENT_VERSION	"2026-11"

/* Hashes under a host slot; 0, or -1 with the response set (503). */
int	 api_password_hash(struct ctx *, struct request *, struct response *,
	    const char *pw, char out[PASSWORD_ENCODED_MAX]);
/* 503 busy with Retry-After: hashing is saturated (counted). */
void	 api_hash_busy(struct ctx *, struct response *);
/* Verifies under a host slot; 0, or -1 with the response set (503). */
int	 api_password_verify(struct ctx *, struct request *, struct response *,
	    const char *encoded, const char *pw, bool *ok);
/* 0 if pw is acceptable, or -1 with a 400 naming field. */
int	 api_password_policy(struct response *, const char *field,
	    const char *pw, const char *email, const char *pseudonym);

#endif

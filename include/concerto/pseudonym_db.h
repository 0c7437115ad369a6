/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The pseudonym rules that need the database: staff pseudonyms count as
 * reserved names, no two accounts have pseudonyms of the same key
 * (accounts.pseudonym_skeleton, sql/009_pseudonym.sql), and accounts from
 * before that migration get their key from `concerto migrate`.  Names are
 * stored forms (pseudonym_prepare()).
 */
#ifndef CONCERTO_PSEUDONYM_DB_H
#define CONCERTO_PSEUDONYM_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "concerto/db.h"
#include "concerto/pseudonym.h"

struct config;

/*
 * Judges name as the new pseudonym of account self (0: a new account).
 * Unless staff (the account is a moderator's or an admin's), *why is
 * PSEUDONYM_RESERVED when the key of name is made only of reserved names
 * and other staff pseudonyms; else PSEUDONYM_TAKEN when another account's
 * pseudonym has its key; else PSEUDONYM_OK.  Returns the database status
 * (DB_ERROR too if ICU fails).
 */
enum db_status	 pseudonym_db_check(struct db *, const char *name,
		    int64_t self, bool staff, enum pseudonym_status *why);

/*
 * Stores the key of name, the pseudonym just given to account id, in the
 * open transaction.  DB_CONFLICT (constraint
 * accounts_pseudonym_skeleton_key) if another account took a look-alike
 * meanwhile.
 */
enum db_status	 pseudonym_db_store(struct db *, int64_t id,
		    const char *name);

/*
 * Gives a key to every account without one (those from before the
 * migration), as the schema owner; an account whose pseudonym looks like
 * an older one's keeps none and is named on stderr.  Returns the exit
 * status of `concerto migrate`.
 */
int		 pseudonym_db_backfill(const struct config *);

#endif

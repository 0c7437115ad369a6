/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The pseudonym rules that need the database (see pseudonym_db.h).  Staff
 * pseudonyms are few: each check reads them and computes their keys, so
 * that a staff account needs no stored key to be protected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/config.h"
#include "concerto/db.h"
#include "concerto/mem.h"
#include "concerto/pseudonym.h"
#include "concerto/pseudonym_db.h"

#define ID_LEN	24

/* The columns of STMT_PSEUDONYM_UNKEYED. */
enum unkeyed_col { UNKEYED_COL_ID, UNKEYED_COL_PSEUDONYM };

/* self as an SQL parameter in buf, NULL for 0 (a new account). */
static const char *
id_param(int64_t self, char buf[ID_LEN])
{
	if (self <= 0)
		return NULL;
	snprintf(buf, ID_LEN, "%lld", (long long)self);
	return buf;
}

static void
keys_free(char **keys, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/*
 * The keys of the staff pseudonyms other than self's, as a new array of
 * *n new strings (keys_free()).  A pseudonym that has no key (none of
 * pseudonym_prepare()'s forms) is left out.
 */
static enum db_status
staff_keys(struct db *db, const char *self, char ***keys, size_t *n)
{
	struct db_rows	*rows = NULL;
	char		 k[PSEUDONYM_KEY_SIZE];
	enum db_status	 rc;
	size_t		 i;

	*keys = NULL;
	*n = 0;
	if ((rc = db_exec(db, STMT_STAFF_PSEUDONYMS, DB_PARAMS(self),
	    &rows)) != DB_OK)
		goto out;
	*keys = xcalloc(db_nrows(rows) + 1, sizeof(char *));
	for (i = 0; i < db_nrows(rows); i++)
		if (pseudonym_skeleton(db_value(rows, i, 0), k) == 0 &&
		    k[0] != '\0')
			(*keys)[(*n)++] = xstrdup(k);
out:
	db_rows_free(rows);
	return rc;
}

enum db_status
pseudonym_db_check(struct db *db, const char *name, int64_t self,
    bool staff, enum pseudonym_status *why)
{
	struct db_rows	*rows = NULL;
	char		 key[PSEUDONYM_KEY_SIZE], idb[ID_LEN];
	char		**keys = NULL;
	const char	*id = id_param(self, idb);
	enum db_status	 rc = DB_ERROR;
	size_t		 n = 0;
	int		 r;

	*why = PSEUDONYM_OK;
	if (pseudonym_skeleton(name, key) < 0)
		goto out;
	if (!staff) {
		if ((rc = staff_keys(db, id, &keys, &n)) != DB_OK)
			goto out;
		if ((r = pseudonym_reserved(key, (const char *const *)keys,
		    n)) < 0) {
			rc = DB_ERROR;
			goto out;
		}
		if (r == 1) {
			*why = PSEUDONYM_RESERVED;
			goto out;
		}
	}
	rc = db_exec(db, STMT_PSEUDONYM_LOOKALIKE, DB_PARAMS(key, id), &rows);
	if (rc == DB_OK && db_nrows(rows) > 0)
		*why = PSEUDONYM_TAKEN;
out:
	keys_free(keys, n);
	db_rows_free(rows);
	return rc;
}

enum db_status
pseudonym_db_store(struct db *db, int64_t id, const char *name)
{
	char	 key[PSEUDONYM_KEY_SIZE], idb[ID_LEN];

	if (pseudonym_skeleton(name, key) < 0 || key[0] == '\0')
		return DB_ERROR;
	return db_exec(db, STMT_PSEUDONYM_SKELETON_SET,
	    DB_PARAMS(id_param(id, idb), key), NULL);
}

/*
 * Keys the accounts of rows (id, pseudonym), oldest first; a look-alike of
 * an older one is named and skipped.  Returns DB_OK or the failure.
 */
static enum db_status
backfill_rows(struct db *db, const struct db_rows *rows, size_t *done)
{
	struct db_rows	*found = NULL;
	char		 key[PSEUDONYM_KEY_SIZE];
	const char	*id;
	enum db_status	 rc = DB_OK;
	size_t		 i;

	for (i = 0; rc == DB_OK && i < db_nrows(rows); i++) {
		id = db_value(rows, i, UNKEYED_COL_ID);
		if (pseudonym_skeleton(db_value(rows, i, UNKEYED_COL_PSEUDONYM),
		    key) < 0 ||
		    key[0] == '\0') {
			fprintf(stderr, "migrate: account %s: its pseudonym "
			    "has no key; left without one\n", id);
			continue;
		}
		db_rows_free(found);
		found = NULL;
		if ((rc = db_exec(db, STMT_PSEUDONYM_LOOKALIKE,
		    DB_PARAMS(key, id), &found)) != DB_OK)
			break;
		if (db_nrows(found) == 0 && (rc = db_exec(db,
		    STMT_PSEUDONYM_SKELETON_SET, DB_PARAMS(id, key), NULL)) ==
		    DB_OK) {
			(*done)++;
			continue;
		}
		if (rc == DB_CONFLICT || rc == DB_OK) {
			fprintf(stderr, "migrate: account %s: its pseudonym "
			    "looks like another account's; left without a "
			    "key\n", id);
			rc = DB_OK;
		}
	}
	db_rows_free(found);
	return rc;
}

int
pseudonym_db_backfill(const struct config *cfg)
{
	struct db	*db;
	struct db_rows	*rows = NULL;
	size_t		 done = 0;
	int		 ret = 1;

	db = db_open(cfg->db_admin, cfg->statement_timeout_ms);
	if (db_exec(db, STMT_PSEUDONYM_UNKEYED, NULL, 0, &rows) != DB_OK ||
	    backfill_rows(db, rows, &done) != DB_OK) {
		fprintf(stderr, "migrate: database error while keying "
		    "pseudonyms\n");
		goto out;
	}
	if (done > 0)
		printf("migrate: keyed the pseudonyms of %zu accounts\n", done);
	ret = 0;
out:
	db_rows_free(rows);
	db_close(db);
	return ret;
}

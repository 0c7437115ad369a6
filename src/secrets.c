/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The secrets commands (see secrets.h).  They connect as the owner role:
 * the secrets waiting in clear are in a table the application role may
 * not read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "concerto/cli.h"
#include "concerto/config.h"
#include "concerto/db.h"
#include "concerto/progress.h"
#include "concerto/buf.h"
#include "concerto/hex.h"
#include "concerto/mail_seal.h"
#include "concerto/secretbox.h"
#include "concerto/secrets.h"
#include "concerto/twofactor.h"

/* The columns of STMT_TOTP_UNSEALED_LIST and STMT_TOTP_SEALED_LIST. */
enum secret_col { SECRET_COL_ACCOUNT, SECRET_COL_HEX, SECRET_COL_DELETED };

#define SECRETS_SEAL_USAGE	"secrets seal"
#define SECRETS_ROTATE_USAGE	"secrets rotate"

const char secrets_usage[] = SECRETS_SEAL_USAGE "\n" SECRETS_ROTATE_USAGE;

/* Loads the keys of cfg; 0, or -1 after saying why (as cmd). */
static int
secrets_box(const struct config *cfg, const char *cmd, struct secretbox *box)
{
	char	 err[512];

	if (secretbox_load(box, cfg->secret_key_file, cfg->secret_key_old_file,
	    err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return -1;
	}
	return 0;
}

/* Seals the secret in clear (hex) of account id and stores it. */
static enum db_status
secrets_seal_one(struct db *db, const struct secretbox *box, const char *id,
    const char *hex)
{
	unsigned char	 secret[TWOFACTOR_SEALED_MAX];
	char		 sealed[TWOFACTOR_SEALED_HEX];
	size_t		 n;
	enum db_status	 rc = DB_ERROR;

	n = hex_decode(hex, secret, sizeof(secret) - SECRETBOX_OVERHEAD);
	if (n > 0 && twofactor_seal(box, strtoll(id, NULL, 10), secret, n,
	    sealed) == 0)
		rc = db_exec(db, STMT_TOTP_SEALED_PUT, DB_PARAMS(id, sealed),
		    NULL);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (rc == DB_OK)
		rc = db_exec(db, STMT_TOTP_UNSEALED_DELETE, DB_PARAMS(id), NULL);
	return rc;
}

/*
 * Seals the rows of totp_unsealed (rows, locked) into accounts; those of
 * deleted accounts are only deleted.  Returns 0 or -1 after saying why.
 */
static int
secrets_seal_rows(struct db *db, const struct secretbox *box,
    const struct db_rows *rows, const char *cmd)
{
	struct progress	 bar;
	size_t		 i, n = db_nrows(rows), dropped = 0;
	const char	*id;
	enum db_status	 rc = DB_OK;

	progress_start(&bar, "sealing", n);
	for (i = 0; i < n && rc == DB_OK; i++) {
		id = db_value(rows, i, SECRET_COL_ACCOUNT);
		if (db_bool(rows, i, SECRET_COL_DELETED)) {
			rc = db_exec(db, STMT_TOTP_UNSEALED_DELETE,
			    DB_PARAMS(id), NULL);
			dropped++;
		} else
			rc = secrets_seal_one(db, box, id,
			    db_value(rows, i, SECRET_COL_HEX));
		progress_step(&bar);
	}
	progress_end(&bar);
	if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
		fprintf(stderr, "%s: %s while sealing: nothing changed\n", cmd,
		    rc == DB_UNAVAILABLE ? "the database is unavailable" :
		    "database error");
		return -1;
	}
	printf("%s: sealed %zu TOTP secrets under key id %02x", cmd,
	    n - dropped, box->current.id);
	if (dropped > 0)
		printf(", dropped %zu of deleted accounts", dropped);
	putchar('\n');
	return 0;
}

static int
secrets_seal(const struct config *cfg)
{
	struct secretbox box;
	struct db	*db = NULL;
	struct db_rows	*rows = NULL;
	int		 ret = 1;

	if (secrets_box(cfg, "secrets seal", &box) < 0)
		return 1;
	db = db_open(cfg->db_admin, cfg->statement_timeout_ms);
	if (db_begin(db) != DB_OK || db_exec(db, STMT_TOTP_UNSEALED_LIST,
	    NULL, 0, &rows) != DB_OK) {
		fprintf(stderr, "secrets seal: the database is unavailable\n");
		goto out;
	}
	if (secrets_seal_rows(db, &box, rows, "secrets seal") == 0)
		ret = 0;
out:
	db_rollback(db);
	db_rows_free(rows);
	db_close(db);
	secretbox_clear(&box);
	return ret;
}

int
secrets_seal_pending(const struct config *cfg)
{
	struct secretbox box;
	struct db	*db = NULL;
	struct db_rows	*rows = NULL;
	int		 ret = 1;

	memset(&box, 0, sizeof(box));
	db = db_open(cfg->db_admin, cfg->statement_timeout_ms);
	if (db_begin(db) != DB_OK || db_exec(db, STMT_TOTP_UNSEALED_LIST,
	    NULL, 0, &rows) != DB_OK) {
		fprintf(stderr, "migrate: database error while looking for "
		    "TOTP secrets in clear\n");
		goto out;
	}
	if (db_nrows(rows) == 0)
		ret = 0;
	else if (cfg->secret_key_file == NULL)
		fprintf(stderr, "migrate: %zu TOTP secrets wait in clear, "
		    "which no code can use: set CONCERTO_SECRET_KEY_FILE and "
		    "run `concerto secrets seal`\n", db_nrows(rows));
	else if (secrets_box(cfg, "migrate", &box) == 0 &&
	    secrets_seal_rows(db, &box, rows, "migrate") == 0)
		ret = 0;
out:
	db_rollback(db);
	db_rows_free(rows);
	db_close(db);
	secretbox_clear(&box);
	return ret;
}

/*
 * Opens the sealed secret of row i with either key and seals it again
 * under the current one.  *old tells whether the previous key opened it;
 * -1 (after saying which account) if neither key opens it.
 */
static int
secrets_reseal_one(struct db *db, const struct secretbox *box,
    const struct db_rows *rows, size_t i, bool *old, enum db_status *rc)
{
	unsigned char	 secret[TWOFACTOR_SEALED_MAX];
	char		 sealed[TWOFACTOR_SEALED_HEX];
	const char	*id = db_value(rows, i, SECRET_COL_ACCOUNT);
	const char	*hex = db_value(rows, i, SECRET_COL_HEX);
	enum secretbox_status st;
	size_t		 n;
	int		 ret = -1;

	st = twofactor_open(box, strtoll(id, NULL, 10), hex, secret,
	    sizeof(secret) - SECRETBOX_OVERHEAD, &n, old);
	if (st != SECRETBOX_OK) {
		fprintf(stderr, "secrets rotate: the secret of account %s %s\n",
		    id, st == SECRETBOX_NO_KEY ? "is sealed under neither key "
		    "(not the current one, nor CONCERTO_SECRET_KEY_OLD_FILE)" :
		    "does not open (damaged, or copied from another account)");
		goto out;
	}
	if (twofactor_seal(box, strtoll(id, NULL, 10), secret, n,
	    sealed) < 0) {
		*rc = DB_ERROR;
		goto out;
	}
	*rc = db_exec(db, STMT_TOTP_SEALED_PUT, DB_PARAMS(id, sealed), NULL);
	ret = 0;
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	return ret;
}

/*
 * Seals the bodies of the messages still queued again under the current
 * key.  *n gets how many; a body neither key opens is named and counted
 * in *bad.  Returns the database's status.
 */
static enum db_status
secrets_reseal_outbox(struct db *db, const struct secretbox *box, size_t *n,
    size_t *bad)
{
	struct db_rows	*rows = NULL;
	struct buf	 body, sealed;
	enum db_status	 rc;
	size_t		 i;

	*n = 0;
	if ((rc = db_exec(db, STMT_OUTBOX_SEALED_LIST, NULL, 0, &rows)) !=
	    DB_OK)
		return rc;
	buf_init(&body, 0);
	buf_init(&sealed, 0);
	for (i = 0; i < db_nrows(rows) && rc == DB_OK; i++) {
		buf_reset(&body);
		buf_reset(&sealed);
		if (mail_open(box, db_value(rows, i, 1), db_value(rows, i, 2),
		    db_value(rows, i, 3), &body, NULL) != SECRETBOX_OK) {
			fprintf(stderr, "secrets rotate: the body of queued "
			    "message %s opens with neither key\n",
			    db_value(rows, i, 0));
			(*bad)++;
			continue;
		}
		if (mail_seal(box, db_value(rows, i, 1), db_value(rows, i, 2),
		    buf_str(&body), &sealed) < 0)
			rc = DB_ERROR;
		else
			rc = db_exec(db, STMT_OUTBOX_SEALED_PUT,
			    DB_PARAMS(db_value(rows, i, 0), buf_str(&sealed)),
			    NULL);
		(*n)++;
	}
	if (body.data != NULL)
		OPENSSL_cleanse(body.data, body.cap);
	buf_free(&body);
	buf_free(&sealed);
	db_rows_free(rows);
	return rc;
}

static int
secrets_rotate(const struct config *cfg)
{
	struct secretbox box;
	struct progress	 bar;
	struct db	*db = NULL;
	struct db_rows	*rows = NULL;
	enum db_status	 rc;
	size_t		 i, n = 0, old_n = 0, bad = 0, mail_n = 0;
	bool		 old;
	int		 ret = 1;

	if (secrets_box(cfg, "secrets rotate", &box) < 0)
		return 1;
	db = db_open(cfg->db_admin, cfg->statement_timeout_ms);
	if ((rc = db_begin(db)) == DB_OK)
		rc = db_exec(db, STMT_TOTP_SEALED_LIST, NULL, 0, &rows);
	if (rc == DB_OK) {
		n = db_nrows(rows);
		progress_start(&bar, "re-sealing", n);
		for (i = 0; i < n && rc == DB_OK; i++) {
			if (secrets_reseal_one(db, &box, rows, i, &old,
			    &rc) < 0)
				bad++;
			else if (old)
				old_n++;
			progress_step(&bar);
		}
		progress_end(&bar);
	}
	if (rc == DB_OK && bad > 0) {
		fprintf(stderr, "secrets rotate: nothing changed: %zu of %zu "
		    "TOTP secrets open with neither key\n", bad, n);
		goto out;
	}
	if (rc == DB_OK)
		rc = secrets_reseal_outbox(db, &box, &mail_n, &bad);
	if (rc == DB_OK && bad > 0) {
		fprintf(stderr, "secrets rotate: nothing changed: %zu queued "
		    "messages open with neither key (deliver them with "
		    "`concerto mail` while both keys are set)\n", bad);
		goto out;
	}
	if (rc != DB_OK || (rc = db_commit(db)) != DB_OK) {
		fprintf(stderr, "secrets rotate: %s: nothing changed\n",
		    rc == DB_UNAVAILABLE ? "the database is unavailable" :
		    "database error");
		goto out;
	}
	printf("secrets rotate: re-sealed %zu TOTP secrets under key id %02x "
	    "(%zu opened with the previous key, %zu with the current one), "
	    "and the bodies of %zu queued messages\n",
	    n, box.current.id, old_n, n - old_n, mail_n);
	ret = 0;
out:
	db_rollback(db);
	db_rows_free(rows);
	db_close(db);
	secretbox_clear(&box);
	return ret;
}

int
secrets_command(const struct config *cfg, int argc, char **argv)
{
	int	 rc;

	if (argc < 2)
		return cli_refuse("secrets", secrets_usage, "missing command");
	if (strcmp(argv[1], "seal") == 0) {
		if ((rc = cli_operands("secrets seal", SECRETS_SEAL_USAGE,
		    argc - 1, argv + 1, 0, 0)) != CLI_GO)
			return rc;
		return secrets_seal(cfg);
	}
	if (strcmp(argv[1], "rotate") == 0) {
		if ((rc = cli_operands("secrets rotate", SECRETS_ROTATE_USAGE,
		    argc - 1, argv + 1, 0, 0)) != CLI_GO)
			return rc;
		return secrets_rotate(cfg);
	}
	return cli_refuse("secrets", secrets_usage, argv[1][0] == '-' ?
	    "unknown option %s" : "unknown command %s (the commands: seal, "
	    "rotate)", argv[1]);
}

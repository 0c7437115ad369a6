/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Second factor (see twofactor.h).  Secrets are 160 random bits, sealed;
 * recovery codes 80 random bits each, stored as SHA-256 only.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "concerto/buf.h"
#include "concerto/log.h"
#include "concerto/token.h"
#include "concerto/hex.h"
#include "concerto/twofactor.h"

/* The columns of STMT_TOTP_GET. */
enum totp_col { TOTP_COL_SECRET, TOTP_COL_ENABLED, TOTP_COL_LAST_STEP };

static const char *
id_str(int64_t id, char buf[24])
{
	snprintf(buf, 24, "%lld", (long long)id);
	return buf;
}

/* Percent-encodes s for an otpauth URI label or parameter. */
static void
uri_escape(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '@')
			buf_putc(out, (char)c);
		else
			buf_printf(out, "%%%02X", c);
	}
}

enum db_status
twofactor_enrol(struct db *db, const struct secretbox *box, int64_t account_id,
    const char *label, bool confirmed, struct twofactor_enrolment *out)
{
	unsigned char	 secret[TOTP_SECRET_LEN], raw[10];
	char		 sealed[TWOFACTOR_SEALED_HEX], id[24];
	char		 hash[TOKEN_HASH_LEN + 3];
	struct buf	 uri;
	enum db_status	 rc;
	size_t		 i;

	if (token_random(secret, sizeof(secret)) < 0)
		return DB_ERROR;
	if (twofactor_seal(box, account_id, secret, sizeof(secret),
	    sealed) < 0) {
		OPENSSL_cleanse(secret, sizeof(secret));
		log_error("second factor: cannot seal a secret (no key?)");
		return DB_ERROR;
	}
	totp_base32(secret, sizeof(secret), out->secret);
	OPENSSL_cleanse(secret, sizeof(secret));
	id_str(account_id, id);
	rc = db_exec(db, STMT_TOTP_SET, DB_PARAMS(id, sealed,
	    confirmed ? "true" : "false"), NULL);
	if (rc != DB_OK ||
	    (rc = db_exec(db, STMT_RECOVERY_DELETE, DB_PARAMS(id), NULL)) != DB_OK)
		return rc;
	for (i = 0; i < TWOFACTOR_CODES; i++) {
		if (token_random(raw, sizeof(raw)) < 0)
			return DB_ERROR;
		totp_base32(raw, sizeof(raw), out->codes[i]);
		token_hash(out->codes[i], hash);
		if ((rc = db_exec(db, STMT_RECOVERY_INSERT, DB_PARAMS(id, hash),
		    NULL)) != DB_OK)
			return rc;
	}
	buf_init(&uri, sizeof(out->uri) - 1);
	buf_puts(&uri, "otpauth://totp/Concerto:");
	uri_escape(&uri, label);
	buf_printf(&uri, "?secret=%s&issuer=Concerto&algorithm=SHA1&digits=6"
	    "&period=30", out->secret);
	snprintf(out->uri, sizeof(out->uri), "%s", buf_str(&uri));
	buf_free(&uri);
	return DB_OK;
}

static void
twofactor_context(int64_t account_id, char out[32])
{
	snprintf(out, 32, "totp:%lld", (long long)account_id);
}

int
twofactor_seal(const struct secretbox *box, int64_t account_id,
    const unsigned char *secret, size_t n, char out[TWOFACTOR_SEALED_HEX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 sealed[TWOFACTOR_SEALED_MAX];
	char		 ad[32];
	size_t		 len, i;

	twofactor_context(account_id, ad);
	if (secretbox_seal(box, ad, secret, n, sealed, sizeof(sealed),
	    &len) < 0)
		return -1;
	out[0] = '\\';
	out[1] = 'x';
	for (i = 0; i < len; i++) {
		out[2 + 2 * i] = hex[sealed[i] >> 4];
		out[3 + 2 * i] = hex[sealed[i] & 15];
	}
	out[2 + 2 * len] = '\0';
	return 0;
}

enum secretbox_status
twofactor_open(const struct secretbox *box, int64_t account_id,
    const char *hex, unsigned char *secret, size_t max, size_t *n, bool *old)
{
	unsigned char	 sealed[TWOFACTOR_SEALED_MAX];
	char		 ad[32];
	size_t		 len;

	*n = 0;
	if ((len = hex_decode(hex, sealed, sizeof(sealed))) == 0)
		return SECRETBOX_INVALID;
	twofactor_context(account_id, ad);
	return secretbox_open(box, ad, sealed, len, secret, max, n, old);
}

/* The key id that a sealed secret in hex names (its second byte). */
static unsigned
twofactor_key_id(const char *hex)
{
	unsigned v = 0;

	if (strlen(hex) < 4 || sscanf(hex + 2, "%2x", &v) != 1)
		return 0;
	return v;
}

/*
 * Opens the secret of the row of STMT_TOTP_GET into secret[max]; its
 * length, or 0 after logging why it cannot be opened.
 */
static size_t
twofactor_secret(const struct secretbox *box, int64_t account_id,
    const struct db_rows *rows, unsigned char *secret, size_t max)
{
	enum secretbox_status st;
	size_t		 n = 0;

	if (db_isnull(rows, 0, TOTP_COL_SECRET)) {
		log_error("second factor of account %lld: its secret waits "
		    "for `concerto secrets seal`", (long long)account_id);
		return 0;
	}
	st = twofactor_open(box, account_id, db_value(rows, 0,
	    TOTP_COL_SECRET), secret, max, &n, NULL);
	if (st == SECRETBOX_NO_KEY)
		log_error("second factor of account %lld: its secret is sealed "
		    "under a key this server does not hold (key id %02x; see "
		    "CONCERTO_SECRET_KEY_FILE and CONCERTO_SECRET_KEY_OLD_FILE)",
		    (long long)account_id, twofactor_key_id(db_value(rows, 0,
		    TOTP_COL_SECRET)));
	else if (st != SECRETBOX_OK)
		log_error("second factor of account %lld: its sealed secret "
		    "does not open (damaged, or copied from another account)",
		    (long long)account_id);
	return st == SECRETBOX_OK ? n : 0;
}

static enum db_status
twofactor_totp(struct db *db, const struct secretbox *box, int64_t account_id,
    const char *code, enum twofactor_verdict *out)
{
	struct db_rows	*rows = NULL, *used = NULL;
	unsigned char	 secret[TWOFACTOR_SEALED_MAX];
	char		 id[24], stepb[24];
	size_t		 n;
	uint64_t	 step;
	enum db_status	 rc;

	rc = db_exec(db, STMT_TOTP_GET, DB_PARAMS(id_str(account_id, id)),
	    &rows);
	if (rc != DB_OK || db_nrows(rows) == 0)
		goto out;
	if ((n = twofactor_secret(box, account_id, rows, secret,
	    sizeof(secret))) == 0) {
		*out = TWOFACTOR_UNAVAILABLE;
		goto out;
	}
	step = totp_check(secret, n, code, (uint64_t)time(NULL),
	    (uint64_t)db_int(rows, 0, TOTP_COL_LAST_STEP));
	OPENSSL_cleanse(secret, sizeof(secret));
	if (step == 0)
		goto out;
	/* The update refuses a step already used, even by a racing request. */
	snprintf(stepb, sizeof(stepb), "%llu", (unsigned long long)step);
	rc = db_exec(db, STMT_TOTP_USED, DB_PARAMS(id, stepb), &used);
	if (rc == DB_OK && db_nrows(used) > 0)
		*out = TWOFACTOR_GOOD;
out:
	db_rows_free(rows);
	db_rows_free(used);
	return rc;
}

enum db_status
twofactor_verify(struct db *db, const struct secretbox *box,
    int64_t account_id, const char *totp, const char *recovery,
    enum twofactor_verdict *out)
{
	struct db_rows	*rows = NULL;
	char		 id[24], hash[TOKEN_HASH_LEN + 3], norm[40];
	enum db_status	 rc = DB_OK;
	size_t		 i, o = 0;

	*out = TWOFACTOR_WRONG;
	if (totp != NULL)
		return twofactor_totp(db, box, account_id, totp, out);
	if (recovery == NULL)
		return DB_OK;
	/* Recovery codes are read aloud and typed: ignore case and dashes. */
	for (i = 0; recovery[i] != '\0' && o + 1 < sizeof(norm); i++)
		if (recovery[i] != '-' && recovery[i] != ' ')
			norm[o++] = (char)toupper((unsigned char)recovery[i]);
	norm[o] = '\0';
	token_hash(norm, hash);
	rc = db_exec(db, STMT_RECOVERY_USE, DB_PARAMS(id_str(account_id, id),
	    hash), &rows);
	if (rc == DB_OK && db_nrows(rows) > 0)
		*out = TWOFACTOR_GOOD;
	db_rows_free(rows);
	return rc;
}

enum db_status
twofactor_state(struct db *db, int64_t account_id, int *state)
{
	struct db_rows	*rows = NULL;
	char		 id[24];
	enum db_status	 rc;

	rc = db_exec(db, STMT_TOTP_GET, DB_PARAMS(id_str(account_id, id)),
	    &rows);
	*state = rc != DB_OK || db_nrows(rows) == 0 ? 0 :
	    db_bool(rows, 0, TOTP_COL_ENABLED) ? 2 : 1;
	db_rows_free(rows);
	return rc;
}

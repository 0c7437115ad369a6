/*
 * Second factor (see twofactor.h).  Secrets are 160 random bits; recovery
 * codes 80 random bits each, stored as SHA-256 only.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "concerto/buf.h"
#include "concerto/token.h"
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
twofactor_enrol(struct db *db, int64_t account_id, const char *label,
    bool confirmed, struct twofactor_enrolment *out)
{
	unsigned char	 secret[TOTP_SECRET_LEN], raw[10];
	char		 hex[2 * TOTP_SECRET_LEN + 3], id[24];
	char		 hash[TOKEN_HASH_LEN + 3];
	struct buf	 uri;
	enum db_status	 rc;
	size_t		 i;

	if (token_random(secret, sizeof(secret)) < 0)
		return DB_ERROR;
	hex[0] = '\\';
	hex[1] = 'x';
	for (i = 0; i < sizeof(secret); i++)
		snprintf(hex + 2 + 2 * i, 3, "%02x", secret[i]);
	totp_base32(secret, sizeof(secret), out->secret);
	OPENSSL_cleanse(secret, sizeof(secret));
	id_str(account_id, id);
	rc = db_exec(db, STMT_TOTP_SET, DB_PARAMS(id, hex,
	    confirmed ? "true" : "false"), NULL);
	OPENSSL_cleanse(hex, sizeof(hex));
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

/* Decodes the hex column of the secret; its length or 0. */
static size_t
secret_decode(const char *hex, unsigned char *out, size_t max)
{
	size_t	 n = strlen(hex) / 2, i;
	unsigned v;

	if (n > max)
		return 0;
	for (i = 0; i < n; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return 0;
		out[i] = (unsigned char)v;
	}
	return n;
}

static enum db_status
twofactor_totp(struct db *db, const char *id, const char *code, bool *ok)
{
	struct db_rows	*rows = NULL, *used = NULL;
	unsigned char	 secret[64];
	char		 stepb[24];
	size_t		 n;
	uint64_t	 step;
	enum db_status	 rc;

	rc = db_exec(db, STMT_TOTP_GET, DB_PARAMS(id), &rows);
	if (rc != DB_OK || db_nrows(rows) == 0)
		goto out;
	n = secret_decode(db_value(rows, 0, TOTP_COL_SECRET), secret,
	    sizeof(secret));
	step = totp_check(secret, n, code, (uint64_t)time(NULL),
	    (uint64_t)db_int(rows, 0, TOTP_COL_LAST_STEP));
	OPENSSL_cleanse(secret, sizeof(secret));
	if (n == 0 || step == 0)
		goto out;
	/* The update refuses a step already used, even by a racing request. */
	snprintf(stepb, sizeof(stepb), "%llu", (unsigned long long)step);
	rc = db_exec(db, STMT_TOTP_USED, DB_PARAMS(id, stepb), &used);
	*ok = rc == DB_OK && db_nrows(used) > 0;
out:
	db_rows_free(rows);
	db_rows_free(used);
	return rc;
}

enum db_status
twofactor_verify(struct db *db, int64_t account_id, const char *totp,
    const char *recovery, bool *ok)
{
	struct db_rows	*rows = NULL;
	char		 id[24], hash[TOKEN_HASH_LEN + 3], norm[40];
	enum db_status	 rc = DB_OK;
	size_t		 i, o = 0;

	*ok = false;
	id_str(account_id, id);
	if (totp != NULL)
		return twofactor_totp(db, id, totp, ok);
	if (recovery == NULL)
		return DB_OK;
	/* Recovery codes are read aloud and typed: ignore case and dashes. */
	for (i = 0; recovery[i] != '\0' && o + 1 < sizeof(norm); i++)
		if (recovery[i] != '-' && recovery[i] != ' ')
			norm[o++] = (char)toupper((unsigned char)recovery[i]);
	norm[o] = '\0';
	token_hash(norm, hash);
	rc = db_exec(db, STMT_RECOVERY_USE, DB_PARAMS(id, hash), &rows);
	*ok = rc == DB_OK && db_nrows(rows) > 0;
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

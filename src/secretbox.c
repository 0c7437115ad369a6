/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Secrets at rest (see secretbox.h): AES-256-GCM through libcrypto's EVP
 * interface, nonces from RAND_bytes().
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "concerto/hex.h"
#include "concerto/secretbox.h"

#define SECRETBOX_HEX_LEN	(2 * SECRETBOX_KEY_LEN)
#define SECRETBOX_ID_LABEL	"concerto secretbox key"

void
secretbox_key_set(struct secretbox_key *key,
    const unsigned char raw[SECRETBOX_KEY_LEN])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	EVP_MD_CTX	*c;

	memcpy(key->bytes, raw, SECRETBOX_KEY_LEN);
	/* EVP_Digest* fail only when libcrypto cannot allocate. */
	if ((c = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(c, SECRETBOX_ID_LABEL,
	    sizeof(SECRETBOX_ID_LABEL) - 1) != 1 ||
	    EVP_DigestUpdate(c, raw, SECRETBOX_KEY_LEN) != 1 ||
	    EVP_DigestFinal_ex(c, md, &mdlen) != 1)
		abort();
	EVP_MD_CTX_free(c);
	key->id = md[0];
	key->set = true;
	OPENSSL_cleanse(md, sizeof(md));
}

/* Decodes 64 hex digits and an optional newline; 0 or -1. */
static int
secretbox_key_parse(const char *text, size_t n,
    unsigned char raw[SECRETBOX_KEY_LEN])
{
	size_t	 i;
	int	 hi, lo;

	if (n == SECRETBOX_HEX_LEN + 1 && text[SECRETBOX_HEX_LEN] == '\n')
		n--;
	if (n != SECRETBOX_HEX_LEN)
		return -1;
	for (i = 0; i < SECRETBOX_KEY_LEN; i++) {
		hi = hex_digit(text[2 * i]);
		lo = hex_digit(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		raw[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int
secretbox_key_load(const char *var, const char *path,
    struct secretbox_key *key, char *err, size_t errlen)
{
	unsigned char	 raw[SECRETBOX_KEY_LEN];
	char		 text[SECRETBOX_HEX_LEN + 2];
	struct stat	 st;
	ssize_t		 n;
	int		 fd, rc = -1;

	memset(key, 0, sizeof(*key));
	if (path == NULL) {
		snprintf(err, errlen, "%s is not set (a file of 64 hex "
		    "digits, 32 random bytes, that only the service reads: "
		    "openssl rand -hex 32)", var);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		snprintf(err, errlen, "%s: %s: %s", var, path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s: not a regular file", var, path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: %s: readable by others than its "
		    "owner (chmod 600)", var, path);
		goto out;
	}
	n = read(fd, text, sizeof(text));
	if (n < 0 || secretbox_key_parse(text, (size_t)n, raw) < 0) {
		snprintf(err, errlen, "%s: %s: must hold 64 hexadecimal "
		    "digits (32 bytes), optionally followed by a newline", var,
		    path);
		goto out;
	}
	secretbox_key_set(key, raw);
	rc = 0;
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(text, sizeof(text));
	close(fd);
	return rc;
}

int
secretbox_load(struct secretbox *box, const char *current_path,
    const char *old_path, char *err, size_t errlen)
{
	memset(box, 0, sizeof(*box));
	if (secretbox_key_load("CONCERTO_SECRET_KEY_FILE", current_path,
	    &box->current, err, errlen) < 0)
		return -1;
	if (old_path != NULL && secretbox_key_load(
	    "CONCERTO_SECRET_KEY_OLD_FILE", old_path, &box->old, err,
	    errlen) < 0) {
		secretbox_clear(box);
		return -1;
	}
	return 0;
}

void
secretbox_clear(struct secretbox *box)
{
	OPENSSL_cleanse(box, sizeof(*box));
	box->current.set = box->old.set = false;
}

/*
 * Runs AES-256-GCM over n bytes of in into out with the header and ad as
 * associated data; seal computes the tag into tag, open checks it.
 * Returns 0, or -1 (libcrypto failed, or the tag does not match).
 */
static int
secretbox_gcm(bool seal, const struct secretbox_key *key,
    const unsigned char hdr[2], const unsigned char *nonce, const char *ad,
    const unsigned char *in, size_t n, unsigned char *out,
    unsigned char tag[SECRETBOX_TAG_LEN])
{
	EVP_CIPHER_CTX	*c;
	int		 len, rc = -1;

	if (n > (size_t)INT32_MAX || (c = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL,
	    seal) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, SECRETBOX_NONCE_LEN,
	    NULL) != 1 ||
	    EVP_CipherInit_ex(c, NULL, NULL, key->bytes, nonce, seal) != 1 ||
	    EVP_CipherUpdate(c, NULL, &len, hdr, 2) != 1 ||
	    EVP_CipherUpdate(c, NULL, &len, (const unsigned char *)ad,
	    (int)strlen(ad)) != 1 ||
	    EVP_CipherUpdate(c, out, &len, in, (int)n) != 1)
		goto out;
	if (!seal && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG,
	    SECRETBOX_TAG_LEN, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(c, out + len, &len) != 1)
		goto out;
	if (seal && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG,
	    SECRETBOX_TAG_LEN, tag) != 1)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int
secretbox_seal(const struct secretbox *box, const char *ad,
    const unsigned char *pt, size_t n, unsigned char *out, size_t outmax,
    size_t *outlen)
{
	unsigned char	*nonce = out + 2, *ct = nonce + SECRETBOX_NONCE_LEN;

	*outlen = 0;
	if (!box->current.set || outmax < n + SECRETBOX_OVERHEAD)
		return -1;
	out[0] = SECRETBOX_VERSION;
	out[1] = box->current.id;
	if (RAND_bytes(nonce, SECRETBOX_NONCE_LEN) != 1 ||
	    secretbox_gcm(true, &box->current, out, nonce, ad, pt, n, ct,
	    ct + n) < 0) {
		OPENSSL_cleanse(out, n + SECRETBOX_OVERHEAD);
		return -1;
	}
	*outlen = n + SECRETBOX_OVERHEAD;
	return 0;
}

int
secretbox_key_id(const unsigned char *in, size_t n)
{
	return n < 2 ? -1 : in[1];
}

enum secretbox_status
secretbox_open(const struct secretbox *box, const char *ad,
    const unsigned char *in, size_t n, unsigned char *out, size_t outmax,
    size_t *outlen, bool *old)
{
	const struct secretbox_key *keys[2] = { &box->current, &box->old };
	const unsigned char *nonce = in + 2, *ct = nonce + SECRETBOX_NONCE_LEN;
	unsigned char	 tag[SECRETBOX_TAG_LEN];
	enum secretbox_status st = SECRETBOX_NO_KEY;
	size_t		 ctlen, i;

	*outlen = 0;
	if (old != NULL)
		*old = false;
	if (n < SECRETBOX_OVERHEAD || in[0] != SECRETBOX_VERSION)
		return SECRETBOX_INVALID;
	ctlen = n - SECRETBOX_OVERHEAD;
	if (outmax < ctlen)
		return SECRETBOX_INVALID;
	/* Two keys may share an id (1 in 256): try each that has it. */
	for (i = 0; i < 2; i++) {
		if (!keys[i]->set || keys[i]->id != in[1])
			continue;
		memcpy(tag, ct + ctlen, sizeof(tag));
		if (secretbox_gcm(false, keys[i], in, nonce, ad, ct, ctlen,
		    out, tag) == 0) {
			*outlen = ctlen;
			if (old != NULL)
				*old = i == 1;
			return SECRETBOX_OK;
		}
		OPENSSL_cleanse(out, ctlen);
		st = SECRETBOX_INVALID;
	}
	return st;
}

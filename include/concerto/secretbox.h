/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Sealing short secrets at rest (the TOTP secrets of staff) with
 * AES-256-GCM from libcrypto: a random 96-bit nonce per seal, a 128-bit
 * tag, and associated data that binds a sealed secret to its row ("totp:"
 * and the account id), so that one copied to another row does not open.
 *
 * Sealed form: version (1 byte, SECRETBOX_VERSION) || key id (1 byte) ||
 * nonce (12) || ciphertext || tag (16).  The version and key id are
 * authenticated with the associated data.  The key id is the first byte
 * of SHA-256("concerto secretbox key" || key), so a key needs no number of
 * its own; a box holds the current key, which seals, and optionally the
 * previous one, which only opens (key rotation).
 *
 * Key files hold 64 hexadecimal digits (32 random bytes), optionally
 * followed by a newline, and may be read by their owner only.
 */
#ifndef CONCERTO_SECRETBOX_H
#define CONCERTO_SECRETBOX_H

#include <stdbool.h>
#include <stddef.h>

#define SECRETBOX_VERSION	1
#define SECRETBOX_KEY_LEN	32
#define SECRETBOX_NONCE_LEN	12
#define SECRETBOX_TAG_LEN	16
#define SECRETBOX_OVERHEAD	(2 + SECRETBOX_NONCE_LEN + SECRETBOX_TAG_LEN)

struct secretbox_key {
	unsigned char	 bytes[SECRETBOX_KEY_LEN];
	unsigned char	 id;
	bool		 set;
};

struct secretbox {
	struct secretbox_key	 current;	/* seals and opens */
	struct secretbox_key	 old;		/* opens only; may be unset */
};

enum secretbox_status {
	SECRETBOX_OK = 0,
	SECRETBOX_NO_KEY,	/* sealed under a key the box does not hold */
	SECRETBOX_INVALID	/* malformed, truncated or tampered with */
};

/* Sets key from 32 raw bytes and computes its id. */
void	 secretbox_key_set(struct secretbox_key *key,
	    const unsigned char raw[SECRETBOX_KEY_LEN]);

/*
 * Reads a key file (see above) into key; var names the setting for the
 * messages.  Returns 0, or -1 with the reason in err (no key is set).
 */
int	 secretbox_key_load(const char *var, const char *path,
	    struct secretbox_key *key, char *err, size_t errlen);

/*
 * Fills box from the files of CONCERTO_SECRET_KEY_FILE (current_path,
 * required) and CONCERTO_SECRET_KEY_OLD_FILE (old_path, NULL: none).
 * Returns 0, or -1 with the reason in err and box emptied.
 */
int	 secretbox_load(struct secretbox *box, const char *current_path,
	    const char *old_path, char *err, size_t errlen);

/* Wipes the keys of box. */
void	 secretbox_clear(struct secretbox *box);

/*
 * Seals n bytes of pt under the box's current key, bound to ad (a
 * NUL-terminated context such as "totp:42"), into out, which must hold
 * n + SECRETBOX_OVERHEAD bytes; *outlen gets that length.  Returns 0, or
 * -1 (no current key, no randomness, or libcrypto failed).
 */
int	 secretbox_seal(const struct secretbox *box, const char *ad,
	    const unsigned char *pt, size_t n, unsigned char *out,
	    size_t outmax, size_t *outlen);

/*
 * Opens n bytes of in sealed for ad into out (at least
 * n - SECRETBOX_OVERHEAD bytes, outmax); *outlen gets the secret's length
 * and *old (if not NULL) whether the previous key opened it.  On any
 * failure out holds nothing of the secret.
 */
enum secretbox_status secretbox_open(const struct secretbox *box,
	    const char *ad, const unsigned char *in, size_t n,
	    unsigned char *out, size_t outmax, size_t *outlen, bool *old);

/* The key id a sealed form names (its second byte); -1 if too short. */
int	 secretbox_key_id(const unsigned char *in, size_t n);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Secret tokens (see token.h).  Randomness from getrandom(2), hashing and
 * comparison from OpenSSL's libcrypto.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "concerto/token.h"

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
token_random(void *dst, size_t n)
{
	unsigned char	*p = dst;
	ssize_t		 got;

	while (n > 0) {
		got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int
token_new(char out[TOKEN_LEN + 1])
{
	unsigned char	 raw[33];	/* 32 random bytes, one of padding */
	size_t		 i, o = 0;
	unsigned	 v;

	if (token_random(raw, 32) < 0)
		return -1;
	raw[32] = 0;
	for (i = 0; i < 33 && o < TOKEN_LEN; i += 3) {
		v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 |
		    raw[i + 2];
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		if (o < TOKEN_LEN)
			out[o++] = b64url[(v >> 6) & 63];
		if (o < TOKEN_LEN)
			out[o++] = b64url[v & 63];
	}
	out[TOKEN_LEN] = '\0';
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

void
token_hash(const char *s, char out[TOKEN_HASH_LEN + 3])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 len = 0, i;

	EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL);
	out[0] = '\\';
	out[1] = 'x';
	for (i = 0; i < len && i < 32; i++)
		snprintf(out + 2 + 2 * i, 3, "%02x", md[i]);
	out[TOKEN_HASH_LEN + 2] = '\0';
}

bool
token_well_formed(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= TOKEN_LEN || strchr(b64url, s[i]) == NULL)
			return false;
	return i == TOKEN_LEN;
}

bool
token_equal(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b);

	return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}

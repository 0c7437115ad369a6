/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * TOTP (see totp.h), after RFC 4226 section 5.3 and RFC 6238.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "concerto/totp.h"

uint32_t
totp_code(const unsigned char *secret, size_t len, uint64_t step)
{
	unsigned char	 msg[8], md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	unsigned	 off;
	uint32_t	 bin;
	int		 i;

	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(step & 0xff);
		step >>= 8;
	}
	if (HMAC(EVP_sha1(), secret, (int)len, msg, sizeof(msg), md,
	    &mdlen) == NULL || mdlen < 20)
		return UINT32_MAX;
	off = md[mdlen - 1] & 0x0f;
	bin = (uint32_t)(md[off] & 0x7f) << 24 | (uint32_t)md[off + 1] << 16 |
	    (uint32_t)md[off + 2] << 8 | md[off + 3];
	return bin % 1000000;
}

uint64_t
totp_check(const unsigned char *secret, size_t len, const char *code,
    uint64_t now_unix, uint64_t last_step)
{
	uint32_t	 want = 0;
	uint64_t	 step = now_unix / 30, s;
	int		 i;

	if (strlen(code) != 6)
		return 0;
	for (i = 0; i < 6; i++) {
		if (code[i] < '0' || code[i] > '9')
			return 0;
		want = want * 10 + (uint32_t)(code[i] - '0');
	}
	for (s = step - 1; s <= step + 1; s++)
		if (s > last_step && totp_code(secret, len, s) == want)
			return s;
	return 0;
}

void
totp_base32(const unsigned char *src, size_t n, char *out)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t		 i, o = 0;
	unsigned	 acc = 0;
	int		 bits = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | src[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = alpha[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = alpha[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

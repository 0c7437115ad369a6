/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Hexadecimal digits (see hex.h). */
#include <string.h>

#include "concerto/hex.h"

int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
hex_decode(const char *s, unsigned char *out, size_t max)
{
	size_t	 len = strlen(s), n = len / 2, i;
	int	 hi, lo;

	if (len % 2 != 0 || n > max)
		return 0;
	for (i = 0; i < n; i++) {
		if ((hi = hex_digit(s[2 * i])) < 0 ||
		    (lo = hex_digit(s[2 * i + 1])) < 0)
			return 0;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return n;
}

void
hex_bytea(struct buf *out, const unsigned char *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t	 i;

	buf_puts(out, "\\x");
	for (i = 0; i < n; i++) {
		buf_putc(out, digits[b[i] >> 4]);
		buf_putc(out, digits[b[i] & 15]);
	}
}

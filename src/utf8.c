/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * UTF-8 well-formedness per RFC 3629 (Unicode table 3-7).
 */
#include "concerto/utf8.h"

/* Length of the sequence starting at s[i], or 0 if it is ill-formed. */
static size_t
utf8_seq(const unsigned char *s, size_t len, size_t i)
{
	unsigned char	 c = s[i], lo = 0x80, hi = 0xBF;
	size_t		 n, k;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (len - i < n)
		return 0;
	if (s[i + 1] < lo || s[i + 1] > hi)
		return 0;
	for (k = 2; k < n; k++)
		if (s[i + k] < 0x80 || s[i + k] > 0xBF)
			return 0;
	return n;
}

bool
utf8_valid(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n;

	while (i < len) {
		if ((n = utf8_seq(s, len, i)) == 0)
			return false;
		i += n;
	}
	return true;
}

size_t
utf8_length(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i, count = 0;

	for (i = 0; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

bool
utf8_has_control(const char *str, size_t len, bool allow_newlines)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (s[i] < 0x20) {
			if (allow_newlines &&
			    (s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
				continue;
			return true;
		}
		if (s[i] == 0x7F)
			return true;
		/* C1 controls are U+0080..U+009F: 0xC2 0x80..0x9F. */
		if (s[i] == 0xC2 && i + 1 < len && s[i + 1] <= 0x9F)
			return true;
	}
	return false;
}

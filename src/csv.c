/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * CSV cells (see csv.h).  Every cell is quoted and quotes are doubled.  A
 * cell that a spreadsheet could run as a formula gets a leading apostrophe
 * (CSV injection): one beginning with a tab or a carriage return, and one
 * whose first character after any white space (ASCII or Unicode: NBSP,
 * the ideographic space...) is = + - @ or their full-width forms
 * (U+FF1D U+FF0B U+FF0D U+FF20), which spreadsheets trim and fold.
 */
#include <stdbool.h>

#include "concerto/csv.h"

/*
 * The length in bytes of the white space character at s, or 0: ASCII
 * space, tab, LF, VT, FF, CR; U+0085, U+00A0, U+1680, U+2000-U+200A,
 * U+2028, U+2029, U+202F, U+205F, U+3000 (Unicode White_Space), and the
 * invisible U+200B and U+FEFF.  s is NUL-terminated UTF-8.
 */
static size_t
csv_space_len(const unsigned char *s)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if (s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8b) ||
	    s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
		return 3;
	if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;
	return 0;
}

/*
 * True if s starts with = + - @ or one of their full-width forms (UTF-8
 * EF BC 9D, 8B, 8D, A0).
 */
static bool
csv_formula_start(const unsigned char *s)
{
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		return true;
	return s[0] == 0xef && s[1] == 0xbc && (s[2] == 0x9d || s[2] == 0x8b ||
	    s[2] == 0x8d || s[2] == 0xa0);
}

/* True if a spreadsheet could take the cell s for a formula. */
static bool
csv_needs_guard(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 n;

	if (*p == '\t' || *p == '\r')
		return true;
	while ((n = csv_space_len(p)) > 0)
		p += n;
	return csv_formula_start(p);
}

void
csv_cell(struct buf *b, const char *s, int first)
{
	if (!first)
		buf_putc(b, ',');
	buf_putc(b, '"');
	if (s != NULL && csv_needs_guard(s))
		buf_putc(b, '\'');
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

void
csv_row_end(struct buf *b)
{
	buf_puts(b, "\r\n");
}

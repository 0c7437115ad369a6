/*
 * CSV cells (see csv.h).  Every cell is quoted, quotes are doubled, and a
 * cell beginning with = + - @, a tab or a carriage return gets a leading
 * apostrophe so that no spreadsheet evaluates it (CSV injection).
 */
#include "concerto/csv.h"

void
csv_cell(struct buf *b, const char *s, int first)
{
	if (!first)
		buf_putc(b, ',');
	buf_putc(b, '"');
	if (s != NULL && (*s == '=' || *s == '+' || *s == '-' || *s == '@' ||
	    *s == '\t' || *s == '\r'))
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

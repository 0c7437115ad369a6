/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The CSV reader (see csv_read.h): one pass over the bytes, a state per
 * position in a field, no look-ahead but a CR's LF.
 */
#include <stdio.h>
#include <string.h>

#include "concerto/csv_read.h"

enum csv_state { FIELD_START, UNQUOTED, QUOTED, QUOTED_QUOTE };

void
csv_reader_init(struct csv_reader *r, FILE *fp)
{
	r->fp = fp;
	r->line = 1;
	r->started = 0;
}

/* Skips a UTF-8 byte order mark; -1 if the file starts with half of one. */
static int
csv_skip_bom(struct csv_reader *r, char *err, size_t errlen)
{
	int	 c;

	r->started = 1;
	if ((c = getc(r->fp)) != 0xEF) {
		if (c != EOF)
			ungetc(c, r->fp);
		return 0;
	}
	if (getc(r->fp) == 0xBB && getc(r->fp) == 0xBF)
		return 0;
	snprintf(err, errlen, "the file is not UTF-8");
	return -1;
}

/* Ends the field of len bytes; -1 if the record has too many fields. */
static int
csv_field_end(struct csv_record *rec, size_t len, char *err, size_t errlen)
{
	if (rec->n == CSV_FIELDS_MAX) {
		snprintf(err, errlen, "more than %d fields", CSV_FIELDS_MAX);
		return -1;
	}
	rec->field[rec->n++][len] = '\0';
	return 0;
}

/* Counts a line end; a CR's LF goes with it. */
static void
csv_line_end(struct csv_reader *r, int c)
{
	int	 next;

	if (c == '\r' && (next = getc(r->fp)) != '\n' && next != EOF)
		ungetc(next, r->fp);
	r->line++;
}

enum csv_status
csv_read(struct csv_reader *r, struct csv_record *rec, char *err,
    size_t errlen)
{
	enum csv_state	 st = FIELD_START;
	size_t		 len = 0;
	int		 c;

	if (!r->started && csv_skip_bom(r, err, errlen) < 0) {
		rec->line = r->line;
		return CSV_ERROR;
	}
	rec->n = 0;
	rec->line = r->line;
	for (;;) {
		if ((c = getc(r->fp)) == EOF) {
			if (ferror(r->fp)) {
				snprintf(err, errlen, "read error");
				return CSV_ERROR;
			}
			if (st == QUOTED) {
				snprintf(err, errlen, "a quoted field is not "
				    "closed");
				return CSV_ERROR;
			}
			if (st == FIELD_START && rec->n == 0)
				return CSV_END;
			return csv_field_end(rec, len, err, errlen) < 0 ?
			    CSV_ERROR : CSV_RECORD;
		}
		if (c == '\0') {
			snprintf(err, errlen, "a NUL byte");
			return CSV_ERROR;
		}
		switch (st) {
		case FIELD_START:
			if (c == '"') {
				st = QUOTED;
				continue;
			}
			if ((c == '\r' || c == '\n') && rec->n == 0) {
				csv_line_end(r, c);	/* a blank line */
				rec->line = r->line;
				continue;
			}
			st = UNQUOTED;
			/* FALLTHROUGH */
		case UNQUOTED:
			if (c == '"') {
				snprintf(err, errlen, "a quote inside a field "
				    "not in quotes (quote the whole field and "
				    "double the quote)");
				return CSV_ERROR;
			}
			break;
		case QUOTED:
			if (c == '"') {
				st = QUOTED_QUOTE;
				continue;
			}
			if (c == '\n')
				r->line++;
			goto append;
		case QUOTED_QUOTE:
			if (c == '"') {
				st = QUOTED;
				goto append;
			}
			if (c != ',' && c != '\r' && c != '\n') {
				snprintf(err, errlen, "text after the closing "
				    "quote of a field");
				return CSV_ERROR;
			}
			break;
		}
		if (c == ',' || c == '\r' || c == '\n') {
			if (csv_field_end(rec, len, err, errlen) < 0)
				return CSV_ERROR;
			len = 0;
			st = FIELD_START;
			if (c == ',')
				continue;
			csv_line_end(r, c);
			return CSV_RECORD;
		}
append:
		if (len + 1 >= CSV_FIELD_MAX) {
			snprintf(err, errlen, "a field longer than %d bytes",
			    CSV_FIELD_MAX - 1);
			return CSV_ERROR;
		}
		if (rec->n == CSV_FIELDS_MAX) {
			snprintf(err, errlen, "more than %d fields",
			    CSV_FIELDS_MAX);
			return CSV_ERROR;
		}
		rec->field[rec->n][len++] = (char)c;
	}
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * CSV input (RFC 4180): fields separated by commas, records by CRLF, LF or
 * CR; a field in double quotes may hold commas, line ends and doubled
 * quotes.  A UTF-8 byte order mark before the first record is skipped;
 * blank lines are skipped.  What the service writes (csv.h) reads back.
 */
#ifndef CONCERTO_CSV_READ_H
#define CONCERTO_CSV_READ_H

#include <stdio.h>
#include <stddef.h>

#define CSV_FIELDS_MAX	16
#define CSV_FIELD_MAX	512	/* bytes, with the terminating NUL */

struct csv_reader {
	FILE	*fp;
	int	 line;		/* the line the next record starts on */
	int	 started;	/* the byte order mark was looked for */
};

struct csv_record {
	int	 line;		/* the line the record starts on */
	size_t	 n;		/* fields */
	char	 field[CSV_FIELDS_MAX][CSV_FIELD_MAX];
};

enum csv_status { CSV_RECORD, CSV_END, CSV_ERROR };

void		 csv_reader_init(struct csv_reader *, FILE *);

/*
 * Reads the next record into rec.  On CSV_ERROR err holds the reason (a
 * quote inside an unquoted field, text after a closing quote, a quoted
 * field not closed, a NUL byte, too many fields or too long a field, a
 * read error) and rec->line the line the record started on; the reader
 * should not be used further.
 */
enum csv_status	 csv_read(struct csv_reader *, struct csv_record *rec,
		    char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * CSV output (RFC 4180), through one quoting function.  Cells that a
 * spreadsheet would run as a formula are defused with a leading quote.
 */
#ifndef CONCERTO_CSV_H
#define CONCERTO_CSV_H

#include "concerto/buf.h"

/* Appends s (NULL: empty) as one quoted cell, with a comma before it
 * unless first. */
void	 csv_cell(struct buf *, const char *s, int first);
/* Ends a row (CRLF). */
void	 csv_row_end(struct buf *);

#endif

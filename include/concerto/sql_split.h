/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Splits a migration script (sql/NNN_name.sql) into its statements, so
 * that each runs alone through the extended protocol (PQexecParams), never
 * as a multi-statement string.  It knows what PostgreSQL's lexer knows of
 * where a statement ends: semicolons outside quotes ('...', E'...',
 * "..."), dollar-quoted bodies ($$...$$, $tag$...$tag$), -- and nested
 * slash-star comments.
 */
#ifndef CONCERTO_SQL_SPLIT_H
#define CONCERTO_SQL_SPLIT_H

#include <stddef.h>

/*
 * Finds the next statement at or after *p: on return 1, stmt[0..*len) is
 * the statement without its semicolon and *p points past it; 0 at the end
 * (nothing but space and comments left); -1 if a quote, dollar quote or
 * comment is not closed.
 */
int	 sql_split_next(const char **p, const char **stmt, size_t *len);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * PostgreSQL array literals, for statements that take an array parameter
 * ($3::bigint[], $9::text[]).
 */
#ifndef CONCERTO_DB_ARRAY_H
#define CONCERTO_DB_ARRAY_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* Appends ids as "{1,2,3}" to out. */
void	 db_array_ids(const int64_t *ids, size_t n, struct buf *out);
/* Appends strs as {"a","b"} to out, quotes and backslashes escaped. */
void	 db_array_texts(const char *const *strs, size_t n, struct buf *out);

#endif

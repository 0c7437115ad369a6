/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * PostgreSQL array literals (see db_array.h).
 */
#include "concerto/buf.h"
#include "concerto/db_array.h"

void
db_array_ids(const int64_t *ids, size_t n, struct buf *out)
{
	size_t	 i;

	buf_putc(out, '{');
	for (i = 0; i < n; i++)
		buf_printf(out, "%s%lld", i > 0 ? "," : "", (long long)ids[i]);
	buf_putc(out, '}');
}

void
db_array_texts(const char *const *strs, size_t n, struct buf *out)
{
	const char	*p;
	size_t		 i;

	buf_putc(out, '{');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(out, ',');
		buf_putc(out, '"');
		for (p = strs[i]; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(out, '\\');
			buf_putc(out, *p);
		}
		buf_putc(out, '"');
	}
	buf_putc(out, '}');
}

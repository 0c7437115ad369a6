/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Growing byte buffers, in the manner of SQLite's sqlite3_str: append freely,
 * check once at the end.  The contents are always NUL-terminated.  A buffer
 * that would grow past its limit records an error and ignores further appends.
 */
#ifndef CONCERTO_BUF_H
#define CONCERTO_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char	*data;		/* NUL-terminated; NULL until first append */
	size_t	 len;
	size_t	 cap;
	size_t	 limit;		/* 0: no limit */
	bool	 overflow;	/* an append went past the limit */
};

void	 buf_init(struct buf *, size_t limit);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_append(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, char);
/* Room for the decimal digits of any uint64_t. */
#define BUF_DIGITS	20
/*
 * Writes the decimal digits of v at the end of d[0..BUF_DIGITS) and
 * returns the index of the first.
 */
size_t	 buf_digits(uint64_t v, char d[BUF_DIGITS]);
/* Appends the decimal digits of an unsigned number (no printf). */
void	 buf_putu(struct buf *, uint64_t);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
const char *buf_str(const struct buf *);
char	*buf_release(struct buf *);

#endif

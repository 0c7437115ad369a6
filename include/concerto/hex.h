/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Hexadecimal digits: percent-decoding, key files and the bytea columns
 * that PostgreSQL gives and takes as hex ("\\x" and digits).
 */
#ifndef CONCERTO_HEX_H
#define CONCERTO_HEX_H

#include <stddef.h>

#include "concerto/buf.h"

/* The value of hex digit c (either case), or -1. */
int	 hex_digit(char c);

/*
 * Decodes the hex digits of s (an even number, no prefix) into out (of
 * max bytes).  Returns the bytes written, or 0 if s is empty, not hex or
 * too long.
 */
size_t	 hex_decode(const char *s, unsigned char *out, size_t max);

/* Appends n bytes of b to out as a bytea literal: "\\x", lower-case digits. */
void	 hex_bytea(struct buf *out, const unsigned char *b, size_t n);

#endif

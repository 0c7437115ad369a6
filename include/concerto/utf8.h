/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* UTF-8 checks shared by the request layer and the field validators. */
#ifndef CONCERTO_UTF8_H
#define CONCERTO_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool	 utf8_valid(const char *s, size_t len);

/* Number of code points in well-formed UTF-8. */
size_t	 utf8_length(const char *s, size_t len);

/*
 * True if s contains a control character: C0 (except, when allow_newlines,
 * tab, LF and CR), DEL, or a C1 control (U+0080..U+009F).
 */
bool	 utf8_has_control(const char *s, size_t len, bool allow_newlines);

#endif

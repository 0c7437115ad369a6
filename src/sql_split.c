/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Migration scripts split into statements (see sql_split.h).  A small
 * scanner over the bytes: every construct that may hold a semicolon is
 * skipped whole.
 */
#include <stdbool.h>
#include <string.h>

#include "concerto/sql_split.h"

static bool
is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    (unsigned char)c >= 0x80;
}

static bool
is_ident(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

/*
 * Skips the quoted text opening at s (quote q); backslashes escape when
 * backslash is true (E'...').  Returns the byte after the closing quote,
 * or NULL if it never closes.
 */
static const char *
skip_quoted(const char *s, char q, bool backslash)
{
	for (s++; *s != '\0'; s++) {
		if (backslash && *s == '\\' && s[1] != '\0')
			s++;
		else if (*s == q) {
			if (s[1] != q)
				return s + 1;
			s++;			/* doubled quote */
		}
	}
	return NULL;
}

/* Skips a slash-star comment at s, nested as PostgreSQL nests them. */
static const char *
skip_block_comment(const char *s)
{
	int	 depth = 0;

	while (*s != '\0') {
		if (s[0] == '/' && s[1] == '*') {
			depth++;
			s += 2;
		} else if (s[0] == '*' && s[1] == '/') {
			s += 2;
			if (--depth == 0)
				return s;
		} else
			s++;
	}
	return NULL;
}

/*
 * At a '$': the length of the dollar-quote tag opening there ($$ or
 * $tag$), or 0 if this is not one (a $1 parameter, or part of a name).
 */
static size_t
dollar_tag(const char *s)
{
	size_t	 n = 1;

	if (s[1] != '$' && !is_ident_start(s[1]))
		return 0;
	while (s[n] != '$') {
		if (!is_ident(s[n]))
			return 0;
		n++;
	}
	return n + 1;
}

/* Skips a dollar-quoted body whose tag (tlen bytes) opens at s. */
static const char *
skip_dollar(const char *s, size_t tlen)
{
	const char	*end;

	for (end = s + tlen; (end = strchr(end, '$')) != NULL; end++)
		if (strncmp(end, s, tlen) == 0)
			return end + tlen;
	return NULL;
}

/* True if s[0..n) holds only white space. */
static bool
blank(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
			return false;
	return true;
}

int
sql_split_next(const char **p, const char **stmt, size_t *len)
{
	const char	*s = *p, *start = NULL;
	size_t		 tlen;

	for (;;) {
		if (*s == '\0' || *s == ';') {
			if (start != NULL && !blank(start, (size_t)(s - start))) {
				*stmt = start;
				*len = (size_t)(s - start);
				*p = *s == ';' ? s + 1 : s;
				return 1;
			}
			if (*s == '\0') {
				*p = s;
				return 0;
			}
			start = NULL;
			s++;
			continue;
		}
		if (s[0] == '-' && s[1] == '-') {
			s += strcspn(s, "\n");
			continue;
		}
		if (s[0] == '/' && s[1] == '*') {
			if ((s = skip_block_comment(s)) == NULL)
				return -1;
			continue;
		}
		if (start == NULL && !blank(s, 1))
			start = s;
		if (*s == '\'' || *s == '"') {
			bool	 e = *s == '\'' && s > *p &&
			    (s[-1] == 'E' || s[-1] == 'e') &&
			    (s - 1 == *p || !is_ident(s[-2]));

			if ((s = skip_quoted(s, *s, e)) == NULL)
				return -1;
		} else if (*s == '$' && (s == *p || !is_ident(s[-1])) &&
		    (tlen = dollar_tag(s)) > 0) {
			if ((s = skip_dollar(s, tlen)) == NULL)
				return -1;
		} else
			s++;
	}
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * json_mark() (json_mark.h): a recursive descent over the JSON text that
 * finds the scalar values marks name; the text between them is copied in
 * runs, one append per replacement.  It checks the grammar only as far as
 * it needs to find members and values; the text is one the worker encoded
 * itself.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/json_mark.h"
#include "concerto/response.h"

#define JSON_MARK_DEPTH	64	/* deeper nesting fails */

struct scan {
	const char	*p, *end;
	const char	*copied;	/* the text before it is in out */
	struct buf	*out;
	const json_t	*marks;
	int		 depth;
};

static int	scan_value(struct scan *, const json_t *);

static void
scan_space(struct scan *s)
{
	const char	*q = s->p;

	while (q < s->end && (*q == ' ' || *q == '\t' || *q == '\n' ||
	    *q == '\r'))
		q++;
	s->p = q;
}

/* Passes the punctuation c if it is next; 0 if it was, -1 if not. */
static int
scan_char(struct scan *s, char c)
{
	if (s->p >= s->end || *s->p != c)
		return -1;
	s->p++;
	return 0;
}

/* Passes a string; *text and *len (if text is not NULL): its bytes. */
static int
scan_string(struct scan *s, const char **text, size_t *len)
{
	const char	*q = s->p + 1, *b;

	if (s->p >= s->end || *s->p != '"')
		return -1;
	for (;;) {
		if ((q = memchr(q, '"', (size_t)(s->end - q))) == NULL)
			return -1;
		/* Escaped if an odd number of backslashes comes before it. */
		for (b = q; b > s->p + 1 && b[-1] == '\\'; b--)
			continue;
		if ((q - b) % 2 == 0)
			break;
		q++;
	}
	if (text != NULL) {
		*text = s->p + 1;
		*len = (size_t)(q - s->p - 1);
	}
	s->p = q + 1;
	return 0;
}

/* The extent of a number, true, false or null at s->p; 0 if none. */
static size_t
scan_scalar_len(const struct scan *s)
{
	const char	*q = s->p;

	while (q < s->end && *q != '\0' && (strchr("+-.E", *q) != NULL ||
	    (*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'z')))
		q++;
	return (size_t)(q - s->p);
}

/* Writes v, a scalar, as the answers encode it (response.h). */
static int
put_scalar(struct buf *out, const json_t *v)
{
	char	*text;

	if (json_is_true(v))
		buf_puts(out, "true");
	else if (json_is_false(v))
		buf_puts(out, "false");
	else if (json_is_null(v))
		buf_puts(out, "null");
	else if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			buf_putc(out, '-');
		buf_putu(out, json_integer_value(v) < 0 ?
		    -(uint64_t)json_integer_value(v) :
		    (uint64_t)json_integer_value(v));
	} else if (json_is_string(v) || json_is_real(v)) {
		if ((text = json_dumps(v, RESPONSE_JSON_FLAGS)) == NULL)
			return -1;
		buf_puts(out, text);
		free(text);
	} else
		return -1;
	return 0;
}

/* Writes the text not yet copied up to the value at s->p, then v. */
static int
scan_replace(struct scan *s, const json_t *v)
{
	buf_append(s->out, s->copied, (size_t)(s->p - s->copied));
	return put_scalar(s->out, v);
}

/*
 * A member's value after its colon.  key "id" with an integer: *mark
 * becomes the marks of that id (NULL: none).  with: the value to write
 * instead of a scalar (NULL: copy it).
 */
static int
scan_member_value(struct scan *s, const char *key, size_t keylen,
    const json_t *with, const json_t **mark)
{
	char	 id[24];
	size_t	 n;

	if (keylen == 2 && memcmp(key, "id", 2) == 0 && s->p < s->end &&
	    (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))) {
		n = scan_scalar_len(s);
		if (n == 0 || n >= sizeof(id))
			return -1;
		memcpy(id, s->p, n);
		id[n] = '\0';
		*mark = json_object_get(s->marks, id);
	}
	return scan_value(s, with);
}

static int
scan_object(struct scan *s)
{
	const json_t	*mark = NULL, *with;
	const char	*key;
	size_t		 keylen, set = 0;

	if (scan_char(s, '{') < 0)
		return -1;
	scan_space(s);
	if (scan_char(s, '}') == 0)
		return 0;
	for (;;) {
		scan_space(s);
		if (scan_string(s, &key, &keylen) < 0)
			return -1;
		scan_space(s);
		if (scan_char(s, ':') < 0)
			return -1;
		scan_space(s);
		with = mark != NULL ? json_object_getn(mark, key, keylen) :
		    NULL;
		if (scan_member_value(s, key, keylen, with, &mark) < 0)
			return -1;
		set += with != NULL;
		scan_space(s);
		if (scan_char(s, ',') == 0)
			continue;
		if (scan_char(s, '}') < 0)
			return -1;
		break;
	}
	return mark != NULL && set != json_object_size(mark) ? -1 : 0;
}

static int
scan_array(struct scan *s)
{
	if (scan_char(s, '[') < 0)
		return -1;
	scan_space(s);
	if (scan_char(s, ']') == 0)
		return 0;
	for (;;) {
		scan_space(s);
		if (scan_value(s, NULL) < 0)
			return -1;
		scan_space(s);
		if (scan_char(s, ',') == 0)
			continue;
		return scan_char(s, ']');
	}
}

/* A value; with: the scalar to write instead of it (NULL: copy it). */
static int
scan_value(struct scan *s, const json_t *with)
{
	size_t	 n;
	int	 rc;

	if (s->p >= s->end)
		return -1;
	if (*s->p == '{' || *s->p == '[') {
		if (with != NULL || s->depth == JSON_MARK_DEPTH)
			return -1;
		s->depth++;
		rc = *s->p == '{' ? scan_object(s) : scan_array(s);
		s->depth--;
		return rc;
	}
	if (with != NULL && scan_replace(s, with) < 0)
		return -1;
	if (*s->p == '"')
		rc = scan_string(s, NULL, NULL);
	else if ((n = scan_scalar_len(s)) == 0)
		rc = -1;
	else {
		s->p += n;
		rc = 0;
	}
	if (with != NULL)
		s->copied = s->p;
	return rc;
}

int
json_mark(const char *in, size_t len, const json_t *marks, struct buf *out)
{
	struct scan	 s = { in, in + len, in, out, marks, 0 };

	buf_reset(out);
	scan_space(&s);
	if (scan_value(&s, NULL) < 0)
		return -1;
	scan_space(&s);
	buf_append(out, s.copied, (size_t)(s.end - s.copied));
	return s.p == s.end && !out->overflow ? 0 : -1;
}

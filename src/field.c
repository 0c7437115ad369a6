/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Field validation (see field.h).  Messages name the field and the rule, in
 * English; the code is what clients act on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/buf.h"
#include "concerto/field.h"
#include "concerto/mem.h"
#include "concerto/utf8.h"

static int
field_fail(struct field_error *err, const char *code, const struct field *f,
    const char *why)
{
	err->code = code;
	err->field = f->name;
	snprintf(err->message, sizeof(err->message), "%s: %s", f->name, why);
	return -1;
}

static int
field_string(const struct field *f, const char *s, size_t len,
    struct field_value *v, struct field_error *err)
{
	size_t	 n;
	char	 why[96];

	if (memchr(s, '\0', len) != NULL || !utf8_valid(s, len))
		return field_fail(err, "invalid_field", f,
		    "must be valid UTF-8 text");
	if (utf8_has_control(s, len, f->flags & FIELD_MULTILINE))
		return field_fail(err, "invalid_field", f,
		    "must not contain control characters");
	n = utf8_length(s, len);
	if ((int64_t)n < f->min || (f->max > 0 && (int64_t)n > f->max)) {
		snprintf(why, sizeof(why), "must be %lld to %lld characters long",
		    (long long)f->min, (long long)f->max);
		return field_fail(err, "invalid_field", f, why);
	}
	if (f->valid != NULL && !f->valid(s))
		return field_fail(err, "invalid_field", f, "is not valid");
	v->s = s;
	v->len = len;
	return 0;
}

static int
field_enum(const struct field *f, const char *s, struct field_value *v,
    struct field_error *err)
{
	int64_t	 i;

	for (i = 0; f->choices[i] != NULL; i++)
		if (strcmp(s, f->choices[i]) == 0) {
			v->i = i;
			v->s = f->choices[i];
			v->len = strlen(f->choices[i]);
			return 0;
		}
	return field_fail(err, "invalid_field", f, "is not one of the choices");
}

static int
field_int_range(const struct field *f, int64_t n, struct field_value *v,
    struct field_error *err)
{
	char	 why[96];

	if (n < f->min || n > f->max) {
		snprintf(why, sizeof(why), "must be from %lld to %lld",
		    (long long)f->min, (long long)f->max);
		return field_fail(err, "invalid_field", f, why);
	}
	v->i = n;
	return 0;
}

static int
field_ids(const struct field *f, json_t *arr, struct field_value *v,
    struct field_error *err)
{
	size_t	 i, j, n = json_array_size(arr);
	json_t	*e;
	char	 why[96];

	if ((int64_t)n < f->min || (int64_t)n > f->max) {
		snprintf(why, sizeof(why), "must hold %lld to %lld items",
		    (long long)f->min, (long long)f->max);
		return field_fail(err, "invalid_field", f, why);
	}
	v->ids = xcalloc(n, sizeof(int64_t));
	v->nids = n;
	json_array_foreach(arr, i, e) {
		if (!json_is_integer(e) || json_integer_value(e) < 1)
			return field_fail(err, "invalid_field", f,
			    "must hold positive integer ids");
		v->ids[i] = json_integer_value(e);
		for (j = 0; j < i; j++)
			if (v->ids[j] == v->ids[i])
				return field_fail(err, "invalid_field", f,
				    "must not repeat an id");
	}
	return 0;
}

/* Longest item of a FIELD_TEXT_LIST, in code points. */
#define FIELD_ITEM_MAX	2000

static int
field_texts(const struct field *f, json_t *arr, struct field_value *v,
    struct field_error *err)
{
	size_t		 i, n = json_array_size(arr), len;
	json_t		*e;
	const char	*s;
	char		 why[96];

	if ((int64_t)n < f->min || (int64_t)n > f->max) {
		snprintf(why, sizeof(why), "must hold %lld to %lld items",
		    (long long)f->min, (long long)f->max);
		return field_fail(err, "invalid_field", f, why);
	}
	v->strs = xcalloc(n == 0 ? 1 : n, sizeof(char *));
	v->nstrs = n;
	json_array_foreach(arr, i, e) {
		if (!json_is_string(e))
			return field_fail(err, "invalid_field", f,
			    "must hold strings");
		s = json_string_value(e);
		len = json_string_length(e);
		if (len == 0 || memchr(s, '\0', len) != NULL ||
		    !utf8_valid(s, len) || utf8_has_control(s, len, false) ||
		    utf8_length(s, len) > FIELD_ITEM_MAX)
			return field_fail(err, "invalid_field", f,
			    "must hold short one-line texts");
		if (f->valid != NULL && !f->valid(s))
			return field_fail(err, "invalid_field", f,
			    "holds an item that is not valid");
		v->strs[i] = s;
	}
	return 0;
}

static int
field_shares(const struct field *f, json_t *obj, struct field_value *v,
    struct field_error *err)
{
	const char	*key;
	json_t		*val;
	size_t		 i, n;
	double		 x;

	for (n = 0; f->choices[n] != NULL; n++)
		continue;
	v->shares = xcalloc(n + 1, sizeof(double));
	for (i = 0; i < n; i++)
		v->shares[i] = -1;
	json_object_foreach(obj, key, val) {
		for (i = 0; i < n && strcmp(key, f->choices[i]) != 0; i++)
			continue;
		if (i == n)
			return field_fail(err, "invalid_field", f,
			    "has a key that is not one of the choices");
		if (!json_is_number(val) || (x = json_number_value(val)) < 0 ||
		    x > 1)
			return field_fail(err, "invalid_field", f,
			    "must map each key to a number from 0 to 1");
		v->shares[i] = x;
	}
	return 0;
}

/* Validates one present, non-null JSON value. */
static int
field_one(const struct field *f, json_t *j, struct field_value *v,
    struct field_error *err)
{
	switch (f->type) {
	case FIELD_STRING:
	case FIELD_TIME:
		if (!json_is_string(j))
			return field_fail(err, "invalid_field", f,
			    "must be a string");
		if (f->type == FIELD_TIME && !field_valid_time(
		    json_string_value(j)))
			return field_fail(err, "invalid_field", f,
			    "must be an RFC 3339 date-time");
		return field_string(f, json_string_value(j),
		    json_string_length(j), v, err);
	case FIELD_ENUM:
		if (!json_is_string(j))
			return field_fail(err, "invalid_field", f,
			    "must be a string");
		return field_enum(f, json_string_value(j), v, err);
	case FIELD_INT:
		if (!json_is_integer(j))
			return field_fail(err, "invalid_field", f,
			    "must be an integer");
		return field_int_range(f, json_integer_value(j), v, err);
	case FIELD_BOOL:
		if (!json_is_boolean(j))
			return field_fail(err, "invalid_field", f,
			    "must be true or false");
		v->b = json_is_true(j);
		return 0;
	case FIELD_ID_LIST:
		if (!json_is_array(j))
			return field_fail(err, "invalid_field", f,
			    "must be an array");
		return field_ids(f, j, v, err);
	case FIELD_TEXT_LIST:
		if (!json_is_array(j))
			return field_fail(err, "invalid_field", f,
			    "must be an array");
		return field_texts(f, j, v, err);
	case FIELD_SHARES:
		if (!json_is_object(j))
			return field_fail(err, "invalid_field", f,
			    "must be an object");
		return field_shares(f, j, v, err);
	default:
		return field_fail(err, "invalid_field", f, "has no validator");
	}
}

/* Checks absence and null against the flags; 1 if a value must be read. */
static int
field_presence(const struct field *f, bool present, bool null,
    struct field_value *v, struct field_error *err)
{
	if (!present) {
		if (f->flags & FIELD_REQUIRED)
			return field_fail(err, "missing_field", f, "is required");
		return 0;
	}
	v->present = true;
	if (null) {
		if (!(f->flags & FIELD_NULLABLE))
			return field_fail(err, "invalid_field", f,
			    "must not be null");
		v->null = true;
		return 0;
	}
	return 1;
}

int
field_check_json(const struct field *fields, size_t n, json_t *obj,
    struct field_value *vals, struct field_error *err)
{
	const char	*key;
	json_t		*j;
	size_t		 i;
	int		 rc;

	json_object_foreach(obj, key, j) {
		for (i = 0; i < n; i++)
			if (strcmp(key, fields[i].name) == 0)
				break;
		if (i == n) {
			err->code = "unknown_field";
			err->field = key;
			snprintf(err->message, sizeof(err->message),
			    "this field is not accepted here");
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		j = json_object_get(obj, fields[i].name);
		rc = field_presence(&fields[i], j != NULL, json_is_null(j),
		    &vals[i], err);
		if (rc < 0)
			return -1;
		if (rc > 0 && field_one(&fields[i], j, &vals[i], err) < 0)
			return -1;
	}
	return 0;
}

/* Parses a decimal integer with no sign games; -1 if it is not one. */
static int
field_parse_int(const char *s, int64_t *out)
{
	char		*end;
	long long	 n;

	if (*s == '\0' || strlen(s) > 19 || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*end != '\0' || errno == ERANGE)
		return -1;
	*out = n;
	return 0;
}

int
field_check_query(const struct field *fields, size_t n,
    const char *(*get)(void *, const char *), void *arg,
    struct field_value *vals, struct field_error *err)
{
	const char	*s;
	int64_t		 num;
	size_t		 i;
	int		 rc;

	for (i = 0; i < n; i++) {
		const struct field *f = &fields[i];

		s = get(arg, f->name);
		if ((rc = field_presence(f, s != NULL, false, &vals[i],
		    err)) <= 0) {
			if (rc < 0)
				return -1;
			continue;
		}
		switch (f->type) {
		case FIELD_INT:
			if (field_parse_int(s, &num) < 0)
				return field_fail(err, "invalid_field", f,
				    "must be an integer");
			rc = field_int_range(f, num, &vals[i], err);
			break;
		case FIELD_BOOL:
			if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
				return field_fail(err, "invalid_field", f,
				    "must be true or false");
			vals[i].b = strcmp(s, "true") == 0;
			rc = 0;
			break;
		case FIELD_ENUM:
			rc = field_enum(f, s, &vals[i], err);
			break;
		case FIELD_TIME:
			if (!field_valid_time(s))
				return field_fail(err, "invalid_field", f,
				    "must be an RFC 3339 date-time");
			/* FALLTHROUGH */
		case FIELD_STRING:
			rc = field_string(f, s, strlen(s), &vals[i], err);
			break;
		default:
			return field_fail(err, "invalid_field", f,
			    "is not accepted in a query");
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

void
field_values_free(struct field_value *vals, size_t n)
{
	size_t	 i;

	if (vals == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(vals[i].ids);
		free(vals[i].strs);
		free(vals[i].shares);
	}
	free(vals);
}

/*
 * A practical address check: one '@', a non-empty local part without
 * spaces, a domain with a dot, no leading or trailing dot; at most 254 bytes.
 */
bool
field_valid_email(const char *s)
{
	const char	*at = strchr(s, '@'), *dot;
	size_t		 len = strlen(s);

	if (at == NULL || at == s || len > 254 || strchr(at + 1, '@') != NULL)
		return false;
	if (strpbrk(s, " \t\"(),:;<>[\\]") != NULL)
		return false;
	dot = strrchr(at + 1, '.');
	return dot != NULL && dot > at + 1 && dot[1] != '\0' &&
	    at[1] != '.' && s[len - 1] != '.';
}

static bool
digits(const char *s, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	bool	 leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM), a real calendar day. */
bool
field_valid_time(const char *s)
{
	size_t	 i = 19;

	if (strlen(s) < 20 || !digits(s, 4) || s[4] != '-' ||
	    !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2) ||
	    (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) ||
	    s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' ||
	    !digits(s + 17, 2))
		return false;
	if (two(s + 5) < 1 || two(s + 5) > 12 || two(s + 8) < 1 ||
	    two(s + 8) > days_in_month(two(s) * 100 + two(s + 2), two(s + 5)) ||
	    two(s + 11) > 23 || two(s + 14) > 59 || two(s + 17) > 60)
		return false;
	if (s[i] == '.') {
		i++;
		if (!digits(s + i, 1))
			return false;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if ((s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0')
		return true;
	return (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) &&
	    s[i + 3] == ':' && digits(s + i + 4, 2) && s[i + 6] == '\0' &&
	    two(s + i + 1) <= 23 && two(s + i + 4) <= 59;
}

/* The JSON of value v, given for field f, as a new reference. */
static json_t *
field_value_json(const struct field *f, const struct field_value *v)
{
	json_t	*j;
	size_t	 i;

	if (v->null)
		return json_null();
	switch (f->type) {
	case FIELD_INT:
		return json_integer((json_int_t)v->i);
	case FIELD_BOOL:
		return json_boolean(v->b);
	case FIELD_ID_LIST:
		j = json_array();
		for (i = 0; i < v->nids; i++)
			json_array_append_new(j,
			    json_integer((json_int_t)v->ids[i]));
		return j;
	case FIELD_TEXT_LIST:
		j = json_array();
		for (i = 0; i < v->nstrs; i++)
			json_array_append_new(j, json_string(v->strs[i]));
		return j;
	case FIELD_SHARES:
		j = json_object();
		for (i = 0; f->choices[i] != NULL; i++)
			if (v->shares[i] >= 0)
				json_object_set_new(j, f->choices[i],
				    json_real(v->shares[i]));
		return j;
	default:			/* strings, times, enums */
		return json_string(v->s);
	}
}

void
field_values_json(const struct field *fields, size_t n,
    const struct field_value *vals, struct buf *out)
{
	json_t	*obj = json_object();
	char	*text;
	size_t	 i;

	for (i = 0; i < n; i++)
		if (vals[i].present)
			json_object_set_new(obj, fields[i].name,
			    field_value_json(&fields[i], &vals[i]));
	if ((text = json_dumps(obj, JSON_COMPACT)) != NULL)
		buf_append(out, text, strlen(text));
	free(text);
	json_decref(obj);
}

bool
field_valid_url(const char *s)
{
	size_t	 i;

	if (strncmp(s, "https://", 8) == 0)
		i = 8;
	else if (strncmp(s, "http://", 7) == 0)
		i = 7;
	else
		return false;
	if (s[i] == '\0' || s[i] == '/')
		return false;
	for (; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '"' || s[i] == '<' ||
		    s[i] == '>' || s[i] == '\\' || s[i] == 0x7f)
			return false;
	return true;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Field validators, after kcgi's keys[] tables: each route declares the JSON
 * fields (and query parameters) it accepts; the request layer checks them
 * all before the handler runs and hands it typed values, or answers 400
 * naming the field.  Handlers judge meaning, never shape.
 */
#ifndef CONCERTO_FIELD_H
#define CONCERTO_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct buf;

enum field_type {
	FIELD_STRING,		/* UTF-8 text, length in code points */
	FIELD_INT,		/* integer in [min, max] */
	FIELD_BOOL,
	FIELD_ENUM,		/* one of choices[]; value is its index */
	FIELD_ID_LIST,		/* array of distinct positive integers */
	FIELD_TIME,		/* RFC 3339 date-time, kept as text */
	FIELD_TEXT_LIST,	/* array of one-line strings, each valid() */
	FIELD_SHARES,		/* object: choices[] keys -> numbers in [0, 1] */
	FIELD__MAX
};

#define FIELD_REQUIRED	0x01	/* absence is an error */
#define FIELD_NULLABLE	0x02	/* JSON null is accepted ("unset") */
#define FIELD_MULTILINE	0x04	/* strings may hold tab, CR, LF */

struct field {
	const char		*name;
	enum field_type		 type;
	unsigned		 flags;
	int64_t			 min;	/* length, value or item count */
	int64_t			 max;
	const char *const	*choices;	/* FIELD_ENUM, NULL-terminated */
	bool			(*valid)(const char *); /* extra check, strings */
};

struct field_value {
	bool		 present;
	bool		 null;
	const char	*s;		/* strings and times; owned by the JSON */
	size_t		 len;		/* bytes */
	int64_t		 i;		/* ints, enum index */
	bool		 b;
	int64_t		*ids;		/* FIELD_ID_LIST, owned by the value */
	size_t		 nids;
	const char	**strs;		/* FIELD_TEXT_LIST; array owned by the
					   value, strings by the JSON */
	size_t		 nstrs;
	double		*shares;	/* FIELD_SHARES, one per choice, -1 if
					   absent; owned by the value */
};

struct field_error {
	const char	*code;		/* "invalid_field", "missing_field", ... */
	const char	*field;		/* name of the offending field */
	char		 message[160];
};

/*
 * Validates obj (a JSON object) against fields[0..n), filling vals[0..n).
 * Unknown keys are refused.  Returns 0, or -1 with err filled.
 */
int	 field_check_json(const struct field *, size_t n, json_t *obj,
	    struct field_value *vals, struct field_error *err);

/*
 * Validates query parameters (strings) against fields[0..n); unknown
 * parameters are ignored, as kcgi drops unknown keys.
 */
int	 field_check_query(const struct field *, size_t n,
	    const char *(*get)(void *, const char *), void *arg,
	    struct field_value *vals, struct field_error *err);

void	 field_values_free(struct field_value *, size_t n);

/*
 * Appends to out the JSON object of the fields of vals[0..n) (validated
 * against fields) that were given, by name: null for one given as null,
 * else its typed value (an enum as its choice, shares as an object of
 * the choices given).  Fields not given are left out, so that absent and
 * null stay distinct, for the SQL functions that take a request's fields.
 */
void	 field_values_json(const struct field *, size_t n,
	    const struct field_value *vals, struct buf *out);

bool	 field_valid_email(const char *);
bool	 field_valid_time(const char *);
/* An absolute http(s) URL without spaces or control characters. */
bool	 field_valid_url(const char *);

#endif

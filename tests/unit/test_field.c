/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of field.c: the declared fields of a route, checked against a
 * JSON body (field_check_json) or query parameters (field_check_query),
 * and the two shared validators (e-mail, RFC 3339 time).  The field tables
 * are local to each test, so these tests do not depend on routes.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/field.h"
#include "concerto/utf8.h"


#define NFIELDS(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const colours[] = { "red", "green", "blue", NULL };

/* One field_check_json() call: the parsed body, the values, the error. */
struct check {
	json_t			*json;
	struct field_value	*vals;	/* heap: field_values_free() frees it */
	size_t			 n;
	struct field_error	 err;
};

/* Parses text (which must be valid JSON) and checks it against fields. */
static int
check_json(struct check *c, const struct field *fields, size_t n,
    const char *text)
{
	json_error_t	 jerr;

	memset(c, 0, sizeof(*c));
	if ((c->json = json_loads(text, 0, &jerr)) == NULL)
		fail_msg("test body is not JSON: %s: %s", text, jerr.text);
	c->n = n;
	c->vals = calloc(n > 0 ? n : 1, sizeof(*c->vals));
	assert_non_null(c->vals);
	return field_check_json(fields, n, c->json, c->vals, &c->err);
}

static void
check_done(struct check *c)
{
	field_values_free(c->vals, c->n);
	json_decref(c->json);
}

static void
assert_json_accepted(const struct field *fields, size_t n, const char *text)
{
	struct check	 c;
	int		 rc;

	rc = check_json(&c, fields, n, text);
	check_done(&c);
	if (rc != 0)
		fail_msg("%s refused: %s %s", text, c.err.code, c.err.message);
}

/* Asserts a refusal with code, naming field. */
static void
assert_json_refused(const struct field *fields, size_t n, const char *text,
    const char *code, const char *field)
{
	struct check	 c;
	int		 rc;
	char		 got_code[64], got_field[64];

	rc = check_json(&c, fields, n, text);
	if (rc == 0) {
		check_done(&c);
		fail_msg("%s accepted, expected %s", text, code);
	}
	snprintf(got_code, sizeof(got_code), "%s", c.err.code);
	snprintf(got_field, sizeof(got_field), "%s", c.err.field);
	check_done(&c);		/* c.err.field may point into the JSON */
	assert_int_equal(rc, -1);
	assert_string_equal(got_code, code);
	assert_string_equal(got_field, field);
}

/* Query parameters: a NULL-terminated list of name, value pairs. */
static const char *
params_get(void *arg, const char *name)
{
	const char *const	*p;

	for (p = arg; *p != NULL; p += 2)
		if (strcmp(p[0], name) == 0)
			return p[1];
	return NULL;
}

struct qcheck {
	struct field_value	*vals;
	size_t			 n;
	struct field_error	 err;
};

static int
check_query(struct qcheck *q, const struct field *fields, size_t n,
    const char *const *params)
{
	memset(q, 0, sizeof(*q));
	q->n = n;
	q->vals = calloc(n > 0 ? n : 1, sizeof(*q->vals));
	assert_non_null(q->vals);
	return field_check_query(fields, n, params_get, (void *)params,
	    q->vals, &q->err);
}

static void
qcheck_done(struct qcheck *q)
{
	field_values_free(q->vals, q->n);
}

/* --- strings --------------------------------------------------------- */

static const struct field name3[] = {
	{ "name", FIELD_STRING, FIELD_REQUIRED, 1, 3, NULL, NULL },
};

static void
test_string_length_counts_code_points(void **state)
{
	struct check	 c;

	assert_int_equal(check_json(&c, name3, 1,
	    "{\"name\":\"\xC3\xA9\xC3\xA9\xC3\xA9\"}"), 0);	/* ééé */
	assert_string_equal(c.vals[0].s, "\xC3\xA9\xC3\xA9\xC3\xA9");
	assert_int_equal(c.vals[0].len, 6);			/* bytes */
	assert_true(c.vals[0].present);
	check_done(&c);
}

static void
test_string_longer_than_max_code_points_refused(void **state)
{
	assert_json_refused(name3, 1, "{\"name\":\"\xC3\xA9\xC3\xA9\xC3\xA9"
	    "\xC3\xA9\"}", "invalid_field", "name");
	assert_json_refused(name3, 1, "{\"name\":\"abcd\"}", "invalid_field",
	    "name");
}

static void
test_string_at_max_accepted(void **state)
{
	assert_json_accepted(name3, 1, "{\"name\":\"abc\"}");
	assert_json_accepted(name3, 1, "{\"name\":\"\xF0\x9F\x98\x80"
	    "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\"}");	/* 12 bytes, 3 chars */
}

static void
test_string_shorter_than_min_refused(void **state)
{
	assert_json_refused(name3, 1, "{\"name\":\"\"}", "invalid_field",
	    "name");
}

static void
test_string_max_zero_means_no_upper_bound(void **state)
{
	static const struct field f[] = {
		{ "text", FIELD_STRING, 0, 0, 0, NULL, NULL },
	};
	char	 body[4096];

	memset(body, 'x', sizeof(body));
	memcpy(body, "{\"text\":\"", 9);
	memcpy(body + sizeof(body) - 3, "\"}", 3);
	assert_json_accepted(f, 1, body);
	assert_json_accepted(f, 1, "{\"text\":\"\"}");
}

static void
test_string_wrong_type_refused(void **state)
{
	assert_json_refused(name3, 1, "{\"name\":12}", "invalid_field", "name");
	assert_json_refused(name3, 1, "{\"name\":true}", "invalid_field",
	    "name");
	assert_json_refused(name3, 1, "{\"name\":[\"a\"]}", "invalid_field",
	    "name");
	assert_json_refused(name3, 1, "{\"name\":{}}", "invalid_field", "name");
}

static void
test_string_control_characters_refused(void **state)
{
	static const struct field f[] = {
		{ "text", FIELD_STRING, 0, 0, 100, NULL, NULL },
	};

	assert_json_refused(f, 1, "{\"text\":\"a\\u0001b\"}", "invalid_field",
	    "text");
	assert_json_refused(f, 1, "{\"text\":\"a\\u001bb\"}", "invalid_field",
	    "text");
	assert_json_refused(f, 1, "{\"text\":\"a\\u007fb\"}", "invalid_field",
	    "text");
	assert_json_refused(f, 1, "{\"text\":\"a\\u0085b\"}", "invalid_field",
	    "text");					/* C1 NEL */
}

static void
test_string_newlines_refused_without_multiline(void **state)
{
	static const struct field f[] = {
		{ "text", FIELD_STRING, 0, 0, 100, NULL, NULL },
	};

	assert_json_refused(f, 1, "{\"text\":\"a\\nb\"}", "invalid_field",
	    "text");
	assert_json_refused(f, 1, "{\"text\":\"a\\rb\"}", "invalid_field",
	    "text");
	assert_json_refused(f, 1, "{\"text\":\"a\\tb\"}", "invalid_field",
	    "text");
}

static void
test_string_multiline_accepts_tab_cr_lf(void **state)
{
	static const struct field f[] = {
		{ "text", FIELD_STRING, FIELD_MULTILINE, 0, 100, NULL, NULL },
	};

	assert_json_accepted(f, 1, "{\"text\":\"a\\tb\\r\\nc\\n\"}");
}

static void
test_string_multiline_still_refuses_other_controls(void **state)
{
	static const struct field f[] = {
		{ "text", FIELD_STRING, FIELD_MULTILINE, 0, 100, NULL, NULL },
	};

	assert_json_refused(f, 1, "{\"text\":\"a\\u000bb\"}", "invalid_field",
	    "text");
	assert_json_refused(f, 1, "{\"text\":\"a\\u0085b\"}", "invalid_field",
	    "text");
	assert_json_refused(f, 1, "{\"text\":\"a\\u007fb\"}", "invalid_field",
	    "text");
}

static void
test_string_refusal_message_names_field(void **state)
{
	struct check	 c;

	assert_int_equal(check_json(&c, name3, 1, "{\"name\":\"abcd\"}"), -1);
	assert_non_null(strstr(c.err.message, "name"));
	check_done(&c);
}

/* --- custom validators ----------------------------------------------- */

static const struct field email_field[] = {
	{ "email", FIELD_STRING, FIELD_REQUIRED, 3, 254, NULL,
	    field_valid_email },
};

static void
test_custom_validator_accepts_good_value(void **state)
{
	assert_json_accepted(email_field, 1, "{\"email\":\"ada@example.org\"}");
}

static void
test_custom_validator_refuses_bad_value(void **state)
{
	assert_json_refused(email_field, 1, "{\"email\":\"ada.example.org\"}",
	    "invalid_field", "email");
}

static void
test_custom_validator_runs_after_length_check(void **state)
{
	assert_json_refused(email_field, 1, "{\"email\":\"a@\"}",
	    "invalid_field", "email");
}

static void
test_email_accepts_ordinary_addresses(void **state)
{
	assert_true(field_valid_email("a@b.co"));
	assert_true(field_valid_email("first.last+tag@example.org"));
	assert_true(field_valid_email("x@sub.example.fr"));
	assert_true(field_valid_email("h\xC3\xA9l\xC3\xA8ne@exemple.fr"));
}

static void
test_email_refuses_missing_parts(void **state)
{
	assert_false(field_valid_email(""));
	assert_false(field_valid_email("a"));
	assert_false(field_valid_email("@b.co"));
	assert_false(field_valid_email("a@"));
	assert_false(field_valid_email("a@b"));
	assert_false(field_valid_email("a@b."));
}

static void
test_email_refuses_two_at_signs(void **state)
{
	assert_false(field_valid_email("a@@b.co"));
	assert_false(field_valid_email("a@b@c.co"));
}

static void
test_email_refuses_leading_or_trailing_dot_in_domain(void **state)
{
	assert_false(field_valid_email("a@.b.co"));
	assert_false(field_valid_email("a@b.co."));
}

static void
test_email_refuses_spaces_and_specials(void **state)
{
	assert_false(field_valid_email("a b@c.co"));
	assert_false(field_valid_email("a@c.co "));
	assert_false(field_valid_email("a\t@c.co"));
	assert_false(field_valid_email("<a>@c.co"));
	assert_false(field_valid_email("\"a\"@c.co"));
	assert_false(field_valid_email("a,b@c.co"));
	assert_false(field_valid_email("a;b@c.co"));
	assert_false(field_valid_email("a\\b@c.co"));
}

static void
test_email_refuses_more_than_254_bytes(void **state)
{
	char	 addr[256];

	memset(addr, 'a', sizeof(addr));
	memcpy(addr + 249, "@b.co", 6);		/* 254 bytes */
	assert_int_equal(strlen(addr), 254);
	assert_true(field_valid_email(addr));
	memset(addr, 'a', sizeof(addr));
	memcpy(addr + 250, "@b.co", 6);		/* 255 bytes */
	assert_false(field_valid_email(addr));
}

/* --- enums ----------------------------------------------------------- */

static const struct field colour_field[] = {
	{ "colour", FIELD_ENUM, 0, 0, 0, colours, NULL },
};

static void
test_enum_gives_index_of_choice(void **state)
{
	struct check	 c;

	assert_int_equal(check_json(&c, colour_field, 1,
	    "{\"colour\":\"blue\"}"), 0);
	assert_int_equal(c.vals[0].i, 2);
	assert_string_equal(c.vals[0].s, "blue");
	check_done(&c);
	assert_int_equal(check_json(&c, colour_field, 1,
	    "{\"colour\":\"red\"}"), 0);
	assert_int_equal(c.vals[0].i, 0);
	check_done(&c);
}

static void
test_enum_refuses_other_values(void **state)
{
	assert_json_refused(colour_field, 1, "{\"colour\":\"purple\"}",
	    "invalid_field", "colour");
	assert_json_refused(colour_field, 1, "{\"colour\":\"Red\"}",
	    "invalid_field", "colour");
	assert_json_refused(colour_field, 1, "{\"colour\":\"\"}",
	    "invalid_field", "colour");
	assert_json_refused(colour_field, 1, "{\"colour\":\"red \"}",
	    "invalid_field", "colour");
}

static void
test_enum_refuses_non_string(void **state)
{
	assert_json_refused(colour_field, 1, "{\"colour\":0}", "invalid_field",
	    "colour");
}

/* --- integers and booleans ------------------------------------------- */

static const struct field count_field[] = {
	{ "count", FIELD_INT, 0, -5, 10, NULL, NULL },
};

static void
test_int_in_range_accepted(void **state)
{
	struct check	 c;

	assert_int_equal(check_json(&c, count_field, 1, "{\"count\":7}"), 0);
	assert_int_equal(c.vals[0].i, 7);
	check_done(&c);
}

static void
test_int_bounds_are_inclusive(void **state)
{
	assert_json_accepted(count_field, 1, "{\"count\":-5}");
	assert_json_accepted(count_field, 1, "{\"count\":10}");
}

static void
test_int_out_of_range_refused(void **state)
{
	assert_json_refused(count_field, 1, "{\"count\":-6}", "invalid_field",
	    "count");
	assert_json_refused(count_field, 1, "{\"count\":11}", "invalid_field",
	    "count");
	assert_json_refused(count_field, 1,
	    "{\"count\":9223372036854775807}", "invalid_field", "count");
}

static void
test_int_refuses_other_types(void **state)
{
	assert_json_refused(count_field, 1, "{\"count\":1.0}", "invalid_field",
	    "count");
	assert_json_refused(count_field, 1, "{\"count\":\"1\"}",
	    "invalid_field", "count");
	assert_json_refused(count_field, 1, "{\"count\":true}", "invalid_field",
	    "count");
}

static const struct field flag_field[] = {
	{ "flag", FIELD_BOOL, 0, 0, 0, NULL, NULL },
};

static void
test_bool_reads_true_and_false(void **state)
{
	struct check	 c;

	assert_int_equal(check_json(&c, flag_field, 1, "{\"flag\":true}"), 0);
	assert_true(c.vals[0].b);
	check_done(&c);
	assert_int_equal(check_json(&c, flag_field, 1, "{\"flag\":false}"), 0);
	assert_false(c.vals[0].b);
	assert_true(c.vals[0].present);
	check_done(&c);
}

static void
test_bool_refuses_other_types(void **state)
{
	assert_json_refused(flag_field, 1, "{\"flag\":1}", "invalid_field",
	    "flag");
	assert_json_refused(flag_field, 1, "{\"flag\":\"true\"}",
	    "invalid_field", "flag");
}

/* --- id lists -------------------------------------------------------- */

static const struct field ids_field[] = {
	{ "ids", FIELD_ID_LIST, 0, 1, 3, NULL, NULL },
};

static void
test_id_list_gives_the_ids(void **state)
{
	struct check	 c;

	assert_int_equal(check_json(&c, ids_field, 1, "{\"ids\":[3,1,2]}"), 0);
	assert_int_equal(c.vals[0].nids, 3);
	assert_int_equal(c.vals[0].ids[0], 3);
	assert_int_equal(c.vals[0].ids[1], 1);
	assert_int_equal(c.vals[0].ids[2], 2);
	check_done(&c);		/* frees ids too */
}

static void
test_id_list_refuses_zero_and_negative(void **state)
{
	assert_json_refused(ids_field, 1, "{\"ids\":[0]}", "invalid_field",
	    "ids");
	assert_json_refused(ids_field, 1, "{\"ids\":[1,-2]}", "invalid_field",
	    "ids");
}

static void
test_id_list_refuses_repeated_id(void **state)
{
	assert_json_refused(ids_field, 1, "{\"ids\":[4,5,4]}", "invalid_field",
	    "ids");
}

static void
test_id_list_refuses_non_integers(void **state)
{
	assert_json_refused(ids_field, 1, "{\"ids\":[1.5]}", "invalid_field",
	    "ids");
	assert_json_refused(ids_field, 1, "{\"ids\":[\"1\"]}", "invalid_field",
	    "ids");
	assert_json_refused(ids_field, 1, "{\"ids\":[null]}", "invalid_field",
	    "ids");
}

static void
test_id_list_refuses_count_out_of_bounds(void **state)
{
	assert_json_refused(ids_field, 1, "{\"ids\":[]}", "invalid_field",
	    "ids");
	assert_json_refused(ids_field, 1, "{\"ids\":[1,2,3,4]}",
	    "invalid_field", "ids");
	assert_json_accepted(ids_field, 1, "{\"ids\":[1]}");
}

static void
test_id_list_refuses_non_array(void **state)
{
	assert_json_refused(ids_field, 1, "{\"ids\":1}", "invalid_field",
	    "ids");
	assert_json_refused(ids_field, 1, "{\"ids\":{\"a\":1}}",
	    "invalid_field", "ids");
}

/* --- presence: required, nullable, unknown ----------------------------- */

static const struct field two_fields[] = {
	{ "title", FIELD_STRING, FIELD_REQUIRED, 1, 10, NULL, NULL },
	{ "note", FIELD_STRING, FIELD_NULLABLE, 0, 10, NULL, NULL },
};

static void
test_required_field_missing_is_missing_field(void **state)
{
	assert_json_refused(two_fields, 2, "{\"note\":\"x\"}", "missing_field",
	    "title");
	assert_json_refused(two_fields, 2, "{}", "missing_field", "title");
}

static void
test_optional_field_missing_is_not_present(void **state)
{
	struct check	 c;

	assert_int_equal(check_json(&c, two_fields, 2, "{\"title\":\"t\"}"), 0);
	assert_true(c.vals[0].present);
	assert_false(c.vals[1].present);
	assert_false(c.vals[1].null);
	check_done(&c);
}

static void
test_nullable_field_accepts_null(void **state)
{
	struct check	 c;

	assert_int_equal(check_json(&c, two_fields, 2,
	    "{\"title\":\"t\",\"note\":null}"), 0);
	assert_true(c.vals[1].present);
	assert_true(c.vals[1].null);
	assert_null(c.vals[1].s);
	check_done(&c);
}

static void
test_null_refused_unless_nullable(void **state)
{
	assert_json_refused(two_fields, 2, "{\"title\":null}", "invalid_field",
	    "title");
}

static void
test_unknown_key_is_unknown_field(void **state)
{
	assert_json_refused(two_fields, 2,
	    "{\"title\":\"t\",\"admin\":true}", "unknown_field", "admin");
}

static void
test_unknown_key_refused_before_missing_field(void **state)
{
	assert_json_refused(two_fields, 2, "{\"admin\":true}", "unknown_field",
	    "admin");
}

static void
test_field_names_are_case_sensitive(void **state)
{
	assert_json_refused(two_fields, 2, "{\"Title\":\"t\"}", "unknown_field",
	    "Title");
}

static void
test_unknown_long_key_message_stays_valid_utf8(void **state)
{
	struct check	 c;
	char		 body[512];
	int		 n;

	/* 99 ASCII bytes, then é: byte 100 is the first half of é. */
	n = snprintf(body, sizeof(body), "{\"%.99s\xC3\xA9\":1}",
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	assert_true(n > 0 && (size_t)n < sizeof(body));
	assert_int_equal(check_json(&c, two_fields, 2, body), -1);
	assert_string_equal(c.err.code, "unknown_field");
	if (!utf8_valid(c.err.message, strlen(c.err.message))) {
		check_done(&c);
		fail_msg("the error message is not valid UTF-8");
	}
	check_done(&c);
}

static void
test_no_fields_accepts_empty_object(void **state)
{
	assert_json_accepted(NULL, 0, "{}");
	assert_json_refused(NULL, 0, "{\"a\":1}", "unknown_field", "a");
}

/* --- times ----------------------------------------------------------- */

static void
test_time_accepts_rfc3339(void **state)
{
	assert_true(field_valid_time("2026-11-03T12:34:56Z"));
	assert_true(field_valid_time("2026-11-03t12:34:56z"));
	assert_true(field_valid_time("2026-11-03T12:34:56.5Z"));
	assert_true(field_valid_time("2026-11-03T12:34:56.123456+01:00"));
	assert_true(field_valid_time("2026-11-03T00:00:00-05:30"));
	assert_true(field_valid_time("2026-12-31T23:59:60Z"));	/* leap */
	assert_true(field_valid_time("2026-01-01T00:00:00+00:00"));
}

static void
test_time_refuses_missing_parts(void **state)
{
	assert_false(field_valid_time(""));
	assert_false(field_valid_time("2026-11-03"));
	assert_false(field_valid_time("2026-11-03T12:34:56"));	/* no zone */
	assert_false(field_valid_time("2026-11-03T12:34Z"));
	assert_false(field_valid_time("2026-1-03T12:34:56Z"));
}

static void
test_time_refuses_wrong_separators(void **state)
{
	assert_false(field_valid_time("2026-11-03 12:34:56Z"));
	assert_false(field_valid_time("2026/11/03T12:34:56Z"));
	assert_false(field_valid_time("2026-11-03T12.34.56Z"));
	assert_false(field_valid_time("abcd-11-03T12:34:56Z"));
}

static void
test_time_refuses_fields_out_of_range(void **state)
{
	assert_false(field_valid_time("2026-13-03T12:34:56Z"));
	assert_false(field_valid_time("2026-00-03T12:34:56Z"));
	assert_false(field_valid_time("2026-11-32T12:34:56Z"));
	assert_false(field_valid_time("2026-11-00T12:34:56Z"));
	assert_false(field_valid_time("2026-11-03T24:00:00Z"));
	assert_false(field_valid_time("2026-11-03T12:60:00Z"));
	assert_false(field_valid_time("2026-11-03T12:34:61Z"));
}

static void
test_time_refuses_bad_fraction_or_offset(void **state)
{
	assert_false(field_valid_time("2026-11-03T12:34:56.Z"));
	assert_false(field_valid_time("2026-11-03T12:34:56+0100"));
	assert_false(field_valid_time("2026-11-03T12:34:56+01"));
	assert_false(field_valid_time("2026-11-03T12:34:56+01:00:00"));
	assert_false(field_valid_time("2026-11-03T12:34:56Z "));
	assert_false(field_valid_time("2026-11-03T12:34:56ZZ"));
}

static void
test_time_refuses_day_beyond_end_of_month(void **state)
{
	assert_false(field_valid_time("2026-02-30T12:00:00Z"));
	assert_false(field_valid_time("2026-04-31T12:00:00Z"));
	assert_false(field_valid_time("2025-02-29T12:00:00Z"));
}

static void
test_time_refuses_offset_out_of_range(void **state)
{
	assert_false(field_valid_time("2026-11-03T12:34:56+24:00"));
	assert_false(field_valid_time("2026-11-03T12:34:56+99:99"));
	assert_false(field_valid_time("2026-11-03T12:34:56-01:60"));
}

static const struct field time_field[] = {
	{ "at", FIELD_TIME, FIELD_REQUIRED, 0, 0, NULL, NULL },
};

static void
test_time_field_keeps_text(void **state)
{
	struct check	 c;

	assert_int_equal(check_json(&c, time_field, 1,
	    "{\"at\":\"2026-11-03T12:34:56+01:00\"}"), 0);
	assert_string_equal(c.vals[0].s, "2026-11-03T12:34:56+01:00");
	check_done(&c);
}

static void
test_time_field_refuses_bad_time(void **state)
{
	assert_json_refused(time_field, 1, "{\"at\":\"yesterday\"}",
	    "invalid_field", "at");
	assert_json_refused(time_field, 1, "{\"at\":1762170000}",
	    "invalid_field", "at");
}

/* --- query parameters ------------------------------------------------ */

static const struct field page_field[] = {
	{ "page", FIELD_INT, 0, 1, 1000, NULL, NULL },
};

static void
assert_query_int_refused(const char *text)
{
	const char *const	 params[] = { "page", text, NULL };
	struct qcheck		 q;
	int			 rc;

	rc = check_query(&q, page_field, 1, params);
	qcheck_done(&q);
	if (rc != -1)
		fail_msg("page=\"%s\" accepted", text);
	assert_string_equal(q.err.code, "invalid_field");
	assert_string_equal(q.err.field, "page");
}

static void
test_query_int_parses_decimal(void **state)
{
	const char *const	 params[] = { "page", "12", NULL };
	struct qcheck		 q;

	assert_int_equal(check_query(&q, page_field, 1, params), 0);
	assert_true(q.vals[0].present);
	assert_int_equal(q.vals[0].i, 12);
	qcheck_done(&q);
}

static void
test_query_int_refuses_non_decimal(void **state)
{
	assert_query_int_refused("1e3");
	assert_query_int_refused("-");
	assert_query_int_refused("");
	assert_query_int_refused("+12");
	assert_query_int_refused(" 12");
	assert_query_int_refused("12 ");
	assert_query_int_refused("0x10");
	assert_query_int_refused("1.0");
	assert_query_int_refused("twelve");
}

static void
test_query_int_refuses_out_of_range(void **state)
{
	assert_query_int_refused("0");
	assert_query_int_refused("1001");
	assert_query_int_refused("-1");
}

static const struct field any_int[] = {
	{ "n", FIELD_INT, 0, INT64_MIN, INT64_MAX, NULL, NULL },
};

static void
test_query_int_accepts_int64_max(void **state)
{
	const char *const	 params[] = { "n", "9223372036854775807", NULL };
	struct qcheck		 q;

	assert_int_equal(check_query(&q, any_int, 1, params), 0);
	assert_int_equal(q.vals[0].i, INT64_MAX);
	qcheck_done(&q);
}

static void
test_query_int_refuses_twenty_digits(void **state)
{
	const char *const	 params[] = { "n", "99999999999999999999", NULL };
	struct qcheck		 q;

	assert_int_equal(check_query(&q, any_int, 1, params), -1);
	assert_string_equal(q.err.code, "invalid_field");
	qcheck_done(&q);
}

static void
test_query_int_refuses_overflow_above_int64_max(void **state)
{
	const char *const	 params[] = { "n", "9999999999999999999", NULL };
	struct qcheck		 q;
	int			 rc;

	rc = check_query(&q, any_int, 1, params);
	qcheck_done(&q);
	assert_int_equal(rc, -1);
}

static void
test_query_reads_strings_from_getter(void **state)
{
	static const struct field f[] = {
		{ "q", FIELD_STRING, 0, 1, 3, NULL, NULL },
	};
	const char *const	 params[] = { "q", "\xC3\xA9t\xC3\xA9", NULL };
	struct qcheck		 q;

	assert_int_equal(check_query(&q, f, 1, params), 0);
	assert_string_equal(q.vals[0].s, "\xC3\xA9t\xC3\xA9");
	assert_int_equal(q.vals[0].len, 5);
	qcheck_done(&q);
}

static void
test_query_string_checks_length_and_controls(void **state)
{
	static const struct field f[] = {
		{ "q", FIELD_STRING, 0, 1, 3, NULL, NULL },
	};
	const char *const	 longer[] = { "q", "abcd", NULL };
	const char *const	 control[] = { "q", "a\nb", NULL };
	struct qcheck		 q;

	assert_int_equal(check_query(&q, f, 1, longer), -1);
	qcheck_done(&q);
	assert_int_equal(check_query(&q, f, 1, control), -1);
	assert_string_equal(q.err.field, "q");
	qcheck_done(&q);
}

static void
test_query_ignores_undeclared_parameters(void **state)
{
	const char *const	 params[] = { "other", "x", "page", "2", NULL };
	struct qcheck		 q;

	assert_int_equal(check_query(&q, page_field, 1, params), 0);
	assert_int_equal(q.vals[0].i, 2);
	qcheck_done(&q);
}

static void
test_query_missing_required_is_missing_field(void **state)
{
	static const struct field f[] = {
		{ "page", FIELD_INT, FIELD_REQUIRED, 1, 10, NULL, NULL },
	};
	const char *const	 params[] = { NULL };
	struct qcheck		 q;

	assert_int_equal(check_query(&q, f, 1, params), -1);
	assert_string_equal(q.err.code, "missing_field");
	assert_string_equal(q.err.field, "page");
	qcheck_done(&q);
}

static void
test_query_missing_optional_is_not_present(void **state)
{
	const char *const	 params[] = { NULL };
	struct qcheck		 q;

	assert_int_equal(check_query(&q, page_field, 1, params), 0);
	assert_false(q.vals[0].present);
	qcheck_done(&q);
}

static void
test_query_bool_and_enum(void **state)
{
	static const struct field f[] = {
		{ "open", FIELD_BOOL, 0, 0, 0, NULL, NULL },
		{ "colour", FIELD_ENUM, 0, 0, 0, colours, NULL },
	};
	const char *const	 good[] = { "open", "true", "colour", "green",
	    NULL };
	const char *const	 bad_bool[] = { "open", "1", NULL };
	const char *const	 bad_enum[] = { "colour", "pink", NULL };
	struct qcheck		 q;

	assert_int_equal(check_query(&q, f, 2, good), 0);
	assert_true(q.vals[0].b);
	assert_int_equal(q.vals[1].i, 1);
	qcheck_done(&q);
	assert_int_equal(check_query(&q, f, 2, bad_bool), -1);
	assert_string_equal(q.err.field, "open");
	qcheck_done(&q);
	assert_int_equal(check_query(&q, f, 2, bad_enum), -1);
	assert_string_equal(q.err.field, "colour");
	qcheck_done(&q);
}

static void
test_query_refuses_id_list(void **state)
{
	const char *const	 params[] = { "ids", "1,2", NULL };
	struct qcheck		 q;

	assert_int_equal(check_query(&q, ids_field, 1, params), -1);
	assert_string_equal(q.err.code, "invalid_field");
	qcheck_done(&q);
}

static void
test_values_free_accepts_null(void **state)
{
	field_values_free(NULL, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_length_counts_code_points),
		cmocka_unit_test(
		    test_string_longer_than_max_code_points_refused),
		cmocka_unit_test(test_string_at_max_accepted),
		cmocka_unit_test(test_string_shorter_than_min_refused),
		cmocka_unit_test(test_string_max_zero_means_no_upper_bound),
		cmocka_unit_test(test_string_wrong_type_refused),
		cmocka_unit_test(test_string_control_characters_refused),
		cmocka_unit_test(test_string_newlines_refused_without_multiline),
		cmocka_unit_test(test_string_multiline_accepts_tab_cr_lf),
		cmocka_unit_test(
		    test_string_multiline_still_refuses_other_controls),
		cmocka_unit_test(test_string_refusal_message_names_field),

		cmocka_unit_test(test_custom_validator_accepts_good_value),
		cmocka_unit_test(test_custom_validator_refuses_bad_value),
		cmocka_unit_test(test_custom_validator_runs_after_length_check),
		cmocka_unit_test(test_email_accepts_ordinary_addresses),
		cmocka_unit_test(test_email_refuses_missing_parts),
		cmocka_unit_test(test_email_refuses_two_at_signs),
		cmocka_unit_test(
		    test_email_refuses_leading_or_trailing_dot_in_domain),
		cmocka_unit_test(test_email_refuses_spaces_and_specials),
		cmocka_unit_test(test_email_refuses_more_than_254_bytes),

		cmocka_unit_test(test_enum_gives_index_of_choice),
		cmocka_unit_test(test_enum_refuses_other_values),
		cmocka_unit_test(test_enum_refuses_non_string),

		cmocka_unit_test(test_int_in_range_accepted),
		cmocka_unit_test(test_int_bounds_are_inclusive),
		cmocka_unit_test(test_int_out_of_range_refused),
		cmocka_unit_test(test_int_refuses_other_types),
		cmocka_unit_test(test_bool_reads_true_and_false),
		cmocka_unit_test(test_bool_refuses_other_types),

		cmocka_unit_test(test_id_list_gives_the_ids),
		cmocka_unit_test(test_id_list_refuses_zero_and_negative),
		cmocka_unit_test(test_id_list_refuses_repeated_id),
		cmocka_unit_test(test_id_list_refuses_non_integers),
		cmocka_unit_test(test_id_list_refuses_count_out_of_bounds),
		cmocka_unit_test(test_id_list_refuses_non_array),

		cmocka_unit_test(test_required_field_missing_is_missing_field),
		cmocka_unit_test(test_optional_field_missing_is_not_present),
		cmocka_unit_test(test_nullable_field_accepts_null),
		cmocka_unit_test(test_null_refused_unless_nullable),
		cmocka_unit_test(test_unknown_key_is_unknown_field),
		cmocka_unit_test(test_unknown_key_refused_before_missing_field),
		cmocka_unit_test(test_field_names_are_case_sensitive),
		cmocka_unit_test(test_unknown_long_key_message_stays_valid_utf8),
		cmocka_unit_test(test_no_fields_accepts_empty_object),

		cmocka_unit_test(test_time_accepts_rfc3339),
		cmocka_unit_test(test_time_refuses_missing_parts),
		cmocka_unit_test(test_time_refuses_wrong_separators),
		cmocka_unit_test(test_time_refuses_fields_out_of_range),
		cmocka_unit_test(test_time_refuses_bad_fraction_or_offset),
		cmocka_unit_test(test_time_refuses_day_beyond_end_of_month),
		cmocka_unit_test(test_time_refuses_offset_out_of_range),
		cmocka_unit_test(test_time_field_keeps_text),
		cmocka_unit_test(test_time_field_refuses_bad_time),

		cmocka_unit_test(test_query_int_parses_decimal),
		cmocka_unit_test(test_query_int_refuses_non_decimal),
		cmocka_unit_test(test_query_int_refuses_out_of_range),
		cmocka_unit_test(test_query_int_accepts_int64_max),
		cmocka_unit_test(test_query_int_refuses_twenty_digits),
		cmocka_unit_test(
		    test_query_int_refuses_overflow_above_int64_max),
		cmocka_unit_test(test_query_reads_strings_from_getter),
		cmocka_unit_test(test_query_string_checks_length_and_controls),
		cmocka_unit_test(test_query_ignores_undeclared_parameters),
		cmocka_unit_test(test_query_missing_required_is_missing_field),
		cmocka_unit_test(test_query_missing_optional_is_not_present),
		cmocka_unit_test(test_query_bool_and_enum),
		cmocka_unit_test(test_query_refuses_id_list),
		cmocka_unit_test(test_values_free_accepts_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

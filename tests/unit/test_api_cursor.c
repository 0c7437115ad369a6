/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of api_cursor() (src/api/common.c): a list cursor is exactly
 * the number of comma-separated numbers its list's order needs; anything
 * else is a 400 naming the cursor, never a 500 from the database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "concerto/api/common.h"
#include "concerto/response.h"

/* api_cursor(s, n) into v; asserts it is accepted. */
static void
accepted(const char *s, int64_t *v, size_t n)
{
	struct response	 res;

	response_init(&res);
	assert_int_equal(api_cursor(&res, s, v, n), 0);
	assert_int_equal(res.status, 0);
	response_free(&res);
}

/* Asserts s is refused as a cursor of n numbers: 400 naming "cursor". */
static void
refused(const char *s, size_t n)
{
	struct response	 res;
	int64_t		 v[4];

	response_init(&res);
	assert_int_equal(api_cursor(&res, s, v, n), -1);
	assert_int_equal(res.status, 400);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    res.json, "error"), "field")), "cursor");
	response_free(&res);
}

static void
test_one_number(void **state)
{
	int64_t	 v[1];

	(void)state;
	accepted("42", v, 1);
	assert_int_equal(v[0], 42);
	accepted("0", v, 1);
	assert_int_equal(v[0], 0);
}

static void
test_several_numbers(void **state)
{
	int64_t	 v[4];

	(void)state;
	accepted("206549314,17", v, 2);
	assert_int_equal(v[0], 206549314);
	assert_int_equal(v[1], 17);
	accepted("1,1796524800000000,0,9", v, 4);
	assert_int_equal(v[1], 1796524800000000LL);
	assert_int_equal(v[3], 9);
}

static void
test_wrong_count(void **state)
{
	(void)state;
	refused("1,2", 1);
	refused("1", 2);
	refused("1,2,3", 4);
	refused("1,2,3,4,5", 4);
}

static void
test_malformed(void **state)
{
	(void)state;
	refused("", 1);
	refused(",", 1);
	refused("1,", 2);
	refused(",1", 2);
	refused("1,,2", 2);
	refused("-1", 1);
	refused("1e3", 1);
	refused("99999999999999999999", 1);
	refused("12,99999999999999999999", 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_number),
		cmocka_unit_test(test_several_numbers),
		cmocka_unit_test(test_wrong_count),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

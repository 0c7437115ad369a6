/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of etag.c: tags made from bytes, and the If-None-Match test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "concerto/etag.h"

static void
test_tag_is_quoted_hex_of_the_bytes(void **state)
{
	char	 a[ETAG_LEN], b[ETAG_LEN], c[ETAG_LEN];
	size_t	 i;

	etag_of("{\"id\":1}", 8, a);
	etag_of("{\"id\":1}", 8, b);
	etag_of("{\"id\":2}", 8, c);
	assert_int_equal(strlen(a), ETAG_LEN - 1);
	assert_int_equal(a[0], '"');
	assert_int_equal(a[ETAG_LEN - 2], '"');
	for (i = 1; i < ETAG_LEN - 2; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	/* SHA-256 of the empty string begins e3b0c442 98fc1c14. */
	etag_of("", 0, a);
	assert_string_equal(a, "\"e3b0c44298fc1c149afbf4c8996fb924\"");
}

static void
test_if_none_match_forms(void **state)
{
	const char *tag = "\"e3b0c44298fc1c149afbf4c8996fb924\"";

	assert_false(etag_matches(NULL, tag));
	assert_false(etag_matches("", tag));
	assert_true(etag_matches("*", tag));
	assert_true(etag_matches(tag, tag));
	assert_true(etag_matches("W/\"e3b0c44298fc1c149afbf4c8996fb924\"",
	    tag));
	assert_true(etag_matches("\"a\", \"b\",W/\"e3b0c44298fc1c149afbf4c"
	    "8996fb924\"", tag));
	assert_false(etag_matches("\"a\", \"b\"", tag));
	/* A prefix or a longer tag is another tag. */
	assert_false(etag_matches("\"e3b0c44298fc1c149afbf4c8996fb92\"", tag));
	assert_false(etag_matches("\"e3b0c44298fc1c149afbf4c8996fb9245\"",
	    tag));
	/* Not a list of tags: nothing matches. */
	assert_false(etag_matches("e3b0c44298fc1c149afbf4c8996fb924", tag));
	assert_false(etag_matches("\"unterminated", tag));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tag_is_quoted_hex_of_the_bytes),
		cmocka_unit_test(test_if_none_match_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of utf8.c: well-formedness (RFC 3629, Unicode table 3-7),
 * counting code points, and finding control characters.  The byte strings
 * are literals, so their length is sizeof - 1 (they may hold a NUL).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>

#include "concerto/utf8.h"

#define VALID(lit)		utf8_valid((lit), sizeof(lit) - 1)
#define LENGTH(lit)		utf8_length((lit), sizeof(lit) - 1)
#define CONTROL(lit, nl)	utf8_has_control((lit), sizeof(lit) - 1, (nl))

static void
test_valid_accepts_empty(void **state)
{
	assert_true(utf8_valid("", 0));
}

static void
test_valid_accepts_ascii(void **state)
{
	assert_true(VALID("Hello, world! ~"));
}

static void
test_valid_accepts_two_three_and_four_byte_sequences(void **state)
{
	assert_true(VALID("\xC3\xA9"));			/* é U+00E9 */
	assert_true(VALID("\xE2\x82\xAC"));		/* € U+20AC */
	assert_true(VALID("\xF0\x9F\x98\x80"));		/* U+1F600 */
	assert_true(VALID("caf\xC3\xA9 \xE2\x82\xAC"));
}

static void
test_valid_accepts_range_boundaries(void **state)
{
	assert_true(VALID("\xC2\x80"));			/* U+0080 */
	assert_true(VALID("\xDF\xBF"));			/* U+07FF */
	assert_true(VALID("\xE0\xA0\x80"));		/* U+0800 */
	assert_true(VALID("\xED\x9F\xBF"));		/* U+D7FF */
	assert_true(VALID("\xEE\x80\x80"));		/* U+E000 */
	assert_true(VALID("\xEF\xBF\xBF"));		/* U+FFFF */
	assert_true(VALID("\xF0\x90\x80\x80"));		/* U+10000 */
	assert_true(VALID("\xF4\x8F\xBF\xBF"));		/* U+10FFFF */
}

static void
test_valid_rejects_overlong_two_byte(void **state)
{
	assert_false(VALID("\xC0\x80"));		/* NUL */
	assert_false(VALID("\xC0\xAF"));		/* '/' */
	assert_false(VALID("\xC1\xBF"));
}

static void
test_valid_rejects_overlong_three_byte(void **state)
{
	assert_false(VALID("\xE0\x80\x80"));
	assert_false(VALID("\xE0\x80\xAF"));		/* '/' */
	assert_false(VALID("\xE0\x9F\xBF"));
}

static void
test_valid_rejects_overlong_four_byte(void **state)
{
	assert_false(VALID("\xF0\x80\x80\x80"));
	assert_false(VALID("\xF0\x8F\xBF\xBF"));
}

static void
test_valid_rejects_surrogates(void **state)
{
	assert_false(VALID("\xED\xA0\x80"));		/* U+D800 */
	assert_false(VALID("\xED\xAF\xBF"));		/* U+DBFF */
	assert_false(VALID("\xED\xB0\x80"));		/* U+DC00 */
	assert_false(VALID("\xED\xBF\xBF"));		/* U+DFFF */
	assert_false(VALID("\xED\xA0\xBD\xED\xB8\x80"));	/* CESU pair */
}

static void
test_valid_rejects_above_u10ffff(void **state)
{
	assert_false(VALID("\xF4\x90\x80\x80"));	/* U+110000 */
	assert_false(VALID("\xF5\x80\x80\x80"));
	assert_false(VALID("\xF7\xBF\xBF\xBF"));
	assert_false(VALID("\xF8\x88\x80\x80\x80"));	/* old 5-byte form */
}

static void
test_valid_rejects_bytes_never_in_utf8(void **state)
{
	assert_false(VALID("\xFE"));
	assert_false(VALID("\xFF"));
	assert_false(VALID("a\xFF" "b"));
}

static void
test_valid_rejects_truncated_sequences(void **state)
{
	assert_false(VALID("\xC3"));
	assert_false(VALID("\xE2\x82"));
	assert_false(VALID("\xF0\x9F\x98"));
	assert_false(VALID("abc\xE2\x82"));
}

static void
test_valid_rejects_sequence_interrupted_by_ascii(void **state)
{
	assert_false(VALID("\xC3" "a"));
	assert_false(VALID("\xE2\x82" "a"));
	assert_false(VALID("\xF0\x9F\x98" "a"));
}

static void
test_valid_rejects_lone_continuation_byte(void **state)
{
	assert_false(VALID("\x80"));
	assert_false(VALID("\xBF"));
	assert_false(VALID("a\x80" "b"));
	assert_false(VALID("\xC3\xA9\xA9"));		/* one too many */
}

static void
test_valid_reads_only_len_bytes(void **state)
{
	assert_true(utf8_valid("ab\xFF", 2));
	assert_false(utf8_valid("\xC3\xA9", 1));	/* é cut in half */
}

static void
test_length_counts_code_points_not_bytes(void **state)
{
	assert_int_equal(LENGTH("\xC3\xA9\xC3\xA9\xC3\xA9"), 3);	/* ééé */
	assert_int_equal(LENGTH("a\xE2\x82\xAC\xF0\x9F\x98\x80"), 3);
}

static void
test_length_of_ascii_is_its_byte_count(void **state)
{
	assert_int_equal(LENGTH("hello"), 5);
	assert_int_equal(utf8_length("", 0), 0);
}

static void
test_length_reads_only_len_bytes(void **state)
{
	assert_int_equal(utf8_length("\xC3\xA9z", 2), 1);
}

static void
test_has_control_accepts_plain_text(void **state)
{
	assert_false(CONTROL("Bonjour \xC3\xA0 tous ~ \xE2\x82\xAC", false));
	assert_false(utf8_has_control("", 0, false));
}

static void
test_has_control_finds_c0(void **state)
{
	assert_true(CONTROL("\x01", false));
	assert_true(CONTROL("a\x1B[31m", false));	/* ESC */
	assert_true(CONTROL("a\x1F", false));
	assert_true(CONTROL("a\x00" "b", false));
}

static void
test_has_control_finds_del(void **state)
{
	assert_true(CONTROL("a\x7F", false));
	assert_true(CONTROL("a\x7F", true));
}

static void
test_has_control_finds_c1(void **state)
{
	assert_true(CONTROL("\xC2\x80", false));	/* U+0080 */
	assert_true(CONTROL("a\xC2\x85" "b", false));	/* NEL U+0085 */
	assert_true(CONTROL("\xC2\x9F", false));	/* U+009F */
	assert_true(CONTROL("a\xC2\x85" "b", true));
}

static void
test_has_control_accepts_latin1_supplement_after_c1(void **state)
{
	assert_false(CONTROL("\xC2\xA0", false));	/* no-break space */
	assert_false(CONTROL("\xC2\xA9", false));	/* © */
	assert_false(CONTROL("\xC3\xA9", false));	/* é */
}

static void
test_has_control_refuses_newlines_unless_allowed(void **state)
{
	assert_true(CONTROL("a\nb", false));
	assert_true(CONTROL("a\rb", false));
	assert_true(CONTROL("a\tb", false));
	assert_false(CONTROL("a\tb\r\nc\n", true));
}

static void
test_has_control_refuses_other_c0_even_with_newlines(void **state)
{
	assert_true(CONTROL("a\vb", true));		/* vertical tab */
	assert_true(CONTROL("a\fb", true));		/* form feed */
	assert_true(CONTROL("a\x00" "b", true));
	assert_true(CONTROL("a\x1B" "b", true));
}

static void
test_has_control_reads_only_len_bytes(void **state)
{
	assert_false(utf8_has_control("a\x01", 1, false));
	assert_false(utf8_has_control("\xC2\x85", 1, false));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_accepts_empty),
		cmocka_unit_test(test_valid_accepts_ascii),
		cmocka_unit_test(
		    test_valid_accepts_two_three_and_four_byte_sequences),
		cmocka_unit_test(test_valid_accepts_range_boundaries),
		cmocka_unit_test(test_valid_rejects_overlong_two_byte),
		cmocka_unit_test(test_valid_rejects_overlong_three_byte),
		cmocka_unit_test(test_valid_rejects_overlong_four_byte),
		cmocka_unit_test(test_valid_rejects_surrogates),
		cmocka_unit_test(test_valid_rejects_above_u10ffff),
		cmocka_unit_test(test_valid_rejects_bytes_never_in_utf8),
		cmocka_unit_test(test_valid_rejects_truncated_sequences),
		cmocka_unit_test(
		    test_valid_rejects_sequence_interrupted_by_ascii),
		cmocka_unit_test(test_valid_rejects_lone_continuation_byte),
		cmocka_unit_test(test_valid_reads_only_len_bytes),
		cmocka_unit_test(test_length_counts_code_points_not_bytes),
		cmocka_unit_test(test_length_of_ascii_is_its_byte_count),
		cmocka_unit_test(test_length_reads_only_len_bytes),
		cmocka_unit_test(test_has_control_accepts_plain_text),
		cmocka_unit_test(test_has_control_finds_c0),
		cmocka_unit_test(test_has_control_finds_del),
		cmocka_unit_test(test_has_control_finds_c1),
		cmocka_unit_test(
		    test_has_control_accepts_latin1_supplement_after_c1),
		cmocka_unit_test(
		    test_has_control_refuses_newlines_unless_allowed),
		cmocka_unit_test(
		    test_has_control_refuses_other_c0_even_with_newlines),
		cmocka_unit_test(test_has_control_reads_only_len_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

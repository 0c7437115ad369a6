/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of buf.c: appending, growth, formatting, the limit (an
 * overflow flag, after which appends are ignored) and handing the contents
 * over with buf_release().  Every test frees what it allocates, so that
 * LeakSanitizer also checks buf_free() and buf_release().
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "concerto/buf.h"

static void
test_new_buffer_reads_as_empty_string(void **state)
{
	struct buf	 b;

	buf_init(&b, 0);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_false(b.overflow);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
}

static void
test_puts_appends_in_order(void **state)
{
	struct buf	 b;

	buf_init(&b, 0);
	buf_puts(&b, "con");
	buf_puts(&b, "certo");
	assert_string_equal(buf_str(&b), "concerto");
	assert_int_equal(b.len, 8);
	buf_free(&b);
}

static void
test_putc_appends_one_byte(void **state)
{
	struct buf	 b;

	buf_init(&b, 0);
	buf_putc(&b, 'a');
	buf_putc(&b, 'b');
	assert_string_equal(buf_str(&b), "ab");
	assert_int_equal(b.len, 2);
	buf_free(&b);
}

static void
test_append_keeps_embedded_nul_and_terminates(void **state)
{
	struct buf	 b;

	buf_init(&b, 0);
	buf_append(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b", 3);
	assert_int_equal(b.data[3], '\0');
	buf_free(&b);
}

static void
test_append_of_nothing_still_gives_a_string(void **state)
{
	struct buf	 b;

	buf_init(&b, 0);
	buf_append(&b, "", 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_grows_past_initial_capacity(void **state)
{
	struct buf	 b;
	char		 chunk[100];
	size_t		 i;

	memset(chunk, 'x', sizeof(chunk));
	buf_init(&b, 0);
	for (i = 0; i < 1000; i++) {
		chunk[0] = (char)('a' + i % 26);
		buf_append(&b, chunk, sizeof(chunk));
	}
	assert_int_equal(b.len, 100000);
	assert_true(b.cap > b.len);
	assert_int_equal(strlen(b.data), 100000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(b.data[i * 100], 'a' + i % 26);
	assert_false(b.overflow);
	buf_free(&b);
}

static void
test_printf_formats(void **state)
{
	struct buf	 b;

	buf_init(&b, 0);
	buf_printf(&b, "%s=%d;%zu", "n", -42, (size_t)7);
	assert_string_equal(buf_str(&b), "n=-42;7");
	assert_int_equal(b.len, 7);
	buf_free(&b);
}

static void
test_printf_appends_after_existing_text(void **state)
{
	struct buf	 b;

	buf_init(&b, 0);
	buf_puts(&b, "Status: ");
	buf_printf(&b, "%d %s\r\n", 404, "Not Found");
	assert_string_equal(buf_str(&b), "Status: 404 Not Found\r\n");
	buf_free(&b);
}

static void
test_printf_grows_for_long_output(void **state)
{
	struct buf	 b;
	char		 big[5000];

	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_init(&b, 0);
	buf_putc(&b, '<');
	buf_printf(&b, "%s>", big);
	assert_int_equal(b.len, 1 + 4999 + 1);
	assert_int_equal(b.data[0], '<');
	assert_int_equal(b.data[5000], '>');
	assert_int_equal(b.data[5001], '\0');
	buf_free(&b);
}

static void
test_limit_allows_exactly_limit_bytes(void **state)
{
	struct buf	 b;

	buf_init(&b, 4);
	buf_puts(&b, "abcd");
	assert_false(b.overflow);
	assert_string_equal(buf_str(&b), "abcd");
	buf_free(&b);
}

static void
test_limit_exceeded_sets_overflow_flag(void **state)
{
	struct buf	 b;

	buf_init(&b, 4);
	buf_puts(&b, "abc");
	buf_puts(&b, "de");
	assert_true(b.overflow);
	buf_free(&b);
}

static void
test_overflowing_append_is_not_applied(void **state)
{
	struct buf	 b;

	buf_init(&b, 4);
	buf_puts(&b, "abc");
	buf_puts(&b, "de");
	assert_string_equal(buf_str(&b), "abc");
	assert_int_equal(b.len, 3);
	buf_free(&b);
}

static void
test_overflow_ignores_further_appends(void **state)
{
	struct buf	 b;

	buf_init(&b, 4);
	buf_puts(&b, "abcde");
	assert_true(b.overflow);
	buf_putc(&b, 'x');		/* would fit, but the buffer failed */
	buf_append(&b, "y", 1);
	buf_puts(&b, "z");
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	assert_true(b.overflow);
	buf_free(&b);
}

static void
test_overflow_ignores_further_printf(void **state)
{
	struct buf	 b;

	buf_init(&b, 8);
	buf_puts(&b, "ab");
	buf_printf(&b, "%s", "0123456789");
	assert_true(b.overflow);
	buf_printf(&b, "%d", 1);
	assert_string_equal(buf_str(&b), "ab");
	buf_free(&b);
}

static void
test_reset_empties_and_clears_overflow(void **state)
{
	struct buf	 b;

	buf_init(&b, 4);
	buf_puts(&b, "abc");
	buf_puts(&b, "de");
	buf_reset(&b);
	assert_false(b.overflow);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	buf_puts(&b, "wxyz");
	assert_string_equal(buf_str(&b), "wxyz");
	buf_free(&b);
}

static void
test_free_keeps_the_limit_for_reuse(void **state)
{
	struct buf	 b;

	buf_init(&b, 2);
	buf_puts(&b, "ab");
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	buf_puts(&b, "abc");
	assert_true(b.overflow);
	buf_free(&b);
}

static void
test_release_hands_over_contents_and_empties(void **state)
{
	struct buf	 b;
	char		*s;

	buf_init(&b, 0);
	buf_puts(&b, "owned by the caller");
	s = buf_release(&b);
	assert_string_equal(s, "owned by the caller");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(buf_str(&b), "");
	free(s);
	buf_free(&b);
}

static void
test_release_of_empty_buffer_gives_empty_string(void **state)
{
	struct buf	 b;
	char		*s;

	buf_init(&b, 0);
	s = buf_release(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

static void
test_buffer_is_reusable_after_release(void **state)
{
	struct buf	 b;
	char		*s;

	buf_init(&b, 0);
	buf_puts(&b, "first");
	s = buf_release(&b);
	buf_puts(&b, "second");
	assert_string_equal(buf_str(&b), "second");
	assert_string_equal(s, "first");
	free(s);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_buffer_reads_as_empty_string),
		cmocka_unit_test(test_puts_appends_in_order),
		cmocka_unit_test(test_putc_appends_one_byte),
		cmocka_unit_test(test_append_keeps_embedded_nul_and_terminates),
		cmocka_unit_test(test_append_of_nothing_still_gives_a_string),
		cmocka_unit_test(test_grows_past_initial_capacity),
		cmocka_unit_test(test_printf_formats),
		cmocka_unit_test(test_printf_appends_after_existing_text),
		cmocka_unit_test(test_printf_grows_for_long_output),
		cmocka_unit_test(test_limit_allows_exactly_limit_bytes),
		cmocka_unit_test(test_limit_exceeded_sets_overflow_flag),
		cmocka_unit_test(test_overflowing_append_is_not_applied),
		cmocka_unit_test(test_overflow_ignores_further_appends),
		cmocka_unit_test(test_overflow_ignores_further_printf),
		cmocka_unit_test(test_reset_empties_and_clears_overflow),
		cmocka_unit_test(test_free_keeps_the_limit_for_reuse),
		cmocka_unit_test(test_release_hands_over_contents_and_empties),
		cmocka_unit_test(test_release_of_empty_buffer_gives_empty_string),
		cmocka_unit_test(test_buffer_is_reusable_after_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

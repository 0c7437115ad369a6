/*
 * Unit tests of csv.c: every cell quoted, quotes doubled, separators and
 * line ends, and cells a spreadsheet would run as formulas defused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "concerto/csv.h"

static void
row(struct buf *b, const char *a, const char *c)
{
	buf_init(b, 0);
	csv_cell(b, a, 1);
	csv_cell(b, c, 0);
	csv_row_end(b);
}

static void
test_cells_are_quoted_and_separated(void **state)
{
	struct buf	 b;

	row(&b, "1", "Fatigue, douleur");
	assert_string_equal(buf_str(&b), "\"1\",\"Fatigue, douleur\"\r\n");
	buf_free(&b);
}

static void
test_quotes_are_doubled(void **state)
{
	struct buf	 b;

	row(&b, "le \"retour\" au travail", "");
	assert_string_equal(buf_str(&b),
	    "\"le \"\"retour\"\" au travail\",\"\"\r\n");
	buf_free(&b);
}

static void
test_null_is_an_empty_cell(void **state)
{
	struct buf	 b;

	row(&b, NULL, "x");
	assert_string_equal(buf_str(&b), "\"\",\"x\"\r\n");
	buf_free(&b);
}

static void
test_formula_cells_get_a_leading_apostrophe(void **state)
{
	static const char *const bad[] = { "=HYPERLINK(\"x\")", "+1", "-2",
		"@SUM(A1)", "\tx", "\rx" };
	struct buf	 b;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_init(&b, 0);
		csv_cell(&b, bad[i], 1);
		assert_int_equal(b.data[0], '"');
		assert_int_equal(b.data[1], '\'');
		buf_free(&b);
	}
}

static void
test_newlines_stay_inside_the_quoted_cell(void **state)
{
	struct buf	 b;

	row(&b, "ligne 1\nligne 2", "z");
	assert_string_equal(buf_str(&b), "\"ligne 1\nligne 2\",\"z\"\r\n");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells_are_quoted_and_separated),
		cmocka_unit_test(test_quotes_are_doubled),
		cmocka_unit_test(test_null_is_an_empty_cell),
		cmocka_unit_test(test_formula_cells_get_a_leading_apostrophe),
		cmocka_unit_test(test_newlines_stay_inside_the_quoted_cell),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

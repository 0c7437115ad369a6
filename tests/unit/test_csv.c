/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of csv.c: every cell quoted, quotes doubled, separators and
 * line ends, and cells a spreadsheet would run as formulas defused, also
 * behind leading white space (ASCII and Unicode) and in full width.
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

/* True if the cell s is written with the leading apostrophe. */
static int
guarded(const char *s)
{
	struct buf	 b;
	int		 g;

	buf_init(&b, 0);
	csv_cell(&b, s, 1);
	g = b.len > 1 && b.data[1] == '\'';
	buf_free(&b);
	return g;
}

static void
test_formula_after_leading_white_space_is_defused(void **state)
{
	static const char *const bad[] = {
		" =HYPERLINK(\"x\")", "  +1", " \t-2", "\n@SUM(A1)",
		"\v=1", "\f=1",
		"\xc2\xa0=1",			/* NBSP */
		"\xc2\x85=1",			/* NEL */
		"\xe2\x80\x83+1",		/* em space */
		"\xe2\x80\x8b=1",		/* zero width space */
		"\xe2\x80\xaf-1",		/* narrow NBSP */
		"\xe2\x81\x9f@x",		/* medium mathematical space */
		"\xe3\x80\x80=1",		/* ideographic space */
		"\xef\xbb\xbf=1",		/* byte order mark */
		"\xe1\x9a\x80=1",		/* ogham space mark */
		" \xc2\xa0\xe3\x80\x80 =cmd",	/* several kinds in a row */
	};
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!guarded(bad[i]))
			fail_msg("cell %zu is not defused", i);
}

static void
test_full_width_formula_signs_are_defused(void **state)
{
	static const char *const bad[] = {
		"\xef\xbc\x9d" "1+1",		/* U+FF1D full-width = */
		"\xef\xbc\x8b" "1",		/* U+FF0B full-width + */
		"\xef\xbc\x8d" "1",		/* U+FF0D full-width - */
		"\xef\xbc\xa0SUM(A1)",	/* U+FF20 full-width @ */
		" \xef\xbc\x9d" "1",		/* after a space */
		"\xe3\x80\x80\xef\xbc\x9d" "1",	/* after an ideographic space */
	};
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!guarded(bad[i]))
			fail_msg("cell %zu is not defused", i);
}

static void
test_plain_text_keeps_its_first_character(void **state)
{
	static const char *const fine[] = { "Fatigue", " Fatigue",
		"a=b", "\xc2\xa0texte", "\xe3\x80\x80\xe6\x96\x87",
		"\xef\xbc\xa1", "\xc3\xa9=1", "", "   " };
	struct buf	 b;
	size_t		 i;

	for (i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
		if (guarded(fine[i]))
			fail_msg("cell %zu is changed", i);
	buf_init(&b, 0);
	csv_cell(&b, " =1", 1);
	assert_string_equal(buf_str(&b), "\"' =1\"");
	buf_free(&b);
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
		cmocka_unit_test(test_formula_after_leading_white_space_is_defused),
		cmocka_unit_test(test_full_width_formula_signs_are_defused),
		cmocka_unit_test(test_plain_text_keeps_its_first_character),
		cmocka_unit_test(test_newlines_stay_inside_the_quoted_cell),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

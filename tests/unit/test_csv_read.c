/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of csv_read.c: plain and quoted fields, doubled quotes, commas
 * and line ends inside quotes, CRLF, LF and CR, a byte order mark, blank
 * lines, the line each record starts on, and each malformed input refused
 * with its reason.  What csv.c writes reads back as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/buf.h"
#include "concerto/csv.h"
#include "concerto/csv_read.h"

struct reading {
	FILE			*fp;
	struct csv_reader	 r;
	struct csv_record	 rec;
	char			 err[128];
};

static struct reading *
reading_open(const char *text, size_t len)
{
	struct reading	*rd = calloc(1, sizeof(*rd));

	assert_non_null(rd);
	rd->fp = fmemopen((void *)text, len, "r");
	assert_non_null(rd->fp);
	csv_reader_init(&rd->r, rd->fp);
	return rd;
}

static void
reading_close(struct reading *rd)
{
	fclose(rd->fp);
	free(rd);
}

static enum csv_status
next(struct reading *rd)
{
	return csv_read(&rd->r, &rd->rec, rd->err, sizeof(rd->err));
}

static void
test_plain_records_with_lf(void **state)
{
	static const char	 t[] = "a,b,c\n1,,3\n";
	struct reading		*rd = reading_open(t, sizeof(t) - 1);

	assert_int_equal(next(rd), CSV_RECORD);
	assert_int_equal(rd->rec.n, 3);
	assert_string_equal(rd->rec.field[2], "c");
	assert_int_equal(rd->rec.line, 1);
	assert_int_equal(next(rd), CSV_RECORD);
	assert_int_equal(rd->rec.n, 3);
	assert_string_equal(rd->rec.field[1], "");
	assert_int_equal(rd->rec.line, 2);
	assert_int_equal(next(rd), CSV_END);
	reading_close(rd);
}

static void
test_quoted_fields_bom_and_crlf(void **state)
{
	static const char	 t[] = "\xEF\xBB\xBF\"x\",\"Val-d'Oise, \"\"95\"\"\""
	    "\r\n\"two\r\nlines\",\"\"\r\nlast,\"\"\"\"";
	struct reading		*rd = reading_open(t, sizeof(t) - 1);

	assert_int_equal(next(rd), CSV_RECORD);
	assert_int_equal(rd->rec.n, 2);
	assert_string_equal(rd->rec.field[0], "x");
	assert_string_equal(rd->rec.field[1], "Val-d'Oise, \"95\"");
	assert_int_equal(next(rd), CSV_RECORD);
	assert_int_equal(rd->rec.line, 2);
	assert_string_equal(rd->rec.field[0], "two\r\nlines");
	assert_string_equal(rd->rec.field[1], "");
	assert_int_equal(next(rd), CSV_RECORD);
	assert_int_equal(rd->rec.line, 4);
	assert_string_equal(rd->rec.field[0], "last");
	assert_string_equal(rd->rec.field[1], "\"");
	assert_int_equal(next(rd), CSV_END);
	reading_close(rd);
}

static void
test_blank_lines_and_lone_cr_are_skipped(void **state)
{
	static const char	 t[] = "\n\r\na\rb\n\n";
	struct reading		*rd = reading_open(t, sizeof(t) - 1);

	assert_int_equal(next(rd), CSV_RECORD);
	assert_int_equal(rd->rec.line, 3);
	assert_string_equal(rd->rec.field[0], "a");
	assert_int_equal(next(rd), CSV_RECORD);
	assert_int_equal(rd->rec.line, 4);
	assert_string_equal(rd->rec.field[0], "b");
	assert_int_equal(next(rd), CSV_END);
	reading_close(rd);
}

static void
assert_refused(const char *t, size_t len, const char *reason, int line)
{
	struct reading	*rd = reading_open(t, len);
	enum csv_status	 st;

	while ((st = next(rd)) == CSV_RECORD)
		;
	assert_int_equal(st, CSV_ERROR);
	assert_non_null(strstr(rd->err, reason));
	assert_int_equal(rd->rec.line, line);
	reading_close(rd);
}

static void
test_malformed_input_is_refused_with_reason(void **state)
{
	static char	 lng[CSV_FIELD_MAX + 2], many[2 * CSV_FIELDS_MAX + 2];
	static const char nul[] = "a\0b\n";

	assert_refused("ok\nab\"c\n", 8, "a quote inside a field", 2);
	assert_refused("\"ab\"c\n", 6, "text after the closing quote", 1);
	assert_refused("x\n\"open,\nstill\n", 15, "not closed", 2);
	assert_refused(nul, sizeof(nul) - 1, "NUL", 1);
	assert_refused("\xEF\xBB", 2, "not UTF-8", 1);
	memset(lng, 'x', sizeof(lng) - 1);
	assert_refused(lng, sizeof(lng) - 1, "longer than", 1);
	memset(many, ',', sizeof(many) - 1);
	assert_refused(many, sizeof(many) - 1, "more than 16 fields", 1);
}

static void
test_what_csv_writes_reads_back(void **state)
{
	static const char *const cells[] = { "plain", "a,b", "say \"hi\"",
	    "two\nlines", "", "=1+1" };
	struct buf	 b;
	struct reading	*rd;
	size_t		 i;

	buf_init(&b, 0);
	for (i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
		csv_cell(&b, cells[i], i == 0);
	csv_row_end(&b);
	rd = reading_open(buf_str(&b), b.len);
	assert_int_equal(next(rd), CSV_RECORD);
	assert_int_equal(rd->rec.n, 6);
	for (i = 0; i < 5; i++)
		assert_string_equal(rd->rec.field[i], cells[i]);
	assert_string_equal(rd->rec.field[5], "'=1+1");	/* defused */
	assert_int_equal(next(rd), CSV_END);
	reading_close(rd);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_records_with_lf),
		cmocka_unit_test(test_quoted_fields_bom_and_crlf),
		cmocka_unit_test(test_blank_lines_and_lone_cr_are_skipped),
		cmocka_unit_test(test_malformed_input_is_refused_with_reason),
		cmocka_unit_test(test_what_csv_writes_reads_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

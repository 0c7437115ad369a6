/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of sql_split_next(): where a migration script's statements
 * end, with semicolons inside quotes, dollar-quoted bodies and comments,
 * and scripts that never close one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/sql_split.h"

/* Splits script and asserts the statements are want[0..n). */
static void
splits_into(const char *script, const char *const *want, size_t n)
{
	const char	*p = script, *stmt;
	size_t		 len, i = 0;
	int		 rc;

	while ((rc = sql_split_next(&p, &stmt, &len)) == 1) {
		assert_true(i < n);
		assert_int_equal(len, strlen(want[i]));
		assert_memory_equal(stmt, want[i], len);
		i++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(i, n);
}

static void
unclosed(const char *script)
{
	const char	*p = script, *stmt;
	size_t		 len;
	int		 rc;

	while ((rc = sql_split_next(&p, &stmt, &len)) == 1)
		continue;
	assert_int_equal(rc, -1);
}

static void
test_plain_statements(void **state)
{
	static const char *const want[] = { "CREATE TABLE t (a int)",
	    "INSERT INTO t VALUES (1)", "SELECT 1" };

	(void)state;
	splits_into("CREATE TABLE t (a int);\n\nINSERT INTO t VALUES (1);"
	    "  SELECT 1", want, 3);
	splits_into("", NULL, 0);
	splits_into(" ;\n; -- only a comment\n/* and another */\n", NULL, 0);
}

static void
test_quotes_keep_semicolons(void **state)
{
	static const char *const want[] = {
	    "INSERT INTO t VALUES ('a;b', 'it''s; fine')",
	    "SELECT \"odd;name\"", "SELECT E'\\';'" };

	(void)state;
	splits_into("INSERT INTO t VALUES ('a;b', 'it''s; fine');"
	    "SELECT \"odd;name\";SELECT E'\\';';", want, 3);
}

static void
test_dollar_quotes(void **state)
{
	static const char *const want[] = {
	    "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$",
	    "DO $body$ BEGIN PERFORM 1; RAISE NOTICE '$$'; END $body$",
	    "PREPARE q AS SELECT $1::int" };

	(void)state;
	splits_into("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS "
	    "$$ SELECT 1; $$;\nDO $body$ BEGIN PERFORM 1; RAISE NOTICE '$$'; "
	    "END $body$;\nPREPARE q AS SELECT $1::int;", want, 3);
}

static void
test_comments(void **state)
{
	static const char *const want[] = { "SELECT 1 /* a; /* nested; */ b */",
	    "SELECT 2 -- x; y\n" };

	(void)state;
	splits_into("-- first; comment\nSELECT 1 /* a; /* nested; */ b */;\n"
	    "SELECT 2 -- x; y\n;", want, 2);
}

static void
test_unclosed(void **state)
{
	(void)state;
	unclosed("SELECT 'never closed; ");
	unclosed("SELECT \"never;");
	unclosed("DO $$ BEGIN NULL; END;");
	unclosed("SELECT 1; /* no end");
}

/* Every migration shipped in sql/ splits without an unclosed construct. */
static void
test_shipped_migrations(void **state)
{
	static const char *const files[] = { "sql/001_foundation.sql",
	    "sql/002_accounts.sql", "sql/003_consultations.sql",
	    "sql/004_geo.sql", "sql/005_comments.sql",
	    "sql/006_moderation.sql" };
	size_t		 i, n, len;
	long		 size;
	const char	*p, *stmt;
	char		*text;
	FILE		*f;
	int		 rc;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		f = fopen(files[i], "rb");
		assert_non_null(f);
		assert_int_equal(fseek(f, 0, SEEK_END), 0);
		size = ftell(f);
		rewind(f);
		text = calloc(1, (size_t)size + 1);
		assert_non_null(text);
		assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
		fclose(f);
		p = text;
		n = 0;
		while ((rc = sql_split_next(&p, &stmt, &len)) == 1)
			n++;
		assert_int_equal(rc, 0);
		assert_true(n > 1);
		free(text);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_statements),
		cmocka_unit_test(test_quotes_keep_semicolons),
		cmocka_unit_test(test_dollar_quotes),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_unclosed),
		cmocka_unit_test(test_shipped_migrations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

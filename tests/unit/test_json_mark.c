/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of json_mark.c: a text without marks comes out as it went
 * in; marks set on nested objects give what a tree would; strings that
 * look like JSON are left alone; what cannot be marked fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/json_mark.h"

/* json_mark() of in with marks given as JSON text; -1 or 0, out set. */
static int
mark(const char *in, const char *marks_text, struct buf *out)
{
	json_t	*marks = json_loads(marks_text, 0, NULL);
	int	 rc;

	assert_non_null(marks);
	rc = json_mark(in, strlen(in), marks, out);
	json_decref(marks);
	return rc;
}

static void
test_unmarked_text_unchanged(void **state)
{
	const char *in[] = {
		"{\"comments\":[],\"next_cursor\":null}",
		" { \"id\" : 1 , \"mine\" : false , \"x\" : [ 1 , 2.5e3 , -3 ] } ",
		"[\"a\\\"}{\",{\"id\":2,\"b\":\"\\\\\"}]",
		"{}",
		"[]",
	};
	struct buf	 out;
	size_t		 i;

	buf_init(&out, 0);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		assert_int_equal(mark(in[i], "{\"9\":{\"mine\":true}}", &out), 0);
		assert_string_equal(buf_str(&out), in[i]);
	}
	buf_free(&out);
}

static void
test_marks_nested_objects(void **state)
{
	const char *in = "{\"comments\":[{\"id\":1,\"mine\":false,\"my_vote\":0,"
	    "\"body\":\"{\\\"id\\\":2,\\\"mine\\\":false}\",\"replies\":[{\"id\":2,"
	    "\"mine\":false,\"my_vote\":0,\"replies\":[]},{\"id\":3,\"mine\":false,"
	    "\"my_vote\":0,\"replies\":[]}]}],\"next_cursor\":\"1\"}";
	struct buf	 out;

	buf_init(&out, 0);
	assert_int_equal(mark(in, "{\"2\":{\"mine\":true},"
	    "\"3\":{\"my_vote\":-1},\"1\":{\"my_vote\":1},\"77\":{\"mine\":true}}",
	    &out), 0);
	assert_string_equal(buf_str(&out), "{\"comments\":[{\"id\":1,"
	    "\"mine\":false,\"my_vote\":1,"
	    "\"body\":\"{\\\"id\\\":2,\\\"mine\\\":false}\",\"replies\":[{\"id\":2,"
	    "\"mine\":true,\"my_vote\":0,\"replies\":[]},{\"id\":3,\"mine\":false,"
	    "\"my_vote\":-1,\"replies\":[]}]}],\"next_cursor\":\"1\"}");
	/* Strings and reals are written as JSON. */
	assert_int_equal(mark("[{\"id\":5,\"s\":\"old\",\"r\":1}]",
	    "{\"5\":{\"s\":\"n\\u00e9 \\\"x\\\"\",\"r\":0.5}}", &out), 0);
	assert_string_equal(buf_str(&out),
	    "[{\"id\":5,\"s\":\"n\xc3\xa9 \\\"x\\\"\",\"r\":0.5}]");
	buf_free(&out);
}

/* A page as the worker builds it: the marks give what the tree would. */
static void
test_same_as_a_tree(void **state)
{
	json_t	*page = json_object(), *list = json_array(), *marks, *c, *r,
		*want;
	struct buf	 out;
	char		*text, id[24];
	int		 i, j;

	marks = json_object();
	for (i = 0; i < 40; i++) {
		c = json_pack("{s:i,s:s,s:b,s:f,s:i,s:[]}", "id", 100 * i,
		    "body", "« Merci » {\"id\":1}", "mine", 0, "score", 0.25,
		    "my_vote", 0, "replies");
		for (j = 1; j < 5; j++) {
			r = json_pack("{s:i,s:b,s:i,s:[]}", "id", 100 * i + j,
			    "mine", 0, "my_vote", 0, "replies");
			json_array_append_new(json_object_get(c, "replies"), r);
		}
		json_array_append_new(list, c);
		if (i % 3 == 0) {
			snprintf(id, sizeof(id), "%d", 100 * i + i % 5);
			json_object_set_new(marks, id, i % 2 ?
			    json_pack("{s:b}", "mine", 1) :
			    json_pack("{s:i}", "my_vote", -1));
		}
	}
	json_object_set_new(page, "comments", list);
	text = json_dumps(page, JSON_COMPACT | JSON_PRESERVE_ORDER);
	buf_init(&out, 0);
	assert_int_equal(json_mark(text, strlen(text), marks, &out), 0);

	for (i = 0; i < 40; i++) {
		c = json_array_get(list, (size_t)i);
		if (i % 3 != 0)
			continue;
		if (i % 5 != 0)
			c = json_array_get(json_object_get(c, "replies"),
			    (size_t)(i % 5 - 1));
		snprintf(id, sizeof(id), "%d", 100 * i + i % 5);
		json_object_update(c, json_object_get(marks, id));
	}
	want = json_loads(buf_str(&out), 0, NULL);
	assert_non_null(want);
	assert_true(json_equal(want, page));
	json_decref(want);
	free(text);
	buf_free(&out);
	json_decref(marks);
	json_decref(page);
}

static void
test_what_cannot_be_marked_fails(void **state)
{
	struct buf	 out;
	json_t		*none = json_object();
	char		 deep[200];
	int		 i;

	buf_init(&out, 0);
	/* The member comes before "id", or is absent, or not a scalar. */
	assert_int_equal(mark("[{\"mine\":false,\"id\":1}]",
	    "{\"1\":{\"mine\":true}}", &out), -1);
	assert_int_equal(mark("[{\"id\":1,\"up\":0}]",
	    "{\"1\":{\"mine\":true}}", &out), -1);
	assert_int_equal(mark("[{\"id\":1,\"mine\":{}}]",
	    "{\"1\":{\"mine\":true}}", &out), -1);
	/* Not JSON. */
	assert_int_equal(mark("{\"id\":1,", "{}", &out), -1);
	assert_int_equal(mark("{\"id\":1}}", "{}", &out), -1);
	assert_int_equal(mark("[\"abc]", "{}", &out), -1);
	assert_int_equal(mark("{id:1}", "{}", &out), -1);
	assert_int_equal(mark("", "{}", &out), -1);
	/* Nested past the limit. */
	for (i = 0; i < 100; i++)
		deep[i] = '[';
	for (i = 100; i < 200; i++)
		deep[i] = ']';
	assert_int_equal(json_mark(deep, sizeof(deep), none, &out), -1);
	json_decref(none);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unmarked_text_unchanged),
		cmocka_unit_test(test_marks_nested_objects),
		cmocka_unit_test(test_same_as_a_tree),
		cmocka_unit_test(test_what_cannot_be_marked_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

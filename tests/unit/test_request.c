/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of request.c: FastCGI parameters (a NULL-terminated envp
 * array, as the worker hands it over) and a body reader over a memory
 * buffer, into a struct request.  Each test parses, asserts what a handler
 * or the router relies on, and calls request_free(), so LeakSanitizer
 * checks the refusals as well as the successes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/request.h"

#define MAX_BODY	1024

/* A body reader over a memory buffer, giving at most chunk bytes a call. */
struct reader {
	const char	*data;
	size_t		 len;
	size_t		 off;
	size_t		 chunk;		/* 0: as much as asked */
	int		 calls;
	int		 fail;		/* return -1 instead of reading */
};

static int
reader_read(void *arg, char *dst, int n)
{
	struct reader	*rd = arg;
	size_t		 k = (size_t)n;

	rd->calls++;
	if (rd->fail)
		return -1;
	if (rd->chunk > 0 && k > rd->chunk)
		k = rd->chunk;
	if (k > rd->len - rd->off)
		k = rd->len - rd->off;
	memcpy(dst, rd->data + rd->off, k);
	rd->off += k;
	return (int)k;
}

/* Parses env with an empty body; returns request_parse()'s status. */
static int
parse(struct request *r, char **env, const char **code)
{
	struct reader	 rd = { "", 0, 0, 0, 0, 0 };
	const char	*msg = NULL;
	int		 status;

	*code = NULL;
	memset(r, 0, sizeof(*r));
	status = request_parse(r, env, MAX_BODY, reader_read, &rd, code, &msg);
	if (status != 0)
		assert_non_null(msg);
	return status;
}

/* Parses a GET of uri; returns the status. */
static int
parse_uri(struct request *r, const char *uri, const char **code)
{
	static char	 line[512];
	char		*env[] = { "REQUEST_METHOD=GET", line, NULL };

	snprintf(line, sizeof(line), "REQUEST_URI=%s", uri);
	return parse(r, env, code);
}

/* Asserts that uri is refused as 400 invalid_path; frees the request. */
static void
assert_path_refused(const char *uri)
{
	struct request	 r;
	const char	*code;
	int		 status;

	status = parse_uri(&r, uri, &code);
	request_free(&r);
	if (status != 400 || code == NULL ||
	    strcmp(code, "invalid_path") != 0)
		fail_msg("path \"%s\" gave %d %s, not 400 invalid_path", uri,
		    status, code ? code : "(none)");
}

/* Asserts that uri is accepted and its path decodes to want. */
static void
assert_path_decodes_to(const char *uri, const char *want)
{
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_uri(&r, uri, &code), 0);
	assert_string_equal(r.path, want);
	request_free(&r);
}

/* Asserts that uri is refused as 400 invalid_query; frees the request. */
static void
assert_query_refused(const char *uri)
{
	struct request	 r;
	const char	*code;
	int		 status;

	status = parse_uri(&r, uri, &code);
	request_free(&r);
	if (status != 400 || code == NULL ||
	    strcmp(code, "invalid_query") != 0)
		fail_msg("\"%s\" gave %d %s, not 400 invalid_query", uri,
		    status, code ? code : "(none)");
}

/* Parses a POST with the given Content-Length line and reader. */
static int
parse_body(struct request *r, const char *cl, struct reader *rd,
    size_t max_body, const char **code)
{
	static char	 line[128];
	char		*env[] = { "REQUEST_METHOD=POST",
	    "REQUEST_URI=/api/v1/session",
	    "CONTENT_TYPE=application/json", line, NULL };
	const char	*msg = NULL;

	snprintf(line, sizeof(line), "CONTENT_LENGTH=%s", cl);
	*code = NULL;
	memset(r, 0, sizeof(*r));
	return request_parse(r, env, max_body, reader_read, rd, code, &msg);
}

/* --- method, path and parameters ------------------------------------ */

static void
test_parse_get_with_path_and_query(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET",
	    "REQUEST_URI=/api/health?x=1", NULL };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse(&r, env, &code), 0);
	assert_int_equal(r.method, METHOD_GET);
	assert_string_equal(r.path, "/api/health");
	assert_int_equal(r.nquery, 1);
	assert_string_equal(request_query(&r, "x"), "1");
	assert_null(r.body);
	assert_int_equal(r.bodylen, 0);
	assert_int_equal(r.route_index, -1);
	request_free(&r);
}

static void
test_parse_reads_each_method(void **state)
{
	static const struct {
		const char		*env;
		enum http_method	 m;
	} cases[] = {
		{ "REQUEST_METHOD=GET", METHOD_GET },
		{ "REQUEST_METHOD=HEAD", METHOD_HEAD },
		{ "REQUEST_METHOD=POST", METHOD_POST },
		{ "REQUEST_METHOD=PUT", METHOD_PUT },
		{ "REQUEST_METHOD=PATCH", METHOD_PATCH },
		{ "REQUEST_METHOD=DELETE", METHOD_DELETE },
		{ "REQUEST_METHOD=OPTIONS", METHOD_OPTIONS },
	};
	struct request	 r;
	const char	*code;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char	*env[] = { (char *)cases[i].env, "REQUEST_URI=/", NULL };

		assert_int_equal(parse(&r, env, &code), 0);
		assert_int_equal(r.method, cases[i].m);
		request_free(&r);
	}
}

static void
test_parse_unknown_method_is_method_max(void **state)
{
	char		*env[] = { "REQUEST_METHOD=get", "REQUEST_URI=/", NULL };
	char		*none[] = { "REQUEST_URI=/", NULL };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse(&r, env, &code), 0);
	assert_int_equal(r.method, METHOD__MAX);
	request_free(&r);
	assert_int_equal(parse(&r, none, &code), 0);
	assert_int_equal(r.method, METHOD__MAX);
	request_free(&r);
}

static void
test_parse_without_request_uri_is_root(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET", NULL };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse(&r, env, &code), 0);
	assert_string_equal(r.path, "/");
	request_free(&r);
}

static void
test_parse_keeps_content_type_and_remote_addr(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "CONTENT_TYPE=application/json; charset=utf-8",
	    "REMOTE_ADDR=192.0.2.7", NULL };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse(&r, env, &code), 0);
	assert_string_equal(r.content_type, "application/json; charset=utf-8");
	assert_string_equal(r.remote_addr, "192.0.2.7");
	request_free(&r);
}

static void
test_parse_empty_content_type_is_null(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "CONTENT_TYPE=", NULL };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse(&r, env, &code), 0);
	assert_null(r.content_type);
	assert_null(r.remote_addr);
	request_free(&r);
}

static void
test_param_finds_exact_name(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "HTTP_HOSTNAME=wrong", "HTTP_HOST=concerto.example",
	    "HTTP_X=a=b", "HTTP_EMPTY=", NULL };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse(&r, env, &code), 0);
	assert_string_equal(request_param(&r, "HTTP_HOST"),
	    "concerto.example");
	assert_string_equal(request_param(&r, "HTTP_X"), "a=b");
	assert_string_equal(request_param(&r, "HTTP_EMPTY"), "");
	assert_null(request_param(&r, "HTTP_HO"));
	assert_null(request_param(&r, "HTTP_ORIGIN"));
	assert_null(request_param(&r, "http_host"));
	request_free(&r);
}

static void
test_param_of_unparsed_request_is_null(void **state)
{
	struct request	 r;

	memset(&r, 0, sizeof(r));
	assert_null(request_param(&r, "REQUEST_METHOD"));
}

/* --- path ------------------------------------------------------------ */

static void
test_path_decodes_percent_space(void **state)
{
	assert_path_decodes_to("/a%20b", "/a b");
}

static void
test_path_decodes_utf8_escape(void **state)
{
	assert_path_decodes_to("/caf%C3%A9", "/caf\xC3\xA9");
	assert_path_decodes_to("/caf%c3%a9", "/caf\xC3\xA9");
}

static void
test_path_accepts_raw_utf8(void **state)
{
	assert_path_decodes_to("/caf\xC3\xA9", "/caf\xC3\xA9");
}

static void
test_path_keeps_plus_literal(void **state)
{
	assert_path_decodes_to("/a+b", "/a+b");
}

static void
test_path_stops_at_question_mark(void **state)
{
	assert_path_decodes_to("/a%3Fb?c=d", "/a?b");
}

static void
test_path_accepts_dots_inside_names(void **state)
{
	assert_path_decodes_to("/.well-known/x", "/.well-known/x");
	assert_path_decodes_to("/a..b/c.", "/a..b/c.");
	assert_path_decodes_to("/...", "/...");
}

static void
test_path_keeps_trailing_slash(void **state)
{
	assert_path_decodes_to("/api/health/", "/api/health/");
}

static void
test_path_rejects_dot_dot_segment(void **state)
{
	assert_path_refused("/a/../b");
	assert_path_refused("/..");
	assert_path_refused("/a/..");
	assert_path_refused("/../etc/passwd");
}

static void
test_path_rejects_dot_segment(void **state)
{
	assert_path_refused("/a/./b");
	assert_path_refused("/.");
	assert_path_refused("/a/.");
}

static void
test_path_rejects_encoded_dot_segments(void **state)
{
	assert_path_refused("/a/%2e%2e/b");
	assert_path_refused("/a/%2E./b");
	assert_path_refused("/%2e");
}

static void
test_path_rejects_encoded_slash(void **state)
{
	assert_path_refused("/a%2Fb");
	assert_path_refused("/a%2fb");
	assert_path_refused("/api%2Fhealth");
}

static void
test_path_rejects_encoded_backslash(void **state)
{
	assert_path_refused("/a%5Cb");
	assert_path_refused("/a%5cb");
}

static void
test_path_rejects_raw_backslash(void **state)
{
	assert_path_refused("/a\\b");
}

static void
test_path_accepts_double_encoded_slash_as_text(void **state)
{
	assert_path_decodes_to("/a%252Fb", "/a%2Fb");
}

static void
test_path_rejects_encoded_nul(void **state)
{
	assert_path_refused("/a%00b");
	assert_path_refused("/%00");
}

static void
test_path_rejects_invalid_utf8(void **state)
{
	assert_path_refused("/%FF");
	assert_path_refused("/%C3");
	assert_path_refused("/%C0%AF");		/* overlong '/' */
	assert_path_refused("/%ED%A0%80");	/* surrogate */
	assert_path_refused("/\xFF");
}

static void
test_path_rejects_control_characters(void **state)
{
	assert_path_refused("/a%0Ab");
	assert_path_refused("/a%0Db");
	assert_path_refused("/a%09b");
	assert_path_refused("/a%01b");
	assert_path_refused("/a%7Fb");
	assert_path_refused("/a%C2%85b");	/* C1 NEL */
	assert_path_refused("/a\tb");
}

static void
test_path_rejects_missing_leading_slash(void **state)
{
	assert_path_refused("api/health");
	assert_path_refused("");
	assert_path_refused("?x=1");
	assert_path_refused("http://concerto.example/api/health");
	assert_path_refused("*");
}

static void
test_path_rejects_bad_escape(void **state)
{
	assert_path_refused("/a%");
	assert_path_refused("/a%4");
	assert_path_refused("/a%zz");
	assert_path_refused("/a%G0");
}

static void
test_path_refusal_sets_code_and_message(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/a/../b",
	    NULL };
	struct reader	 rd = { "", 0, 0, 0, 0, 0 };
	struct request	 r;
	const char	*code = NULL, *msg = NULL;

	memset(&r, 0, sizeof(r));
	assert_int_equal(request_parse(&r, env, MAX_BODY, reader_read, &rd,
	    &code, &msg), 400);
	assert_string_equal(code, "invalid_path");
	assert_non_null(msg);
	assert_true(strlen(msg) > 0);
	request_free(&r);
}

/* --- query ----------------------------------------------------------- */

static void
test_query_decodes_plus_as_space(void **state)
{
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_uri(&r, "/?q=a+b%20c%2Bd", &code), 0);
	assert_string_equal(request_query(&r, "q"), "a b c+d");
	request_free(&r);
}

static void
test_query_decodes_keys(void **state)
{
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_uri(&r, "/?a%5Bb%5D=1&x+y=2", &code), 0);
	assert_string_equal(request_query(&r, "a[b]"), "1");
	assert_string_equal(request_query(&r, "x y"), "2");
	request_free(&r);
}

static void
test_query_decodes_utf8(void **state)
{
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_uri(&r, "/?q=%C3%A9t%C3%A9", &code), 0);
	assert_string_equal(request_query(&r, "q"), "\xC3\xA9t\xC3\xA9");
	request_free(&r);
}

static void
test_query_repeated_key_first_wins(void **state)
{
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_uri(&r, "/?a=1&b=2&a=3", &code), 0);
	assert_string_equal(request_query(&r, "a"), "1");
	assert_string_equal(request_query(&r, "b"), "2");
	request_free(&r);
}

static void
test_query_key_without_value_is_empty(void **state)
{
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_uri(&r, "/?flag&b=", &code), 0);
	assert_string_equal(request_query(&r, "flag"), "");
	assert_string_equal(request_query(&r, "b"), "");
	request_free(&r);
}

static void
test_query_value_keeps_later_equals(void **state)
{
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_uri(&r, "/?a=b=c", &code), 0);
	assert_string_equal(request_query(&r, "a"), "b=c");
	request_free(&r);
}

static void
test_query_skips_empty_pairs(void **state)
{
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_uri(&r, "/?&&a=1&&", &code), 0);
	assert_int_equal(r.nquery, 1);
	assert_string_equal(request_query(&r, "a"), "1");
	request_free(&r);
}

static void
test_query_empty_string_has_no_parameters(void **state)
{
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_uri(&r, "/x?", &code), 0);
	assert_string_equal(r.path, "/x");
	assert_int_equal(r.nquery, 0);
	request_free(&r);
}

static void
test_query_missing_key_is_null(void **state)
{
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_uri(&r, "/?a=1", &code), 0);
	assert_null(request_query(&r, "b"));
	assert_null(request_query(&r, "A"));
	request_free(&r);
}

static void
test_query_rejects_bad_escape(void **state)
{
	assert_query_refused("/?a=%zz");
	assert_query_refused("/?a=%4");
	assert_query_refused("/?a=%");
	assert_query_refused("/?%=1");
	assert_query_refused("/?ok=1&a=%G1");
}

static void
test_query_rejects_invalid_utf8(void **state)
{
	assert_query_refused("/?a=%FF");
	assert_query_refused("/?a=%C3");
	assert_query_refused("/?%FF=1");
}

static void
test_query_rejects_encoded_nul(void **state)
{
	assert_query_refused("/?a=%00");
	assert_query_refused("/?a%00=1");
}

static void
test_query_accepts_64_parameters(void **state)
{
	char		 uri[512];
	struct request	 r;
	const char	*code;
	size_t		 i, o = 0;

	o += (size_t)snprintf(uri + o, sizeof(uri) - o, "/?");
	for (i = 0; i < 64; i++)
		o += (size_t)snprintf(uri + o, sizeof(uri) - o, "k%zu&", i);
	assert_true(o < sizeof(uri));
	assert_int_equal(parse_uri(&r, uri, &code), 0);
	assert_int_equal(r.nquery, 64);
	request_free(&r);
}

static void
test_query_refuses_more_than_64_parameters(void **state)
{
	char	 uri[512];
	size_t	 i, o = 0;

	o += (size_t)snprintf(uri + o, sizeof(uri) - o, "/?");
	for (i = 0; i < 65; i++)
		o += (size_t)snprintf(uri + o, sizeof(uri) - o, "k%zu&", i);
	assert_true(o < sizeof(uri));
	assert_query_refused(uri);
}

/* --- cookies --------------------------------------------------------- */

static void
test_cookies_split_on_semicolons(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "HTTP_COOKIE=a=b; __Host-concerto=tok", NULL };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse(&r, env, &code), 0);
	assert_int_equal(r.ncookies, 2);
	assert_string_equal(request_cookie(&r, "a"), "b");
	assert_string_equal(request_cookie(&r, "__Host-concerto"), "tok");
	request_free(&r);
}

static void
test_cookies_accept_missing_space_and_trailing_semicolon(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "HTTP_COOKIE=a=1;b=2;", NULL };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse(&r, env, &code), 0);
	assert_string_equal(request_cookie(&r, "a"), "1");
	assert_string_equal(request_cookie(&r, "b"), "2");
	assert_int_equal(r.ncookies, 2);
	request_free(&r);
}

static void
test_cookies_skip_pairs_without_name_or_value_sign(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "HTTP_COOKIE==x; lonely; c=d", NULL };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse(&r, env, &code), 0);
	assert_int_equal(r.ncookies, 1);
	assert_string_equal(request_cookie(&r, "c"), "d");
	assert_null(request_cookie(&r, "lonely"));
	request_free(&r);
}

static void
test_cookie_value_may_be_empty_or_hold_equals(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "HTTP_COOKIE=e=; t=a=b", NULL };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse(&r, env, &code), 0);
	assert_string_equal(request_cookie(&r, "e"), "");
	assert_string_equal(request_cookie(&r, "t"), "a=b");
	request_free(&r);
}

static void
test_cookie_value_is_not_percent_decoded(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "HTTP_COOKIE=a=%20", NULL };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse(&r, env, &code), 0);
	assert_string_equal(request_cookie(&r, "a"), "%20");
	request_free(&r);
}

static void
test_cookie_missing_is_null(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse(&r, env, &code), 0);
	assert_int_equal(r.ncookies, 0);
	assert_null(request_cookie(&r, "__Host-concerto"));
	request_free(&r);
}

/* --- body ------------------------------------------------------------ */

static void
test_body_read_to_content_length(void **state)
{
	static const char	 body[] = "{\"email\":\"a@b.fr\"}";
	struct reader		 rd = { body, sizeof(body) - 1, 0, 0, 0, 0 };
	struct request		 r;
	const char		*code;

	assert_int_equal(parse_body(&r, "18", &rd, MAX_BODY, &code), 0);
	assert_int_equal(r.bodylen, 18);
	assert_memory_equal(r.body, body, 18);
	assert_int_equal(r.body[18], '\0');
	request_free(&r);
}

static void
test_body_read_in_several_chunks(void **state)
{
	static const char	 body[] = "0123456789abcdef";
	struct reader		 rd = { body, sizeof(body) - 1, 0, 3, 0, 0 };
	struct request		 r;
	const char		*code;

	assert_int_equal(parse_body(&r, "16", &rd, MAX_BODY, &code), 0);
	assert_string_equal(r.body, body);
	assert_int_equal(rd.calls, 6);
	request_free(&r);
}

static void
test_body_stops_at_content_length(void **state)
{
	static const char	 body[] = "abcdef";
	struct reader		 rd = { body, sizeof(body) - 1, 0, 0, 0, 0 };
	struct request		 r;
	const char		*code;

	assert_int_equal(parse_body(&r, "4", &rd, MAX_BODY, &code), 0);
	assert_int_equal(r.bodylen, 4);
	assert_string_equal(r.body, "abcd");
	request_free(&r);
}

static void
test_body_absent_without_content_length(void **state)
{
	char		*env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/", NULL };
	struct reader	 rd = { "abc", 3, 0, 0, 0, 0 };
	struct request	 r;
	const char	*code = NULL, *msg = NULL;

	memset(&r, 0, sizeof(r));
	assert_int_equal(request_parse(&r, env, MAX_BODY, reader_read, &rd,
	    &code, &msg), 0);
	assert_null(r.body);
	assert_int_equal(r.bodylen, 0);
	assert_int_equal(rd.calls, 0);
	request_free(&r);
}

static void
test_body_zero_or_empty_content_length_reads_nothing(void **state)
{
	struct reader	 rd = { "abc", 3, 0, 0, 0, 0 };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_body(&r, "0", &rd, MAX_BODY, &code), 0);
	assert_null(r.body);
	request_free(&r);
	assert_int_equal(parse_body(&r, "", &rd, MAX_BODY, &code), 0);
	assert_null(r.body);
	request_free(&r);
	assert_int_equal(rd.calls, 0);
}

static void
test_body_at_max_is_accepted(void **state)
{
	static const char	 body[] = "12345678";
	struct reader		 rd = { body, 8, 0, 0, 0, 0 };
	struct request		 r;
	const char		*code;

	assert_int_equal(parse_body(&r, "8", &rd, 8, &code), 0);
	assert_int_equal(r.bodylen, 8);
	request_free(&r);
}

static void
test_body_over_max_is_413_without_reading(void **state)
{
	static const char	 body[] = "123456789";
	struct reader		 rd = { body, 9, 0, 0, 0, 0 };
	struct request		 r;
	const char		*code;

	assert_int_equal(parse_body(&r, "9", &rd, 8, &code), 413);
	assert_string_equal(code, "payload_too_large");
	assert_int_equal(rd.calls, 0);
	assert_null(r.body);
	request_free(&r);
}

static void
test_body_huge_content_length_is_413(void **state)
{
	struct reader	 rd = { "", 0, 0, 0, 0, 0 };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_body(&r, "18446744073709551615", &rd,
	    MAX_BODY, &code), 413);
	assert_string_equal(code, "payload_too_large");
	assert_int_equal(rd.calls, 0);
	request_free(&r);
}

static void
test_short_body_is_400_incomplete_body(void **state)
{
	struct reader	 rd = { "abc", 3, 0, 0, 0, 0 };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_body(&r, "10", &rd, MAX_BODY, &code), 400);
	assert_string_equal(code, "incomplete_body");
	request_free(&r);
}

static void
test_reader_error_is_400_incomplete_body(void **state)
{
	struct reader	 rd = { "abc", 3, 0, 0, 0, 1 };
	struct request	 r;
	const char	*code;

	assert_int_equal(parse_body(&r, "3", &rd, MAX_BODY, &code), 400);
	assert_string_equal(code, "incomplete_body");
	request_free(&r);
}

static void
test_non_numeric_content_length_is_400(void **state)
{
	static const char *const bad[] = { "abc", "12abc", "-1", " 5", "+5",
	    "1e3", "0x10", "5 ", "99999999999999999999999" };
	struct reader	 rd = { "", 0, 0, 0, 0, 0 };
	struct request	 r;
	const char	*code;
	size_t		 i;
	int		 status;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		status = parse_body(&r, bad[i], &rd, MAX_BODY, &code);
		request_free(&r);
		if (status != 400 || code == NULL ||
		    strcmp(code, "invalid_content_length") != 0)
			fail_msg("Content-Length \"%s\" gave %d %s", bad[i],
			    status, code ? code : "(none)");
	}
	assert_int_equal(rd.calls, 0);
}

/* --- request_decode and request_free --------------------------------- */

static void
test_decode_plus_is_literal_unless_asked(void **state)
{
	char	*a = request_decode("a+b", 3, false);
	char	*b = request_decode("a+b", 3, true);

	assert_string_equal(a, "a+b");
	assert_string_equal(b, "a b");
	free(a);
	free(b);
}

static void
test_decode_reads_only_len_bytes(void **state)
{
	char	*s = request_decode("ab%41", 3, false);

	assert_null(s);			/* "ab%" is a cut escape */
	s = request_decode("ab%41zz", 5, false);
	assert_string_equal(s, "abA");
	free(s);
}

static void
test_free_leaves_request_zeroed(void **state)
{
	char		*env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/a?b=c",
	    "HTTP_COOKIE=x=y", NULL };
	struct request	 r, zero;
	const char	*code;

	memset(&zero, 0, sizeof(zero));
	assert_int_equal(parse(&r, env, &code), 0);
	request_free(&r);
	assert_memory_equal(&r, &zero, sizeof(r));
	request_free(&r);		/* a second free is harmless */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_get_with_path_and_query),
		cmocka_unit_test(test_parse_reads_each_method),
		cmocka_unit_test(test_parse_unknown_method_is_method_max),
		cmocka_unit_test(test_parse_without_request_uri_is_root),
		cmocka_unit_test(test_parse_keeps_content_type_and_remote_addr),
		cmocka_unit_test(test_parse_empty_content_type_is_null),
		cmocka_unit_test(test_param_finds_exact_name),
		cmocka_unit_test(test_param_of_unparsed_request_is_null),

		cmocka_unit_test(test_path_decodes_percent_space),
		cmocka_unit_test(test_path_decodes_utf8_escape),
		cmocka_unit_test(test_path_accepts_raw_utf8),
		cmocka_unit_test(test_path_keeps_plus_literal),
		cmocka_unit_test(test_path_stops_at_question_mark),
		cmocka_unit_test(test_path_accepts_dots_inside_names),
		cmocka_unit_test(test_path_keeps_trailing_slash),
		cmocka_unit_test(test_path_rejects_dot_dot_segment),
		cmocka_unit_test(test_path_rejects_dot_segment),
		cmocka_unit_test(test_path_rejects_encoded_dot_segments),
		cmocka_unit_test(test_path_rejects_encoded_slash),
		cmocka_unit_test(test_path_rejects_encoded_backslash),
		cmocka_unit_test(test_path_rejects_raw_backslash),
		cmocka_unit_test(test_path_accepts_double_encoded_slash_as_text),
		cmocka_unit_test(test_path_rejects_encoded_nul),
		cmocka_unit_test(test_path_rejects_invalid_utf8),
		cmocka_unit_test(test_path_rejects_control_characters),
		cmocka_unit_test(test_path_rejects_missing_leading_slash),
		cmocka_unit_test(test_path_rejects_bad_escape),
		cmocka_unit_test(test_path_refusal_sets_code_and_message),

		cmocka_unit_test(test_query_decodes_plus_as_space),
		cmocka_unit_test(test_query_decodes_keys),
		cmocka_unit_test(test_query_decodes_utf8),
		cmocka_unit_test(test_query_repeated_key_first_wins),
		cmocka_unit_test(test_query_key_without_value_is_empty),
		cmocka_unit_test(test_query_value_keeps_later_equals),
		cmocka_unit_test(test_query_skips_empty_pairs),
		cmocka_unit_test(test_query_empty_string_has_no_parameters),
		cmocka_unit_test(test_query_missing_key_is_null),
		cmocka_unit_test(test_query_rejects_bad_escape),
		cmocka_unit_test(test_query_rejects_invalid_utf8),
		cmocka_unit_test(test_query_rejects_encoded_nul),
		cmocka_unit_test(test_query_accepts_64_parameters),
		cmocka_unit_test(test_query_refuses_more_than_64_parameters),

		cmocka_unit_test(test_cookies_split_on_semicolons),
		cmocka_unit_test(
		    test_cookies_accept_missing_space_and_trailing_semicolon),
		cmocka_unit_test(
		    test_cookies_skip_pairs_without_name_or_value_sign),
		cmocka_unit_test(test_cookie_value_may_be_empty_or_hold_equals),
		cmocka_unit_test(test_cookie_value_is_not_percent_decoded),
		cmocka_unit_test(test_cookie_missing_is_null),

		cmocka_unit_test(test_body_read_to_content_length),
		cmocka_unit_test(test_body_read_in_several_chunks),
		cmocka_unit_test(test_body_stops_at_content_length),
		cmocka_unit_test(test_body_absent_without_content_length),
		cmocka_unit_test(
		    test_body_zero_or_empty_content_length_reads_nothing),
		cmocka_unit_test(test_body_at_max_is_accepted),
		cmocka_unit_test(test_body_over_max_is_413_without_reading),
		cmocka_unit_test(test_body_huge_content_length_is_413),
		cmocka_unit_test(test_short_body_is_400_incomplete_body),
		cmocka_unit_test(test_reader_error_is_400_incomplete_body),
		cmocka_unit_test(test_non_numeric_content_length_is_400),

		cmocka_unit_test(test_decode_plus_is_literal_unless_asked),
		cmocka_unit_test(test_decode_reads_only_len_bytes),
		cmocka_unit_test(test_free_leaves_request_zeroed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

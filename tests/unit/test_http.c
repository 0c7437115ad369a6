/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of http.c's origins: what http_origin_parse() takes from a
 * URL and from an Origin header value, what it refuses, and when two
 * origins are the same (the CSRF check compares the Origin header with the
 * origin of CONCERTO_PUBLIC_URL).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "concerto/http.h"

/* True if origin (a header value) is the origin of url. */
static bool
same(const char *url, const char *origin)
{
	struct http_origin	 a, b;

	assert_int_equal(http_origin_parse(url, true, &a), 0);
	return http_origin_parse(origin, false, &b) == 0 &&
	    http_origin_same(&a, &b);
}

static void
test_origin_parse_takes_scheme_host_port(void **state)
{
	struct http_origin	 o;

	assert_int_equal(http_origin_parse(
	    "https://Concerto.example:8443/x?y#z", true, &o), 0);
	assert_true(o.https);
	assert_int_equal(o.hostlen, strlen("Concerto.example"));
	assert_memory_equal(o.host, "Concerto.example", o.hostlen);
	assert_int_equal(o.port, 8443);
}

static void
test_origin_parse_gives_default_ports(void **state)
{
	struct http_origin	 o;

	assert_int_equal(http_origin_parse("http://a.example", false, &o), 0);
	assert_false(o.https);
	assert_int_equal(o.port, 80);
	assert_int_equal(http_origin_parse("HTTPS://a.example/", true, &o), 0);
	assert_true(o.https);
	assert_int_equal(o.port, 443);
}

static void
test_origin_parse_takes_bracketed_ipv6(void **state)
{
	struct http_origin	 o;

	assert_int_equal(http_origin_parse("http://[::1]:8080", false, &o), 0);
	assert_int_equal(o.hostlen, strlen("[::1]"));
	assert_memory_equal(o.host, "[::1]", o.hostlen);
	assert_int_equal(o.port, 8080);
}

static void
test_origin_parse_refuses_what_is_not_an_origin(void **state)
{
	static const char *const bad[] = {
		"null", "", "ftp://a.example", "http:/a.example", "http://",
		"http://:80", "http://a.example:", "http://a.example:0",
		"http://a.example:65536", "http://a.example:8o",
		"http://a.example:123456", "http://user@a.example",
		"http://a.example/", "http://a.example/path",
		"http://a.example?q", "http://a b.example", "http://[::1",
		"http://[::1]x", "http://[]", "//a.example",
	};
	struct http_origin	 o;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (http_origin_parse(bad[i], false, &o) != -1)
			fail_msg("accepted as an Origin: \"%s\"", bad[i]);
}

static void
test_origin_parse_url_refuses_userinfo_and_empty_host(void **state)
{
	struct http_origin	 o;

	assert_int_equal(http_origin_parse("https://u:p@a.example/", true, &o),
	    -1);
	assert_int_equal(http_origin_parse("https:///path", true, &o), -1);
	assert_int_equal(http_origin_parse("a.example", true, &o), -1);
}

static void
test_origin_same_ignores_host_case_and_default_port(void **state)
{
	assert_true(same("http://127.0.0.1:8080", "http://127.0.0.1:8080"));
	assert_true(same("https://concerto.example/app/",
	    "https://CONCERTO.example"));
	assert_true(same("https://concerto.example",
	    "https://concerto.example:443"));
	assert_true(same("http://concerto.example:80/",
	    "http://concerto.example"));
}

static void
test_origin_same_tells_scheme_host_and_port_apart(void **state)
{
	assert_false(same("https://concerto.example",
	    "http://concerto.example"));
	assert_false(same("https://concerto.example", "https://evil.example"));
	assert_false(same("https://concerto.example",
	    "https://concerto.example.evil.example"));
	assert_false(same("https://concerto.example",
	    "https://concerto.exampl"));
	assert_false(same("http://127.0.0.1:8080", "http://127.0.0.1:8081"));
	assert_false(same("https://concerto.example", "null"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_origin_parse_takes_scheme_host_port),
		cmocka_unit_test(test_origin_parse_gives_default_ports),
		cmocka_unit_test(test_origin_parse_takes_bracketed_ipv6),
		cmocka_unit_test(
		    test_origin_parse_refuses_what_is_not_an_origin),
		cmocka_unit_test(
		    test_origin_parse_url_refuses_userinfo_and_empty_host),
		cmocka_unit_test(
		    test_origin_same_ignores_host_case_and_default_port),
		cmocka_unit_test(
		    test_origin_same_tells_scheme_host_and_port_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of response.c: what response_serialize() writes (status line,
 * Content-Type, Content-Length, the security headers, the body, HEAD),
 * response_header() and its refusal of CR/LF, and the shape of
 * response_error().
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "concerto/etag.h"
#include "concerto/response.h"


/* The serialized response (caller frees), split at the blank line. */
struct wire {
	char		*all;
	const char	*body;		/* after "\r\n\r\n" */
	size_t		 headlen;	/* up to and including that line */
};

static void
serialize(const struct response *res, bool head, struct wire *w)
{
	struct buf	 out;
	const char	*end;

	buf_init(&out, 0);
	assert_true(response_serialize(res, head, &out) > 0);
	assert_false(out.overflow);
	w->all = buf_release(&out);
	end = strstr(w->all, "\r\n\r\n");
	assert_non_null(end);
	w->body = end + 4;
	w->headlen = (size_t)(w->body - w->all);
}

/* Occurrences of the header line "name: " at the start of a line. */
static size_t
header_lines(const struct wire *w, const char *name)
{
	const char	*p = w->all;
	size_t		 n = 0, len = strlen(name);

	while (p < w->all + w->headlen) {
		if (strncasecmp(p, name, len) == 0 && p[len] == ':')
			n++;
		if ((p = strstr(p, "\r\n")) == NULL)
			break;
		p += 2;
	}
	return n;
}

/* The value of the first header line called name, copied into out. */
static const char *
header_value(const struct wire *w, const char *name, char *out, size_t sz)
{
	const char	*p = w->all, *eol;
	size_t		 len = strlen(name);

	while (p < w->all + w->headlen) {
		eol = strstr(p, "\r\n");
		if (strncasecmp(p, name, len) == 0 && p[len] == ':' &&
		    p[len + 1] == ' ') {
			snprintf(out, sz, "%.*s", (int)(eol - p - len - 2),
			    p + len + 2);
			return out;
		}
		p = eol + 2;
	}
	return NULL;
}

static const char *
error_member(const struct response *res, const char *key)
{
	return json_string_value(json_object_get(
	    json_object_get(res->json, "error"), key));
}

static const char *
header(const struct response *res, const char *name)
{
	size_t	 i;

	for (i = 0; i < res->nheaders; i++)
		if (strcasecmp(res->headers[i].name, name) == 0)
			return res->headers[i].value;
	return NULL;
}

/* --- serialization ---------------------------------------------------- */

static void
test_serialize_starts_with_status_line(void **state)
{
	struct response	 res;
	struct wire	 w;

	response_init(&res);
	response_json(&res, 200, json_pack("{s:s}", "status", "ok"));
	serialize(&res, false, &w);
	assert_true(strncmp(w.all, "Status: 200 OK\r\n", 16) == 0);
	free(w.all);
	response_free(&res);
}

static void
test_serialize_unset_status_is_500(void **state)
{
	struct response	 res;
	struct wire	 w;

	response_init(&res);
	serialize(&res, false, &w);
	assert_true(strncmp(w.all, "Status: 500 Internal Server Error\r\n",
	    35) == 0);
	free(w.all);
	response_free(&res);
}

static void
test_serialize_json_has_json_content_type(void **state)
{
	struct response	 res;
	struct wire	 w;
	char		 v[128];

	response_init(&res);
	response_json(&res, 201, json_object());
	serialize(&res, false, &w);
	assert_non_null(header_value(&w, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/json; charset=utf-8");
	assert_int_equal(header_lines(&w, "Content-Type"), 1);
	free(w.all);
	response_free(&res);
}

static void
test_serialize_content_length_equals_body_length(void **state)
{
	struct response	 res;
	struct wire	 w;
	char		 v[32];

	response_init(&res);
	response_json(&res, 200, json_pack("{s:s,s:i}", "name",
	    "caf\xC3\xA9", "n", 12));
	serialize(&res, false, &w);
	assert_non_null(header_value(&w, "Content-Length", v, sizeof(v)));
	assert_int_equal(strtoul(v, NULL, 10), strlen(w.body));
	assert_string_equal(w.body, "{\"name\":\"caf\xC3\xA9\",\"n\":12}");
	free(w.all);
	response_free(&res);
}

static void
test_serialize_text_body_with_its_type(void **state)
{
	struct response	 res;
	struct wire	 w;
	char		 v[128];

	response_init(&res);
	response_text(&res, 200, "text/plain; version=0.0.4", "up 1\n", 5);
	serialize(&res, false, &w);
	assert_string_equal(header_value(&w, "Content-Type", v, sizeof(v)),
	    "text/plain; version=0.0.4");
	assert_string_equal(header_value(&w, "Content-Length", v, sizeof(v)),
	    "5");
	assert_string_equal(w.body, "up 1\n");
	free(w.all);
	response_free(&res);
}

static void
test_serialize_text_length_counts_embedded_nul(void **state)
{
	struct response	 res;
	struct wire	 w;
	char		 v[32];

	response_init(&res);
	response_text(&res, 200, "application/octet-stream", "a\0b", 3);
	serialize(&res, false, &w);
	assert_string_equal(header_value(&w, "Content-Length", v, sizeof(v)),
	    "3");
	assert_memory_equal(w.body, "a\0b", 3);
	free(w.all);
	response_free(&res);
}

static void
test_serialize_security_headers_once(void **state)
{
	struct response	 res;
	struct wire	 w;
	char		 v[160];

	response_init(&res);
	response_json(&res, 200, json_object());
	serialize(&res, false, &w);
	assert_int_equal(header_lines(&w, "X-Content-Type-Options"), 1);
	assert_string_equal(header_value(&w, "X-Content-Type-Options", v,
	    sizeof(v)), "nosniff");
	assert_int_equal(header_lines(&w, "Content-Security-Policy"), 1);
	assert_non_null(strstr(header_value(&w, "Content-Security-Policy", v,
	    sizeof(v)), "default-src 'none'"));
	assert_non_null(strstr(v, "frame-ancestors 'none'"));
	assert_int_equal(header_lines(&w, "Referrer-Policy"), 1);
	assert_string_equal(header_value(&w, "Referrer-Policy", v, sizeof(v)),
	    "no-referrer");
	assert_int_equal(header_lines(&w, "Cache-Control"), 1);
	assert_string_equal(header_value(&w, "Cache-Control", v, sizeof(v)),
	    "no-store");
	free(w.all);
	response_free(&res);
}

static void
test_serialize_security_headers_on_errors_too(void **state)
{
	struct response	 res;
	struct wire	 w;

	response_init(&res);
	response_error(&res, 404, "not_found", "Nothing here.", NULL);
	serialize(&res, false, &w);
	assert_int_equal(header_lines(&w, "X-Content-Type-Options"), 1);
	assert_int_equal(header_lines(&w, "Content-Security-Policy"), 1);
	assert_int_equal(header_lines(&w, "Referrer-Policy"), 1);
	assert_int_equal(header_lines(&w, "Cache-Control"), 1);
	free(w.all);
	response_free(&res);
}

static void
test_serialize_public_answer_is_kept_a_second(void **state)
{
	struct response	 res;
	struct wire	 w;
	char		 v[64], tag[ETAG_LEN];

	response_init(&res);
	response_json(&res, 200, json_pack("{s:i}", "id", 7));
	response_cache(&res, RESPONSE_PUBLIC, 1700000000, NULL);
	serialize(&res, false, &w);
	assert_string_equal(header_value(&w, "Cache-Control", v, sizeof(v)),
	    "public, no-cache");
	assert_string_equal(header_value(&w, "X-Accel-Expires", v, sizeof(v)),
	    "@1700000000");
	etag_of("{\"id\":7}", 8, tag);
	assert_string_equal(header_value(&w, "ETag", v, sizeof(v)), tag);
	assert_string_equal(w.body, "{\"id\":7}");
	free(w.all);
	response_free(&res);
}

static void
test_serialize_private_answer_has_no_shared_expiry(void **state)
{
	struct response	 res;
	struct wire	 w;
	char		 v[64];

	response_init(&res);
	response_json(&res, 200, json_object());
	response_cache(&res, RESPONSE_PRIVATE, 1700000000, NULL);
	serialize(&res, false, &w);
	assert_string_equal(header_value(&w, "Cache-Control", v, sizeof(v)),
	    "private, no-cache");
	assert_int_equal(header_lines(&w, "X-Accel-Expires"), 0);
	assert_int_equal(header_lines(&w, "ETag"), 1);
	free(w.all);
	response_free(&res);
}

static void
test_serialize_matching_tag_is_304_without_body(void **state)
{
	struct response	 res;
	struct buf	 out;
	char		 tag[ETAG_LEN], inm[64];

	etag_of("{}", 2, tag);
	snprintf(inm, sizeof(inm), "W/\"x\", %s", tag);
	response_init(&res);
	response_json(&res, 200, json_object());
	response_cache(&res, RESPONSE_PRIVATE, 1700000000, inm);
	buf_init(&out, 0);
	assert_int_equal(response_serialize(&res, false, &out), 304);
	assert_non_null(strstr(buf_str(&out), "Status: 304 Not Modified\r\n"));
	assert_non_null(strstr(buf_str(&out), tag));
	assert_null(strstr(buf_str(&out), "\r\nContent-Length:"));
	assert_null(strstr(buf_str(&out), "\r\nContent-Type:"));
	assert_non_null(strstr(buf_str(&out), "\r\n\r\n"));
	assert_string_equal(strstr(buf_str(&out), "\r\n\r\n"), "\r\n\r\n");
	buf_free(&out);
	response_free(&res);
}

static void
test_serialize_error_is_never_kept(void **state)
{
	struct response	 res;
	struct wire	 w;
	char		 v[64];

	response_init(&res);
	response_cache(&res, RESPONSE_PUBLIC, 1700000000, "*");
	response_error(&res, 404, "not_found", "There is nothing here.", NULL);
	serialize(&res, false, &w);
	assert_non_null(strstr(w.all, "Status: 404"));
	assert_string_equal(header_value(&w, "Cache-Control", v, sizeof(v)),
	    "no-store");
	assert_int_equal(header_lines(&w, "ETag"), 0);
	assert_int_equal(header_lines(&w, "X-Accel-Expires"), 0);
	free(w.all);
	response_free(&res);
}

static void
test_json_to_text_keeps_the_bytes(void **state)
{
	struct response	 a, b;
	struct buf	 oa, ob;

	response_init(&a);
	response_init(&b);
	response_json(&a, 200, json_pack("{s:s,s:f}", "t", "é", "x", 0.5));
	response_json(&b, 200, json_pack("{s:s,s:f}", "t", "é", "x", 0.5));
	assert_int_equal(response_json_to_text(&b), 0);
	assert_null(b.json);
	buf_init(&oa, 0);
	buf_init(&ob, 0);
	assert_int_equal(response_serialize(&a, false, &oa), 200);
	assert_int_equal(response_serialize(&b, false, &ob), 200);
	assert_string_equal(buf_str(&oa), buf_str(&ob));
	buf_free(&oa);
	buf_free(&ob);
	response_free(&a);
	response_free(&b);
}

static void
test_serialize_handler_cache_control_replaces_default(void **state)
{
	struct response	 res;
	struct wire	 w;
	char		 v[64];

	response_init(&res);
	response_json(&res, 200, json_object());
	response_header(&res, "Cache-Control", "private, max-age=60");
	serialize(&res, false, &w);
	assert_int_equal(header_lines(&w, "Cache-Control"), 1);
	assert_string_equal(header_value(&w, "Cache-Control", v, sizeof(v)),
	    "private, max-age=60");
	free(w.all);
	response_free(&res);
}

static void
test_serialize_handler_csp_replaces_default(void **state)
{
	struct response	 res;
	struct wire	 w;
	char		 v[64];

	response_init(&res);
	response_text(&res, 200, "text/html", "<p>", 3);
	response_header(&res, "Content-Security-Policy", "default-src 'self'");
	serialize(&res, false, &w);
	assert_int_equal(header_lines(&w, "Content-Security-Policy"), 1);
	assert_string_equal(header_value(&w, "Content-Security-Policy", v,
	    sizeof(v)), "default-src 'self'");
	free(w.all);
	response_free(&res);
}

static void
test_serialize_handler_nosniff_is_not_repeated(void **state)
{
	struct response	 res;
	struct wire	 w;
	size_t		 n;

	response_init(&res);
	response_json(&res, 200, json_object());
	response_header(&res, "X-Content-Type-Options", "nosniff");
	serialize(&res, false, &w);
	n = header_lines(&w, "X-Content-Type-Options");
	free(w.all);
	response_free(&res);
	assert_int_equal(n, 1);
}

static void
test_serialize_includes_handler_headers(void **state)
{
	struct response	 res;
	struct wire	 w;
	char		 v[64];

	response_init(&res);
	response_json(&res, 201, json_object());
	response_header(&res, "Location", "/api/v1/things/7");
	serialize(&res, false, &w);
	assert_string_equal(header_value(&w, "Location", v, sizeof(v)),
	    "/api/v1/things/7");
	free(w.all);
	response_free(&res);
}

static void
test_serialize_head_omits_body_but_keeps_length(void **state)
{
	struct response	 res;
	struct wire	 get, head;
	char		 v[32], u[32];

	response_init(&res);
	response_json(&res, 200, json_pack("{s:s}", "status", "ok"));
	serialize(&res, false, &get);
	serialize(&res, true, &head);
	assert_string_equal(head.body, "");
	assert_true(strlen(get.body) > 0);
	assert_string_equal(header_value(&head, "Content-Length", v,
	    sizeof(v)), header_value(&get, "Content-Length", u, sizeof(u)));
	assert_int_equal(strtoul(v, NULL, 10), strlen(get.body));
	free(get.all);
	free(head.all);
	response_free(&res);
}

static void
test_serialize_204_has_no_body_type_or_length(void **state)
{
	struct response	 res;
	struct wire	 w;

	response_init(&res);
	response_json(&res, 204, NULL);
	serialize(&res, false, &w);
	assert_true(strncmp(w.all, "Status: 204 No Content\r\n", 24) == 0);
	assert_int_equal(header_lines(&w, "Content-Type"), 0);
	assert_int_equal(header_lines(&w, "Content-Length"), 0);
	assert_string_equal(w.body, "");
	free(w.all);
	response_free(&res);
}

static void
test_serialize_header_lines_end_in_crlf(void **state)
{
	struct response	 res;
	struct wire	 w;
	size_t		 i;

	response_init(&res);
	response_json(&res, 200, json_object());
	serialize(&res, false, &w);
	for (i = 0; i < w.headlen; i++) {
		if (w.all[i] == '\n')
			assert_int_equal(w.all[i - 1], '\r');
		if (w.all[i] == '\r')
			assert_int_equal(w.all[i + 1], '\n');
	}
	free(w.all);
	response_free(&res);
}

/* --- response_header ---------------------------------------------------- */

static void
test_header_refuses_crlf_in_value(void **state)
{
	struct response	 res;

	response_init(&res);
	response_header(&res, "Location", "/a\r\nSet-Cookie: x=1");
	response_header(&res, "Location", "/a\nX: 1");
	response_header(&res, "Location", "/a\rX: 1");
	assert_int_equal(res.nheaders, 0);
	response_free(&res);
}

static void
test_header_refuses_crlf_in_name(void **state)
{
	struct response	 res;

	response_init(&res);
	response_header(&res, "X-A\r\nSet-Cookie", "x=1");
	response_header(&res, "X-A\n", "1");
	assert_int_equal(res.nheaders, 0);
	response_free(&res);
}

static void
test_header_refused_leaves_no_trace_in_output(void **state)
{
	struct response	 res;
	struct wire	 w;

	response_init(&res);
	response_json(&res, 200, json_object());
	response_header(&res, "Location", "/a\r\nSet-Cookie: x=1");
	serialize(&res, false, &w);
	assert_null(strstr(w.all, "Set-Cookie"));
	assert_null(strstr(w.all, "Location"));
	free(w.all);
	response_free(&res);
}

static void
test_header_same_name_replaces_value(void **state)
{
	struct response	 res;

	response_init(&res);
	response_header(&res, "X-Thing", "1");
	response_header(&res, "x-thing", "2");
	assert_int_equal(res.nheaders, 1);
	assert_string_equal(header(&res, "X-Thing"), "2");
	response_free(&res);
}

static void
test_header_copies_name_and_value(void **state)
{
	struct response	 res;
	char		 name[] = "X-Copy", value[] = "before";

	response_init(&res);
	response_header(&res, name, value);
	strcpy(value, "after!");
	name[0] = 'Y';
	assert_string_equal(header(&res, "X-Copy"), "before");
	response_free(&res);
}

/* --- response_error and bodies ------------------------------------------ */

static void
test_error_has_code_and_message(void **state)
{
	struct response	 res;

	response_init(&res);
	response_error(&res, 400, "invalid_json", "The body is not JSON.",
	    NULL);
	assert_int_equal(res.status, 400);
	assert_string_equal(error_member(&res, "code"), "invalid_json");
	assert_string_equal(error_member(&res, "message"),
	    "The body is not JSON.");
	assert_null(json_object_get(json_object_get(res.json, "error"),
	    "field"));
	assert_int_equal(json_object_size(res.json), 1);
	assert_int_equal(json_object_size(json_object_get(res.json, "error")),
	    2);
	response_free(&res);
}

static void
test_error_names_field_when_given(void **state)
{
	struct response	 res;

	response_init(&res);
	response_error(&res, 400, "invalid_field", "email: is not valid",
	    "email");
	assert_string_equal(error_member(&res, "field"), "email");
	assert_int_equal(json_object_size(json_object_get(res.json, "error")),
	    3);
	response_free(&res);
}

static void
test_error_serializes_as_json(void **state)
{
	struct response	 res;
	struct wire	 w;

	response_init(&res);
	response_error(&res, 400, "missing_field", "password: is required",
	    "password");
	serialize(&res, false, &w);
	assert_string_equal(w.body, "{\"error\":{\"code\":\"missing_field\","
	    "\"message\":\"password: is required\",\"field\":\"password\"}}");
	assert_true(strncmp(w.all, "Status: 400 Bad Request\r\n", 25) == 0);
	free(w.all);
	response_free(&res);
}

static void
test_error_429_has_retry_after(void **state)
{
	struct response	 res;

	response_init(&res);
	response_error(&res, 429, "too_many_requests", "Slow down.", NULL);
	assert_non_null(header(&res, "Retry-After"));
	assert_true(atoi(header(&res, "Retry-After")) > 0);
	response_free(&res);
}

static void
test_error_503_has_retry_after(void **state)
{
	struct response	 res;
	struct wire	 w;

	response_init(&res);
	response_error(&res, 503, "unavailable", "Try again.", NULL);
	assert_non_null(header(&res, "Retry-After"));
	serialize(&res, false, &w);
	assert_int_equal(header_lines(&w, "Retry-After"), 1);
	free(w.all);
	response_free(&res);
}

static void
test_error_other_statuses_have_no_retry_after(void **state)
{
	static const int statuses[] = { 400, 401, 403, 404, 405, 413, 415,
	    500 };
	struct response	 res;
	size_t		 i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		response_init(&res);
		response_error(&res, statuses[i], "x", "x", NULL);
		assert_null(header(&res, "Retry-After"));
		response_free(&res);
	}
}

static void
test_error_replaces_earlier_body(void **state)
{
	struct response	 res;

	response_init(&res);
	response_json(&res, 200, json_pack("{s:b}", "ok", 1));
	response_error(&res, 409, "conflict", "Taken.", NULL);
	assert_int_equal(res.status, 409);
	assert_null(json_object_get(res.json, "ok"));
	assert_string_equal(error_member(&res, "code"), "conflict");
	response_free(&res);
}

static void
test_text_after_json_drops_the_json(void **state)
{
	struct response	 res;
	struct wire	 w;

	response_init(&res);
	response_json(&res, 200, json_object());
	response_text(&res, 200, "text/plain", "hi", 2);
	assert_null(res.json);
	serialize(&res, false, &w);
	assert_string_equal(w.body, "hi");
	free(w.all);
	response_free(&res);
}

static void
test_json_after_text_drops_the_text(void **state)
{
	struct response	 res;
	struct wire	 w;

	response_init(&res);
	response_text(&res, 200, "text/plain", "hi", 2);
	response_json(&res, 200, json_pack("{s:i}", "n", 1));
	serialize(&res, false, &w);
	assert_string_equal(w.body, "{\"n\":1}");
	free(w.all);
	response_free(&res);
}

static void
test_free_leaves_response_reusable(void **state)
{
	struct response	 res;

	response_init(&res);
	response_error(&res, 503, "unavailable", "Try again.", NULL);
	response_free(&res);
	assert_int_equal(res.status, 0);
	assert_null(res.json);
	assert_int_equal(res.nheaders, 0);
	response_init(&res);
	response_json(&res, 200, json_object());
	response_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serialize_starts_with_status_line),
		cmocka_unit_test(test_serialize_unset_status_is_500),
		cmocka_unit_test(test_serialize_json_has_json_content_type),
		cmocka_unit_test(
		    test_serialize_content_length_equals_body_length),
		cmocka_unit_test(test_serialize_text_body_with_its_type),
		cmocka_unit_test(test_serialize_text_length_counts_embedded_nul),
		cmocka_unit_test(test_serialize_security_headers_once),
		cmocka_unit_test(test_serialize_security_headers_on_errors_too),
		cmocka_unit_test(test_serialize_public_answer_is_kept_a_second),
		cmocka_unit_test(test_serialize_private_answer_has_no_shared_expiry),
		cmocka_unit_test(test_serialize_matching_tag_is_304_without_body),
		cmocka_unit_test(test_serialize_error_is_never_kept),
		cmocka_unit_test(test_json_to_text_keeps_the_bytes),
		cmocka_unit_test(
		    test_serialize_handler_cache_control_replaces_default),
		cmocka_unit_test(test_serialize_handler_csp_replaces_default),
		cmocka_unit_test(test_serialize_handler_nosniff_is_not_repeated),
		cmocka_unit_test(test_serialize_includes_handler_headers),
		cmocka_unit_test(test_serialize_head_omits_body_but_keeps_length),
		cmocka_unit_test(test_serialize_204_has_no_body_type_or_length),
		cmocka_unit_test(test_serialize_header_lines_end_in_crlf),

		cmocka_unit_test(test_header_refuses_crlf_in_value),
		cmocka_unit_test(test_header_refuses_crlf_in_name),
		cmocka_unit_test(test_header_refused_leaves_no_trace_in_output),
		cmocka_unit_test(test_header_same_name_replaces_value),
		cmocka_unit_test(test_header_copies_name_and_value),

		cmocka_unit_test(test_error_has_code_and_message),
		cmocka_unit_test(test_error_names_field_when_given),
		cmocka_unit_test(test_error_serializes_as_json),
		cmocka_unit_test(test_error_429_has_retry_after),
		cmocka_unit_test(test_error_503_has_retry_after),
		cmocka_unit_test(test_error_other_statuses_have_no_retry_after),
		cmocka_unit_test(test_error_replaces_earlier_body),
		cmocka_unit_test(test_text_after_json_drops_the_json),
		cmocka_unit_test(test_json_after_text_drops_the_text),
		cmocka_unit_test(test_free_leaves_response_reusable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

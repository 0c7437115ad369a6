/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of mail_format.c: CONCERTO_MAIL_FROM's forms and refusals,
 * header values no data can break out of (a CR or LF never starts a new
 * header), encoded-words within RFC 2047's 75 characters and cut between
 * characters, the date's form, unique message ids, and bodies whose lines
 * stay within 998 bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "concerto/buf.h"
#include "concerto/mail_format.h"

/* The number of lines of s that start with prefix (a header name). */
static int
lines_starting(const char *s, const char *prefix)
{
	int		 n = 0;
	size_t		 len = strlen(prefix);
	const char	*p = s;

	for (;;) {
		if (strncmp(p, prefix, len) == 0)
			n++;
		if ((p = strchr(p, '\n')) == NULL)
			return n;
		p++;
	}
}

/* The header block of a message (up to the blank line), as a string. */
static char *
headers_of(const char *msg)
{
	const char	*end = strstr(msg, "\n\n");

	assert_non_null(end);
	return strndup(msg, (size_t)(end - msg) + 1);
}

static void
test_address_alone_or_with_a_name(void **state)
{
	struct mail_address	 a;

	assert_null(mail_address_parse("no-reply@concerto.test", &a));
	assert_string_equal(a.addr, "no-reply@concerto.test");
	assert_string_equal(a.name, "");
	assert_null(mail_address_parse("Concerto <no-reply@concerto.test>",
	    &a));
	assert_string_equal(a.name, "Concerto");
	assert_string_equal(a.addr, "no-reply@concerto.test");
	assert_null(mail_address_parse("\"Concerto, IDF\" <a@b.org>", &a));
	assert_string_equal(a.name, "Concerto, IDF");
	assert_null(mail_address_parse("  Cancéropôle  <a@b.org> ", &a));
	assert_string_equal(a.name, "Cancéropôle");
	assert_string_equal(mail_address_domain(&a), "b.org");
}

static void
test_address_refusals(void **state)
{
	static const char *const bad[] = {
		"", "   ", "concerto", "a@", "@b.org", "a@@b.org", "a b@c.org",
		"a..b@c.org", "a@b..org", ".a@b.org", "a@b.org.",
		"a@b.org, c@d.org", "A <a@b.org>, C <c@d.org>", "A <a@b.org",
		"A a@b.org>", "A <a@b.org> x", "\"A\" \"B\" <a@b.org>",
		"A\\B <a@b.org>", "A <a@b.org\r\nBcc: x@y.org>",
		"Concerto\r\nBcc: x@y.org <a@b.org>", "a@b.org\nBcc: x@y.org",
		"A\tB\x01 <a@b.org>", "A <a@[127.0.0.1]>", "\"a b\"@c.org",
		"a@b_c.org", "\xff <a@b.org>",
	};
	struct mail_address	 a;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (mail_address_parse(bad[i], &a) == NULL)
			fail_msg("accepted: \"%s\"", bad[i]);
		assert_string_equal(a.addr, "");
	}
}

static void
test_addr_spec_check(void **state)
{
	assert_true(mail_addr_valid("x+tag@example.org"));
	assert_true(mail_addr_valid("root@localhost"));
	assert_true(mail_addr_valid("élise@exemple.fr"));
	assert_false(mail_addr_valid("x@example.org\r\nBcc: y@z.org"));
	assert_false(mail_addr_valid("x@example.org>"));
	assert_false(mail_addr_valid("x <x@example.org>"));
	assert_false(mail_addr_valid("x@exa mple.org"));
}

static void
test_from_header_forms(void **state)
{
	struct mail_address	 a;
	struct buf		 b;

	buf_init(&b, 0);
	assert_null(mail_address_parse("Concerto <n@c.test>", &a));
	mail_put_address(&b, &a);
	assert_string_equal(buf_str(&b), "Concerto <n@c.test>");
	buf_reset(&b);
	assert_null(mail_address_parse("Concerto, IDF <n@c.test>", &a));
	mail_put_address(&b, &a);
	assert_string_equal(buf_str(&b), "\"Concerto, IDF\" <n@c.test>");
	buf_reset(&b);
	assert_null(mail_address_parse("Cancéropôle <n@c.test>", &a));
	mail_put_address(&b, &a);
	assert_string_equal(buf_str(&b),
	    "=?UTF-8?B?Q2FuY8Opcm9ww7RsZQ==?= <n@c.test>");
	buf_reset(&b);
	assert_null(mail_address_parse("n@c.test", &a));
	mail_put_address(&b, &a);
	assert_string_equal(buf_str(&b), "n@c.test");
	buf_free(&b);
}

/* Decodes every encoded-word of a folded header value, checking each. */
static void
assert_words_decode_to(const char *value, const char *want)
{
	struct buf	 got;
	const char	*p = value, *end;
	unsigned char	 dec[128];
	int		 n;

	buf_init(&got, 0);
	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		end = strstr(p + 10, "?=");
		assert_non_null(end);
		assert_true(end + 2 - p <= 75);
		n = EVP_DecodeBlock(dec, (const unsigned char *)p + 10,
		    (int)(end - p - 10));
		assert_true(n >= 0);
		while (n > 0 && end[-1] == '=' && dec[n - 1] == '\0') {
			n--;
			end--;
		}
		buf_append(&got, dec, (size_t)n);
		p = strstr(p + 10, "?=") + 2;
	}
	assert_string_equal(buf_str(&got), want);
	buf_free(&got);
}

static void
test_subject_plain_or_encoded_words(void **state)
{
	const char	*long_fr = "Second facteur de votre compte Concerto "
	    "verrouillé — « éèàùç » ôœ 𝄞 encore et encore, jusqu'au bout";
	struct buf	 b;
	const char	*p;

	buf_init(&b, 0);
	mail_put_text(&b, "Subject", "New password for Concerto");
	assert_string_equal(buf_str(&b),
	    "Subject: New password for Concerto\n");
	buf_reset(&b);
	mail_put_text(&b, "Subject", long_fr);
	assert_int_equal(strncmp(buf_str(&b), "Subject: =?UTF-8?B?", 19), 0);
	assert_true(lines_starting(buf_str(&b), " =?UTF-8?B?") >= 2);
	for (p = buf_str(&b); (p = strchr(p, '\n')) != NULL; p++)
		assert_true(p[1] == ' ' || p[1] == '\0');
	assert_words_decode_to(buf_str(&b) + 9, long_fr);
	buf_free(&b);
}

static void
test_subject_line_breaks_cannot_add_a_header(void **state)
{
	struct buf	 b;

	buf_init(&b, 0);
	mail_put_text(&b, "Subject", "Hi\r\nBcc: x@y.org");
	assert_string_equal(buf_str(&b), "Subject: Hi  Bcc: x@y.org\n");
	buf_reset(&b);
	mail_put_text(&b, "Subject", "Été\nBcc: x@y.org");
	assert_int_equal(lines_starting(buf_str(&b), "Bcc:"), 0);
	assert_words_decode_to(buf_str(&b), "Été Bcc: x@y.org");
	buf_free(&b);
}

static void
test_date_is_rfc5322(void **state)
{
	struct buf	 b;
	char		 day[4], mon[4], sign;
	int		 d, y, hh, mm, ss, off, n = 0;

	buf_init(&b, 0);
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	mail_put_date(&b, 1796234400);	/* 2026-12-02 18:00:00 UTC */
	assert_string_equal(buf_str(&b), "Wed, 02 Dec 2026 19:00:00 +0100");
	buf_reset(&b);
	setenv("TZ", "UTC", 1);
	tzset();
	mail_put_date(&b, 1796234400);
	assert_string_equal(buf_str(&b), "Wed, 02 Dec 2026 18:00:00 +0000");
	assert_int_equal(sscanf(buf_str(&b), "%3[A-Za-z], %d %3s %d %d:%d:%d %c%4d%n",
	    day, &d, mon, &y, &hh, &mm, &ss, &sign, &off, &n), 9);
	buf_free(&b);
	unsetenv("TZ");
	tzset();
}

static void
test_message_ids_unique_and_of_the_domain(void **state)
{
	struct buf	 a, b;

	buf_init(&a, 0);
	buf_init(&b, 0);
	assert_int_equal(mail_put_message_id(&a, "concerto.test"), 0);
	assert_int_equal(mail_put_message_id(&b, "concerto.test"), 0);
	assert_int_equal(a.len, strlen("<@concerto.test>") + 32);
	assert_int_equal(buf_str(&a)[0], '<');
	assert_non_null(strstr(buf_str(&a), "@concerto.test>"));
	assert_string_not_equal(buf_str(&a), buf_str(&b));
	buf_free(&a);
	buf_free(&b);
}

static void
test_whole_message_headers(void **state)
{
	struct mail_address	 from;
	struct buf		 m;
	char			*h;

	buf_init(&m, 0);
	assert_null(mail_address_parse("Concerto <no-reply@concerto.test>",
	    &from));
	assert_null(mail_compose(&m, &from, "e@x.org",
	    "Confirmez votre adresse", "Bonjour,\nun lien\n", 1796234400));
	h = headers_of(buf_str(&m));
	assert_int_equal(strncmp(h, "From: Concerto <no-reply@concerto.test>\n",
	    40), 0);
	assert_int_equal(lines_starting(h, "To: e@x.org\n"), 1);
	assert_int_equal(lines_starting(h, "Subject: "), 1);
	assert_int_equal(lines_starting(h, "Date: "), 1);
	assert_int_equal(lines_starting(h, "Message-ID: <"), 1);
	assert_non_null(strstr(h, "@concerto.test>\n"));
	assert_int_equal(lines_starting(h, "MIME-Version: 1.0\n"), 1);
	assert_int_equal(lines_starting(h,
	    "Content-Type: text/plain; charset=UTF-8\n"), 1);
	assert_int_equal(lines_starting(h,
	    "Content-Transfer-Encoding: 8bit\n"), 1);
	assert_int_equal(lines_starting(h,
	    "Auto-Submitted: auto-generated\n"), 1);
	assert_string_equal(strstr(buf_str(&m), "\n\n") + 2,
	    "Bonjour,\nun lien\n");
	free(h);
	buf_free(&m);
}

static void
test_recipient_with_a_line_break_is_not_sent(void **state)
{
	struct mail_address	 from;
	struct buf		 m;

	buf_init(&m, 0);
	assert_null(mail_address_parse("n@c.test", &from));
	assert_non_null(mail_compose(&m, &from, "e@x.org\nBcc: y@z.org",
	    "s", "b", 0));
	assert_non_null(mail_compose(&m, &from, "e@x.org\r\n", "s", "b", 0));
	assert_non_null(mail_compose(&m, &from, "E <e@x.org>", "s", "b", 0));
	assert_int_equal(m.len, 0);
	buf_free(&m);
}

static void
test_long_line_goes_quoted_printable(void **state)
{
	struct mail_address	 from;
	struct buf		 body, m;
	const char		*p, *nl, *text;
	size_t			 i;

	buf_init(&body, 0);
	buf_init(&m, 0);
	buf_puts(&body, "Lien :\n");
	for (i = 0; i < 1200; i++)
		buf_putc(&body, i % 7 == 0 ? '=' : "é"[i % 2]);
	buf_puts(&body, "\nfin\n");
	assert_false(mail_body_8bit(buf_str(&body)));
	assert_true(mail_body_8bit("short\nlines\n"));
	assert_null(mail_address_parse("n@c.test", &from));
	assert_null(mail_compose(&m, &from, "e@x.org", "s", buf_str(&body), 0));
	assert_non_null(strstr(buf_str(&m),
	    "Content-Transfer-Encoding: quoted-printable\n"));
	text = strstr(buf_str(&m), "\n\n") + 2;
	for (p = text; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		assert_true(nl - p <= 76);
		for (; p < nl; p++)
			assert_true(*p >= 32 && *p < 127);
		if (*nl == '\0')
			break;
	}
	assert_int_equal(strncmp(text, "Lien :\n=3D", 10), 0);
	assert_non_null(strstr(text, "\nfin\n"));
	buf_free(&body);
	buf_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_alone_or_with_a_name),
		cmocka_unit_test(test_address_refusals),
		cmocka_unit_test(test_addr_spec_check),
		cmocka_unit_test(test_from_header_forms),
		cmocka_unit_test(test_subject_plain_or_encoded_words),
		cmocka_unit_test(test_subject_line_breaks_cannot_add_a_header),
		cmocka_unit_test(test_date_is_rfc5322),
		cmocka_unit_test(test_message_ids_unique_and_of_the_domain),
		cmocka_unit_test(test_whole_message_headers),
		cmocka_unit_test(test_recipient_with_a_line_break_is_not_sent),
		cmocka_unit_test(test_long_line_goes_quoted_printable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

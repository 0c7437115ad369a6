/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Messages as text (see mail_format.h).  Every header value is built here
 * from checked parts: an address is validated before it is written, free
 * text loses its control characters, and what is not ASCII is base64 in
 * encoded-words, so no value can end a header line or start another.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "concerto/mail_format.h"
#include "concerto/token.h"
#include "concerto/utf8.h"

/* Bytes of text in one encoded-word: 52 base64 characters, 64 in all. */
#define WORD_BYTES	39
/* The longest encoded line of quoted-printable, its soft break aside. */
#define QP_LINE		75
/* The longest header value written as is; a longer one is encoded. */
#define TEXT_PLAIN_MAX	900

/* atext of RFC 5322 (3.2.3), and any byte of UTF-8 beyond ASCII. */
static bool
mail_atext(unsigned char c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* A host name's byte: letters, digits, '-', or UTF-8 (an IDN). */
static bool
mail_domain_char(unsigned char c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/* True if s[0..n) is dot-separated non-empty runs of bytes ok() takes. */
static bool
mail_dot_atom(const char *s, size_t n, bool (*ok)(unsigned char))
{
	size_t	 i;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
		} else if (!ok((unsigned char)s[i]))
			return false;
	}
	return true;
}

bool
mail_addr_valid(const char *s)
{
	const char	*at = strrchr(s, '@');
	size_t		 len = strlen(s);

	if (at == NULL || len > MAIL_ADDR_MAX || at - s > 64)
		return false;
	if (!utf8_valid(s, len) || utf8_has_control(s, len, false))
		return false;
	return mail_dot_atom(s, (size_t)(at - s), mail_atext) &&
	    mail_dot_atom(at + 1, strlen(at + 1), mail_domain_char);
}

/* s[0..n) without the spaces and tabs around it. */
static void
mail_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Copies s[0..n) into dst[0..cap) as a string; false if it does not fit. */
static bool
mail_copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

/* The display name before '<': trimmed, unquoted, checked. */
static const char *
mail_name_parse(const char *s, size_t n, struct mail_address *out)
{
	mail_trim(&s, &n);
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
		mail_trim(&s, &n);
	}
	if (memchr(s, '"', n) != NULL || memchr(s, '\\', n) != NULL)
		return "has a '\"' or '\\' in its name (quote the whole name "
		    "once, or leave the quotes out)";
	if (!mail_copy(out->name, sizeof(out->name), s, n))
		return "has a name longer than 200 bytes";
	return NULL;
}

const char *
mail_address_parse(const char *s, struct mail_address *out)
{
	const char	*lt, *gt, *why;
	size_t		 n;

	out->name[0] = out->addr[0] = '\0';
	n = strlen(s);
	if (!utf8_valid(s, n))
		return "is not UTF-8";
	if (utf8_has_control(s, n, false))
		return "must not contain control characters (a line break "
		    "among them)";
	mail_trim(&s, &n);
	if (n == 0)
		return "is empty";
	lt = memchr(s, '<', n);
	gt = memchr(s, '>', n);
	if (lt == NULL && gt == NULL) {
		if (!mail_copy(out->addr, sizeof(out->addr), s, n) ||
		    !mail_addr_valid(out->addr))
			goto bad;
		return NULL;
	}
	if (lt == NULL || gt != s + n - 1 || gt < lt ||
	    memchr(lt + 1, '<', (size_t)(gt - lt - 1)) != NULL)
		goto bad;
	if ((why = mail_name_parse(s, (size_t)(lt - s), out)) != NULL)
		return why;
	if (!mail_copy(out->addr, sizeof(out->addr), lt + 1,
	    (size_t)(gt - lt - 1)) || !mail_addr_valid(out->addr))
		goto bad;
	return NULL;
bad:
	out->name[0] = out->addr[0] = '\0';
	return "must be one address, such as no-reply@example.org or "
	    "\"Concerto <no-reply@example.org>\"";
}

const char *
mail_address_domain(const struct mail_address *a)
{
	const char	*at = strrchr(a->addr, '@');

	return at != NULL ? at + 1 : "";
}

/*
 * Appends s[0..n) as UTF-8 B encoded-words, each cut between characters;
 * words after the first start a folded line.
 */
static void
mail_put_words(struct buf *out, const char *s, size_t n)
{
	unsigned char	 enc[4 * ((WORD_BYTES + 2) / 3) + 1];
	size_t		 len;

	while (n > 0) {
		len = n < WORD_BYTES ? n : WORD_BYTES;
		/* Back off to the start of a character. */
		while (len < n && len > 1 &&
		    ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
		EVP_EncodeBlock(enc, (const unsigned char *)s, (int)len);
		buf_printf(out, "=?UTF-8?B?%s?=", (const char *)enc);
		s += len;
		n -= len;
		if (n > 0)
			buf_puts(out, "\n ");
	}
}

/* True if s is printable ASCII only. */
static bool
mail_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

void
mail_put_address(struct buf *out, const struct mail_address *a)
{
	const char	*p;
	bool		 atoms = true;

	if (a->name[0] == '\0') {
		buf_puts(out, a->addr);
		return;
	}
	if (!mail_ascii(a->name))
		mail_put_words(out, a->name, strlen(a->name));
	else {
		for (p = a->name; *p != '\0'; p++)
			if (*p != ' ' && !mail_atext((unsigned char)*p))
				atoms = false;
		/* The parser left no '"' nor '\' in a name. */
		buf_printf(out, atoms ? "%s" : "\"%s\"", a->name);
	}
	buf_printf(out, " <%s>", a->addr);
}

void
mail_put_text(struct buf *out, const char *name, const char *value)
{
	struct buf	 clean;
	const char	*p;

	buf_init(&clean, 0);
	for (p = value; *p != '\0'; p++)
		buf_putc(&clean, (unsigned char)*p < 0x20 ||
		    (unsigned char)*p == 0x7f ? ' ' : *p);
	buf_printf(out, "%s: ", name);
	if (mail_ascii(buf_str(&clean)) && clean.len <= TEXT_PLAIN_MAX)
		buf_puts(out, buf_str(&clean));
	else
		mail_put_words(out, buf_str(&clean), clean.len);
	buf_putc(out, '\n');
	buf_free(&clean);
}

void
mail_put_date(struct buf *out, time_t t)
{
	static const char *const days[7] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	long		 off;

	if (localtime_r(&t, &tm) == NULL && gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	off = tm.tm_gmtoff / 60;
	buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
	    (off < 0 ? -off : off) % 60);
}

int
mail_put_message_id(struct buf *out, const char *domain)
{
	unsigned char	 r[16];
	size_t		 i;

	if (token_random(r, sizeof(r)) < 0)
		return -1;
	buf_putc(out, '<');
	for (i = 0; i < sizeof(r); i++)
		buf_printf(out, "%02x", r[i]);
	buf_printf(out, "@%s>", domain);
	return 0;
}

bool
mail_body_8bit(const char *body)
{
	size_t	 col = 0;

	for (; *body != '\0'; body++) {
		if (*body == '\r')
			return false;
		col = *body == '\n' ? 0 : col + 1;
		if (col > MAIL_LINE_MAX)
			return false;
	}
	return true;
}

/* One line of s[0..n) (without its newline) as quoted-printable. */
static void
mail_qp_line(struct buf *out, const char *s, size_t n)
{
	unsigned char	 c;
	char		 tok[4];
	size_t		 i, col = 0, len;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c > 32 && c < 127 && c != '=') ||
		    ((c == ' ' || c == '\t') && i + 1 < n)) {
			tok[0] = (char)c;
			tok[1] = '\0';
			len = 1;
		} else {
			snprintf(tok, sizeof(tok), "=%02X", c);
			len = 3;
		}
		if (col + len > QP_LINE) {
			buf_puts(out, "=\n");
			col = 0;
		}
		buf_puts(out, tok);
		col += len;
	}
}

void
mail_put_qp(struct buf *out, const char *body)
{
	const char	*nl;

	while (*body != '\0') {
		nl = strchr(body, '\n');
		mail_qp_line(out, body, nl != NULL ? (size_t)(nl - body) :
		    strlen(body));
		if (nl == NULL)
			break;
		buf_putc(out, '\n');
		body = nl + 1;
	}
}

const char *
mail_compose(struct buf *out, const struct mail_address *from, const char *to,
    const char *subject, const char *body, time_t now)
{
	struct buf	 id;
	bool		 plain = mail_body_8bit(body);

	if (!mail_addr_valid(to))
		return "the recipient is not one address";
	buf_init(&id, 0);
	if (mail_put_message_id(&id, mail_address_domain(from)) < 0) {
		buf_free(&id);
		return "no random bytes for its Message-ID";
	}
	buf_puts(out, "From: ");
	mail_put_address(out, from);
	buf_printf(out, "\nTo: %s\n", to);
	mail_put_text(out, "Subject", subject);
	buf_puts(out, "Date: ");
	mail_put_date(out, now);
	buf_printf(out, "\nMessage-ID: %s\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: %s\n"
	    "Auto-Submitted: auto-generated\n"
	    "\n", buf_str(&id), plain ? "8bit" : "quoted-printable");
	if (plain)
		buf_puts(out, body);
	else
		mail_put_qp(out, body);
	buf_free(&id);
	return NULL;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * One e-mail message as text (RFC 5322, MIME): the sender's address as
 * CONCERTO_MAIL_FROM gives it, header values that no data can break out
 * of (no CR or LF ever reaches a header; non-ASCII text becomes RFC 2047
 * encoded-words), the date, a message id, and a body whose lines fit.
 * Lines end in LF: the local sendmail interface takes them so.
 */
#ifndef CONCERTO_MAIL_FORMAT_H
#define CONCERTO_MAIL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "concerto/buf.h"

#define MAIL_ADDR_MAX	254	/* an addr-spec, bytes (RFC 5321 path) */
#define MAIL_NAME_MAX	200	/* a display name, bytes */
#define MAIL_LINE_MAX	998	/* a line of a message, bytes (RFC 5322) */

/* An address: a display name (may be empty) and an addr-spec. */
struct mail_address {
	char	 name[MAIL_NAME_MAX + 1];
	char	 addr[MAIL_ADDR_MAX + 1];
};

/*
 * True if s is one addr-spec, local-part@domain: each a dot-atom (atext
 * of RFC 5322, or UTF-8 as RFC 6532 allows), no control character, no
 * space, at most MAIL_ADDR_MAX bytes.  Quoted local parts and domain
 * literals are refused.
 */
bool	 mail_addr_valid(const char *s);

/*
 * Parses "addr@example.org", "Name <addr@example.org>" or "\"Name\"
 * <addr@example.org>" into *out.  The name is UTF-8 without control
 * characters, '<', '>', '"' or '\' (a quoted name loses its quotes).
 * Returns NULL, or what is wrong (a sentence for an error message).
 */
const char *mail_address_parse(const char *s, struct mail_address *out);

/* The domain of an address's addr-spec (after its '@'). */
const char *mail_address_domain(const struct mail_address *);

/*
 * Appends a as a header value: the addr-spec alone, or the name (as is
 * when it is ASCII words, else quoted, or encoded-words when not ASCII)
 * and the addr-spec in angle brackets.
 */
void	 mail_put_address(struct buf *, const struct mail_address *a);

/*
 * Appends "Name: value" and a newline for an unstructured header: value
 * as is when it is printable ASCII, else UTF-8 B encoded-words of at
 * most 75 characters each, cut between characters, on folded lines.
 * Control characters (CR and LF among them) become spaces.
 */
void	 mail_put_text(struct buf *, const char *name, const char *value);

/* Appends t as an RFC 5322 date: "Wed, 02 Dec 2026 18:19:19 +0100". */
void	 mail_put_date(struct buf *, time_t t);

/*
 * Appends a new message id, "<32 hex digits@domain>", the digits from
 * getrandom(2).  Returns 0, or -1 (nothing appended) without randomness.
 */
int	 mail_put_message_id(struct buf *, const char *domain);

/*
 * True if body can go as 8bit: no line longer than MAIL_LINE_MAX bytes,
 * no CR and no NUL.  Otherwise mail_put_qp() encodes it.
 */
bool	 mail_body_8bit(const char *body);

/* Appends body as quoted-printable (RFC 2045), lines of 76 at most. */
void	 mail_put_qp(struct buf *, const char *body);

/*
 * Appends a whole message from from to the addr-spec to, sent at now:
 * From, To, Subject, Date, Message-ID (of from's domain), MIME-Version,
 * Content-Type (text/plain, UTF-8), Content-Transfer-Encoding (8bit, or
 * quoted-printable when a line is too long), Auto-Submitted, a blank
 * line, the body.  Returns NULL, or a sentence saying why nothing was
 * appended (to is not one address, no randomness).
 */
const char *mail_compose(struct buf *, const struct mail_address *from,
	    const char *to, const char *subject, const char *body, time_t now);

#endif

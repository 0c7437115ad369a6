/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Entity tags (RFC 9110 §8.8.3): a strong validator made from the bytes of
 * a response body, and the If-None-Match test of a conditional GET.
 */
#ifndef CONCERTO_ETAG_H
#define CONCERTO_ETAG_H

#include <stdbool.h>
#include <stddef.h>

/* "…": a quote, 32 hex digits (128 bits of SHA-256), a quote, a NUL. */
#define ETAG_LEN	35

/* Writes the entity tag of body[0..len) into out, quotes included. */
void	 etag_of(const void *body, size_t len, char out[ETAG_LEN]);

/*
 * True if the If-None-Match value header (NULL: none) matches etag: "*",
 * or a list in which one entry, weak (W/) or strong, has the same opaque
 * tag (the weak comparison that RFC 9110 §13.1.2 asks of If-None-Match).
 */
bool	 etag_matches(const char *header, const char *etag);

#endif

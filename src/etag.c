/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Entity tags (see etag.h).  A tag is a digest of the body, so two workers
 * give the same tag to the same bytes and nothing needs remembering.
 */
#include <string.h>

#include <openssl/evp.h>

#include "concerto/etag.h"

void
etag_of(const void *body, size_t len, char out[ETAG_LEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	size_t		 i;

	if (EVP_Digest(body, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen < 16)
		memset(md, 0, 16);
	out[0] = '"';
	for (i = 0; i < 16; i++) {
		out[1 + 2 * i] = hex[md[i] >> 4];
		out[2 + 2 * i] = hex[md[i] & 0xf];
	}
	out[ETAG_LEN - 2] = '"';
	out[ETAG_LEN - 1] = '\0';
}

static const char *
etag_skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == ',')
		s++;
	return s;
}

bool
etag_matches(const char *header, const char *etag)
{
	const char	*s, *end;
	size_t		 len = strlen(etag);

	if (header == NULL)
		return false;
	for (s = etag_skip_space(header); *s != '\0'; s = etag_skip_space(s)) {
		if (*s == '*')
			return true;
		if (strncmp(s, "W/", 2) == 0)
			s += 2;
		if (*s != '"')
			return false;	/* not a list of tags: match nothing */
		if ((end = strchr(s + 1, '"')) == NULL)
			return false;
		if ((size_t)(end + 1 - s) == len && memcmp(s, etag, len) == 0)
			return true;
		s = end + 1;
	}
	return false;
}

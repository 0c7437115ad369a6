/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Throttling keys (see throttle.h), with libcrypto's HMAC.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "concerto/buf.h"
#include "concerto/throttle.h"

int
throttle_key_load(const char *path, struct throttle_key *key, char *err,
    size_t errlen)
{
	struct stat	 st;
	ssize_t		 n;
	int		 fd, rc = -1;
	char		 extra;

	key->len = 0;
	if (path == NULL) {
		snprintf(err, errlen, "CONCERTO_THROTTLE_KEY_FILE is not set "
		    "(a file of %d random bytes that only the service reads)",
		    THROTTLE_KEY_MIN);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: readable by others than its owner "
		    "(chmod 600)", path);
		goto out;
	}
	n = read(fd, key->bytes, sizeof(key->bytes));
	if (n < THROTTLE_KEY_MIN || read(fd, &extra, 1) != 0) {
		snprintf(err, errlen, "%s: must hold %d to %d bytes", path,
		    THROTTLE_KEY_MIN, THROTTLE_KEY_MAX);
		OPENSSL_cleanse(key->bytes, sizeof(key->bytes));
		goto out;
	}
	key->len = (size_t)n;
	rc = 0;
out:
	close(fd);
	return rc;
}

/* HMAC() fails only when libcrypto cannot allocate: abort, as mem.c does. */
void
throttle_hmac(const struct throttle_key *key, char kind, const char *text,
    char out[THROTTLE_HMAC_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	struct buf	 msg;

	buf_init(&msg, 0);
	buf_putc(&msg, kind);
	buf_puts(&msg, text);
	if (msg.overflow || HMAC(EVP_sha256(), key->bytes, (int)key->len,
	    (const unsigned char *)msg.data, msg.len, md, &mdlen) == NULL ||
	    mdlen != 32)
		abort();
	buf_free(&msg);
	out[0] = '\\';
	out[1] = 'x';
	for (i = 0; i < mdlen; i++) {
		out[2 + 2 * i] = hex[md[i] >> 4];
		out[3 + 2 * i] = hex[md[i] & 15];
	}
	out[2 + 2 * mdlen] = '\0';
	OPENSSL_cleanse(md, sizeof(md));
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Idempotency keys: a client that retries a request (a lost answer, a
 * flaky mobile network) sends the same Idempotency-Key and gets the first
 * answer again instead of a second application.  The SQL function that
 * does the work claims the key and keeps its answer in its own
 * transaction (idem_claim() and idem_keep() in sql/011), so two
 * concurrent requests with one key queue on the key's row and the second
 * gets the first's answer; the worker only reads the header and hashes
 * the request.
 */
#include <string.h>

#include "concerto/api/idempotency.h"
#include "concerto/buf.h"
#include "concerto/http.h"
#include "concerto/request.h"
#include "concerto/response.h"

#define IDEM_HEADER	"HTTP_IDEMPOTENCY_KEY"

/* 1-128 visible ASCII characters. */
static bool
idem_key_valid(const char *k)
{
	size_t	 i;

	for (i = 0; k[i] != '\0'; i++)
		if (i >= API_IDEM_KEY_MAX || k[i] <= ' ' || k[i] > '~')
			return false;
	return i > 0;
}

/* Hash of what makes two requests the same: method, path and body. */
static void
idem_request_hash(const struct request *req, char out[TOKEN_HASH_LEN + 3])
{
	struct buf	 b;

	buf_init(&b, 0);
	buf_printf(&b, "%s %s\n", http_method_name(req->method), req->path);
	if (req->body != NULL)
		buf_append(&b, req->body, req->bodylen);
	token_hash(buf_str(&b), out);
	buf_free(&b);
}

int
api_idem_read(const struct request *req, struct response *res,
    struct api_idem *idem)
{
	const char	*key = request_param(req, IDEM_HEADER);

	memset(idem, 0, sizeof(*idem));
	if (key == NULL)
		return 0;
	if (!idem_key_valid(key)) {
		response_error(res, 400, "invalid_idempotency_key",
		    "Idempotency-Key must be 1 to 128 visible ASCII characters.",
		    NULL);
		return -1;
	}
	memcpy(idem->key, key, strlen(key) + 1);
	idem_request_hash(req, idem->hash);
	idem->given = true;
	return 0;
}

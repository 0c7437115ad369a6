/*
 * Unit tests of readcache.c: a hit within the second, with the ETag and
 * type kept beside the body; keys kept apart; bodies over the limit, or
 * built before this second, not kept; threads sharing it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "concerto/readcache.h"

#define TYPE	"application/json; charset=utf-8"

/* What a body built now, of TYPE, carries (its ETag: etag_of()). */
static struct readcache_meta
meta_of(const char *body, size_t len)
{
	struct readcache_meta m = { TYPE, "", time(NULL) };

	etag_of(body, len, m.etag);
	return m;
}

/* Waits for the start of a second, so that a test's steps share one. */
static void
second_start(void)
{
	time_t	 t = time(NULL);

	while (time(NULL) == t) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
}

static void
test_hit_within_the_second_only(void **state)
{
	struct readcache *rc = readcache_new();
	struct buf	 body;
	struct readcache_meta put, got;
	char		 want[ETAG_LEN];

	buf_init(&body, 0);
	second_start();
	assert_false(readcache_get(rc, 3, "/api/v1/consultations/1", &body,
	    &got));
	put = meta_of("{\"id\":1}", 8);
	readcache_put(rc, 3, "/api/v1/consultations/1", "{\"id\":1}", 8, &put);
	assert_true(readcache_get(rc, 3, "/api/v1/consultations/1", &body,
	    &got));
	assert_string_equal(buf_str(&body), "{\"id\":1}");
	assert_string_equal(got.type, TYPE);
	etag_of("{\"id\":1}", 8, want);
	assert_string_equal(got.etag, want);
	assert_int_equal(got.built, put.built);
	/* Another route or URI is another key. */
	assert_false(readcache_get(rc, 4, "/api/v1/consultations/1", &body,
	    &got));
	assert_false(readcache_get(rc, 3, "/api/v1/consultations/1?x", &body,
	    &got));
	second_start();
	assert_false(readcache_get(rc, 3, "/api/v1/consultations/1", &body,
	    &got));
	/* Read in the second before: it could not be used, so is not kept. */
	put = meta_of("{\"id\":2}", 8);
	put.built--;
	readcache_put(rc, 3, "/api/v1/consultations/2", "{\"id\":2}", 8, &put);
	assert_false(readcache_get(rc, 3, "/api/v1/consultations/2", &body,
	    &got));
	buf_free(&body);
	readcache_free(rc);
}

static void
test_large_body_not_kept(void **state)
{
	struct readcache *rc = readcache_new();
	struct buf	 body;
	struct readcache_meta put, got;
	char		*big = malloc(READCACHE_MAX_BODY + 1);

	assert_non_null(big);
	memset(big, 'x', READCACHE_MAX_BODY + 1);
	buf_init(&body, 0);
	second_start();
	put = meta_of(big, READCACHE_MAX_BODY + 1);
	readcache_put(rc, 1, "/big", big, READCACHE_MAX_BODY + 1, &put);
	assert_false(readcache_get(rc, 1, "/big", &body, &got));
	put = meta_of(big, READCACHE_MAX_BODY);
	readcache_put(rc, 1, "/big", big, READCACHE_MAX_BODY, &put);
	assert_true(readcache_get(rc, 1, "/big", &body, &got));
	assert_int_equal(body.len, READCACHE_MAX_BODY);
	free(big);
	buf_free(&body);
	readcache_free(rc);
}

struct hammer {
	struct readcache *rc;
	int		  id;
	int		  bad;
};

/* Puts and gets its own keys; any body read must be the one put. */
static void *
hammer_run(void *arg)
{
	struct hammer	*h = arg;
	struct buf	 body;
	struct readcache_meta put, got;
	char		 uri[64], want[64];
	int		 i, k;

	buf_init(&body, 0);
	for (i = 0; i < 20000; i++) {
		k = i % 200;
		snprintf(uri, sizeof(uri), "/api/v1/consultations/%d", k);
		snprintf(want, sizeof(want), "{\"id\":%d}", k);
		if (i % 3 == h->id % 3) {
			put = meta_of(want, strlen(want));
			readcache_put(h->rc, 1, uri, want, strlen(want), &put);
		} else if (readcache_get(h->rc, 1, uri, &body, &got)) {
			put = meta_of(want, strlen(want));
			if (strcmp(buf_str(&body), want) != 0 ||
			    strcmp(got.etag, put.etag) != 0)
				h->bad++;
		}
	}
	buf_free(&body);
	return NULL;
}

static void
test_threads_share_it(void **state)
{
	struct readcache *rc = readcache_new();
	struct hammer	 h[4];
	pthread_t	 t[4];
	int		 i;

	for (i = 0; i < 4; i++) {
		h[i] = (struct hammer){ rc, i, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, hammer_run, &h[i]),
		    0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(h[i].bad, 0);
	}
	readcache_free(rc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_within_the_second_only),
		cmocka_unit_test(test_large_body_not_kept),
		cmocka_unit_test(test_threads_share_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

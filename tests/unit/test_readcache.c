/*
 * Unit tests of readcache.c: a hit within the second, keys kept apart,
 * bodies over the limit not kept, and threads sharing it.
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
	const char	*type = NULL;

	buf_init(&body, 0);
	second_start();
	assert_false(readcache_get(rc, 3, "/api/v1/consultations/1", &body,
	    &type));
	readcache_put(rc, 3, "/api/v1/consultations/1", "{\"id\":1}", 8, TYPE);
	assert_true(readcache_get(rc, 3, "/api/v1/consultations/1", &body,
	    &type));
	assert_string_equal(buf_str(&body), "{\"id\":1}");
	assert_string_equal(type, TYPE);
	/* Another route or URI is another key. */
	assert_false(readcache_get(rc, 4, "/api/v1/consultations/1", &body,
	    &type));
	assert_false(readcache_get(rc, 3, "/api/v1/consultations/1?x", &body,
	    &type));
	second_start();
	assert_false(readcache_get(rc, 3, "/api/v1/consultations/1", &body,
	    &type));
	buf_free(&body);
	readcache_free(rc);
}

static void
test_large_body_not_kept(void **state)
{
	struct readcache *rc = readcache_new();
	struct buf	 body;
	const char	*type;
	char		*big = malloc(READCACHE_MAX_BODY + 1);

	assert_non_null(big);
	memset(big, 'x', READCACHE_MAX_BODY + 1);
	buf_init(&body, 0);
	second_start();
	readcache_put(rc, 1, "/big", big, READCACHE_MAX_BODY + 1, TYPE);
	assert_false(readcache_get(rc, 1, "/big", &body, &type));
	readcache_put(rc, 1, "/big", big, READCACHE_MAX_BODY, TYPE);
	assert_true(readcache_get(rc, 1, "/big", &body, &type));
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
	const char	*type;
	char		 uri[64], want[64];
	int		 i, k;

	buf_init(&body, 0);
	for (i = 0; i < 20000; i++) {
		k = i % 200;
		snprintf(uri, sizeof(uri), "/api/v1/consultations/%d", k);
		snprintf(want, sizeof(want), "{\"id\":%d}", k);
		if (i % 3 == h->id % 3)
			readcache_put(h->rc, 1, uri, want, strlen(want), TYPE);
		else if (readcache_get(h->rc, 1, uri, &body, &type) &&
		    strcmp(buf_str(&body), want) != 0)
			h->bad++;
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

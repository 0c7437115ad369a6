/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of readcache.c, on a clock of their own: a hit within the
 * second only, with the ETag and type kept beside the body; keys kept
 * apart; bodies over the limit not kept; the last answer given while one
 * caller builds the next, for a bounded time; an older answer never
 * replacing a newer one; threads sharing it.
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

#include "concerto/readcache.h"

#define TYPE	"application/json; charset=utf-8"
#define T0	((int64_t)1796180000 * 1000)	/* the start of a second */
#define URI	"/api/v1/consultations/1"

/* What a body read at read_ms, of TYPE, carries (its ETag: etag_of()). */
static struct readcache_meta
meta_of(const char *body, int64_t read_ms)
{
	struct readcache_meta m = { TYPE, "", read_ms };

	etag_of(body, strlen(body), m.etag);
	return m;
}

/* Puts body, read at read_ms, for route 3 and uri. */
static void
put(struct readcache *rc, const char *uri, const char *body, int64_t read_ms)
{
	struct readcache_meta m = meta_of(body, read_ms);

	readcache_put(rc, 3, uri, body, strlen(body), &m);
}

/* True if a get at now_ms hits; then body holds want, read at read_ms. */
static bool
got(struct readcache *rc, const char *uri, int64_t now_ms, const char *want,
    int64_t read_ms)
{
	struct readcache_meta m, w = meta_of(want, read_ms);
	struct buf	 body;
	bool		 hit;

	buf_init(&body, 0);
	hit = readcache_get(rc, 3, uri, now_ms, &body, &m);
	if (hit) {
		assert_string_equal(buf_str(&body), want);
		assert_string_equal(m.type, TYPE);
		assert_string_equal(m.etag, w.etag);
		assert_int_equal(m.read_ms, read_ms);
	}
	buf_free(&body);
	return hit;
}

static void
test_hit_within_the_second_only(void **state)
{
	struct readcache *rc = readcache_new();
	struct buf	 body;
	struct readcache_meta m;

	assert_false(got(rc, URI, T0, "", 0));
	put(rc, URI, "{\"id\":1}", T0 + 100);
	assert_true(got(rc, URI, T0 + 100, "{\"id\":1}", T0 + 100));
	assert_true(got(rc, URI, T0 + 999, "{\"id\":1}", T0 + 100));
	/* Another route or URI is another key. */
	buf_init(&body, 0);
	assert_false(readcache_get(rc, 4, URI, T0 + 200, &body, &m));
	buf_free(&body);
	assert_false(got(rc, URI "?x", T0 + 200, "", 0));
	/* The next second: the first to ask builds. */
	assert_false(got(rc, URI, T0 + 1000, "", 0));
	readcache_free(rc);
}

static void
test_stale_while_one_rebuilds(void **state)
{
	struct readcache *rc = readcache_new();

	put(rc, URI, "[1]", T0 + 900);
	assert_false(got(rc, URI, T0 + 1000, "", 0));
	/* While the first to miss builds, the others get the last answer. */
	assert_true(got(rc, URI, T0 + 1001, "[1]", T0 + 900));
	assert_true(got(rc, URI, T0 + 1500, "[1]", T0 + 900));
	put(rc, URI, "[2]", T0 + 1000);
	assert_true(got(rc, URI, T0 + 1600, "[2]", T0 + 1000));
	/* A build that never ends hands the work on after READCACHE_STALE_MS. */
	assert_false(got(rc, URI, T0 + 2000, "", 0));
	assert_true(got(rc, URI, T0 + 2000 + READCACHE_STALE_MS - 1, "[2]",
	    T0 + 1000));
	assert_false(got(rc, URI, T0 + 2000 + READCACHE_STALE_MS, "", 0));
	readcache_free(rc);
}

static void
test_slow_build_still_kept(void **state)
{
	struct readcache *rc = readcache_new();

	/*
	 * Read in one second, put in the next: kept, so that the readers of
	 * that second get it while the next one is built, not all build.
	 */
	put(rc, URI, "[1]", T0 + 100);
	assert_false(got(rc, URI, T0 + 1000, "", 0));
	put(rc, URI, "[2]", T0 + 900);
	assert_false(got(rc, URI, T0 + 1100, "", 0));
	assert_true(got(rc, URI, T0 + 1101, "[2]", T0 + 900));
	/* An answer older than the one kept does not replace it. */
	put(rc, URI, "[3]", T0 + 1200);
	put(rc, URI, "[0]", T0 + 1150);
	assert_true(got(rc, URI, T0 + 1300, "[3]", T0 + 1200));
	readcache_free(rc);
}

static void
test_large_body_not_kept(void **state)
{
	struct readcache *rc = readcache_new();
	struct readcache_meta m = { TYPE, "", T0 };
	struct buf	 body;
	char		*big = malloc(READCACHE_MAX_BODY + 1);

	assert_non_null(big);
	memset(big, 'x', READCACHE_MAX_BODY + 1);
	buf_init(&body, 0);
	readcache_put(rc, 1, "/big", big, READCACHE_MAX_BODY + 1, &m);
	assert_false(readcache_get(rc, 1, "/big", T0, &body, &m));
	readcache_put(rc, 1, "/big", big, READCACHE_MAX_BODY, &m);
	assert_true(readcache_get(rc, 1, "/big", T0, &body, &m));
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
	struct readcache_meta m, w;
	char		 uri[64], want[64];
	int		 i, k;

	buf_init(&body, 0);
	for (i = 0; i < 20000; i++) {
		k = i % 200;
		snprintf(uri, sizeof(uri), "/api/v1/consultations/%d", k);
		snprintf(want, sizeof(want), "{\"id\":%d}", k);
		w = meta_of(want, T0 + i / 100);
		if (i % 3 == h->id % 3)
			readcache_put(h->rc, 1, uri, want, strlen(want), &w);
		else if (readcache_get(h->rc, 1, uri, T0 + i / 100, &body,
		    &m) && (strcmp(buf_str(&body), want) != 0 ||
		    strcmp(m.etag, w.etag) != 0))
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
		cmocka_unit_test(test_stale_while_one_rebuilds),
		cmocka_unit_test(test_slow_build_still_kept),
		cmocka_unit_test(test_large_body_not_kept),
		cmocka_unit_test(test_threads_share_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

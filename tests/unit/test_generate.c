/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of the data generator's pure parts: the PRNG (the same seed
 * and stream give the same numbers, other streams others, draws stay in
 * range), the draws (permutations, splits, choices, thread sizes, the
 * depth cap), COPY text and fingerprints, and generated pseudonyms, which
 * are stored forms, not reserved, and mostly free at the first attempt.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "concerto/buf.h"
#include "concerto/generate_draw.h"
#include "concerto/prng.h"
#include "concerto/pseudonym.h"

static void
test_prng_same_seed_same_numbers(void **state)
{
	struct prng	 a, b;
	int		 i;

	prng_seed(&a, 42, 7);
	prng_seed(&b, 42, 7);
	for (i = 0; i < 1000; i++)
		assert_true(prng_next(&a) == prng_next(&b));
}

static void
test_prng_known_first_value(void **state)
{
	struct prng	 a;
	uint64_t	 x = 0;

	/* splitmix64 of 0: the reference first output. */
	assert_true(prng_splitmix(&x) == 0xe220a8397b1dcdafULL);
	(void)a;
}

static void
test_prng_other_seeds_and_streams_differ(void **state)
{
	struct prng	 a, b, c;

	prng_seed(&a, 42, 7);
	prng_seed(&b, 43, 7);
	prng_seed(&c, 42, 8);
	assert_true(prng_next(&a) != prng_next(&b));
	prng_seed(&a, 42, 7);
	assert_true(prng_next(&a) != prng_next(&c));
}

static void
test_prng_below_and_unit_in_range(void **state)
{
	struct prng	 p;
	uint64_t	 seen[7] = { 0 };
	int		 i;
	double		 u;

	prng_seed(&p, 1, 1);
	assert_true(prng_below(&p, 0) == 0);
	for (i = 0; i < 70000; i++) {
		uint64_t x = prng_below(&p, 7);

		assert_true(x < 7);
		seen[x]++;
		u = prng_unit(&p);
		assert_true(u >= 0 && u < 1);
	}
	for (i = 0; i < 7; i++)
		assert_true(seen[i] > 9000 && seen[i] < 11000);
}

static void
test_weighted_follows_the_weights(void **state)
{
	const double	 w[4] = { 1, 0, 3, 6 };
	uint64_t	 seen[4] = { 0 };
	struct prng	 p;
	int		 i;

	prng_seed(&p, 5, 5);
	for (i = 0; i < 100000; i++)
		seen[prng_weighted(&p, w, 4)]++;
	assert_true(seen[1] == 0);
	assert_true(seen[0] > 9000 && seen[0] < 11000);
	assert_true(seen[2] > 28500 && seen[2] < 31500);
	assert_true(seen[3] > 58500 && seen[3] < 61500);
}

static void
test_perm_is_a_permutation(void **state)
{
	static const uint64_t sizes[] = { 1, 2, 3, 10, 97, 1000, 4096 };
	struct gen_perm	 pm;
	struct prng	 p;
	uint8_t		*hit;
	size_t		 s;
	uint64_t	 i, n;

	prng_seed(&p, 9, 9);
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		n = sizes[s];
		gen_perm_init(&pm, &p, n);
		hit = calloc(n, 1);
		for (i = 0; i < n; i++) {
			uint64_t x = gen_perm_at(&pm, i);

			assert_true(x < n);
			assert_int_equal(hit[x], 0);
			hit[x] = 1;
		}
		free(hit);
	}
}

static void
test_split_adds_up_under_the_cap(void **state)
{
	const double	 w[4] = { 10, 1, 1, 0 };
	uint64_t	 out[4];

	assert_int_equal(gen_split(1000, w, 4, 500, out), 0);
	assert_true(out[0] + out[1] + out[2] + out[3] == 1000);
	assert_true(out[0] == 500);
	assert_true(out[3] == 0);
	assert_int_equal(gen_split(7, w, 4, UINT64_MAX, out), 0);
	assert_true(out[0] + out[1] + out[2] + out[3] == 7);
	assert_int_equal(gen_split(1501, w, 4, 500, out), -1);
	assert_int_equal(gen_split(1500, w, 4, 500, out), 0);
	assert_true(out[3] == 0);
	assert_int_equal(gen_split(1, w, 0, 5, out), -1);
	assert_int_equal(gen_split(0, w, 0, 5, out), 0);
}

static void
test_choose_draws_distinct_open_ones(void **state)
{
	const double	 w[6] = { 5, 0, 1, 1, 0, 2 };
	double		 work[6];
	size_t		 out[6], n, i, j;
	struct prng	 p;
	int		 round;

	prng_seed(&p, 3, 3);
	for (round = 0; round < 1000; round++) {
		n = gen_choose(&p, w, 6, 5, work, out);
		assert_int_equal(n, 4);		/* only four are open */
		for (i = 0; i < n; i++) {
			assert_true(w[out[i]] > 0);
			for (j = i + 1; j < n; j++)
				assert_true(out[i] != out[j]);
		}
	}
}

static void
test_thread_sizes_mostly_short_some_long(void **state)
{
	struct prng	 p;
	uint64_t	 s, small = 0, big = 0;
	int		 i;

	prng_seed(&p, 4, 4);
	for (i = 0; i < 10000; i++) {
		s = gen_thread_size(&p, 300);
		assert_true(s >= 1 && s <= 300);
		small += s <= 2;
		big += s >= 20;
	}
	assert_true(small > 6000);
	assert_true(big > 50 && big < 1000);
}

static void
test_attach_keeps_the_depth_cap(void **state)
{
	struct gen_node	 n[12];
	size_t		 i;

	n[0].parent = -1;
	n[0].depth = 0;
	/* A chain: each replies to the last. */
	for (i = 1; i < 12; i++)
		gen_attach(n, i, i - 1, 8);
	for (i = 0; i <= 8; i++)
		assert_int_equal(n[i].depth, (int)i);
	/* A reply to the comment at the cap joins its parent. */
	assert_int_equal(n[9].depth, 8);
	assert_true(n[9].parent == 7);
	assert_int_equal(n[10].depth, 8);
	assert_true(n[10].parent == 7);
}

static void
test_copy_text_escapes(void **state)
{
	struct buf	 b;

	buf_init(&b, 0);
	gen_copy_text(&b, "a\tb\\c\nd\re");
	assert_string_equal(buf_str(&b), "a\\tb\\\\c\\nd\\re");
	buf_reset(&b);
	gen_copy_text(&b, NULL);
	assert_string_equal(buf_str(&b), "\\N");
	buf_free(&b);
}

static void
test_fingerprint_as_sql(void **state)
{
	char	 a[33], b[33];

	gen_fingerprint("Merci  pour", a);
	gen_fingerprint(" merci pour ", b);
	assert_string_equal(a, b);
	/* md5 of the empty string. */
	gen_fingerprint("", a);
	assert_string_equal(a, "d41d8cd98f00b204e9800998ecf8427e");
}

static void
test_pseudonyms_are_valid_and_mostly_free(void **state)
{
	struct prng	 p;
	struct buf	 b;
	char		 out[PSEUDONYM_SIZE], key[PSEUDONYM_KEY_SIZE];
	char		**keys = calloc(3000, sizeof(char *));
	size_t		 i, j, clashes = 0;

	buf_init(&b, 0);
	prng_seed(&p, 11, 1);
	for (i = 0; i < 3000; i++) {
		gen_pseudonym(&p, i % 10 == 9, &b);
		assert_int_equal(pseudonym_prepare(b.data, b.len, out),
		    PSEUDONYM_OK);
		assert_string_equal(out, buf_str(&b));
		assert_int_equal(pseudonym_skeleton(out, key), 0);
		assert_true(key[0] != '\0');
		assert_int_equal(pseudonym_reserved(key, NULL, 0), 0);
		for (j = 0; j < i; j++)
			if (strcmp(keys[j], key) == 0)
				clashes++;
		keys[i] = strdup(key);
	}
	/* The generator redraws a clash; they stay rare. */
	assert_true(clashes < 150);
	for (i = 0; i < 3000; i++)
		free(keys[i]);
	free(keys);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prng_same_seed_same_numbers),
		cmocka_unit_test(test_prng_known_first_value),
		cmocka_unit_test(test_prng_other_seeds_and_streams_differ),
		cmocka_unit_test(test_prng_below_and_unit_in_range),
		cmocka_unit_test(test_weighted_follows_the_weights),
		cmocka_unit_test(test_perm_is_a_permutation),
		cmocka_unit_test(test_split_adds_up_under_the_cap),
		cmocka_unit_test(test_choose_draws_distinct_open_ones),
		cmocka_unit_test(test_thread_sizes_mostly_short_some_long),
		cmocka_unit_test(test_attach_keeps_the_depth_cap),
		cmocka_unit_test(test_copy_text_escapes),
		cmocka_unit_test(test_fingerprint_as_sql),
		cmocka_unit_test(test_pseudonyms_are_valid_and_mostly_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

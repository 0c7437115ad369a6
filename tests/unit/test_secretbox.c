/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of secretbox.c: a sealed secret opens under its key and its
 * row's associated data only; a flipped bit anywhere, a truncation, the
 * wrong row or the wrong key all fail; the stored form holds nothing of
 * the secret; the previous key of a rotation opens what it sealed; key
 * files are refused when others may read them or they are not 64 hex
 * digits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "concerto/secretbox.h"

#define SECRET_LEN	20

static const unsigned char secret[SECRET_LEN] = "12345678901234567890";

static void
box_with(struct secretbox *box, unsigned char fill)
{
	unsigned char	 raw[SECRETBOX_KEY_LEN];

	memset(box, 0, sizeof(*box));
	memset(raw, fill, sizeof(raw));
	secretbox_key_set(&box->current, raw);
}

/* Seals secret for "totp:42" under box into out; its length. */
static size_t
seal(const struct secretbox *box, unsigned char *out, size_t max)
{
	size_t	 n = 0;

	assert_int_equal(secretbox_seal(box, "totp:42", secret, SECRET_LEN,
	    out, max, &n), 0);
	assert_int_equal(n, SECRET_LEN + SECRETBOX_OVERHEAD);
	return n;
}

static enum secretbox_status
open_as(const struct secretbox *box, const char *ad, const unsigned char *in,
    size_t n, unsigned char *out, size_t *outlen)
{
	return secretbox_open(box, ad, in, n, out, 64, outlen, NULL);
}

static void
test_round_trip_gives_the_secret_back(void **state)
{
	struct secretbox box;
	unsigned char	 sealed[64], out[64];
	size_t		 n, len = 0;

	box_with(&box, 0x11);
	n = seal(&box, sealed, sizeof(sealed));
	assert_int_equal(sealed[0], SECRETBOX_VERSION);
	assert_int_equal(sealed[1], box.current.id);
	assert_int_equal(secretbox_key_id(sealed, n), box.current.id);
	assert_int_equal(open_as(&box, "totp:42", sealed, n, out, &len),
	    SECRETBOX_OK);
	assert_int_equal(len, SECRET_LEN);
	assert_memory_equal(out, secret, SECRET_LEN);
}

static void
test_two_seals_differ_by_their_nonce(void **state)
{
	struct secretbox box;
	unsigned char	 a[64], b[64];
	size_t		 n;

	box_with(&box, 0x11);
	n = seal(&box, a, sizeof(a));
	seal(&box, b, sizeof(b));
	assert_memory_not_equal(a + 2, b + 2, SECRETBOX_NONCE_LEN);
	assert_memory_not_equal(a, b, n);
}

static void
test_a_flipped_bit_anywhere_fails(void **state)
{
	struct secretbox box;
	unsigned char	 sealed[64], out[64];
	size_t		 n, len, i;
	int		 bit;

	box_with(&box, 0x11);
	n = seal(&box, sealed, sizeof(sealed));
	for (i = 0; i < n; i++)
		for (bit = 0; bit < 8; bit++) {
			sealed[i] ^= (unsigned char)(1 << bit);
			len = 99;
			assert_int_not_equal(open_as(&box, "totp:42", sealed, n,
			    out, &len), SECRETBOX_OK);
			assert_int_equal(len, 0);
			sealed[i] ^= (unsigned char)(1 << bit);
		}
	assert_int_equal(open_as(&box, "totp:42", sealed, n, out, &len),
	    SECRETBOX_OK);
}

static void
test_another_row_does_not_open_it(void **state)
{
	struct secretbox box;
	unsigned char	 sealed[64], out[64];
	size_t		 n, len;

	box_with(&box, 0x11);
	n = seal(&box, sealed, sizeof(sealed));
	assert_int_equal(open_as(&box, "totp:43", sealed, n, out, &len),
	    SECRETBOX_INVALID);
	assert_int_equal(open_as(&box, "totp:4", sealed, n, out, &len),
	    SECRETBOX_INVALID);
	assert_int_equal(open_as(&box, "", sealed, n, out, &len),
	    SECRETBOX_INVALID);
}

static void
test_another_key_does_not_open_it(void **state)
{
	struct secretbox box, other;
	unsigned char	 sealed[64], out[64];
	size_t		 n, len;

	box_with(&box, 0x11);
	box_with(&other, 0x22);
	n = seal(&box, sealed, sizeof(sealed));
	assert_int_equal(open_as(&other, "totp:42", sealed, n, out, &len),
	    other.current.id == box.current.id ? SECRETBOX_INVALID :
	    SECRETBOX_NO_KEY);
	/* The same id with other bytes (a clash of ids) fails too. */
	other.current.id = box.current.id;
	assert_int_equal(open_as(&other, "totp:42", sealed, n, out, &len),
	    SECRETBOX_INVALID);
}

static void
test_an_empty_box_neither_seals_nor_opens(void **state)
{
	struct secretbox box, empty;
	unsigned char	 sealed[64], out[64];
	size_t		 n, len;

	memset(&empty, 0, sizeof(empty));
	assert_int_equal(secretbox_seal(&empty, "totp:42", secret, SECRET_LEN,
	    sealed, sizeof(sealed), &n), -1);
	box_with(&box, 0x11);
	n = seal(&box, sealed, sizeof(sealed));
	assert_int_equal(open_as(&empty, "totp:42", sealed, n, out, &len),
	    SECRETBOX_NO_KEY);
}

static void
test_truncated_input_fails(void **state)
{
	struct secretbox box;
	unsigned char	 sealed[64], out[64];
	size_t		 n, len, cut;

	box_with(&box, 0x11);
	n = seal(&box, sealed, sizeof(sealed));
	for (cut = 0; cut < n; cut++)
		assert_int_not_equal(open_as(&box, "totp:42", sealed, cut, out,
		    &len), SECRETBOX_OK);
}

static void
test_the_sealed_form_holds_nothing_of_the_secret(void **state)
{
	struct secretbox box;
	unsigned char	 sealed[64];
	size_t		 n, i;

	box_with(&box, 0x11);
	n = seal(&box, sealed, sizeof(sealed));
	/* No run of 4 bytes of the secret appears in it. */
	for (i = 0; i + 4 <= SECRET_LEN; i++)
		assert_null(memmem(sealed, n, secret + i, 4));
}

static void
test_the_previous_key_opens_what_it_sealed(void **state)
{
	struct secretbox before, after;
	unsigned char	 sealed[64], out[64];
	size_t		 n, len;
	bool		 old = false;

	box_with(&before, 0x11);
	n = seal(&before, sealed, sizeof(sealed));
	box_with(&after, 0x22);
	after.old = before.current;
	assert_int_equal(secretbox_open(&after, "totp:42", sealed, n, out,
	    sizeof(out), &len, &old), SECRETBOX_OK);
	assert_true(old);
	assert_memory_equal(out, secret, SECRET_LEN);
	n = seal(&after, sealed, sizeof(sealed));
	assert_int_equal(secretbox_open(&after, "totp:42", sealed, n, out,
	    sizeof(out), &len, &old), SECRETBOX_OK);
	assert_false(old);
	assert_int_equal(sealed[1], after.current.id);
}

static void
test_a_small_output_buffer_is_refused(void **state)
{
	struct secretbox box;
	unsigned char	 sealed[64], out[64];
	size_t		 n, len;

	box_with(&box, 0x11);
	assert_int_equal(secretbox_seal(&box, "totp:42", secret, SECRET_LEN,
	    sealed, SECRET_LEN + SECRETBOX_OVERHEAD - 1, &n), -1);
	n = seal(&box, sealed, sizeof(sealed));
	assert_int_equal(secretbox_open(&box, "totp:42", sealed, n, out,
	    SECRET_LEN - 1, &len, NULL), SECRETBOX_INVALID);
}

/* Writes text to a new file of mode in a temporary directory; its path. */
static char *
key_file(const char *text, mode_t mode)
{
	char	*path = strdup("/tmp/concerto-secretbox-XXXXXX");
	int	 fd;

	assert_non_null(path);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

static const char hex64[] =
    "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";

static void
test_a_key_file_of_64_hex_digits_loads(void **state)
{
	struct secretbox_key key;
	char		 err[256], text[80];
	char		*path;

	snprintf(text, sizeof(text), "%s\n", hex64);
	path = key_file(text, 0600);
	assert_int_equal(secretbox_key_load("K", path, &key, err, sizeof(err)),
	    0);
	assert_true(key.set);
	assert_int_equal(key.bytes[0], 0x00);
	assert_int_equal(key.bytes[31], 0xff);
	unlink(path);
	free(path);
}

static void
test_a_key_file_others_may_read_is_refused(void **state)
{
	struct secretbox_key key;
	char		 err[256];
	char		*path;

	path = key_file(hex64, 0640);
	assert_int_equal(secretbox_key_load("K", path, &key, err, sizeof(err)),
	    -1);
	assert_false(key.set);
	assert_non_null(strstr(err, "chmod 600"));
	unlink(path);
	free(path);
}

static void
test_a_key_file_of_another_shape_is_refused(void **state)
{
	static const char *const bad[] = {
		"0011", "00112233445566778899aabbccddeeff00112233445566778899"
		"aabbccddeeffXX", "00112233445566778899aabbccddeeff00112233445566"
		"778899aabbccddeeff00", "",
	};
	struct secretbox_key key;
	char		 err[256];
	char		*path;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		path = key_file(bad[i], 0600);
		assert_int_equal(secretbox_key_load("K", path, &key, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "64 hexadecimal digits"));
		unlink(path);
		free(path);
	}
	assert_int_equal(secretbox_key_load("CONCERTO_SECRET_KEY_FILE", NULL,
	    &key, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "CONCERTO_SECRET_KEY_FILE is not set"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_gives_the_secret_back),
		cmocka_unit_test(test_two_seals_differ_by_their_nonce),
		cmocka_unit_test(test_a_flipped_bit_anywhere_fails),
		cmocka_unit_test(test_another_row_does_not_open_it),
		cmocka_unit_test(test_another_key_does_not_open_it),
		cmocka_unit_test(test_an_empty_box_neither_seals_nor_opens),
		cmocka_unit_test(test_truncated_input_fails),
		cmocka_unit_test(test_the_sealed_form_holds_nothing_of_the_secret),
		cmocka_unit_test(test_the_previous_key_opens_what_it_sealed),
		cmocka_unit_test(test_a_small_output_buffer_is_refused),
		cmocka_unit_test(test_a_key_file_of_64_hex_digits_loads),
		cmocka_unit_test(test_a_key_file_others_may_read_is_refused),
		cmocka_unit_test(test_a_key_file_of_another_shape_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of network.c and throttle.c: the client network a throttle
 * counts (/24, /64, an IPv4-mapped address as its IPv4 /24), and the keys
 * of those counters (HMAC-SHA256 under the service's secret, read only
 * from a file its owner alone may read).
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

#include "concerto/network.h"
#include "concerto/throttle.h"

static void
assert_prefix(const char *addr, const char *want)
{
	char	 out[NETWORK_PREFIX_MAX];

	network_prefix(addr, out);
	assert_string_equal(out, want);
}

static void
test_ipv4_is_its_24(void **state)
{
	assert_prefix("192.0.2.77", "192.0.2.0/24");
	assert_prefix("198.18.255.1", "198.18.255.0/24");
}

static void
test_ipv6_is_its_64_whatever_its_form(void **state)
{
	assert_prefix("2001:db8:75::1", "2001:db8:75::/64");
	assert_prefix("2001:db8:75:0:ffff:1:2:3", "2001:db8:75::/64");
	assert_prefix("2001:0db8:0075:0000::9", "2001:db8:75::/64");
	assert_prefix("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64");
}

static void
test_ipv4_mapped_is_its_ipv4_24(void **state)
{
	assert_prefix("::ffff:192.0.2.77", "192.0.2.0/24");
	assert_prefix("::ffff:c000:24d", "192.0.2.0/24");
}

static void
test_unparsable_is_unknown(void **state)
{
	assert_prefix("not an address", "unknown");
	assert_prefix("", "unknown");
	assert_prefix(NULL, "unknown");
}

/* Writes n bytes of fill to a new file of mode; its path in path. */
static void
key_file(char path[64], size_t n, mode_t mode)
{
	unsigned char	 b[128];
	int		 fd;

	snprintf(path, 64, "/tmp/concerto-test-key-XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	memset(b, 0x5a, sizeof(b));
	assert_int_equal(write(fd, b, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
test_key_file_of_its_owner_alone_is_read(void **state)
{
	struct throttle_key	 k;
	char			 path[64], err[256];

	key_file(path, 32, 0600);
	assert_int_equal(throttle_key_load(path, &k, err, sizeof(err)), 0);
	assert_int_equal(k.len, 32);
	unlink(path);
}

static void
test_key_file_others_may_read_is_refused(void **state)
{
	struct throttle_key	 k;
	char			 path[64], err[256];

	key_file(path, 32, 0640);
	assert_int_equal(throttle_key_load(path, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "readable by others"));
	unlink(path);
}

static void
test_key_file_too_short_or_too_long_is_refused(void **state)
{
	struct throttle_key	 k;
	char			 path[64], err[256];

	key_file(path, 31, 0600);
	assert_int_equal(throttle_key_load(path, &k, err, sizeof(err)), -1);
	unlink(path);
	key_file(path, 65, 0600);
	assert_int_equal(throttle_key_load(path, &k, err, sizeof(err)), -1);
	unlink(path);
	assert_int_equal(throttle_key_load(NULL, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "CONCERTO_THROTTLE_KEY_FILE"));
	assert_int_equal(throttle_key_load("/nonexistent/key", &k, err,
	    sizeof(err)), -1);
}

static void
test_hmac_is_a_bytea_literal_keyed_by_kind_and_secret(void **state)
{
	struct throttle_key	 k1 = { { 0 }, 32 }, k2 = { { 1 }, 32 };
	char			 a[THROTTLE_HMAC_LEN + 1], b[THROTTLE_HMAC_LEN + 1];
	size_t			 i;

	throttle_hmac(&k1, 'n', "192.0.2.0/24", a);
	assert_int_equal(strlen(a), THROTTLE_HMAC_LEN);
	assert_memory_equal(a, "\\x", 2);
	for (i = 2; i < THROTTLE_HMAC_LEN; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	throttle_hmac(&k1, 'n', "192.0.2.0/24", b);
	assert_string_equal(a, b);
	throttle_hmac(&k1, 'a', "192.0.2.0/24", b);
	assert_string_not_equal(a, b);
	throttle_hmac(&k2, 'n', "192.0.2.0/24", b);
	assert_string_not_equal(a, b);
	/* HMAC-SHA256 of "nabc" under 32 zero bytes, as Python's hmac has it. */
	throttle_hmac(&k1, 'n', "abc", a);
	assert_string_equal(a, "\\x2f644dbdabb3019b37d2cb4b8eaed3b5"
	    "832205bb9eb84749250244fc3aa05b46");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_is_its_24),
		cmocka_unit_test(test_ipv6_is_its_64_whatever_its_form),
		cmocka_unit_test(test_ipv4_mapped_is_its_ipv4_24),
		cmocka_unit_test(test_unparsable_is_unknown),
		cmocka_unit_test(test_key_file_of_its_owner_alone_is_read),
		cmocka_unit_test(test_key_file_others_may_read_is_refused),
		cmocka_unit_test(test_key_file_too_short_or_too_long_is_refused),
		cmocka_unit_test(test_hmac_is_a_bytea_literal_keyed_by_kind_and_secret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

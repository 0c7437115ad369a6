/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of geo.c against the demo and test database that make builds
 * from tests/geoip/ranges.csv (design section 5): every IDF département in
 * IPv4 and IPv6, Rhône and Bouches-du-Rhône, Germany without a region, the
 * overseas départements filed as France, addresses outside the ranges,
 * malformed addresses and databases that cannot be opened.  The database
 * is CONCERTO_TEST_GEOIP, else build/geoip/concerto-test.mmdb from the
 * repository root, where make runs the tests.  Expected places are those
 * of the design, not of a run of the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/geo.h"

#define GEO_TEST_DB	"build/geoip/concerto-test.mmdb"
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct expect {
	const char	*addr;
	const char	*country;
	const char	*region;
	const char	*departement;
};

static const char *
db_path(void)
{
	const char	*p;

	p = getenv("CONCERTO_TEST_GEOIP");
	return p != NULL && *p != '\0' ? p : GEO_TEST_DB;
}

static int
group_setup(void **state)
{
	struct geo	*g;
	char		 err[256];

	if (geo_open(db_path(), &g, err, sizeof(err)) == -1) {
		fprintf(stderr, "test_geo: %s (run make first)\n", err);
		return -1;
	}
	*state = g;
	return 0;
}

static int
group_teardown(void **state)
{
	geo_close(*state);
	return 0;
}

/* Looks e->addr up and checks it is found at e's place. */
static void
assert_place(const struct geo *g, const struct expect *e)
{
	struct geo_place	 p;

	if (geo_lookup(g, e->addr, &p) != 0)
		fail_msg("%s: lookup failed", e->addr);
	if (!p.found)
		fail_msg("%s: not found", e->addr);
	if (strcmp(p.country, e->country) != 0 ||
	    strcmp(p.region, e->region) != 0 ||
	    strcmp(p.departement, e->departement) != 0)
		fail_msg("%s: got %s/%s/%s, expected %s/%s/%s", e->addr,
		    p.country, p.region, p.departement,
		    e->country, e->region, e->departement);
}

static void
assert_places(const struct geo *g, const struct expect *e, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		assert_place(g, &e[i]);
}

/* Looks addr up and checks the lookup worked but found nothing. */
static void
assert_not_found(const struct geo *g, const char *addr)
{
	struct geo_place	 p;

	memset(&p, 'x', sizeof(p));
	if (geo_lookup(g, addr, &p) != 0)
		fail_msg("%s: lookup failed", addr);
	if (p.found)
		fail_msg("%s: found %s/%s/%s", addr, p.country, p.region,
		    p.departement);
	assert_string_equal(p.country, "");
	assert_string_equal(p.region, "");
	assert_string_equal(p.departement, "");
}

/* Checks that addr is refused, and out cleared, even if it was set. */
static void
assert_malformed(const struct geo *g, const char *addr)
{
	struct geo_place	 p;

	assert_int_equal(geo_lookup(g, "192.0.2.1", &p), 0);
	assert_true(p.found);
	if (geo_lookup(g, addr, &p) != -1)
		fail_msg("'%s' accepted", addr == NULL ? "(null)" : addr);
	assert_false(p.found);
	assert_string_equal(p.country, "");
	assert_string_equal(p.region, "");
	assert_string_equal(p.departement, "");
}

/* 192.0.2.0/24 in /28 blocks: the first and last address of each. */
static void
test_idf_departements_ipv4(void **state)
{
	static const struct expect	 e[] = {
		{ "192.0.2.0",   "FR", "IDF", "75" },
		{ "192.0.2.15",  "FR", "IDF", "75" },
		{ "192.0.2.16",  "FR", "IDF", "77" },
		{ "192.0.2.31",  "FR", "IDF", "77" },
		{ "192.0.2.32",  "FR", "IDF", "78" },
		{ "192.0.2.47",  "FR", "IDF", "78" },
		{ "192.0.2.48",  "FR", "IDF", "91" },
		{ "192.0.2.63",  "FR", "IDF", "91" },
		{ "192.0.2.64",  "FR", "IDF", "92" },
		{ "192.0.2.79",  "FR", "IDF", "92" },
		{ "192.0.2.80",  "FR", "IDF", "93" },
		{ "192.0.2.95",  "FR", "IDF", "93" },
		{ "192.0.2.96",  "FR", "IDF", "94" },
		{ "192.0.2.111", "FR", "IDF", "94" },
		{ "192.0.2.112", "FR", "IDF", "95" },
		{ "192.0.2.127", "FR", "IDF", "95" },
	};

	assert_places(*state, e, NITEMS(e));
}

static void
test_idf_departements_ipv6(void **state)
{
	static const struct expect	 e[] = {
		{ "2001:db8:75::1",  "FR", "IDF", "75" },
		{ "2001:db8:77::",   "FR", "IDF", "77" },
		{ "2001:db8:78:1::", "FR", "IDF", "78" },
		{ "2001:db8:91::91", "FR", "IDF", "91" },
		{ "2001:db8:92:ffff:ffff:ffff:ffff:ffff", "FR", "IDF", "92" },
		{ "2001:db8:93::1",  "FR", "IDF", "93" },
		{ "2001:DB8:94::1",  "FR", "IDF", "94" },
		{ "2001:0db8:0095:0000:0000:0000:0000:0001", "FR", "IDF", "95" },
	};

	assert_places(*state, e, NITEMS(e));
}

static void
test_rhone_is_ara_69(void **state)
{
	static const struct expect	 e[] = {
		{ "192.0.2.128",    "FR", "ARA", "69" },
		{ "192.0.2.143",    "FR", "ARA", "69" },
		{ "2001:db8:69::1", "FR", "ARA", "69" },
	};

	assert_places(*state, e, NITEMS(e));
}

static void
test_bouches_du_rhone_is_pac_13(void **state)
{
	static const struct expect	 e[] = {
		{ "192.0.2.144",    "FR", "PAC", "13" },
		{ "192.0.2.159",    "FR", "PAC", "13" },
		{ "2001:db8:13::1", "FR", "PAC", "13" },
	};

	assert_places(*state, e, NITEMS(e));
}

static void
test_germany_has_no_region(void **state)
{
	static const struct expect	 e[] = {
		{ "192.0.2.160",    "DE", "", "" },
		{ "192.0.2.175",    "DE", "", "" },
		{ "2001:db8:de::1", "DE", "", "" },
	};

	assert_places(*state, e, NITEMS(e));
}

/* GeoIP2 files them as countries GP, MQ, GF, RE, YT (see ranges.csv). */
static void
test_overseas_filed_as_france_97x(void **state)
{
	static const struct expect	 e[] = {
		{ "198.51.100.1",    "FR", "971", "971" },
		{ "198.51.100.20",   "FR", "972", "972" },
		{ "198.51.100.40",   "FR", "973", "973" },
		{ "198.51.100.50",   "FR", "974", "974" },
		{ "198.51.100.70",   "FR", "976", "976" },
		{ "2001:db8:971::1", "FR", "971", "971" },
		{ "2001:db8:972::1", "FR", "972", "972" },
		{ "2001:db8:973::1", "FR", "973", "973" },
		{ "2001:db8:974::1", "FR", "974", "974" },
		{ "2001:db8:976::1", "FR", "976", "976" },
	};

	assert_places(*state, e, NITEMS(e));
}

/* As a dual-stack socket reports an IPv4 client. */
static void
test_ipv4_mapped_ipv6_found(void **state)
{
	static const struct expect	 e[] = {
		{ "::ffff:192.0.2.85", "FR", "IDF", "93" },
		{ "::ffff:198.51.100.50", "FR", "974", "974" },
	};

	assert_places(*state, e, NITEMS(e));
}

static void
test_loopback_not_found(void **state)
{
	assert_not_found(*state, "127.0.0.1");
	assert_not_found(*state, "::1");
	assert_not_found(*state, "::ffff:127.0.0.1");
}

static void
test_outside_ranges_not_found(void **state)
{
	assert_not_found(*state, "203.0.113.1");
	assert_not_found(*state, "192.0.2.176");
	assert_not_found(*state, "192.0.2.255");
	assert_not_found(*state, "198.51.100.80");
	assert_not_found(*state, "2001:db8::1");
	assert_not_found(*state, "2001:db8:76::1");
	assert_not_found(*state, "2001:db8:975::1");
	assert_not_found(*state, "10.0.0.1");
}

static void
test_malformed_address_fails(void **state)
{
	assert_malformed(*state, NULL);
	assert_malformed(*state, "");
	assert_malformed(*state, "not-an-address");
	assert_malformed(*state, "localhost");
	assert_malformed(*state, "192.0.2.256");
	assert_malformed(*state, "192.0.2");
	assert_malformed(*state, "127.1");
	assert_malformed(*state, " 192.0.2.1");
	assert_malformed(*state, "192.0.2.1 ");
	assert_malformed(*state, "192.0.2.0/28");
	assert_malformed(*state, "2001:db8:75::1%lo");
	assert_malformed(*state, "2001:db8:75:::1");
	assert_malformed(*state, "[2001:db8:75::1]");
}

static void
test_open_missing_file_fails(void **state)
{
	struct geo	*g = (struct geo *)1;
	char		 err[256];

	err[0] = '\0';
	assert_int_equal(geo_open("build/geoip/no-such-file.mmdb", &g, err,
	    sizeof(err)), -1);
	assert_null(g);
	assert_non_null(strstr(err, "build/geoip/no-such-file.mmdb"));
	assert_non_null(strstr(err, "No such file or directory"));
}

static void
test_open_not_a_database_fails(void **state)
{
	struct geo	*g = (struct geo *)1;
	char		 err[256];

	err[0] = '\0';
	assert_int_equal(geo_open("tests/geoip/ranges.csv", &g, err,
	    sizeof(err)), -1);
	assert_null(g);
	assert_non_null(strstr(err, "tests/geoip/ranges.csv"));
}

static void
test_open_error_truncated_to_errlen(void **state)
{
	struct geo	*g;
	char		 err[8];

	memset(err, 'x', sizeof(err));
	assert_int_equal(geo_open("build/geoip/no-such-file.mmdb", &g, err,
	    sizeof(err)), -1);
	assert_int_equal(strlen(err), sizeof(err) - 1);
}

static void
test_close_null_is_harmless(void **state)
{
	geo_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idf_departements_ipv4),
		cmocka_unit_test(test_idf_departements_ipv6),
		cmocka_unit_test(test_rhone_is_ara_69),
		cmocka_unit_test(test_bouches_du_rhone_is_pac_13),
		cmocka_unit_test(test_germany_has_no_region),
		cmocka_unit_test(test_overseas_filed_as_france_97x),
		cmocka_unit_test(test_ipv4_mapped_ipv6_found),
		cmocka_unit_test(test_loopback_not_found),
		cmocka_unit_test(test_outside_ranges_not_found),
		cmocka_unit_test(test_malformed_address_fails),
		cmocka_unit_test(test_open_missing_file_fails),
		cmocka_unit_test(test_open_not_a_database_fails),
		cmocka_unit_test(test_open_error_truncated_to_errlen),
		cmocka_unit_test(test_close_null_is_harmless),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

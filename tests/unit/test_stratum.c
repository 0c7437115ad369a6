/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of stratum.c: départements of postcodes (Corsica, overseas),
 * regions of départements, and the stratum of a participant for each
 * scheme: declared postcode first, then GeoIP, else unknown; outside the
 * territory "outside"; whether GeoIP agreed with the postcode.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "concerto/buf.h"
#include "concerto/geo.h"
#include "concerto/stratum.h"

static struct geo_place
place(const char *country, const char *region, const char *dep)
{
	struct geo_place	 g;

	memset(&g, 0, sizeof(g));
	g.found = true;
	strncat(g.country, country, sizeof(g.country) - 1);
	strncat(g.region, region, sizeof(g.region) - 1);
	strncat(g.departement, dep, sizeof(g.departement) - 1);
	return g;
}

static void
test_departement_of_postcodes(void **state)
{
	char	 d[4];

	assert_true(stratum_departement("75011", d));
	assert_string_equal(d, "75");
	assert_true(stratum_departement("01000", d));
	assert_string_equal(d, "01");
	assert_true(stratum_departement("20090", d));
	assert_string_equal(d, "2A");
	assert_true(stratum_departement("20200", d));
	assert_string_equal(d, "2B");
	assert_true(stratum_departement("97411", d));
	assert_string_equal(d, "974");
	assert_false(stratum_departement("00100", d));
	assert_false(stratum_departement("96000", d));
	assert_false(stratum_departement("7501", d));
	assert_false(stratum_departement("75O11", d));
	assert_false(stratum_departement(NULL, d));
}

static void
test_regions_of_departements(void **state)
{
	assert_string_equal(stratum_region("93"), "IDF");
	assert_string_equal(stratum_region("69"), "ARA");
	assert_string_equal(stratum_region("13"), "PAC");
	assert_string_equal(stratum_region("2B"), "20R");
	assert_string_equal(stratum_region("972"), "972");
	assert_string_equal(stratum_region("08"), "GES");
	assert_null(stratum_region("976"));	/* Mayotte: no census figure */
	assert_null(stratum_region("9"));
	assert_null(stratum_region(""));
}

static void
test_declared_postcode_wins_and_agreement_is_recorded(void **state)
{
	struct geo_place	 g = place("FR", "IDF", "93");
	struct stratum		 s;

	stratum_resolve("idf-departements", "75011", &g, &s);
	assert_string_equal(s.code, "75");
	assert_int_equal(s.source, STRATUM_DECLARED);
	assert_int_equal(s.geoip_agrees, 0);
	stratum_resolve("idf-departements", "93200", &g, &s);
	assert_int_equal(s.geoip_agrees, 1);
	stratum_resolve("fr-regions", "75011", &g, &s);
	assert_string_equal(s.code, "IDF");
	assert_int_equal(s.geoip_agrees, 1);
	stratum_resolve("fr-regions", "75011", NULL, &s);
	assert_int_equal(s.geoip_agrees, -1);
}

static void
test_geoip_when_nothing_is_declared(void **state)
{
	struct geo_place	 g = place("FR", "ARA", "69");
	struct stratum		 s;

	stratum_resolve("fr-regions", NULL, &g, &s);
	assert_string_equal(s.code, "ARA");
	assert_int_equal(s.source, STRATUM_GEOIP);
	stratum_resolve("idf-departements", NULL, &g, &s);
	assert_string_equal(s.code, STRATUM_OUTSIDE);
	assert_int_equal(s.source, STRATUM_GEOIP);
	g = place("FR", "971", "971");
	stratum_resolve("fr-regions", NULL, &g, &s);
	assert_string_equal(s.code, "971");
}

static void
test_abroad_is_outside_and_nothing_known_is_unknown(void **state)
{
	struct geo_place	 de = place("DE", "", ""), none;
	struct stratum		 s;

	stratum_resolve("fr-regions", NULL, &de, &s);
	assert_string_equal(s.code, STRATUM_OUTSIDE);
	memset(&none, 0, sizeof(none));
	stratum_resolve("fr-regions", NULL, &none, &s);
	assert_string_equal(s.code, STRATUM_UNKNOWN);
	assert_int_equal(s.source, STRATUM_NONE);
	stratum_resolve("idf-departements", NULL, NULL, &s);
	assert_string_equal(s.code, STRATUM_UNKNOWN);
	stratum_resolve("idf-departements", "13001", NULL, &s);
	assert_string_equal(s.code, STRATUM_OUTSIDE);
	assert_int_equal(s.source, STRATUM_DECLARED);
}

static void
test_scheme_none_keeps_no_stratum(void **state)
{
	struct geo_place	 g = place("FR", "IDF", "75");
	struct stratum		 s;

	stratum_resolve("none", "75011", &g, &s);
	assert_string_equal(s.code, STRATUM_UNKNOWN);
	assert_int_equal(s.source, STRATUM_NONE);
	assert_string_equal(stratum_source_name(s.source), "unknown");
	assert_string_equal(stratum_source_name(STRATUM_DECLARED), "declared");
	assert_string_equal(stratum_source_name(STRATUM_GEOIP), "geoip");
}

static void
test_json_names_the_stratum_of_every_scheme(void **state)
{
	struct geo_place	 g = place("FR", "IDF", "93");
	struct buf		 b;

	buf_init(&b, 0);
	stratum_json("75011", &g, &b);
	assert_string_equal(buf_str(&b), "{\"none\":{\"stratum\":\"unknown\","
	    "\"source\":\"unknown\",\"agrees\":null},\"idf-departements\":"
	    "{\"stratum\":\"75\",\"source\":\"declared\",\"agrees\":false},"
	    "\"fr-regions\":{\"stratum\":\"IDF\",\"source\":\"declared\","
	    "\"agrees\":true}}");
	buf_reset(&b);
	stratum_json(NULL, NULL, &b);
	assert_non_null(strstr(buf_str(&b), "\"fr-regions\":{\"stratum\":"
	    "\"unknown\",\"source\":\"unknown\",\"agrees\":null}"));
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_departement_of_postcodes),
		cmocka_unit_test(test_regions_of_departements),
		cmocka_unit_test(test_declared_postcode_wins_and_agreement_is_recorded),
		cmocka_unit_test(test_geoip_when_nothing_is_declared),
		cmocka_unit_test(test_abroad_is_outside_and_nothing_known_is_unknown),
		cmocka_unit_test(test_scheme_none_keeps_no_stratum),
		cmocka_unit_test(test_json_names_the_stratum_of_every_scheme),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of profile.c: the names in the order of the enum (the API's
 * enumeration and the FIELD_ENUM indexes depend on it), parsing exact
 * names only, and which profiles are health data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "concerto/profile.h"

static void
test_names_in_the_order_of_the_enum(void **state)
{
	assert_string_equal(profile_names[PROFILE_PATIENT], "patient");
	assert_string_equal(profile_names[PROFILE_CARER], "carer");
	assert_string_equal(profile_names[PROFILE_CITIZEN], "citizen");
	assert_string_equal(profile_names[PROFILE_HEALTH_PROFESSIONAL],
	    "health_professional");
	assert_string_equal(profile_names[PROFILE_RESEARCHER], "researcher");
	assert_string_equal(profile_names[PROFILE_OTHER], "other");
	assert_null(profile_names[PROFILE__MAX]);
}

static void
test_parse_gives_back_each_name(void **state)
{
	int	 p;

	for (p = 0; p < PROFILE__MAX; p++) {
		assert_int_equal(profile_parse(profile_names[p]), p);
		assert_string_equal(profile_name((enum profile)p),
		    profile_names[p]);
	}
}

static void
test_parse_refuses_other_spellings_and_null(void **state)
{
	assert_int_equal(profile_parse("Patient"), PROFILE__MAX);
	assert_int_equal(profile_parse("patients"), PROFILE__MAX);
	assert_int_equal(profile_parse("patient "), PROFILE__MAX);
	assert_int_equal(profile_parse("doctor"), PROFILE__MAX);
	assert_int_equal(profile_parse(""), PROFILE__MAX);
	assert_int_equal(profile_parse(NULL), PROFILE__MAX);
}

static void
test_name_of_a_value_out_of_range_is_null(void **state)
{
	assert_null(profile_name(PROFILE__MAX));
	assert_null(profile_name((enum profile)-1));
}

static void
test_patient_and_carer_are_health_data(void **state)
{
	assert_true(profile_is_health_data(PROFILE_PATIENT));
	assert_true(profile_is_health_data(PROFILE_CARER));
	assert_false(profile_is_health_data(PROFILE_CITIZEN));
	assert_false(profile_is_health_data(PROFILE_HEALTH_PROFESSIONAL));
	assert_false(profile_is_health_data(PROFILE_RESEARCHER));
	assert_false(profile_is_health_data(PROFILE_OTHER));
	assert_false(profile_is_health_data(PROFILE__MAX));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_in_the_order_of_the_enum),
		cmocka_unit_test(test_parse_gives_back_each_name),
		cmocka_unit_test(test_parse_refuses_other_spellings_and_null),
		cmocka_unit_test(test_name_of_a_value_out_of_range_is_null),
		cmocka_unit_test(test_patient_and_carer_are_health_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

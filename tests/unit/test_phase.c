/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of phase.c: the names of the phases, in the order they move
 * in, as the API and the database spell them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "concerto/phase.h"

static void
test_names_round_trip_in_order(void **state)
{
	int	 i;

	for (i = 0; i < PHASE__MAX; i++) {
		assert_non_null(phase_names[i]);
		assert_int_equal(phase_parse(phase_names[i]), i);
		assert_string_equal(phase_name((enum phase)i), phase_names[i]);
	}
	assert_null(phase_names[PHASE__MAX]);
	assert_string_equal(phase_name(PHASE_GATHERING), "gathering");
	assert_true(PHASE_DRAFT < PHASE_GATHERING &&
	    PHASE_GATHERING < PHASE_VOTING && PHASE_VOTING < PHASE_CLOSED &&
	    PHASE_CLOSED < PHASE_PUBLISHED);
}

static void
test_unknown_names_are_refused(void **state)
{
	assert_int_equal(phase_parse(NULL), -1);
	assert_int_equal(phase_parse(""), -1);
	assert_int_equal(phase_parse("Voting"), -1);
	assert_int_equal(phase_parse("voting "), -1);
	assert_string_equal(phase_name(PHASE__MAX), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip_in_order),
		cmocka_unit_test(test_unknown_names_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

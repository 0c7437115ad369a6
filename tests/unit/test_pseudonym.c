/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of pseudonym.c: the stored form (NFKC, trimmed, spaces
 * joined), the refusals (control, format and invisible characters, no
 * letter or digit, the length once normalised), the confusable keys, and
 * the reserved names, with every example of the issue.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "concerto/pseudonym.h"

/* Prepares s (a C string) and checks the status and, if OK, the form. */
static void
check(const char *s, enum pseudonym_status want, const char *form)
{
	char	 out[PSEUDONYM_SIZE];

	assert_int_equal(pseudonym_prepare(s, strlen(s), out), want);
	if (want == PSEUDONYM_OK)
		assert_string_equal(out, form);
	else
		assert_string_equal(out, "");
}

/* The key of s. */
static const char *
key(const char *s, char k[PSEUDONYM_KEY_SIZE])
{
	assert_int_equal(pseudonym_skeleton(s, k), 0);
	return k;
}

static void
assert_same_key(const char *a, const char *b)
{
	char	 ka[PSEUDONYM_KEY_SIZE], kb[PSEUDONYM_KEY_SIZE];

	assert_string_equal(key(a, ka), key(b, kb));
}

static void
assert_other_key(const char *a, const char *b)
{
	char	 ka[PSEUDONYM_KEY_SIZE], kb[PSEUDONYM_KEY_SIZE];

	assert_string_not_equal(key(a, ka), key(b, kb));
}

/* pseudonym_reserved() of the stored form of s, no staff. */
static int
reserved(const char *s)
{
	char	 out[PSEUDONYM_SIZE], k[PSEUDONYM_KEY_SIZE];

	assert_int_equal(pseudonym_prepare(s, strlen(s), out), PSEUDONYM_OK);
	return pseudonym_reserved(key(out, k), NULL, 0);
}

static void
test_plain_names_are_kept_as_given(void **state)
{
	check("Camille", PSEUDONYM_OK, "Camille");
	check("Lea R.", PSEUDONYM_OK, "Lea R.");
	check("Jean-Éric 75", PSEUDONYM_OK, "Jean-Éric 75");
	check("Zoë ❤️", PSEUDONYM_OK, "Zoë ❤️");
	check("王小明", PSEUDONYM_OK, "王小明");
}

static void
test_accented_name_keeps_accents_and_loses_double_spaces(void **state)
{
	check("Élodie  Martin", PSEUDONYM_OK, "Élodie Martin");
}

static void
test_spaces_are_trimmed_and_runs_joined(void **state)
{
	check(" Moderation", PSEUDONYM_OK, "Moderation");
	check("  Anne   Marie  ", PSEUDONYM_OK, "Anne Marie");
	check("Anne\xC2\xA0\xE2\x80\x83\xE3\x80\x80Marie", PSEUDONYM_OK,
	    "Anne Marie");			/* NBSP, em space, ideographic */
	check("Admin\xC2\xA0" "Concerto", PSEUDONYM_OK, "Admin Concerto");
	check("Anne\xE2\x80\xA8Marie", PSEUDONYM_OK, "Anne Marie");
						/* line separator */
}

static void
test_nfkc_folds_compatibility_forms(void **state)
{
	check("\xEF\xBC\xA1\xEF\xBD\x84\xEF\xBD\x8D\xEF\xBD\x89\xEF\xBD\x8E",
	    PSEUDONYM_OK, "Admin");		/* fullwidth */
	check("\xEF\xAC\x81lou", PSEUDONYM_OK, "filou");	/* fi ligature */
	check("Ele\xCC\x81onore", PSEUDONYM_OK, "El\xC3\xA9onore");
						/* e + combining acute: é */
}

static void
test_control_characters_are_refused(void **state)
{
	check("bell\x07ring", PSEUDONYM_CONTROL, NULL);
	check("tab\there", PSEUDONYM_CONTROL, NULL);
	check("new\nline", PSEUDONYM_CONTROL, NULL);
	check("next\xC2\x85line", PSEUDONYM_CONTROL, NULL);	/* NEL, C1 */
	assert_int_equal(pseudonym_prepare("nul\0byte", 8,
	    (char[PSEUDONYM_SIZE]){ 0 }), PSEUDONYM_CONTROL);
}

static void
test_zero_width_space_is_refused(void **state)
{
	check("Moderation\xE2\x80\x8B", PSEUDONYM_FORMAT, NULL);
}

static void
test_bidi_override_is_refused(void **state)
{
	check("\xE2\x80\xAE" "Admin", PSEUDONYM_FORMAT, NULL);
	check("Anne\xE2\x80\x8FMarie", PSEUDONYM_FORMAT, NULL);	/* RLM */
	check("Anne\xE2\x81\xA6Marie", PSEUDONYM_FORMAT, NULL);	/* LRI */
}

static void
test_joiners_and_other_invisibles_are_refused(void **state)
{
	check("Anne\xE2\x80\x8DMarie", PSEUDONYM_FORMAT, NULL);	/* ZWJ */
	check("Anne\xE2\x80\x8CMarie", PSEUDONYM_FORMAT, NULL);	/* ZWNJ */
	check("Anne\xC2\xADMarie", PSEUDONYM_FORMAT, NULL);	/* soft hyphen */
	check("Anne\xEF\xBB\xBFMarie", PSEUDONYM_FORMAT, NULL);	/* BOM */
	check("Anne\xE2\x81\xA0Marie", PSEUDONYM_FORMAT, NULL);	/* WJ */
	check("Anne\xCD\x8FMarie", PSEUDONYM_FORMAT, NULL);	/* CGJ */
	check("\xE3\x85\xA4\xE3\x85\xA4\xE3\x85\xA4", PSEUDONYM_FORMAT, NULL);
						/* Hangul fillers */
	check("Anne\xF3\xA0\x80\x81Marie", PSEUDONYM_FORMAT, NULL); /* tag */
}

static void
test_invisible_only_name_is_refused(void **state)
{
	check("\xE2\x80\x8B\xE2\x80\x8B\xE2\x80\x8B", PSEUDONYM_FORMAT, NULL);
	check("...", PSEUDONYM_INVISIBLE, NULL);
	check("\xE2\xA0\x80\xE2\xA0\x80\xE2\xA0\x80", PSEUDONYM_INVISIBLE,
	    NULL);				/* Braille blanks */
	check("\xE2\x9D\xA4\xEF\xB8\x8F\xE2\x9D\xA4\xEF\xB8\x8F",
	    PSEUDONYM_INVISIBLE, NULL);		/* emoji only */
	check("   ", PSEUDONYM_LENGTH, NULL);
}

static void
test_unassigned_and_private_use_are_refused(void **state)
{
	check("Anne\xEE\x80\x80Marie", PSEUDONYM_UNASSIGNED, NULL); /* U+E000 */
	check("Anne\xF1\x90\x80\x80Marie", PSEUDONYM_UNASSIGNED, NULL);
						/* U+50000, unassigned */
}

static void
test_bad_utf8_is_refused(void **state)
{
	check("caf\xC3", PSEUDONYM_INVALID, NULL);
	check("\xED\xA0\x80xyz", PSEUDONYM_INVALID, NULL);	/* surrogate */
}

static void
test_length_counts_the_normalised_form(void **state)
{
	char	 forty[41], spaced[48];

	memset(forty, 'x', 40);
	forty[40] = '\0';
	check(forty, PSEUDONYM_OK, forty);
	check("ab", PSEUDONYM_LENGTH, NULL);
	check("  ab  ", PSEUDONYM_LENGTH, NULL);	/* 6 given, 2 kept */
	check("a  b", PSEUDONYM_OK, "a b");
	/* 40 kept of 44 given: the limit is on what is stored. */
	memcpy(spaced, "  ", 2);
	memcpy(spaced + 2, forty, 40);
	memcpy(spaced + 42, "  ", 3);
	check(spaced, PSEUDONYM_OK, forty);
	forty[39] = '\0';
	memcpy(spaced, forty, 39);
	memcpy(spaced + 39, "yz", 3);
	check(spaced, PSEUDONYM_LENGTH, NULL);		/* 41 */
	/* U+FDFA is one character given and 18 once NFKC has its way. */
	check("\xEF\xB7\xBA\xEF\xB7\xBA\xEF\xB7\xBA", PSEUDONYM_LENGTH, NULL);
	/* Three Hangul syllables in jamo are three characters stored. */
	check("\xE1\x84\x80\xE1\x85\xA1\xE1\x84\x82\xE1\x85\xA1"
	    "\xE1\x84\x83\xE1\x85\xA1", PSEUDONYM_OK,
	    "\xEA\xB0\x80\xEB\x82\x98\xEB\x8B\xA4");
}

static void
test_long_input_is_too_long_not_truncated(void **state)
{
	char	 big[4096];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	check(big, PSEUDONYM_LENGTH, NULL);
}

static void
test_cyrillic_lookalike_shares_the_key(void **state)
{
	assert_same_key("M\xD0\xBE" "deration", "Moderation");	/* о */
	assert_same_key("M\xD0\xB0rie", "Marie");		/* а */
}

static void
test_key_ignores_case_accents_spaces_and_punctuation(void **state)
{
	assert_same_key("MODERATION", "moderation");
	assert_same_key("Modération", "moderation");
	assert_same_key("Admin Concerto", "AdminConcerto");
	assert_same_key("Admin-Concerto", "admin.concerto");
	assert_same_key("Marie \xE2\x9D\xA4\xEF\xB8\x8F", "Marie");
}

static void
test_key_merges_letters_and_digits_that_look_alike(void **state)
{
	assert_same_key("PauI", "Paul");	/* capital i, small L */
	assert_same_key("Pau1", "Paul");
	assert_same_key("m0deration", "moderation");
	assert_same_key("rnoderation", "moderation");	/* r n, m */
	assert_same_key("ADMIN", "admin");
	assert_same_key("\xD0\x9C\xD0\x9E" "DERATION", "moderation");
						/* Cyrillic capitals М, О */
}

static void
test_key_keeps_different_names_apart(void **state)
{
	assert_other_key("Marie", "Maria");
	assert_other_key("Camille", "Camilla");
	assert_other_key("Sacha", "Sasha");
}

static void
test_reserved_names_are_refused_in_any_disguise(void **state)
{
	assert_int_equal(reserved("Moderation"), 1);
	assert_int_equal(reserved(" Moderation"), 1);
	assert_int_equal(reserved("M\xD0\xBE" "deration"), 1);	/* Cyrillic */
	assert_int_equal(reserved("MODÉRATION"), 1);
	assert_int_equal(reserved("Admin\xC2\xA0" "Concerto"), 1);
	assert_int_equal(reserved("AdminConcerto"), 1);
	assert_int_equal(reserved("Équipe Concerto"), 1);
	assert_int_equal(reserved("Cancéropôle Île-de-France"), 1);
	assert_int_equal(reserved("canceropole"), 1);
	assert_int_equal(reserved("Support"), 1);
	assert_int_equal(reserved("Staff"), 1);
	assert_int_equal(reserved("System"), 1);
	assert_int_equal(reserved("Adm1n"), 1);
}

static void
test_names_holding_a_reserved_word_among_others_are_free(void **state)
{
	assert_int_equal(reserved("Staffan"), 0);
	assert_int_equal(reserved("Marie Admin"), 0);
	assert_int_equal(reserved("Systemique"), 0);
	assert_int_equal(reserved("Élodie Martin"), 0);
}

static void
test_staff_pseudonyms_count_as_reserved(void **state)
{
	char		 eve[PSEUDONYM_KEY_SIZE], k[PSEUDONYM_KEY_SIZE];
	const char	*staff[1];

	staff[0] = key("Eve Durand", eve);
	assert_int_equal(pseudonym_reserved(key("Eve Durand", k), staff, 1),
	    1);
	assert_int_equal(pseudonym_reserved(key("EveDurand", k), staff, 1), 1);
	assert_int_equal(pseudonym_reserved(key("Ev\xD0\xB5 Durand", k),
	    staff, 1), 1);			/* Cyrillic е */
	assert_int_equal(pseudonym_reserved(key("Eve Durand (modération)",
	    k), staff, 1), 1);
	assert_int_equal(pseudonym_reserved(key("Eve Dupont", k), staff, 1),
	    0);
}

static void
test_every_status_has_a_reason(void **state)
{
	int	 s;

	for (s = 0; s < PSEUDONYM__MAX; s++)
		assert_non_null(pseudonym_why((enum pseudonym_status)s));
	assert_non_null(pseudonym_why(PSEUDONYM__MAX));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_names_are_kept_as_given),
		cmocka_unit_test(
		    test_accented_name_keeps_accents_and_loses_double_spaces),
		cmocka_unit_test(test_spaces_are_trimmed_and_runs_joined),
		cmocka_unit_test(test_nfkc_folds_compatibility_forms),
		cmocka_unit_test(test_control_characters_are_refused),
		cmocka_unit_test(test_zero_width_space_is_refused),
		cmocka_unit_test(test_bidi_override_is_refused),
		cmocka_unit_test(test_joiners_and_other_invisibles_are_refused),
		cmocka_unit_test(test_invisible_only_name_is_refused),
		cmocka_unit_test(test_unassigned_and_private_use_are_refused),
		cmocka_unit_test(test_bad_utf8_is_refused),
		cmocka_unit_test(test_length_counts_the_normalised_form),
		cmocka_unit_test(test_long_input_is_too_long_not_truncated),
		cmocka_unit_test(test_cyrillic_lookalike_shares_the_key),
		cmocka_unit_test(
		    test_key_ignores_case_accents_spaces_and_punctuation),
		cmocka_unit_test(
		    test_key_merges_letters_and_digits_that_look_alike),
		cmocka_unit_test(test_key_keeps_different_names_apart),
		cmocka_unit_test(
		    test_reserved_names_are_refused_in_any_disguise),
		cmocka_unit_test(
		    test_names_holding_a_reserved_word_among_others_are_free),
		cmocka_unit_test(test_staff_pseudonyms_count_as_reserved),
		cmocka_unit_test(test_every_status_has_a_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Pseudonyms: a candidate becomes its stored form or a reason for refusal,
 * and every pseudonym has a key, its confusable skeleton, under which two
 * pseudonyms that look alike are the same.  Unicode through ICU; nothing
 * here touches the database (pseudonym_db.h applies the rules that do).
 */
#ifndef CONCERTO_PSEUDONYM_H
#define CONCERTO_PSEUDONYM_H

#include <stddef.h>

/* Length of the stored form in code points (the API fields declare it). */
#define PSEUDONYM_MIN		3
#define PSEUDONYM_MAX		40
/* Bytes of a stored form, with its NUL. */
#define PSEUDONYM_SIZE		(PSEUDONYM_MAX * 4 + 1)
/* Bytes of a key, with its NUL. */
#define PSEUDONYM_KEY_SIZE	1024

enum pseudonym_status {
	PSEUDONYM_OK,
	PSEUDONYM_INVALID,	/* not UTF-8 */
	PSEUDONYM_LENGTH,	/* not MIN to MAX code points once normalised */
	PSEUDONYM_CONTROL,	/* a control character (Cc) */
	PSEUDONYM_FORMAT,	/* a format (Cf) or other invisible character */
	PSEUDONYM_UNASSIGNED,	/* an unassigned or private-use code point */
	PSEUDONYM_INVISIBLE,	/* no letter or digit to see */
	PSEUDONYM_RESERVED,	/* (database rules) reserved words, staff's */
	PSEUDONYM_TAKEN,	/* (database rules) looks like another's */
	PSEUDONYM_ERROR,	/* ICU failed */
	PSEUDONYM__MAX
};

/*
 * Turns the candidate in[0..len) (UTF-8, any length) into its stored form
 * in out: NFKC, every run of white space (NBSP and the other Unicode
 * spaces) one ASCII space, none at either end.  Refuses control, format
 * and default-ignorable characters (variation selectors excepted),
 * unassigned and private-use code points, a form outside PSEUDONYM_MIN to
 * PSEUDONYM_MAX code points and one without a letter or digit.  Returns
 * PSEUDONYM_OK, or the reason with out empty.
 */
enum pseudonym_status	 pseudonym_prepare(const char *in, size_t len,
			    char out[PSEUDONYM_SIZE]);

/*
 * The key of name (UTF-8) in key: its TR 39 skeleton, case-folded, with
 * only its letters and digits (no accents, spaces or punctuation), twice
 * over so that the folding cannot hide a look-alike, i and l as one.
 * "Mоderation" (a Cyrillic о), "MODÉRATION" and "mode ration" share the
 * key of "Moderation", "PauI" that of "Paul".  Returns 0, or -1 (key
 * empty) if ICU fails or the key does not fit.
 */
int			 pseudonym_skeleton(const char *name,
			    char key[PSEUDONYM_KEY_SIZE]);

/*
 * True (1) if key is made only of the keys of the reserved names (admin,
 * moderation, Concerto, ...: the list is in pseudonym.c) and of extra[0..n)
 * (keys too, staff pseudonyms say), each any number of times: "Admin
 * Concerto" and "AdminConcerto" are.  0 if not, -1 if ICU fails.
 */
int			 pseudonym_reserved(const char *key,
			    const char *const *extra, size_t n);

/* Why status refuses a pseudonym, in English after its field's name. */
const char		*pseudonym_why(enum pseudonym_status);

#endif

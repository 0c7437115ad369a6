/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Pseudonyms (see pseudonym.h): normalisation, refusals and keys, with
 * ICU's NFKC, character properties, case folding and the confusable
 * skeletons of Unicode TR 39 (uspoof).  Work happens in fixed UTF-16
 * buffers; a candidate that does not fit is too long.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "concerto/mem.h"
#include "concerto/pseudonym.h"

/* UTF-16 units of a work buffer: far more than PSEUDONYM_MAX needs. */
#define WORK		512
/* Bytes of the key of a reserved name. */
#define RESERVED_KEY	64

/*
 * The names a participant may not take, alone or joined together (or to
 * a staff pseudonym).  Compared by key, so case, accents, spaces and
 * look-alike letters do not matter; plurals do.  The one list.
 */
static const char *const reserved_names[] = {
	"admin", "admins", "administrateur", "administratrice",
	"administration", "administrator", "cancéropôle", "concerto",
	"équipe", "Île-de-France", "modération", "moderation", "modérateur",
	"modérateurs", "modératrice", "moderator", "moderators", "official",
	"officiel", "staff", "support", "system", "système", "team",
};
#define RESERVED_N	(sizeof(reserved_names) / sizeof(reserved_names[0]))

static const char *const whys[PSEUDONYM__MAX] = {
	[PSEUDONYM_OK] = "is fine",
	[PSEUDONYM_INVALID] = "must be valid UTF-8 text",
	[PSEUDONYM_LENGTH] = "must be 3 to 40 characters long, spaces at "
	    "either end left out and inner runs of spaces counted as one",
	[PSEUDONYM_CONTROL] = "must not contain control characters",
	[PSEUDONYM_FORMAT] = "must not contain invisible or formatting "
	    "characters (zero-width spaces and joiners, direction marks)",
	[PSEUDONYM_UNASSIGNED] = "must not contain unassigned or private-use "
	    "characters",
	[PSEUDONYM_INVISIBLE] = "must contain a letter or a digit",
	[PSEUDONYM_RESERVED] = "could be mistaken for the team's or a "
	    "moderator's",
	[PSEUDONYM_TAKEN] = "is already used, or looks too much like one "
	    "that is",
	[PSEUDONYM_ERROR] = "could not be checked",
};

const char *
pseudonym_why(enum pseudonym_status s)
{
	return s < PSEUDONYM__MAX ? whys[s] : whys[PSEUDONYM_ERROR];
}

static bool
is_alnum(UChar32 c)
{
	return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
}

/* Keeps only the letters and digits of s[0..*n), in place. */
static void
keep_alnum(UChar *s, int32_t *n)
{
	int32_t	 i = 0, j = 0, start;
	UChar32	 c;

	while (i < *n) {
		start = i;
		U16_NEXT(s, i, *n, c);
		if (!is_alnum(c))
			continue;
		memmove(s + j, s + start, (size_t)(i - start) * sizeof(UChar));
		j += i - start;
	}
	*n = j;
}

/*
 * The key of s[0..n) (UTF-16) in key[0..size): skeleton, case folding,
 * letters and digits, twice; then i and l are one letter, as a capital I
 * looks like an l but folds to an i (else "ADMIN" would not be "admin",
 * nor "PauI" "Paul").  Returns 0, or -1 with key empty.
 */
static int
key_of(const USpoofChecker *sc, const UChar *s, int32_t n, char *key,
    size_t size)
{
	UChar		 a[WORK], b[WORK];
	UErrorCode	 e = U_ZERO_ERROR;
	int32_t		 len, round, i;

	key[0] = '\0';
	if (n > WORK)
		return -1;
	memcpy(a, s, (size_t)n * sizeof(UChar));
	for (round = 0; round < 2; round++) {
		len = uspoof_getSkeleton(sc, 0, a, n, b, WORK, &e);
		if (U_FAILURE(e))
			return -1;
		n = u_strFoldCase(a, WORK, b, len, U_FOLD_CASE_DEFAULT, &e);
		if (U_FAILURE(e))
			return -1;
		keep_alnum(a, &n);
	}
	for (i = 0; i < n; i++)
		if (a[i] == 'i')
			a[i] = 'l';
	e = U_ZERO_ERROR;
	u_strToUTF8(key, (int32_t)size, &len, a, n, &e);
	if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING) {
		key[0] = '\0';
		return -1;
	}
	return 0;
}

/* The key of name (UTF-8) in key[0..size); 0 or -1 with key empty. */
static int
key_utf8(const USpoofChecker *sc, const char *name, char *key, size_t size)
{
	UChar		 s[WORK];
	UErrorCode	 e = U_ZERO_ERROR;
	int32_t		 n;

	key[0] = '\0';
	u_strFromUTF8(s, WORK, &n, name, -1, &e);
	if (U_FAILURE(e))
		return -1;
	return key_of(sc, s, n, key, size);
}

int
pseudonym_skeleton(const char *name, char key[PSEUDONYM_KEY_SIZE])
{
	USpoofChecker	*sc;
	UErrorCode	 e = U_ZERO_ERROR;
	int		 rc;

	key[0] = '\0';
	sc = uspoof_open(&e);
	if (U_FAILURE(e))
		return -1;
	rc = key_utf8(sc, name, key, PSEUDONYM_KEY_SIZE);
	uspoof_close(sc);
	return rc;
}

/* Refused characters of a normalised candidate, or PSEUDONYM_OK. */
static enum pseudonym_status
refused_char(UChar32 c)
{
	switch (u_charType(c)) {
	case U_CONTROL_CHAR:
		return PSEUDONYM_CONTROL;
	case U_FORMAT_CHAR:
		return PSEUDONYM_FORMAT;
	case U_UNASSIGNED:
	case U_PRIVATE_USE_CHAR:
	case U_SURROGATE:
		return PSEUDONYM_UNASSIGNED;
	default:
		break;
	}
	/* Hangul fillers, the combining grapheme joiner, ...: invisible. */
	if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) &&
	    !u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR))
		return PSEUDONYM_FORMAT;
	return PSEUDONYM_OK;
}

/*
 * Collapses the white space of s[0..n) into out (at most n units) and
 * checks each character.  Returns PSEUDONYM_OK with *outn, the count of
 * code points in *count and whether a letter or digit is among them.
 */
static enum pseudonym_status
collapse(const UChar *s, int32_t n, UChar *out, int32_t *outn,
    int32_t *count, bool *visible)
{
	enum pseudonym_status	 why;
	int32_t			 i = 0, r = 0;
	UChar32			 c;
	bool			 space = false;

	*count = 0;
	*visible = false;
	while (i < n) {
		U16_NEXT(s, i, n, c);
		if (u_charType(c) != U_CONTROL_CHAR && u_isUWhiteSpace(c)) {
			space = r > 0;
			continue;
		}
		if ((why = refused_char(c)) != PSEUDONYM_OK)
			return why;
		if (space) {
			out[r++] = ' ';
			(*count)++;
			space = false;
		}
		/* A run of spaces becomes one: r never passes i. */
		U16_APPEND_UNSAFE(out, r, c);
		(*count)++;
		*visible = *visible || is_alnum(c);
	}
	*outn = r;
	return PSEUDONYM_OK;
}

enum pseudonym_status
pseudonym_prepare(const char *in, size_t len, char out[PSEUDONYM_SIZE])
{
	const UNormalizer2	*nfkc;
	UChar			 src[WORK], norm[WORK], res[WORK];
	UErrorCode		 e = U_ZERO_ERROR;
	enum pseudonym_status	 why;
	int32_t			 n, m, r, count;
	bool			 visible;
	char			 key[PSEUDONYM_KEY_SIZE];

	out[0] = '\0';
	if (len > WORK * 4)
		return PSEUDONYM_LENGTH;
	if (memchr(in, '\0', len) != NULL)
		return PSEUDONYM_CONTROL;
	u_strFromUTF8(src, WORK, &n, in, (int32_t)len, &e);
	if (e == U_BUFFER_OVERFLOW_ERROR)
		return PSEUDONYM_LENGTH;
	if (U_FAILURE(e))
		return PSEUDONYM_INVALID;
	e = U_ZERO_ERROR;
	if ((nfkc = unorm2_getNFKCInstance(&e)) == NULL || U_FAILURE(e))
		return PSEUDONYM_ERROR;
	m = unorm2_normalize(nfkc, src, n, norm, WORK, &e);
	if (e == U_BUFFER_OVERFLOW_ERROR)
		return PSEUDONYM_LENGTH;
	if (U_FAILURE(e))
		return PSEUDONYM_ERROR;
	if ((why = collapse(norm, m, res, &r, &count, &visible)) !=
	    PSEUDONYM_OK)
		return why;
	if (count < PSEUDONYM_MIN || count > PSEUDONYM_MAX)
		return PSEUDONYM_LENGTH;
	if (!visible)
		return PSEUDONYM_INVISIBLE;
	e = U_ZERO_ERROR;
	u_strToUTF8(out, PSEUDONYM_SIZE, NULL, res, r, &e);
	if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING) {
		out[0] = '\0';
		return PSEUDONYM_ERROR;
	}
	/* Letters that are only look-alikes of punctuation leave no key. */
	if (pseudonym_skeleton(out, key) < 0)
		why = PSEUDONYM_ERROR;
	else if (key[0] == '\0')
		why = PSEUDONYM_INVISIBLE;
	if (why != PSEUDONYM_OK)
		out[0] = '\0';
	return why;
}

/* True if key[0..len) is a concatenation of pieces[0..n). */
static bool
composed(const char *key, size_t len, const char *const *pieces, size_t n)
{
	bool	 reach[PSEUDONYM_KEY_SIZE];
	size_t	 i, j, pl;

	memset(reach, 0, len + 1);
	reach[0] = true;
	for (i = 0; i < len; i++) {
		if (!reach[i])
			continue;
		for (j = 0; j < n; j++) {
			pl = strlen(pieces[j]);
			if (pl > 0 && pl <= len - i &&
			    memcmp(key + i, pieces[j], pl) == 0)
				reach[i + pl] = true;
		}
	}
	return len > 0 && reach[len];
}

int
pseudonym_reserved(const char *key, const char *const *extra, size_t n)
{
	char		 keys[RESERVED_N][RESERVED_KEY];
	const char	**pieces = NULL;
	USpoofChecker	*sc;
	UErrorCode	 e = U_ZERO_ERROR;
	size_t		 i, len = strlen(key);
	int		 rc = -1;

	if (len >= PSEUDONYM_KEY_SIZE)
		return -1;
	sc = uspoof_open(&e);
	if (U_FAILURE(e))
		return -1;
	for (i = 0; i < RESERVED_N; i++)
		if (key_utf8(sc, reserved_names[i], keys[i], RESERVED_KEY) < 0)
			goto out;
	pieces = xcalloc(RESERVED_N + n, sizeof(*pieces));
	for (i = 0; i < RESERVED_N; i++)
		pieces[i] = keys[i];
	for (i = 0; i < n; i++)
		pieces[RESERVED_N + i] = extra[i];
	rc = composed(key, len, pieces, RESERVED_N + n) ? 1 : 0;
out:
	free(pieces);
	uspoof_close(sc);
	return rc;
}

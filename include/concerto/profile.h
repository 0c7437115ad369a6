/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The participant profiles: the one list of them in C.  Accounts, assisted
 * ballots and the profile targets of raking accept exactly these names
 * (FIELD_ENUM over profile_names[]), and results place the rows that SQL
 * groups by profile with profile_parse().  Adding a profile means adding it
 * here, placing it in a JLA group (tally_group_of() in tally.c, which the
 * compiler will point at) and in the CHECK constraints of sql/
 * (accounts.profile, profile_targets.profile), nothing else.
 */
#ifndef CONCERTO_PROFILE_H
#define CONCERTO_PROFILE_H

#include <stdbool.h>

/* In the order of profile_names[] and of the API's enumerations. */
enum profile {
	PROFILE_PATIENT,
	PROFILE_CARER,
	PROFILE_CITIZEN,
	PROFILE_HEALTH_PROFESSIONAL,
	PROFILE_RESEARCHER,
	PROFILE_OTHER,
	PROFILE__MAX
};

/* The names, indexed by enum profile and ended by NULL (a FIELD_ENUM list). */
extern const char *const profile_names[PROFILE__MAX + 1];

/* The profile named s (exactly, case included); PROFILE__MAX if none or NULL. */
enum profile	 profile_parse(const char *s);

/* The name of p (a static string); NULL for a value that is not a profile. */
const char	*profile_name(enum profile p);

/*
 * Whether p is health data (patient, carer): choosing it needs the health
 * data consent, and revoking the consent leaves it.  False for a value
 * that is not a profile.
 */
bool		 profile_is_health_data(enum profile p);

#endif

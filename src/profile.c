/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The participant profiles (see profile.h): their names and the one rule
 * that sets some apart, health data.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "concerto/profile.h"

const char *const profile_names[PROFILE__MAX + 1] = {
	[PROFILE_PATIENT] = "patient",
	[PROFILE_CARER] = "carer",
	[PROFILE_CITIZEN] = "citizen",
	[PROFILE_HEALTH_PROFESSIONAL] = "health_professional",
	[PROFILE_RESEARCHER] = "researcher",
	[PROFILE_OTHER] = "other",
	[PROFILE__MAX] = NULL,
};

enum profile
profile_parse(const char *s)
{
	size_t	 p;

	if (s == NULL)
		return PROFILE__MAX;
	for (p = 0; p < PROFILE__MAX; p++)
		if (strcmp(profile_names[p], s) == 0)
			return (enum profile)p;
	return PROFILE__MAX;
}

const char *
profile_name(enum profile p)
{
	if ((unsigned int)p >= PROFILE__MAX)
		return NULL;
	return profile_names[p];
}

bool
profile_is_health_data(enum profile p)
{
	return p == PROFILE_PATIENT || p == PROFILE_CARER;
}

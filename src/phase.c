/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Phases of a consultation (see phase.h).
 */
#include <string.h>

#include "concerto/phase.h"

const char *const phase_names[PHASE__MAX + 1] = { "draft", "gathering",
	"voting", "closed", "published", NULL };

int
phase_parse(const char *s)
{
	int	 i;

	for (i = 0; s != NULL && i < PHASE__MAX; i++)
		if (strcmp(s, phase_names[i]) == 0)
			return i;
	return -1;
}

const char *
phase_name(enum phase p)
{
	return p >= 0 && p < PHASE__MAX ? phase_names[p] : "";
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The phases of a consultation, in the only order they move in: a draft
 * (seen by staff only), gathering questions, voting, closed, results
 * published.  The SQL function consultation_phase() says which is in
 * force; these are its names, as the API and the database spell them.
 */
#ifndef CONCERTO_PHASE_H
#define CONCERTO_PHASE_H

enum phase { PHASE_DRAFT, PHASE_GATHERING, PHASE_VOTING, PHASE_CLOSED,
	PHASE_PUBLISHED, PHASE__MAX };

/* The names, in enum order, NULL-terminated (a FIELD_ENUM value list). */
extern const char *const phase_names[];

/* The phase named s, or -1 if s (may be NULL) names none. */
int		 phase_parse(const char *s);
/* The name of p, or "" for a value out of range. */
const char	*phase_name(enum phase p);

#endif

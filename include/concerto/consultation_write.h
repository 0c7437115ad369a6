/*
 * Consultations written from the validated fields of their API routes, by
 * the handlers (POST and PATCH /api/v1/consultations) and by `concerto
 * import`, so that an import can hold nothing the API would refuse.  A
 * refusal says why (refusal.h); nothing is answered here.
 */
#ifndef CONCERTO_CONSULTATION_WRITE_H
#define CONCERTO_CONSULTATION_WRITE_H

#include <stdint.h>

struct db;
struct field;
struct field_value;
struct refusal;

/*
 * Inserts a consultation from the fields f of the creation route (defs),
 * in phase, by created_by (NULL: imported), with its profile targets, in
 * the caller's transaction.  Returns 0 with *id, or -1 with why (422 on
 * the method's K, the dates or the targets; the database's failure).
 */
int	 consultation_write_insert(struct db *, const struct field_value *f,
	    const struct field *defs, const char *created_by,
	    const char *phase, int64_t *id, struct refusal *why);
/*
 * Changes consultation id by the fields f of the PATCH route (defs), in a
 * transaction of its own, against the phase in force: a phase only moves
 * forward (409 phase_backwards), a published one is not changed (409
 * published), the rules of the vote are fixed once it opens and its end
 * once it closes (409 voting_rules_frozen).  Returns 0, or -1 with why
 * (also 404 not_found, and 422 as for an insert).
 */
int	 consultation_write_update(struct db *, int64_t id,
	    const struct field_value *f, const struct field *defs,
	    struct refusal *why);

#endif

/*
 * Research priorities written from the validated fields of their API
 * routes, by the handlers and by `concerto import`, with the submissions
 * they merge as sources.  A refusal says why (refusal.h).
 */
#ifndef CONCERTO_PRIORITY_WRITE_H
#define CONCERTO_PRIORITY_WRITE_H

#include <stdint.h>

struct db;
struct field_value;
struct refusal;

/*
 * Inserts a priority of consultation cid from the fields f of the
 * creation route, with its sources, in the caller's transaction.  Returns
 * 0 with *id, or -1 with why (422 unknown_submission: a source is not a
 * submission of the consultation; the database's failure).
 */
int	 priority_write_insert(struct db *, int64_t cid,
	    const struct field_value *f, int64_t *id, struct refusal *why);
/*
 * Changes priority id by the fields f of the PATCH route, in a
 * transaction of its own.  Returns 0, or -1 with why (404 not_found, 409
 * priorities_frozen once the vote has opened, 422 as for an insert).
 */
int	 priority_write_update(struct db *, int64_t id,
	    const struct field_value *f, struct refusal *why);

#endif

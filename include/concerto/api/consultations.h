/*
 * Consultations and their priorities inserted from validated fields
 * (src/api/consultations.c, src/api/priorities.c).
 */
#ifndef CONCERTO_API_CONSULTATIONS_H
#define CONCERTO_API_CONSULTATIONS_H

#include <stdint.h>

struct db;
struct field;
struct field_value;
struct response;

/*
 * Inserts a consultation from the validated fields f of the creation
 * route (defs), in phase, by created_by (NULL: imported).  Returns 0 with
 * *id, or -1 with the response set (422, 409, 503).
 */
int	 api_consultation_insert(struct db *, struct response *,
	    const struct field_value *f, const struct field *defs,
	    const char *created_by, const char *phase, int64_t *id);
/*
 * Inserts a priority of consultation cid from the validated fields f of
 * the creation route, with its sources.  Returns 0 with *id, or -1 with
 * the response set.  Runs in the caller's transaction.
 */
int	 api_priority_insert(struct db *, struct response *, int64_t cid,
	    const struct field_value *f, int64_t *id);

#endif

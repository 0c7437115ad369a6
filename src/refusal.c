/*
 * Refusals of writes (see refusal.h).
 */
#include "concerto/refusal.h"

int
refusal_rule(struct refusal *why, int status, const char *code,
    const char *message, const char *field)
{
	why->db = DB_OK;
	why->status = status;
	why->code = code;
	why->message = message;
	why->field = field;
	return -1;
}

int
refusal_db(struct refusal *why, enum db_status rc)
{
	why->db = rc;
	why->status = 0;
	why->code = why->message = why->field = NULL;
	return -1;
}

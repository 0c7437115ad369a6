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

int
refusal_lock(struct db *db, enum stmt st, const char *id,
    struct db_rows **rows, struct refusal *why)
{
	enum db_status	 rc;

	if ((rc = db_begin(db)) == DB_OK)
		rc = db_exec(db, st, DB_PARAMS(id), rows);
	if (rc != DB_OK)
		return refusal_db(why, rc);
	if (db_nrows(*rows) == 0)
		return refusal_rule(why, 404, "not_found",
		    "There is nothing here.", NULL);
	return 0;
}

/*
 * The one table of SQL statements (see db_sql.h).  Each is prepared once per
 * connection under its name and only ever run with parameters.
 */
#include "concerto/db_sql.h"

const struct stmt_def db_statements[STMT__MAX] = {
	[STMT_PING] = { "ping", "SELECT 1", 0 },
};

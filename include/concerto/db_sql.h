/*
 * Names of the prepared statements.  Their SQL text lives in db_sql.c, the
 * one table of SQL in the program; the schema lives in sql/ migrations.
 */
#ifndef CONCERTO_DB_SQL_H
#define CONCERTO_DB_SQL_H

#include <stddef.h>

enum stmt {
	STMT_PING,
	STMT__MAX
};

struct stmt_def {
	const char	*name;
	const char	*sql;
	size_t		 nparams;
};

extern const struct stmt_def	db_statements[STMT__MAX];

#endif

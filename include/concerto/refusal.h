/*
 * Why a write was refused, as the modules below the handlers say it: the
 * database's failure, or a rule of the resource with the answer the API
 * gives it; and the row lock such a write begins with.  Handlers turn it into a response (api_refusal_answer()); the
 * CLI prints its message.
 */
#ifndef CONCERTO_REFUSAL_H
#define CONCERTO_REFUSAL_H

#include "concerto/db.h"

struct refusal {
	enum db_status	 db;		/* not DB_OK: the database failed */
	int		 status;	/* else the HTTP status of the rule */
	const char	*code;
	const char	*message;
	const char	*field;		/* the field it blames, or NULL */
};

/* Sets why to a rule's refusal; returns -1, for "return refusal_rule(...)". */
int	 refusal_rule(struct refusal *why, int status, const char *code,
	    const char *message, const char *field);
/* Sets why to the database failure rc (not DB_OK); returns -1. */
int	 refusal_db(struct refusal *why, enum db_status rc);
/*
 * Begins a transaction and runs st, a statement that locks the row of id
 * (SELECT ... FOR UPDATE): 0 with the row in *rows, or -1 with why (the
 * database's failure, or 404 not_found without a row).  The caller ends
 * the transaction and frees *rows either way.
 */
int	 refusal_lock(struct db *, enum stmt st, const char *id,
	    struct db_rows **rows, struct refusal *why);

#endif

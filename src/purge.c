/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * `concerto purge` (see purge.h): one statement per kind of expired data,
 * each in its own transaction, so that a failure leaves the others done.
 */
#include <stdio.h>

#include "concerto/config.h"
#include "concerto/db.h"
#include "concerto/purge.h"

struct purge_step {
	enum stmt	 stmt;
	const char	*what;
};

static const struct purge_step purge_steps[] = {
	{ STMT_PURGE_REDACTIONS, "redacted original(s)" },
	{ STMT_PURGE_SESSIONS, "expired session(s)" },
	{ STMT_PURGE_TOKENS, "used or expired token(s)" },
	{ STMT_PURGE_IDEMPOTENCY, "idempotency key(s)" },
	{ STMT_PURGE_MAIL, "record(s) of sent mail" },
	{ STMT_PURGE_BUDGETS, "old throttling counter(s)" },
};

int
purge_run(const struct config *cfg)
{
	struct db	*db;
	struct db_rows	*rows;
	size_t		 i;
	int		 ret = 0;
	char		 keep[24], idle[24], mail[24];

	if ((db = db_open(cfg->db, cfg->statement_timeout_ms)) == NULL) {
		fprintf(stderr, "purge: cannot connect to the database\n");
		return 1;
	}
	snprintf(keep, sizeof(keep), "%d", cfg->redaction_keep_days);
	snprintf(idle, sizeof(idle), "%d", cfg->session_idle_s);
	snprintf(mail, sizeof(mail), "%d", cfg->mail_keep_days);
	for (i = 0; i < sizeof(purge_steps) / sizeof(purge_steps[0]); i++) {
		const struct purge_step *p = &purge_steps[i];
		const char	*param = p->stmt == STMT_PURGE_REDACTIONS ?
				    keep : p->stmt == STMT_PURGE_MAIL ? mail : idle;
		enum db_status	 rc;

		rows = NULL;
		rc = db_exec(db, p->stmt, &param,
		    db_statements[p->stmt].nparams, &rows);
		if (rc != DB_OK) {
			fprintf(stderr, "purge: %s: failed\n", p->what);
			ret = 1;
		} else
			printf("purge: %lld %s\n",
			    (long long)db_int(rows, 0, 0), p->what);
		db_rows_free(rows);
	}
	db_close(db);
	return ret;
}

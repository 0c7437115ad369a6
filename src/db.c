/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * PostgreSQL access (see db.h).  The only file, with db_migrate.c, that sees
 * libpq.  A connection is opened lazily, every statement of db_statements[]
 * is prepared on it, and it is dropped when the server goes away; the next
 * call reconnects.  Outside a transaction a statement that finds its
 * connection dead is retried once on a fresh one, so a server restart costs
 * no request that arrives after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "concerto/db.h"
#include "concerto/log.h"
#include "concerto/mem.h"

struct db {
	PGconn		*conn;
	char		*conninfo;
	char		 options[64];
	bool		 in_tx;
	bool		 counted;	/* conn counts in *db_open */
	char		 constraint[64];
};

struct db_rows {
	PGresult	*res;
};

/* Shared counter and gauges, set once per process (NULL: not kept). */
static uint64_t	*db_errors;
static int64_t	*db_open_gauge, *db_in_use_gauge;

void
db_set_error_counter(uint64_t *counter)
{
	db_errors = counter;
}

void
db_set_pool_gauges(int64_t *open, int64_t *in_use)
{
	db_open_gauge = open;
	db_in_use_gauge = in_use;
}

static void
db_count_error(void)
{
	if (db_errors != NULL)
		__atomic_fetch_add(db_errors, 1, __ATOMIC_RELAXED);
}

static void
db_gauge_add(int64_t *gauge, int64_t delta)
{
	if (gauge != NULL)
		__atomic_fetch_add(gauge, delta, __ATOMIC_RELAXED);
}

struct db *
db_open(const char *conninfo, int statement_timeout_ms)
{
	struct db	*db = xcalloc(1, sizeof(*db));

	db->conninfo = xstrdup(conninfo);
	snprintf(db->options, sizeof(db->options),
	    "-c statement_timeout=%d", statement_timeout_ms);
	return db;
}

static void
db_drop(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	if (db->counted)
		db_gauge_add(db_open_gauge, -1);
	db->counted = false;
	db->conn = NULL;
	db->in_tx = false;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_drop(db);
	free(db->conninfo);
	free(db);
}

/* Prepares every statement; -1 (connection dropped) on failure. */
static int
db_prepare_all(struct db *db)
{
	PGresult	*res;
	size_t		 i;

	for (i = 0; i < STMT__MAX; i++) {
		res = PQprepare(db->conn, db_statements[i].name,
		    db_statements[i].sql, (int)db_statements[i].nparams, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			log_error("db: prepare %s: %s", db_statements[i].name,
			    PQerrorMessage(db->conn));
			PQclear(res);
			db_count_error();
			db_drop(db);
			return -1;
		}
		PQclear(res);
	}
	return 0;
}

/* Connects if not connected; 0 or -1 (server unreachable). */
static int
db_connect(struct db *db)
{
	const char *const keys[] = { "dbname", "options", "connect_timeout",
	    "application_name", NULL };
	const char *const vals[] = { db->conninfo, db->options, "3",
	    "concerto", NULL };

	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
		return 0;
	db_drop(db);
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db_count_error();
		db_drop(db);
		return -1;
	}
	db->counted = true;
	db_gauge_add(db_open_gauge, 1);
	return db_prepare_all(db);
}

/*
 * True if the error means the server (or our link to it) is away: a bad
 * connection or socket; an error without SQLSTATE, which libpq made itself
 * because the server sent none (a server that dies in the middle of a
 * statement leaves "server closed the connection unexpectedly" while
 * PQstatus() may still say CONNECTION_OK); or a server error of class 08
 * or a shutdown.  Any such connection is dropped by the caller.
 */
static bool
db_lost(const PGconn *conn, const char *state)
{
	if (conn == NULL || PQstatus(conn) == CONNECTION_BAD ||
	    PQsocket(conn) < 0 || state == NULL)
		return true;
	return strncmp(state, "08", 2) == 0 ||		/* connection */
	    strcmp(state, "57P01") == 0 ||		/* admin shutdown */
	    strcmp(state, "57P02") == 0 ||		/* crash shutdown */
	    strcmp(state, "57P03") == 0;		/* cannot connect now */
}

/* Classifies a failed result; fills the constraint name for conflicts. */
static enum db_status
db_classify(struct db *db, PGresult *res, const char *what)
{
	const char	*state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
			    NULL;
	const char	*cons;

	db->constraint[0] = '\0';
	if (db_lost(db->conn, state)) {
		log_warn("db: %s: connection lost: %s", what,
		    res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn));
		db_count_error();
		db_drop(db);
		return DB_UNAVAILABLE;
	}
	if (state != NULL && strcmp(state, "57014") == 0) {
		log_warn("db: %s: statement timeout", what);
		db_count_error();
		return DB_UNAVAILABLE;
	}
	if (state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0))
		return DB_RETRY;
	if (state != NULL && strncmp(state, "23", 2) == 0) {
		cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
		snprintf(db->constraint, sizeof(db->constraint), "%s",
		    cons ? cons : "");
		return DB_CONFLICT;
	}
	log_error("db: %s: %s", what, res ? PQresultErrorMessage(res) :
	    PQerrorMessage(db->conn));
	db_count_error();
	return DB_ERROR;
}

enum db_status
db_exec(struct db *db, enum stmt s, const char *const *params, size_t n,
    struct db_rows **rows)
{
	PGresult	*res;
	ExecStatusType	 st;
	enum db_status	 rc;
	bool		 in_tx = db->in_tx;
	int		 attempt;

	if (rows != NULL)
		*rows = NULL;
	if (s >= STMT__MAX || n != db_statements[s].nparams) {
		log_error("db: statement %d called with %zu parameters", s, n);
		return DB_ERROR;
	}
	for (attempt = 0; attempt < 2; attempt++) {
		if (db_connect(db) < 0)
			return DB_UNAVAILABLE;
		db_gauge_add(db_in_use_gauge, 1);
		res = PQexecPrepared(db->conn, db_statements[s].name, (int)n,
		    params, NULL, NULL, 0);
		db_gauge_add(db_in_use_gauge, -1);
		st = PQresultStatus(res);
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			if (rows != NULL) {
				*rows = xmalloc(sizeof(**rows));
				(*rows)->res = res;
			} else
				PQclear(res);
			return DB_OK;
		}
		rc = db_classify(db, res, db_statements[s].name);
		PQclear(res);
		/* A connection found dead outside a transaction: retry once. */
		if (rc != DB_UNAVAILABLE || in_tx || db->conn != NULL)
			return rc;
	}
	return DB_UNAVAILABLE;
}

/* Runs a fixed command (BEGIN, COMMIT, ROLLBACK) on the connection. */
static enum db_status
db_command(struct db *db, const char *cmd)
{
	PGresult	*res;
	enum db_status	 rc = DB_OK;

	if (db->conn == NULL)
		return DB_UNAVAILABLE;
	res = PQexecParams(db->conn, cmd, 0, NULL, NULL, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = db_classify(db, res, cmd);
	PQclear(res);
	return rc;
}

enum db_status
db_begin(struct db *db)
{
	enum db_status	 rc;

	if (db_connect(db) < 0)
		return DB_UNAVAILABLE;
	rc = db_command(db, "BEGIN");
	if (rc == DB_UNAVAILABLE && db_connect(db) == 0)
		rc = db_command(db, "BEGIN");
	db->in_tx = rc == DB_OK;
	return rc;
}

enum db_status
db_commit(struct db *db)
{
	enum db_status	 rc = db_command(db, "COMMIT");

	db->in_tx = false;
	return rc;
}

void
db_rollback(struct db *db)
{
	if (db->conn != NULL && db->in_tx)
		(void)db_command(db, "ROLLBACK");
	db->in_tx = false;
}

enum db_status
db_utility(struct db *db, enum utility u)
{
	if (u >= UTIL__MAX || db_connect(db) < 0)
		return DB_UNAVAILABLE;
	return db_command(db, db_utilities[u]);
}

enum db_status
db_copy_begin(struct db *db, enum utility u)
{
	PGresult	*res;
	enum db_status	 rc = DB_OK;

	if (u >= UTIL__MAX || db_connect(db) < 0)
		return DB_UNAVAILABLE;
	res = PQexecParams(db->conn, db_utilities[u], 0, NULL, NULL, NULL, NULL,
	    0);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		rc = db_classify(db, res, db_utilities[u]);
	PQclear(res);
	return rc;
}

enum db_status
db_copy_put(struct db *db, const char *data, size_t len)
{
	const size_t	 chunk = 1 << 30;	/* PQputCopyData takes an int */
	size_t		 n;

	if (db->conn == NULL)
		return DB_UNAVAILABLE;
	while (len > 0) {
		n = len < chunk ? len : chunk;
		if (PQputCopyData(db->conn, data, (int)n) != 1)
			return db_classify(db, NULL, "COPY data");
		data += n;
		len -= n;
	}
	return DB_OK;
}

enum db_status
db_copy_end(struct db *db)
{
	PGresult	*res;
	enum db_status	 rc = DB_OK;

	if (db->conn == NULL)
		return DB_UNAVAILABLE;
	if (PQputCopyEnd(db->conn, NULL) != 1)
		return db_classify(db, NULL, "COPY end");
	/* The COPY's own result, then NULL. */
	while ((res = PQgetResult(db->conn)) != NULL) {
		if (rc == DB_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = db_classify(db, res, "COPY");
		PQclear(res);
	}
	return rc;
}

const char *
db_conflict_constraint(const struct db *db)
{
	return db->constraint;
}

enum db_status
db_ping(struct db *db)
{
	return db_exec(db, STMT_PING, NULL, 0, NULL);
}

size_t
db_nrows(const struct db_rows *r)
{
	return r != NULL ? (size_t)PQntuples(r->res) : 0;
}

const char *
db_value(const struct db_rows *r, size_t row, size_t col)
{
	if (r == NULL || PQgetisnull(r->res, (int)row, (int)col))
		return NULL;
	return PQgetvalue(r->res, (int)row, (int)col);
}

bool
db_isnull(const struct db_rows *r, size_t row, size_t col)
{
	return r == NULL || PQgetisnull(r->res, (int)row, (int)col);
}

int64_t
db_int(const struct db_rows *r, size_t row, size_t col)
{
	const char	*v = db_value(r, row, col);

	return v != NULL ? strtoll(v, NULL, 10) : 0;
}

bool
db_bool(const struct db_rows *r, size_t row, size_t col)
{
	const char	*v = db_value(r, row, col);

	return v != NULL && v[0] == 't';
}

void
db_rows_free(struct db_rows *r)
{
	if (r == NULL)
		return;
	PQclear(r->res);
	free(r);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The database: one connection per thread, every statement prepared by name
 * at connect time from the table in db_sql.c, run with parameters only.
 * Only db*.c include libpq.  A lost server is reported as DB_UNAVAILABLE
 * (the caller answers 503) and the next call reconnects by itself.
 */
#ifndef CONCERTO_DB_H
#define CONCERTO_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "concerto/db_sql.h"

struct db;
struct db_rows;

enum db_status {
	DB_OK = 0,
	DB_UNAVAILABLE,		/* server away or timed out: answer 503 */
	DB_CONFLICT,		/* unique, foreign key or check violation */
	DB_RETRY,		/* serialization failure or deadlock */
	DB_ERROR		/* anything else: a bug, logged */
};

/* Allocates a handle; connects lazily, so it never fails. */
struct db	*db_open(const char *conninfo, int statement_timeout_ms);
void		 db_close(struct db *);

/*
 * Runs a prepared statement with n text parameters (NULL is SQL NULL).
 * n must equal the statement's declared count.  On DB_OK, *rows (if rows is
 * not NULL) receives the result, which the caller frees with db_rows_free().
 */
enum db_status	 db_exec(struct db *, enum stmt, const char *const *params,
		    size_t n, struct db_rows **rows);

#define DB_PARAMS(...) \
	(const char *const []){ __VA_ARGS__ }, \
	(sizeof((const char *const []){ __VA_ARGS__ }) / sizeof(const char *))

/* Transactions; db_begin() fails with DB_UNAVAILABLE like db_exec(). */
enum db_status	 db_begin(struct db *);
enum db_status	 db_commit(struct db *);
void		 db_rollback(struct db *);

/* Name of the constraint behind the last DB_CONFLICT, or "". */
const char	*db_conflict_constraint(const struct db *);

/* Checks the connection (reconnecting if needed) with a trivial query. */
enum db_status	 db_ping(struct db *);

size_t		 db_nrows(const struct db_rows *);
const char	*db_value(const struct db_rows *, size_t row, size_t col);
bool		 db_isnull(const struct db_rows *, size_t row, size_t col);
int64_t		 db_int(const struct db_rows *, size_t row, size_t col);
bool		 db_bool(const struct db_rows *, size_t row, size_t col);
void		 db_rows_free(struct db_rows *);

/*
 * Bulk loading (the data generator): db_copy_begin() starts the COPY ...
 * FROM STDIN of db_utilities[u] (text format), db_copy_put() sends rows
 * (whole or in pieces), db_copy_end() ends it and answers how it went.
 * Meanwhile no other statement may run on the connection.  db_utility()
 * runs one of the other db_utilities[] (LOCK, ANALYZE).
 */
enum db_status	 db_copy_begin(struct db *, enum utility u);
enum db_status	 db_copy_put(struct db *, const char *data, size_t len);
enum db_status	 db_copy_end(struct db *);
enum db_status	 db_utility(struct db *, enum utility u);

/* Counter of database errors since start, for /metrics (per process). */
void		 db_set_error_counter(uint64_t *counter);
/*
 * Gauges of the process's connections for /metrics: open, and of which
 * running a statement (db_exec()).
 */
void		 db_set_pool_gauges(int64_t *open, int64_t *in_use);

#endif

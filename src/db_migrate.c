/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Migrations (see db_migrate.h).  Runs as the schema owner (CONCERTO_DB_ADMIN),
 * under an advisory lock so two deployments cannot migrate at once.  Files
 * are named NNN_name.sql and applied in the order of their names; each runs
 * whole in one transaction together with its schema_migrations row.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "concerto/buf.h"
#include "concerto/config.h"
#include "concerto/db_migrate.h"
#include "concerto/mem.h"
#include "concerto/sql_split.h"

#define MIGRATE_LOCK	"7301"	/* pg_advisory_lock key for migrations */

struct migration {
	char	*name;
	char	*sql;
	char	 sum[65];	/* hex SHA-256 of the file */
};

static bool
migration_name_ok(const char *n)
{
	size_t	 len = strlen(n);

	return len > 8 && n[0] >= '0' && n[0] <= '9' && n[1] >= '0' &&
	    n[1] <= '9' && n[2] >= '0' && n[2] <= '9' && n[3] == '_' &&
	    strcmp(n + len - 4, ".sql") == 0;
}

static int
migration_cmp(const void *a, const void *b)
{
	return strcmp(((const struct migration *)a)->name,
	    ((const struct migration *)b)->name);
}

/* Reads a whole file into a NUL-terminated string; NULL on error. */
static char *
read_file(const char *dir, const char *name)
{
	struct buf	 path, text;
	FILE		*f;
	char		 chunk[8192];
	size_t		 n;

	buf_init(&path, 4096);
	buf_printf(&path, "%s/%s", dir, name);
	buf_init(&text, 16 << 20);
	if (path.overflow || (f = fopen(buf_str(&path), "r")) == NULL) {
		fprintf(stderr, "migrate: cannot read %s\n", buf_str(&path));
		buf_free(&path);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&text, chunk, n);
	fclose(f);
	buf_free(&path);
	if (text.overflow) {
		buf_free(&text);
		return NULL;
	}
	return buf_release(&text);
}

static void
sha256_hex(const char *s, char out[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 len = 0, i;

	EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL);
	for (i = 0; i < len && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

/*
 * What a migration's checksum covers: its text after a first line that is
 * its licence's SPDX tag, so that adding the tag to a file already applied
 * does not change it.
 */
static const char *
migration_checked_text(const char *sql)
{
	static const char	 tag[] = "-- SPDX-License-Identifier:";
	const char		*nl;

	if (strncmp(sql, tag, sizeof(tag) - 1) != 0 ||
	    (nl = strchr(sql, '\n')) == NULL)
		return sql;
	return nl + 1;
}

/* Loads every migration file of dir, sorted; -1 on error. */
static int
migrations_load(const char *dir, struct migration **out, size_t *count)
{
	DIR		*d;
	struct dirent	*e;
	struct migration *m = NULL;
	size_t		 n = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "migrate: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!migration_name_ok(e->d_name))
			continue;
		m = xreallocarray(m, n + 1, sizeof(*m));
		m[n].name = xstrdup(e->d_name);
		if ((m[n].sql = read_file(dir, e->d_name)) == NULL) {
			free(m[n].name);
			closedir(d);
			*out = m;
			*count = n;
			return -1;
		}
		sha256_hex(migration_checked_text(m[n].sql), m[n].sum);
		n++;
	}
	closedir(d);
	qsort(m, n, sizeof(*m), migration_cmp);
	*out = m;
	*count = n;
	return 0;
}

static void
migrations_free(struct migration *m, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].sql);
	}
	free(m);
}

/* Runs a statement with parameters; true on success, else prints why. */
static bool
run(PGconn *conn, const char *sql, int n, const char *const *params,
    PGresult **keep)
{
	PGresult	*res;
	ExecStatusType	 st;

	res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		fprintf(stderr, "migrate: %s", PQerrorMessage(conn));
		PQclear(res);
		return false;
	}
	if (keep != NULL)
		*keep = res;
	else
		PQclear(res);
	return true;
}

/* The columns of migrations_verify()'s SELECT from schema_migrations. */
enum applied_col { APPLIED_COL_NAME, APPLIED_COL_CHECKSUM };

/*
 * Refuses if an applied migration changed or disappeared; marks in
 * applied[] which files are already in.  Returns 0 or -1.
 */
static int
migrations_verify(PGconn *conn, struct migration *m, size_t n, bool *applied)
{
	PGresult	*res = NULL;
	int		 row, rc = -1;
	size_t		 i;

	if (!run(conn, "SELECT name, checksum FROM schema_migrations "
	    "ORDER BY name", 0, NULL, &res))
		return -1;
	for (row = 0; row < PQntuples(res); row++) {
		const char *name = PQgetvalue(res, row, APPLIED_COL_NAME);

		for (i = 0; i < n; i++)
			if (strcmp(m[i].name, name) == 0)
				break;
		if (i == n) {
			fprintf(stderr, "migrate: %s was applied but its file "
			    "is gone; refusing to go on\n", name);
			goto out;
		}
		if (strcmp(m[i].sum, PQgetvalue(res, row,
		    APPLIED_COL_CHECKSUM)) != 0) {
			fprintf(stderr, "migrate: %s changed after it was "
			    "applied; write a new migration instead\n", name);
			goto out;
		}
		applied[i] = true;
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

/*
 * Runs the statements of a migration script one by one, each through the
 * extended protocol (no multi-statement string ever reaches the server).
 * Returns 0, or -1 after saying which statement failed.
 */
static int
migration_statements(PGconn *conn, const struct migration *m)
{
	const char	*p = m->sql, *stmt;
	size_t		 len, nth = 0;
	char		*one;
	bool		 ok;
	int		 more;

	while ((more = sql_split_next(&p, &stmt, &len)) == 1) {
		nth++;
		one = xstrndup(stmt, len);
		ok = run(conn, one, 0, NULL, NULL);
		free(one);
		if (!ok) {
			fprintf(stderr, "migrate: %s: statement %zu failed\n",
			    m->name, nth);
			return -1;
		}
	}
	if (more < 0) {
		fprintf(stderr, "migrate: %s: a quote, dollar quote or comment "
		    "is not closed after statement %zu\n", m->name, nth);
		return -1;
	}
	return 0;
}

/* Applies one migration in its own transaction. */
static int
migration_apply(PGconn *conn, const struct migration *m)
{
	const char	*params[2] = { m->name, m->sum };

	if (!run(conn, "BEGIN", 0, NULL, NULL))
		return -1;
	if (migration_statements(conn, m) < 0 ||
	    !run(conn, "INSERT INTO schema_migrations (name, checksum) "
	    "VALUES ($1, $2)", 2, params, NULL) ||
	    !run(conn, "COMMIT", 0, NULL, NULL)) {
		run(conn, "ROLLBACK", 0, NULL, NULL);
		return -1;
	}
	printf("migrate: applied %s\n", m->name);
	fflush(stdout);
	return 0;
}

int
migrate_run(const struct config *cfg)
{
	PGconn			*conn;
	struct migration	*m = NULL;
	bool			*applied = NULL;
	size_t			 n = 0, i, done = 0;
	int			 rc = 1;
	const char		*lock[1] = { MIGRATE_LOCK };

	conn = PQconnectdb(cfg->db_admin);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "migrate: %s", PQerrorMessage(conn));
		goto out;
	}
	if (migrations_load(cfg->sql_dir, &m, &n) < 0)
		goto out;
	applied = xcalloc(n, sizeof(bool));
	if (!run(conn, "SET client_min_messages = warning", 0, NULL, NULL) ||
	    !run(conn, "SELECT pg_advisory_lock($1::bigint)", 1, lock, NULL) ||
	    !run(conn, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "name text PRIMARY KEY, checksum text NOT NULL, "
	    "applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL, NULL))
		goto out;
	if (migrations_verify(conn, m, n, applied) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (applied[i])
			continue;
		if (migration_apply(conn, &m[i]) < 0)
			goto out;
		done++;
	}
	printf("migrate: %zu applied, %zu already in place\n", done, n - done);
	rc = 0;
out:
	PQfinish(conn);
	migrations_free(m, n);
	free(applied);
	return rc;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The geo commands (see geo_cmd.h).  Lookups print codes only; loading a
 * vintage or choosing the one in force connects as the schema owner
 * (reference data is not the workers' to change) and does it in one
 * transaction, after the whole file was checked (population_file.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "concerto/cli.h"
#include "concerto/config.h"
#include "concerto/db.h"
#include "concerto/geo.h"
#include "concerto/geo_cmd.h"
#include "concerto/population_file.h"
#include "concerto/progress.h"
#include "concerto/stratum.h"

static const char *const geo_schemes[] = { "idf-departements",
	"fr-regions" };

static int
geo_lookup_cmd(const struct config *cfg, const char *addr)
{
	struct geo		*g = NULL;
	struct geo_place	 p;
	struct stratum		 s;
	char			 err[256];
	size_t			 i;

	if (cfg->geoip == NULL) {
		fprintf(stderr, "geo: CONCERTO_GEOIP is %s\n", cfg->geoip_off ?
		    "off" : "not set");
		return 1;
	}
	if (geo_open(cfg->geoip, &g, err, sizeof(err)) < 0) {
		fprintf(stderr, "geo: %s\n", err);
		return 1;
	}
	if (geo_lookup(g, addr, &p) < 0) {
		fprintf(stderr, "geo: not an IP address: %s\n", addr);
		geo_close(g);
		return 2;
	}
	if (!p.found)
		printf("%s: not in the database\n", addr);
	else
		printf("%s: country %s, region %s, departement %s\n", addr,
		    p.country, p.region[0] ? p.region : "-",
		    p.departement[0] ? p.departement : "-");
	for (i = 0; i < sizeof(geo_schemes) / sizeof(geo_schemes[0]); i++) {
		stratum_resolve(geo_schemes[i], NULL, &p, &s);
		printf("  %-17s stratum %s (%s)\n", geo_schemes[i], s.code,
		    stratum_source_name(s.source));
	}
	geo_close(g);
	return 0;
}

static bool
geo_scheme_known(const char *scheme)
{
	size_t	 i;

	for (i = 0; i < sizeof(geo_schemes) / sizeof(geo_schemes[0]); i++)
		if (strcmp(scheme, geo_schemes[i]) == 0)
			return true;
	return false;
}

/* The names of geo_schemes, comma-separated, into names (of size n). */
static const char *
geo_scheme_names(char *names, size_t n)
{
	size_t	 i, len = 0;

	names[0] = '\0';
	for (i = 0; i < sizeof(geo_schemes) / sizeof(geo_schemes[0]) &&
	    len < n; i++)
		len += (size_t)snprintf(names + len, n - len, "%s%s",
		    i > 0 ? ", " : "", geo_schemes[i]);
	return names;
}

/* Prints the vintages of scheme loaded, the one in force marked. */
static int
geo_population_vintages(struct db *db, const char *scheme)
{
	struct db_rows	*rows = NULL, *in_force = NULL;
	const char	*cur;
	size_t		 i;
	int		 rc = -1;

	if (db_exec(db, STMT_SCHEME_VINTAGES, DB_PARAMS(scheme), &rows) !=
	    DB_OK || db_exec(db, STMT_POPULATION_IN_FORCE, DB_PARAMS(scheme),
	    &in_force) != DB_OK)
		goto out;
	cur = db_nrows(in_force) > 0 ? db_value(in_force, 0, 0) : "";
	if (db_nrows(rows) > 0)
		printf("  vintages loaded:\n");
	for (i = 0; i < db_nrows(rows); i++)
		printf("  %s \"%s\", %s strata, loaded %s\n",
		    strcmp(db_value(rows, i, 0), cur) == 0 ? "*" : " ",
		    db_value(rows, i, 0), db_value(rows, i, 1),
		    db_value(rows, i, 2));
	rc = 0;
out:
	db_rows_free(rows);
	db_rows_free(in_force);
	return rc;
}

/*
 * Prints the populations in force for scheme, or for every scheme when
 * NULL; a scheme without any says so.
 */
static int
geo_population_list(const struct config *cfg, const char *scheme)
{
	struct db	*db = db_open(cfg->db, 0);
	struct db_rows	*rows = NULL;
	size_t		 i, j;
	int		 rc = 1;

	for (j = 0; j < sizeof(geo_schemes) / sizeof(geo_schemes[0]); j++) {
		if (scheme != NULL && strcmp(scheme, geo_schemes[j]) != 0)
			continue;
		if (db_exec(db, STMT_SCHEME_STRATA, DB_PARAMS(geo_schemes[j]),
		    &rows) != DB_OK) {
			fprintf(stderr, "geo: the database is unavailable\n");
			goto out;
		}
		if (db_nrows(rows) == 0)
			printf("%s: no population loaded\n", geo_schemes[j]);
		for (i = 0; i < db_nrows(rows); i++) {
			if (i == 0)
				printf("%s: %s (%s)\n", geo_schemes[j],
				    db_value(rows, 0, STRATA_COL_VINTAGE),
				    db_value(rows, 0, STRATA_COL_SOURCE));
			printf("  %-4s %-28s %12s\n",
			    db_value(rows, i, STRATA_COL_CODE),
			    db_value(rows, i, STRATA_COL_NAME),
			    db_value(rows, i, STRATA_COL_POPULATION));
		}
		db_rows_free(rows);
		rows = NULL;
		if (geo_population_vintages(db, geo_schemes[j]) < 0) {
			fprintf(stderr, "geo: the database is unavailable\n");
			goto out;
		}
	}
	rc = 0;
out:
	db_rows_free(rows);
	db_close(db);
	return rc;
}

/* The vintage of scheme in pf (one per scheme), or NULL if none. */
static const char *
geo_scheme_vintage(const struct population_file *pf, const char *scheme)
{
	size_t	 i;

	for (i = 0; i < pf->n; i++)
		if (strcmp(pf->row[i].scheme, scheme) == 0)
			return pf->row[i].vintage;
	return NULL;
}

/* The rows of pf in scheme. */
static size_t
geo_scheme_rows(const struct population_file *pf, const char *scheme)
{
	size_t	 i, n = 0;

	for (i = 0; i < pf->n; i++)
		n += strcmp(pf->row[i].scheme, scheme) == 0;
	return n;
}

/* The row of the loaded rows with code, or -1. */
static ssize_t
geo_loaded_row(const struct db_rows *loaded, const char *code)
{
	size_t	 i;

	for (i = 0; i < db_nrows(loaded); i++)
		if (strcmp(db_value(loaded, i, 0), code) == 0)
			return (ssize_t)i;
	return -1;
}

/*
 * Prints what loading the rows of pf in scheme (vintage v) changes against
 * what the database holds, and sets *differs if the vintage is new or its
 * figures differ.  Returns 0, or -1 if the database fails.
 */
static int
geo_population_diff(struct db *db, const struct population_file *pf,
    const char *scheme, const char *v, bool *differs)
{
	const struct population_row	*r;
	struct db_rows			*loaded = NULL, *in_force = NULL;
	char				 pop[24];
	ssize_t				 j;
	size_t				 i;
	int				 rc = -1;

	*differs = false;
	if (db_exec(db, STMT_POPULATION_VINTAGE, DB_PARAMS(scheme, v),
	    &loaded) != DB_OK || db_exec(db, STMT_POPULATION_IN_FORCE,
	    DB_PARAMS(scheme), &in_force) != DB_OK)
		goto out;
	if (db_nrows(loaded) == 0) {
		printf("%s, vintage \"%s\": new, %zu strata\n", scheme, v,
		    geo_scheme_rows(pf, scheme));
		*differs = true;
	} else
		printf("%s, vintage \"%s\": loaded before\n", scheme, v);
	for (i = 0; i < pf->n && db_nrows(loaded) > 0; i++) {
		r = &pf->row[i];
		if (strcmp(r->scheme, scheme) != 0)
			continue;
		snprintf(pop, sizeof(pop), "%lld", r->population);
		if ((j = geo_loaded_row(loaded, r->code)) < 0) {
			printf("  %s: new, %s\n", r->code, pop);
			*differs = true;
			continue;
		}
		if (strcmp(db_value(loaded, j, 2), pop) != 0)
			printf("  %s: population %s -> %s\n", r->code,
			    db_value(loaded, j, 2), pop);
		if (strcmp(db_value(loaded, j, 1), r->name) != 0)
			printf("  %s: name \"%s\" -> \"%s\"\n", r->code,
			    db_value(loaded, j, 1), r->name);
		if (strcmp(db_value(loaded, j, 3), r->source) != 0)
			printf("  %s: source \"%s\" -> \"%s\"\n", r->code,
			    db_value(loaded, j, 3), r->source);
		if (strcmp(db_value(loaded, j, 1), r->name) != 0 ||
		    strcmp(db_value(loaded, j, 2), pop) != 0 ||
		    strcmp(db_value(loaded, j, 3), r->source) != 0)
			*differs = true;
	}
	if (db_nrows(loaded) > 0 && !*differs)
		printf("  the same figures\n");
	if (db_nrows(in_force) > 0 && strcmp(db_value(in_force, 0, 0), v) == 0)
		printf("  in force already\n");
	else
		printf("  in force: \"%s\" -> \"%s\"\n", db_nrows(in_force) > 0 ?
		    db_value(in_force, 0, 0) : "none", v);
	rc = 0;
out:
	db_rows_free(loaded);
	db_rows_free(in_force);
	return rc;
}

/*
 * Replaces the rows of scheme's vintage v with pf's (figures that differ
 * from those loaded) and puts v in force.
 */
static int
geo_population_put(struct db *db, const struct population_file *pf,
    const char *scheme, const char *v, struct progress *bar)
{
	const struct population_row	*r;
	char				 pop[24];
	size_t				 i;

	if (db_exec(db, STMT_POPULATION_DELETE, DB_PARAMS(scheme, v), NULL) !=
	    DB_OK)
		return -1;
	for (i = 0; i < pf->n; i++) {
		r = &pf->row[i];
		if (strcmp(r->scheme, scheme) != 0)
			continue;
		snprintf(pop, sizeof(pop), "%lld", r->population);
		if (db_exec(db, STMT_POPULATION_INSERT, DB_PARAMS(scheme, v,
		    r->code, r->name, pop, r->source), NULL) != DB_OK)
			return -1;
		progress_step(bar);
	}
	return db_exec(db, STMT_POPULATION_USE, DB_PARAMS(scheme, v), NULL) ==
	    DB_OK ? 0 : -1;
}

/*
 * Loads the file at path whole, in one transaction: for each scheme it
 * names, its vintage replaces the rows of that vintage and goes in force.
 * A dry run prints the same account of the changes and rolls back.
 */
static int
geo_population_load(const struct config *cfg, const char *path, bool dry)
{
	struct population_file	 pf;
	struct progress		 bar;
	struct db		*db = NULL;
	const char		*v;
	size_t			 i, written = 0;
	bool			 differs;
	int			 rc = 1;

	if (population_file_read(path, &pf, stderr) < 0) {
		fprintf(stderr, "geo: %s not loaded, nothing changed\n", path);
		return 1;
	}
	db = db_open(cfg->db_admin, 0);
	if (db_begin(db) != DB_OK)
		goto unavailable;
	progress_start(&bar, "loading", pf.n);
	for (i = 0; i < sizeof(geo_schemes) / sizeof(geo_schemes[0]); i++) {
		if ((v = geo_scheme_vintage(&pf, geo_schemes[i])) == NULL)
			continue;
		progress_hide(&bar);
		if (geo_population_diff(db, &pf, geo_schemes[i], v,
		    &differs) < 0)
			goto unavailable;
		if (dry)
			continue;
		written += differs ? geo_scheme_rows(&pf, geo_schemes[i]) : 0;
		if (differs ? geo_population_put(db, &pf, geo_schemes[i], v,
		    &bar) < 0 : db_exec(db, STMT_POPULATION_USE,
		    DB_PARAMS(geo_schemes[i], v), NULL) != DB_OK)
			goto unavailable;
	}
	progress_end(&bar);
	if (dry)
		printf("geo: dry run of %s, nothing changed\n", path);
	else if (db_commit(db) != DB_OK)
		goto unavailable;
	else
		printf("geo: %zu populations loaded from %s, its vintages in "
		    "force\n", written, path);
	rc = 0;
	goto out;
unavailable:
	fprintf(stderr, "geo: the database is unavailable, nothing changed\n");
out:
	db_rollback(db);
	db_close(db);
	population_file_free(&pf);
	return rc;
}

/* Puts scheme's vintage v in force, if it was loaded. */
static int
geo_population_use(const struct config *cfg, const char *scheme,
    const char *v)
{
	struct db	*db = db_open(cfg->db_admin, 0);
	struct db_rows	*loaded = NULL, *in_force = NULL;
	int		 rc = 1;

	if (db_begin(db) != DB_OK || db_exec(db, STMT_POPULATION_VINTAGE,
	    DB_PARAMS(scheme, v), &loaded) != DB_OK ||
	    db_exec(db, STMT_POPULATION_IN_FORCE, DB_PARAMS(scheme),
	    &in_force) != DB_OK)
		goto unavailable;
	if (db_nrows(loaded) == 0) {
		fprintf(stderr, "geo: no vintage \"%s\" of %s is loaded (`geo "
		    "population %s` lists them)\n", v, scheme, scheme);
		goto out;
	}
	if (db_exec(db, STMT_POPULATION_USE, DB_PARAMS(scheme, v), NULL) !=
	    DB_OK || db_commit(db) != DB_OK)
		goto unavailable;
	printf("%s: in force: \"%s\" -> \"%s\"\n", scheme,
	    db_nrows(in_force) > 0 ? db_value(in_force, 0, 0) : "none", v);
	rc = 0;
	goto out;
unavailable:
	fprintf(stderr, "geo: the database is unavailable, nothing changed\n");
out:
	db_rows_free(loaded);
	db_rows_free(in_force);
	db_rollback(db);
	db_close(db);
	return rc;
}

#define GEO_LOOKUP_USAGE	"geo lookup ADDRESS"
#define GEO_POPULATION_USAGE	"geo population [SCHEME]\n" \
				"geo population load [--dry-run] FILE.csv\n" \
				"geo population use SCHEME VINTAGE"

const char geo_usage[] = GEO_LOOKUP_USAGE "\n" GEO_POPULATION_USAGE;

int
geo_command(const struct config *cfg, int argc, char **argv)
{
	char	 names[128];
	int	 rc, dry;

	if (argc < 2)
		return cli_refuse("geo", geo_usage, "missing command");
	if (strcmp(argv[1], "lookup") == 0) {
		if ((rc = cli_operands("geo lookup", GEO_LOOKUP_USAGE,
		    argc - 1, argv + 1, 1, 1)) != CLI_GO)
			return rc;
		return geo_lookup_cmd(cfg, argv[2]);
	}
	if (strcmp(argv[1], "population") != 0)
		return cli_refuse("geo", geo_usage, "unknown command %s",
		    argv[1]);
	if (argc >= 3 && strcmp(argv[2], "load") == 0) {
		dry = argc >= 4 && strcmp(argv[3], "--dry-run") == 0;
		if ((rc = cli_operands("geo population load",
		    GEO_POPULATION_USAGE, argc - 2 - dry, argv + 2 + dry, 1,
		    1)) != CLI_GO)
			return rc;
		return geo_population_load(cfg, argv[3 + dry], dry);
	}
	if (argc >= 3 && strcmp(argv[2], "use") == 0) {
		if ((rc = cli_operands("geo population use",
		    GEO_POPULATION_USAGE, argc - 2, argv + 2, 2, 2)) != CLI_GO)
			return rc;
		if (!geo_scheme_known(argv[3]))
			return cli_refuse("geo population use",
			    GEO_POPULATION_USAGE, "unknown scheme %s (the "
			    "schemes: %s)", argv[3],
			    geo_scheme_names(names, sizeof(names)));
		return geo_population_use(cfg, argv[3], argv[4]);
	}
	if ((rc = cli_operands("geo population", GEO_POPULATION_USAGE,
	    argc - 1, argv + 1, 0, 1)) != CLI_GO)
		return rc;
	if (argc == 3 && !geo_scheme_known(argv[2]))
		return cli_refuse("geo population", GEO_POPULATION_USAGE,
		    "unknown scheme %s (the schemes: %s)", argv[2],
		    geo_scheme_names(names, sizeof(names)));
	return geo_population_list(cfg, argc == 3 ? argv[2] : NULL);
}

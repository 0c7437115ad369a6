/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The geo commands (see geo_cmd.h).  Lookups print codes only; loading a
 * vintage connects as the schema owner (reference data is not the
 * workers' to change) and inserts every row in one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/cli.h"
#include "concerto/config.h"
#include "concerto/db.h"
#include "concerto/geo.h"
#include "concerto/geo_cmd.h"
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
	}
	rc = 0;
out:
	db_rows_free(rows);
	db_close(db);
	return rc;
}

/* Splits a CSV line of simple fields (no quotes) in place; count or -1. */
static int
geo_csv_split(char *line, char **f, int max)
{
	int	 n = 0;
	char	*p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = p;
		if ((p = strchr(p, ',')) == NULL)
			break;
		*p++ = '\0';
	}
	return p == NULL ? n : -1;
}

static int
geo_population_load(const struct config *cfg, const char *path)
{
	FILE		*fp;
	struct db	*db = NULL;
	char		 line[1024], *f[6];
	int		 lineno = 0, rc = 1, n = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		return 1;
	}
	db = db_open(cfg->db_admin, 0);
	if (db_begin(db) != DB_OK) {
		fprintf(stderr, "geo: the database is unavailable\n");
		goto out;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (++lineno == 1)
			continue;	/* scheme,code,name,population,vintage,source */
		if (geo_csv_split(line, f, 6) != 6) {
			fprintf(stderr, "%s:%d: expected 6 fields\n", path, lineno);
			goto out;
		}
		if (db_exec(db, STMT_POPULATION_INSERT, DB_PARAMS(f[0], f[4],
		    f[1], f[2], f[3], f[5]), NULL) != DB_OK) {
			fprintf(stderr, "%s:%d: refused (unknown scheme, bad "
			    "population or a row already loaded)\n", path,
			    lineno);
			goto out;
		}
		n++;
	}
	if (db_commit(db) != DB_OK)
		goto out;
	printf("geo: %d populations loaded from %s\n", n, path);
	rc = 0;
out:
	db_rollback(db);
	db_close(db);
	fclose(fp);
	return rc;
}

#define GEO_LOOKUP_USAGE	"geo lookup ADDRESS"
#define GEO_POPULATION_USAGE	"geo population [SCHEME]\n" \
				"geo population load FILE.csv"

const char geo_usage[] = GEO_LOOKUP_USAGE "\n" GEO_POPULATION_USAGE;

int
geo_command(const struct config *cfg, int argc, char **argv)
{
	char	 names[128];
	int	 rc;

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
		if ((rc = cli_operands("geo population load",
		    GEO_POPULATION_USAGE, argc - 2, argv + 2, 1, 1)) != CLI_GO)
			return rc;
		return geo_population_load(cfg, argv[3]);
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

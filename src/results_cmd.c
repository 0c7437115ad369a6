/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The results commands (see results_cmd.h).  They connect as the
 * application role, like the workers: a recount needs no more rights than
 * casting a ballot.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/cli.h"
#include "concerto/config.h"
#include "concerto/db.h"
#include "concerto/progress.h"
#include "concerto/results_cmd.h"
#include "concerto/results_table.h"

/* The columns of STMT_TALLY_RECOUNT. */
enum recount_col { RECOUNT_COL_KIND, RECOUNT_COL_KEY, RECOUNT_COL_KEPT,
	RECOUNT_COL_RECOUNTED };

/* Parses a consultation id; 0 if s is not one. */
static int64_t
results_id(const char *s)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < 1)
		return 0;
	return v;
}

/* True if consultation id exists; *rc gets the database status. */
static bool
results_exists(struct db *db, const char *id, enum db_status *rc)
{
	struct db_rows	*rows = NULL;
	bool		 found;

	*rc = db_exec(db, STMT_CONSULTATION_PHASE, DB_PARAMS(id), &rows);
	found = *rc == DB_OK && db_nrows(rows) > 0;
	db_rows_free(rows);
	return found;
}

/*
 * Recounts consultation id (known to exist) in one transaction and prints
 * its differences and its summary line.  Returns 0 if the tallies were
 * right, 3 if they differed (they are rebuilt), 1 on failure.
 */
static int
results_recount_one(struct db *db, const char *id)
{
	struct db_rows	*rows = NULL, *count = NULL;
	enum db_status	 rc;
	size_t		 i, n;
	int		 ret = 1;

	if ((rc = db_begin(db)) == DB_OK)
		rc = db_exec(db, STMT_TALLY_RECOUNT, DB_PARAMS(id), &rows);
	if (rc == DB_OK)
		rc = db_exec(db, STMT_BALLOT_COUNT, DB_PARAMS(id), &count);
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK) {
		fprintf(stderr, "results: recount of %s failed\n", id);
		goto out;
	}
	n = db_nrows(rows);
	for (i = 0; i < n; i++)
		printf("difference: %s %s: kept %s, recounted %s\n",
		    db_value(rows, i, RECOUNT_COL_KIND),
		    db_value(rows, i, RECOUNT_COL_KEY),
		    db_value(rows, i, RECOUNT_COL_KEPT),
		    db_value(rows, i, RECOUNT_COL_RECOUNTED));
	printf("recount %s: %s ballots, %zu differences%s\n", id,
	    db_value(count, 0, 0), n,
	    n > 0 ? " (tallies rebuilt from the ballots)" : "");
	fflush(stdout);
	ret = n > 0 ? 3 : 0;
out:
	db_rollback(db);
	db_rows_free(rows);
	db_rows_free(count);
	return ret;
}

static int
results_recount(const struct config *cfg, const char *arg)
{
	struct db	*db = NULL;
	enum db_status	 rc;
	int		 ret = 1;

	if (results_id(arg) == 0) {
		fprintf(stderr, "results: not a consultation id: %s\n", arg);
		return 2;
	}
	db = db_open(cfg->db, 0);
	if (!results_exists(db, arg, &rc))
		fprintf(stderr, rc == DB_OK ? "results: no consultation %s\n" :
		    "results: the database is unavailable (%s)\n", arg);
	else
		ret = results_recount_one(db, arg);
	db_close(db);
	return ret;
}

/*
 * `results recount --all`: every consultation in turn, each in its own
 * transaction, a progress bar on a terminal.  Returns 1 if one failed,
 * else 3 if one differed, else 0.
 */
static int
results_recount_all(const struct config *cfg)
{
	struct db	*db = db_open(cfg->db, 0);
	struct db_rows	*ids = NULL;
	struct progress	 bar;
	size_t		 i, n, differed = 0, failed = 0;
	int		 r;

	if (db_exec(db, STMT_CONSULTATION_IDS, NULL, 0, &ids) != DB_OK) {
		fprintf(stderr, "results: the database is unavailable\n");
		db_close(db);
		return 1;
	}
	n = db_nrows(ids);
	progress_start(&bar, "consultations", n);
	for (i = 0; i < n; i++) {
		progress_hide(&bar);	/* the lines of the recount */
		r = results_recount_one(db, db_value(ids, i, 0));
		differed += r == 3;
		failed += r == 1;
		progress_step(&bar);
	}
	progress_end(&bar);
	printf("recount: %zu consultations, %zu with differences, %zu "
	    "failed\n", n, differed, failed);
	db_rows_free(ids);
	db_close(db);
	return failed > 0 ? 1 : differed > 0 ? 3 : 0;
}

const char results_usage[] = "results recount ID\nresults recount --all";
const char export_usage[] = "export results ID [--format csv|json] "
    "[--interests include|exclude]";

int
results_command(const struct config *cfg, int argc, char **argv)
{
	int	 rc;

	if (argc < 2)
		return cli_refuse("results", results_usage, "missing command");
	if (strcmp(argv[1], "recount") != 0)
		return cli_refuse("results", results_usage,
		    "unknown command %s", argv[1]);
	if (argc == 3 && strcmp(argv[2], "--all") == 0)
		return results_recount_all(cfg);
	if ((rc = cli_operands("results recount", results_usage, argc - 1,
	    argv + 1, 1, 1)) != CLI_GO)
		return rc;
	return results_recount(cfg, argv[2]);
}

/* Checks what getopt left of `export`: "results ID"; 0 or CLI_USAGE. */
static int
export_operands(int argc, char **argv, const char *format,
    const char *interests)
{
	if (optind == argc)
		return cli_refuse("export", export_usage, "missing what to "
		    "export");
	if (strcmp(argv[optind], "results") != 0)
		return cli_refuse("export", export_usage, "unknown export %s",
		    argv[optind]);
	if (optind + 1 == argc)
		return cli_refuse("export", export_usage, "missing "
		    "consultation id");
	if (optind + 2 < argc)
		return cli_refuse("export", export_usage, "unexpected "
		    "argument %s", argv[optind + 2]);
	if (results_id(argv[optind + 1]) == 0)
		return cli_refuse("export", export_usage, "not a consultation "
		    "id: %s", argv[optind + 1]);
	if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return cli_refuse("export", export_usage, "--format must be "
		    "csv or json");
	if (strcmp(interests, "include") != 0 &&
	    strcmp(interests, "exclude") != 0)
		return cli_refuse("export", export_usage, "--interests must "
		    "be include or exclude");
	return 0;
}

int
export_command(const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "interests", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*format = "json", *interests = "include";
	struct results_table_options opt;
	struct results_table r;
	struct db	*db;
	struct buf	 csv;
	enum db_status	 rc;
	json_t		*j;
	int64_t		 id;
	int		 c, ret = 1;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'i':
			interests = optarg;
			break;
		case 'h':
			return cli_help(export_usage);
		default:
			return cli_bad_option("export", export_usage, c, argv);
		}
	if (export_operands(argc, argv, format, interests) != 0)
		return CLI_USAGE;
	id = results_id(argv[optind + 1]);
	db = db_open(cfg->db, 0);
	opt.interests = strcmp(interests, "include") == 0;
	opt.weighted = true;
	opt.cap = cfg->weight_cap;
	rc = results_table_load(db, id, &opt, &r);
	if (rc != DB_OK)
		fprintf(stderr, r.phase[0] == '\0' && rc == DB_ERROR ?
		    "export: no consultation %s\n" :
		    "export: the database is unavailable (%s)\n",
		    argv[optind + 1]);
	else if (strcmp(format, "csv") == 0) {
		buf_init(&csv, 0);
		results_table_csv(&r, &csv);
		fwrite(csv.data, 1, csv.len, stdout);
		buf_free(&csv);
		ret = 0;
	} else {
		j = results_table_json(&r);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(j);
		ret = 0;
	}
	results_table_free(&r);
	db_close(db);
	return ret;
}

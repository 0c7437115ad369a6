/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * `concerto dev generate` (see generate.h): the command line, the run's
 * transaction and the order of the passes (generate_people.c,
 * generate_votes.c, generate_comments.c), whose rows go through COPY.
 *
 * The whole run is one transaction, under a lock that makes writers of
 * accounts, consultations, priorities, submissions and comments wait, so
 * that the blocks of ids it reserves are its own and a failed run leaves
 * nothing.  The ballots pass counts the tallies as ballot_put() keeps
 * them (`concerto results recount` finds them exact).  The secondary
 * indexes of the big tables and their foreign keys are dropped for the
 * load and made again after it (UTIL_GEN_DETACH, UTIL_GEN_ATTACH): that
 * blocks readers of those tables too until the commit, so run it before
 * serving, not beside.  The tables are analysed after the commit.
 *
 * A database that already holds generated accounts (GEN_DOMAIN) is
 * refused.  Every generated account has the same password hash, computed
 * once from a random password that is not kept: nobody signs in as them.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "concerto/cli.h"
#include "concerto/config.h"
#include "concerto/generate.h"
#include "concerto/generate_parts.h"
#include "concerto/mem.h"
#include "concerto/progress.h"
#include "concerto/token.h"

#define GEN_FLUSH	(1 << 20)	/* bytes of rows sent at once */

const char dev_usage[] = "dev generate [--accounts N] [--consultations M] "
    "[--ballots B] [--comments C] [--seed S]";

static const char generate_help[] =
    "\nFills the database of CONCERTO_DB_ADMIN with deterministic data: N\n"
    "participants (gen-I" GEN_DOMAIN ", one password hash for all,\n"
    "from a password nobody knows), M consultations in every phase with\n"
    "their priorities, B ballots and their tallies, C comments in threads\n"
    "and their votes; the same options give the same rows (timestamps\n"
    "aside, which follow the time of the run).  Refuses a database that\n"
    "already holds generated accounts.  Prints one line per consultation:\n"
    "consultation ID PHASE METHOD BALLOTS COMMENTS.\n"
    "Defaults: 1000 accounts, 10 consultations, 2000 ballots, 1000\n"
    "comments, seed 1.\n";

void
gen_stream(const struct gen *g, struct prng *p, enum gen_stream s,
    uint64_t i)
{
	prng_seed(p, g->seed, ((uint64_t)s << 40) ^ i);
}

void
gen_copy_begin(struct gen *g, enum utility u)
{
	buf_reset(&g->row);
	if (g->rc == DB_OK)
		g->rc = db_copy_begin(g->db, u);
	g->copying = g->rc == DB_OK;
}

static void
gen_flush(struct gen *g)
{
	if (g->rc == DB_OK && g->row.len > 0)
		g->rc = db_copy_put(g->db, g->row.data, g->row.len);
	buf_reset(&g->row);
}

void
gen_row_end(struct gen *g)
{
	if (g->row.len > 0 && g->row.data[g->row.len - 1] == '\t')
		g->row.data[g->row.len - 1] = '\n';
	else
		buf_putc(&g->row, '\n');
	progress_step(&g->progress);
	if (g->row.len >= GEN_FLUSH)
		gen_flush(g);
}

void
gen_copy_end(struct gen *g)
{
	enum db_status	 rc;

	gen_flush(g);
	/* A COPY begun must be ended, even after a failure. */
	if (!g->copying)
		return;
	g->copying = false;
	rc = db_copy_end(g->db);
	if (g->rc == DB_OK)
		g->rc = rc;
}

void
gen_text(struct gen *g, const char *s)
{
	gen_copy_text(&g->row, s);
	buf_putc(&g->row, '\t');
}

void
gen_int(struct gen *g, int64_t v)
{
	if (v < 0)
		buf_putc(&g->row, '-');
	buf_putu(&g->row, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
	buf_putc(&g->row, '\t');
}

void
gen_bool(struct gen *g, bool v)
{
	buf_puts(&g->row, v ? "t\t" : "f\t");
}

void
gen_null(struct gen *g)
{
	buf_puts(&g->row, "\\N\t");
}

void
gen_time(struct gen *g, int64_t epoch)
{
	char		 s[32];
	time_t		 t = (time_t)epoch;
	struct tm	 tm;

	if (epoch == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S+00", &tm) == 0) {
		gen_null(g);
		return;
	}
	buf_puts(&g->row, s);
	buf_putc(&g->row, '\t');
}

/* Parses the value of option name into *v, min to max; else CLI_USAGE. */
static int
option_number(const char *name, const char *s, uint64_t min, uint64_t max,
    uint64_t *v)
{
	char		*end;
	unsigned long long x;

	errno = 0;
	x = s[0] >= '0' && s[0] <= '9' ? strtoull(s, &end, 10) : 0;
	if (s[0] < '0' || s[0] > '9' || errno != 0 || *end != '\0' ||
	    x < min || x > max)
		return cli_refuse("dev generate", dev_usage, "--%s must be a "
		    "whole number from %llu to %llu: %s", name,
		    (unsigned long long)min, (unsigned long long)max, s);
	*v = x;
	return 0;
}

/* Reserves n ids of table's sequence; the first, or 0 (g->rc says why). */
static int64_t
reserve(struct gen *g, const char *table, uint64_t n)
{
	struct db_rows	*rows = NULL;
	char		 num[24];
	int64_t		 first = 0;

	if (g->rc != DB_OK || n == 0)
		return 0;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)n);
	g->rc = db_exec(g->db, STMT_GEN_RESERVE, DB_PARAMS(table, num), &rows);
	if (g->rc == DB_OK)
		first = db_int(rows, 0, 0);
	db_rows_free(rows);
	return first;
}

static double
seconds(const struct timespec *since)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) +
	    (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

/* Starts a pass: its progress bar and its clock. */
static void
pass_start(struct gen *g, const char *what, uint64_t total,
    struct timespec *t)
{
	progress_start(&g->progress, what, (size_t)total);
	clock_gettime(CLOCK_MONOTONIC, t);
}

static void
pass_end(struct gen *g, const char *what, uint64_t rows,
    const struct timespec *t)
{
	double	 s = seconds(t);

	progress_end(&g->progress);
	if (g->rc == DB_OK)
		fprintf(stderr, "generate: %-16s %10llu rows %7.1f s "
		    "%9.0f rows/s\n", what, (unsigned long long)rows, s,
		    s > 0 ? (double)rows / s : 0);
}

/*
 * Shares out ballots and comments among the consultations that take them
 * (skewed: some draw far more than others) and fixes each one's
 * participants (the voters, and enough for the comments).  -1 after
 * refusing the option that asks too much (cli_refuse()).
 */
static int
plan(struct gen *g)
{
	struct prng	 p;
	double		*wb = xcalloc(g->nconsultations, sizeof(double));
	double		*wc = xcalloc(g->nconsultations, sizeof(double));
	uint64_t	*b = xcalloc(g->nconsultations, sizeof(uint64_t));
	uint64_t	*c = xcalloc(g->nconsultations, sizeof(uint64_t));
	uint64_t	 j, want;
	int		 rc = -1;

	gen_stream(g, &p, GEN_STREAM_CONSULTATIONS, 1);
	for (j = 0; j < g->nconsultations; j++) {
		struct gen_consultation *k = &g->consultations[j];
		double skew = exp(2.0 * prng_unit(&p));

		wb[j] = k->phase >= GEN_VOTING ? skew : 0;
		wc[j] = k->phase >= GEN_GATHERING ? skew : 0;
	}
	if (gen_split(g->nballots, wb, g->nconsultations, g->naccounts,
	    b) < 0) {
		cli_refuse("dev generate", dev_usage, "--ballots %llu is more "
		    "than one per account in each consultation open to "
		    "ballots", (unsigned long long)g->nballots);
		goto out;
	}
	if (gen_split(g->ncomments, wc, g->nconsultations, UINT64_MAX,
	    c) < 0) {
		cli_refuse("dev generate", dev_usage, "--comments needs a "
		    "consultation past its draft");
		goto out;
	}
	for (j = 0; j < g->nconsultations; j++) {
		struct gen_consultation *k = &g->consultations[j];

		k->ballots = b[j];
		k->comments = c[j];
		want = c[j] / 2 + (k->gathering_at != 0 ? 100 : 0) +
		    (c[j] > 0 ? 50 : 0);
		k->participants = b[j] > want ? b[j] : want;
		if (k->participants > g->naccounts)
			k->participants = g->naccounts;
		if (k->phase == GEN_DRAFT)
			k->participants = 0;
		gen_perm_init(&k->perm, &p, g->naccounts);
		k->contributed = xcalloc(k->participants / 8 + 1, 1);
	}
	rc = 0;
out:
	free(wb);
	free(wc);
	free(b);
	free(c);
	return rc;
}

/* The consultations' summary, the lines scripts read. */
static void
summary(const struct gen *g)
{
	uint64_t	 j;

	for (j = 0; j < g->nconsultations; j++) {
		const struct gen_consultation *c = &g->consultations[j];

		printf("consultation %lld %s %s %llu %llu\n", (long long)c->id,
		    gen_phase_name(c->phase), c->ranked ? "ranked" :
		    "approval", (unsigned long long)c->ballots,
		    (unsigned long long)c->comments);
	}
}

/* The run's transaction, from the lock to the commit; 0 or 1. */
static int
generate(struct gen *g)
{
	struct db_rows	*rows = NULL;
	struct timespec	 t, all;
	struct buf	 sources;
	int64_t		 first, first_submission;
	uint64_t	 j, n, np = 0, ns = 0, parts = 0;

	buf_init(&sources, 0);
	clock_gettime(CLOCK_MONOTONIC, &all);
	if ((g->rc = db_begin(g->db)) == DB_OK)
		g->rc = db_utility(g->db, UTIL_GEN_LOCK);
	if (g->rc == DB_OK)
		g->rc = db_exec(g->db, STMT_GEN_EXISTING, DB_PARAMS(GEN_DOMAIN),
		    &rows);
	if (g->rc == DB_OK && db_int(rows, 0, 0) > 0) {
		fprintf(stderr, "dev generate: the database already holds %lld "
		    "generated accounts (*%s): generate into a database "
		    "without them\n", (long long)db_int(rows, 0, 0),
		    GEN_DOMAIN);
		db_rows_free(rows);
		db_rollback(g->db);
		return 1;
	}
	db_rows_free(rows);
	rows = NULL;
	if (g->rc == DB_OK)
		g->rc = db_exec(g->db, STMT_GEN_CLOCK, NULL, 0, &rows);
	if (g->rc == DB_OK) {
		g->now = db_int(rows, 0, 0);
		g->depth_max = (int)db_int(rows, 0, 1);
		if (g->depth_max < 0 || g->depth_max > 60)
			g->depth_max = 8;
	}
	db_rows_free(rows);
	rows = NULL;
	if (g->rc == DB_OK)
		g->rc = db_utility(g->db, UTIL_GEN_DETACH);

	g->first_account = reserve(g, "accounts", g->naccounts);
	first = reserve(g, "consultations", g->nconsultations);
	g->consultations = xcalloc(g->nconsultations,
	    sizeof(*g->consultations));
	for (j = 0; j < g->nconsultations; j++)
		g->consultations[j].id = first + (int64_t)j;
	g->first_comment = reserve(g, "comments", g->ncomments);
	if (g->rc == DB_OK)
		gen_places(g);

	pass_start(g, "accounts", g->naccounts, &t);
	gen_accounts(g);
	pass_end(g, "accounts", g->naccounts, &t);

	pass_start(g, "consultations", g->nconsultations, &t);
	gen_consultations(g);
	pass_end(g, "consultations", g->nconsultations, &t);
	if (g->rc == DB_OK && plan(g) < 0) {
		db_rollback(g->db);
		buf_free(&sources);
		return 2;
	}

	for (j = 0; j < g->nconsultations; j++) {
		np += g->consultations[j].npriorities;
		if (g->consultations[j].gathering_at != 0)
			ns += 4 * g->consultations[j].npriorities;
		parts += g->consultations[j].participants;
	}
	first = reserve(g, "priorities", np);
	for (j = 0, n = 0; j < g->nconsultations; j++) {
		g->consultations[j].first_priority = first + (int64_t)n;
		n += g->consultations[j].npriorities;
	}
	pass_start(g, "priorities", np, &t);
	gen_priorities(g);
	pass_end(g, "priorities", np, &t);

	first_submission = reserve(g, "submissions", ns);
	pass_start(g, "submissions", ns, &t);
	gen_submissions(g, first_submission, &sources);
	gen_copy_begin(g, UTIL_COPY_PRIORITY_SOURCES);
	if (g->rc == DB_OK && sources.len > 0)
		g->rc = db_copy_put(g->db, sources.data, sources.len);
	gen_copy_end(g);
	pass_end(g, "submissions", ns, &t);

	pass_start(g, "ballots", g->nballots, &t);
	gen_ballots(g);
	pass_end(g, "ballots", g->nballots, &t);

	pass_start(g, "comments", g->ncomments, &t);
	gen_comments(g);
	pass_end(g, "comments", g->ncomments, &t);

	pass_start(g, "comment votes", g->ncomments, &t);
	gen_comment_votes(g);
	pass_end(g, "comment votes", g->comment_votes, &t);

	pass_start(g, "participations", parts, &t);
	gen_participations(g);
	pass_end(g, "participations", parts, &t);

	pass_start(g, "indexes and keys", 0, &t);
	if (g->rc == DB_OK)
		g->rc = db_utility(g->db, UTIL_GEN_ATTACH);
	pass_end(g, "indexes and keys", g->naccounts + g->nballots +
	    g->ncomments + g->comment_votes + parts, &t);

	if (g->rc == DB_OK)
		g->rc = db_commit(g->db);
	buf_free(&sources);
	if (g->rc != DB_OK) {
		db_rollback(g->db);
		fprintf(stderr, "dev generate: the database refused the data "
		    "(see above); nothing was kept\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t);
	if (db_utility(g->db, UTIL_GEN_ANALYZE) != DB_OK)
		fprintf(stderr, "dev generate: ANALYZE failed\n");
	pass_end(g, "analyze", 0, &t);
	fprintf(stderr, "generate: done in %.1f s\n", seconds(&all));
	summary(g);
	return 0;
}

static int
dev_generate(const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "accounts", required_argument, NULL, 'a' },
		{ "consultations", required_argument, NULL, 'm' },
		{ "ballots", required_argument, NULL, 'b' },
		{ "comments", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gen	 g;
	char		 pw[TOKEN_LEN + 1];
	uint64_t	 j;
	int		 c, rc;

	memset(&g, 0, sizeof(g));
	g.naccounts = 1000;
	g.nconsultations = 10;
	g.nballots = 2000;
	g.ncomments = 1000;
	g.seed = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		rc = 0;
		switch (c) {
		case 'a':
			rc = option_number("accounts", optarg, 1, 100000000,
			    &g.naccounts);
			break;
		case 'm':
			rc = option_number("consultations", optarg, 1, 10000,
			    &g.nconsultations);
			break;
		case 'b':
			rc = option_number("ballots", optarg, 0, 1000000000,
			    &g.nballots);
			break;
		case 'c':
			rc = option_number("comments", optarg, 0, 100000000,
			    &g.ncomments);
			break;
		case 's':
			rc = option_number("seed", optarg, 0, UINT64_MAX,
			    &g.seed);
			break;
		case 'h':
			cli_help(dev_usage);
			fputs(generate_help, stdout);
			return 0;
		default:
			return cli_bad_option("dev generate", dev_usage, c,
			    argv);
		}
		if (rc != 0)
			return rc;
	}
	if (optind < argc)
		return cli_refuse("dev generate", dev_usage,
		    "unexpected argument %s", argv[optind]);

	if (token_new(pw) < 0 || password_hash(cfg, NULL, pw, g.hash) < 0) {
		fprintf(stderr, "dev generate: cannot hash a password\n");
		return 1;
	}
	buf_init(&g.row, 0);
	g.db = db_open(cfg->db_admin, 0);
	rc = generate(&g);
	if (g.rc == DB_UNAVAILABLE)
		fprintf(stderr, "dev generate: the database is unavailable\n");
	db_close(g.db);
	buf_free(&g.row);
	for (j = 0; g.consultations != NULL && j < g.nconsultations; j++)
		free(g.consultations[j].contributed);
	free(g.consultations);
	free(g.accounts);
	free(g.places);
	free(g.comment_author);
	free(g.comment_votable);
	return rc;
}

int
dev_command(const struct config *cfg, int argc, char **argv)
{
	if (argc < 2)
		return cli_refuse("dev", dev_usage, "missing command");
	if (strcmp(argv[1], "generate") == 0)
		return dev_generate(cfg, argc - 1, argv + 1);
	return cli_refuse("dev", dev_usage, "unknown command %s", argv[1]);
}

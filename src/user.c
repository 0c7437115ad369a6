/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Account administration from the command line (see user.h).
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concerto/cli.h"
#include "concerto/config.h"
#include "concerto/db.h"
#include "concerto/field.h"
#include "concerto/password.h"
#include "concerto/profile.h"
#include "concerto/pseudonym.h"
#include "concerto/pseudonym_db.h"
#include "concerto/secretbox.h"
#include "concerto/token.h"
#include "concerto/twofactor.h"
#include "concerto/user.h"

#define TERMS_VERSION		"2026-11"
#define HEALTH_VERSION		"2026-11"

/* The columns of STMT_ACCOUNT_ROLE_SET. */
enum role_set_col { ROLE_SET_COL_ACCOUNT, ROLE_SET_COL_OLD_ROLE };

struct user_spec {
	const char	*email;
	const char	*pseudonym;
	const char	*role;
	const char	*profile;
};

/* Lower-cases an address in place, as the API stores them. */
static char *
user_email(char *s)
{
	char	*p;

	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

static bool
user_role_ok(const char *r)
{
	return r != NULL && (strcmp(r, "participant") == 0 ||
	    strcmp(r, "moderator") == 0 || strcmp(r, "admin") == 0);
}

static bool
user_is_staff(const char *role)
{
	return strcmp(role, "participant") != 0;
}

static void
user_print_enrolment(const struct twofactor_enrolment *e)
{
	size_t	 i;

	printf("  second factor: add this to an authenticator app:\n    %s\n"
	    "  recovery codes (each works once):\n   ", e->uri);
	for (i = 0; i < TWOFACTOR_CODES; i++)
		printf(" %s", e->codes[i]);
	putchar('\n');
}

/*
 * Says which rule of the accounts table refused u: its unique keys (the
 * address, the pseudonym and its look-alike form) by what they mean, any
 * other constraint by its name.
 */
static void
user_conflict(const struct db *db, const struct user_spec *u)
{
	const char	*c = db_conflict_constraint(db);

	if (strcmp(c, "accounts_email_key") == 0)
		fprintf(stderr, "user: %s already has an account\n", u->email);
	else if (strcmp(c, "accounts_pseudonym_key") == 0 ||
	    strcmp(c, "accounts_pseudonym_skeleton_key") == 0)
		fprintf(stderr, "user: the pseudonym %s is taken\n",
		    u->pseudonym);
	else
		fprintf(stderr, "user: the account was refused by the "
		    "database's rule %s\n", *c != '\0' ? c : "(unnamed)");
}

/*
 * Gives a staff account its second factor, in force at once, sealed under
 * the key of CONCERTO_SECRET_KEY_FILE.  Says why on failure.
 */
static enum db_status
user_enrol(const struct config *cfg, struct db *db, int64_t id,
    const char *email, struct twofactor_enrolment *e)
{
	struct secretbox box;
	enum db_status	 rc;
	char		 err[512];

	if (secretbox_load(&box, cfg->secret_key_file, NULL, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "user: staff get a second factor: %s\n", err);
		return DB_ERROR;
	}
	if ((rc = twofactor_enrol(db, &box, id, email, true, e)) != DB_OK)
		fprintf(stderr, "user: database error\n");
	secretbox_clear(&box);
	return rc;
}

/*
 * Creates the account, or (when reset is true and it exists) gives it the
 * new password.  The pseudonym is a stored form (pseudonym_prepare()); a
 * participant's may not be made of reserved names or staff pseudonyms,
 * and no one's may look like another account's.  Staff get a second
 * factor in force at once.  Returns 0 or -1 after printing why.
 */
static int
user_put(const struct config *cfg, struct db *db, const struct user_spec *u,
    const char *pw, bool reset, const char *by)
{
	struct db_rows	*rows = NULL;
	struct twofactor_enrolment e;
	char		 hash[PASSWORD_ENCODED_MAX], id[24];
	const char	*health;
	enum pseudonym_status why;
	enum db_status	 rc;
	int		 ret = -1;

	if (password_hash(cfg, NULL, pw, hash) < 0) {
		fprintf(stderr, "user: cannot hash the password\n");
		return -1;
	}
	if (db_begin(db) != DB_OK ||
	    db_exec(db, STMT_ACCOUNT_BY_EMAIL, DB_PARAMS(u->email), &rows) !=
	    DB_OK)
		goto dberr;
	if (db_nrows(rows) > 0) {
		if (!reset) {
			fprintf(stderr, "user: %s already has an account\n",
			    u->email);
			goto out;
		}
		snprintf(id, sizeof(id), "%s", db_value(rows, 0, BY_EMAIL_ID));
		if (db_exec(db, STMT_ACCOUNT_PASSWORD_SET, DB_PARAMS(id, hash),
		    NULL) != DB_OK)
			goto dberr;
	} else {
		db_rows_free(rows);
		rows = NULL;
		if (pseudonym_db_check(db, u->pseudonym, 0,
		    user_is_staff(u->role), &why) != DB_OK)
			goto dberr;
		if (why != PSEUDONYM_OK) {
			fprintf(stderr, "user: the pseudonym %s %s\n",
			    u->pseudonym, pseudonym_why(why));
			goto out;
		}
		health = profile_is_health_data(profile_parse(u->profile)) ?
		    HEALTH_VERSION : NULL;
		rc = db_exec(db, STMT_ACCOUNT_INSERT_STAFF, DB_PARAMS(u->email,
		    hash, u->pseudonym, u->role, u->profile, TERMS_VERSION,
		    health), &rows);
		if (rc == DB_OK) {
			snprintf(id, sizeof(id), "%s", db_value(rows, 0, 0));
			rc = pseudonym_db_store(db, strtoll(id, NULL, 10),
			    u->pseudonym);
		}
		if (rc == DB_CONFLICT) {
			user_conflict(db, u);
			goto out;
		}
		if (rc != DB_OK)
			goto dberr;
		if (db_exec(db, STMT_ROLE_CHANGE_INSERT, DB_PARAMS(id, NULL,
		    u->role, by), NULL) != DB_OK)
			goto dberr;
	}
	if (reset)
		printf("%-11s %-28s password: %s\n", u->role, u->email, pw);
	else
		printf("%-11s %-28s created\n", u->role, u->email);
	if (user_is_staff(u->role)) {
		if (user_enrol(cfg, db, strtoll(id, NULL, 10), u->email,
		    &e) != DB_OK)
			goto out;
		user_print_enrolment(&e);
	}
	if (db_commit(db) != DB_OK)
		goto dberr;
	ret = 0;
	goto out;
dberr:
	fprintf(stderr, "user: database error\n");
out:
	db_rollback(db);
	db_rows_free(rows);
	return ret;
}

/* Reads one line from stdin into buf without its newline; -1 if none. */
static int
read_password(char *buf, size_t sz)
{
	size_t	 n;

	if (fgets(buf, (int)sz, stdin) == NULL)
		return -1;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return 0;
}

#define USER_ADD_USAGE	"user add --email E --role " \
			"participant|moderator|admin --pseudonym P " \
			"--password-stdin [--profile PROFILE]"
#define USER_ROLE_USAGE	"user role --email E --role " \
			"participant|moderator|admin"

const char user_usage[] = USER_ADD_USAGE "\n" USER_ROLE_USAGE;

/*
 * What is wrong with the options of `user add` (in why, of size n), or
 * NULL.
 */
static const char *
user_add_refusal(const struct user_spec *u, bool from_stdin, char *why,
    size_t n)
{
	size_t	 i, len;

	if (u->email == NULL || u->pseudonym == NULL || !from_stdin)
		return "--email, --pseudonym and --password-stdin are needed";
	if (!user_role_ok(u->role))
		return "--role must be participant, moderator or admin";
	if (!field_valid_email(u->email))
		return "--email is not an e-mail address";
	if (profile_parse(u->profile) == PROFILE__MAX) {
		len = (size_t)snprintf(why, n, "--profile must be one of");
		for (i = 0; i < PROFILE__MAX && len < n; i++)
			len += (size_t)snprintf(why + len, n - len, "%s %s",
			    i > 0 ? "," : "", profile_names[i]);
		return why;
	}
	return NULL;
}

static int
user_add(const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "role", required_argument, NULL, 'r' },
		{ "pseudonym", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, 'f' },
		{ "password-stdin", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct user_spec u = { NULL, NULL, "participant", "other" };
	char		 pw[1100], name[PSEUDONYM_SIZE], refusal[256];
	const char	*why;
	enum pseudonym_status ps;
	struct db	*db;
	bool		 from_stdin = false;
	int		 c, rc;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		switch (c) {
		case 'e': u.email = user_email(optarg); break;
		case 'r': u.role = optarg; break;
		case 'p': u.pseudonym = optarg; break;
		case 'f': u.profile = optarg; break;
		case 's': from_stdin = true; break;
		case 'h': return cli_help(USER_ADD_USAGE);
		default:
			return cli_bad_option("user add", USER_ADD_USAGE, c,
			    argv);
		}
	if (optind < argc)
		return cli_refuse("user add", USER_ADD_USAGE,
		    "unexpected argument %s", argv[optind]);
	if ((why = user_add_refusal(&u, from_stdin, refusal,
	    sizeof(refusal))) != NULL)
		return cli_refuse("user add", USER_ADD_USAGE, "%s", why);
	if ((ps = pseudonym_prepare(u.pseudonym, strlen(u.pseudonym),
	    name)) != PSEUDONYM_OK)
		return cli_refuse("user add", USER_ADD_USAGE, "the pseudonym %s",
		    pseudonym_why(ps));
	u.pseudonym = name;
	if (read_password(pw, sizeof(pw)) < 0) {
		fprintf(stderr, "user: no password on standard input\n");
		return 2;
	}
	if ((why = password_policy(pw, u.email, u.pseudonym)) != NULL) {
		fprintf(stderr, "user: password refused (%s)\n", why);
		return 2;
	}
	db = db_open(cfg->db_admin, cfg->statement_timeout_ms);
	rc = user_put(cfg, db, &u, pw, false, "cli: user add") == 0 ? 0 : 1;
	db_close(db);
	return rc;
}

static int
user_role(const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "role", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*email = NULL, *role = NULL;
	struct db	*db;
	struct db_rows	*rows = NULL;
	int		 c, rc = 1;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		switch (c) {
		case 'e': email = user_email(optarg); break;
		case 'r': role = optarg; break;
		case 'h': return cli_help(USER_ROLE_USAGE);
		default:
			return cli_bad_option("user role", USER_ROLE_USAGE, c,
			    argv);
		}
	if (optind < argc)
		return cli_refuse("user role", USER_ROLE_USAGE,
		    "unexpected argument %s", argv[optind]);
	if (email == NULL || !user_role_ok(role))
		return cli_refuse("user role", USER_ROLE_USAGE, "--email and "
		    "--role participant|moderator|admin are needed");
	db = db_open(cfg->db_admin, cfg->statement_timeout_ms);
	if (db_begin(db) != DB_OK || db_exec(db, STMT_ACCOUNT_ROLE_SET,
	    DB_PARAMS(email, role, "cli: user role"), &rows) != DB_OK) {
		fprintf(stderr, "user: database error\n");
		goto out;
	}
	if (db_nrows(rows) == 0) {
		fprintf(stderr, "user: no account for %s\n", email);
		goto out;
	}
	/* Sessions end, so the new role starts with a fresh sign-in. */
	if (db_exec(db, STMT_SESSION_DELETE_ALL, DB_PARAMS(db_value(rows, 0,
	    ROLE_SET_COL_ACCOUNT)), NULL) != DB_OK || db_commit(db) != DB_OK) {
		fprintf(stderr, "user: database error\n");
		goto out;
	}
	printf("user: %s is now %s (was %s)%s\n", email, role,
	    db_value(rows, 0, ROLE_SET_COL_OLD_ROLE), user_is_staff(role) ?
	    "; a second factor is enrolled at the next sign-in" : "");
	rc = 0;
out:
	db_rows_free(rows);
	db_rollback(db);
	db_close(db);
	return rc;
}

int
user_command(const struct config *cfg, int argc, char **argv)
{
	if (argc < 2)
		return cli_refuse("user", user_usage, "missing command");
	if (strcmp(argv[1], "add") == 0)
		return user_add(cfg, argc - 1, argv + 1);
	if (strcmp(argv[1], "role") == 0)
		return user_role(cfg, argc - 1, argv + 1);
	return cli_refuse("user", user_usage, "unknown command %s", argv[1]);
}

int
user_demo(const struct config *cfg)
{
	static const struct user_spec demo[] = {
		{ "admin@concerto.test", "Admin Concerto", "admin", "other" },
		{ "moderation@concerto.test", "Moderation", "moderator",
		  "other" },
		{ "camille@concerto.test", "Camille", "participant", "patient" },
		{ "sacha@concerto.test", "Sacha", "participant", "carer" },
		{ "dominique@concerto.test", "Dominique", "participant",
		  "citizen" },
		{ "lea@concerto.test", "Lea R.", "participant", "researcher" },
	};
	struct db	*db;
	char		 pw[TOKEN_LEN + 1];
	size_t		 i;
	int		 rc = 0;

	db = db_open(cfg->db_admin, cfg->statement_timeout_ms);
	printf("Demo accounts (passwords are new at every start):\n");
	for (i = 0; i < sizeof(demo) / sizeof(demo[0]); i++) {
		if (token_new(pw) < 0) {
			rc = 1;
			break;
		}
		pw[20] = '\0';
		if (user_put(cfg, db, &demo[i], pw, true, "demo") < 0) {
			rc = 1;
			break;
		}
	}
	db_close(db);
	return rc;
}

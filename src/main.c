/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * concerto: one binary, several subcommands.  main() only wires: it answers
 * --help and refuses what no command takes (see cli.h), reads the
 * configuration and hands over to the module that does the work.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "concerto/cli.h"
#include "concerto/config.h"
#include "concerto/field.h"
#include "concerto/generate.h"
#include "concerto/geo_cmd.h"
#include "concerto/import.h"
#include "concerto/log.h"
#include "concerto/mail.h"
#include "concerto/privilege.h"
#include "concerto/pseudonym_db.h"
#include "concerto/purge.h"
#include "concerto/db_migrate.h"
#include "concerto/results_cmd.h"
#include "concerto/router.h"
#include "concerto/secretbox.h"
#include "concerto/secrets.h"
#include "concerto/server.h"
#include "concerto/throttle.h"
#include "concerto/user.h"
#include "concerto/version.h"

static const char *const field_type_names[FIELD__MAX] = {
	[FIELD_STRING] = "string", [FIELD_INT] = "integer",
	[FIELD_BOOL] = "boolean", [FIELD_ENUM] = "enum",
	[FIELD_ID_LIST] = "id_list", [FIELD_TIME] = "time",
	[FIELD_TEXT_LIST] = "text_list", [FIELD_SHARES] = "shares",
};

/* One field's shape: type, flags, limits and choices, as validated. */
static json_t *
cmd_routes_shape(const struct field *f)
{
	json_t	*o = json_pack("{s:s,s:s,s:b,s:b,s:b,s:I,s:I}",
	    "name", f->name, "type", field_type_names[f->type],
	    "required", (f->flags & FIELD_REQUIRED) != 0,
	    "nullable", (f->flags & FIELD_NULLABLE) != 0,
	    "multiline", (f->flags & FIELD_MULTILINE) != 0,
	    "min", (json_int_t)f->min, "max", (json_int_t)f->max);
	json_t	*choices;
	size_t	 i;

	if (f->choices != NULL) {
		choices = json_array();
		for (i = 0; f->choices[i] != NULL; i++)
			json_array_append_new(choices, json_string(f->choices[i]));
		json_object_set_new(o, "choices", choices);
	}
	return o;
}

/*
 * Prints the route table as JSON, for the OpenAPI test, for operators and
 * for the pages (make writes it to www/api/routes.json): each route's
 * fields by name, and their shapes (the one source of enumerations and
 * limits for the forms), and who may keep its answers.
 */
static int
cmd_routes(const struct config *cfg, int argc, char **argv)
{
	json_t	*arr = json_array(), *fields, *shapes, *query;
	size_t	 i, j;

	for (i = 0; i < routes_count; i++) {
		fields = json_array();
		shapes = json_array();
		query = json_array();
		for (j = 0; j < routes[i].nfields; j++) {
			json_array_append_new(fields,
			    json_string(routes[i].fields[j].name));
			json_array_append_new(shapes,
			    cmd_routes_shape(&routes[i].fields[j]));
		}
		for (j = 0; j < routes[i].nquery; j++)
			json_array_append_new(query,
			    cmd_routes_shape(&routes[i].query[j]));
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:b,s:o,s:o,"
		    "s:o,s:s}", "method", http_method_name(routes[i].method),
		    "pattern", routes[i].pattern,
		    "role", role_name(routes[i].role),
		    "csrf", routes[i].csrf, "fields", fields, "shapes", shapes,
		    "query", query, "cache", route_cache_name(routes[i].cache)));
	}
	json_dumpf(arr, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(arr);
	return 0;
}

/*
 * Reads the throttling secret and the keys of the sealed secrets, which
 * only the server needs, then serves.  A sendmail named without a sender
 * is only a warning: serve queues mail and never sends it, and `concerto
 * mail` refuses to deliver without one.
 */
static int
cmd_serve(const struct config *cfg, int argc, char **argv)
{
	struct config		 run = *cfg;
	struct throttle_key	 key;
	struct privilege	 priv;
	const char		*why;
	struct secretbox	 box;
	char			 err[512];
	int			 rc;

	if (cfg->sendmail != NULL && (why = mail_from_missing(cfg)) != NULL)
		log_warn("%s; mail is queued, and `concerto mail` will refuse "
		    "to deliver it", why);

	if (throttle_key_load(cfg->throttle_key_file, &key, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "serve: %s\n", err);
		return 1;
	}
	if (secretbox_load(&box, cfg->secret_key_file,
	    cfg->secret_key_old_file, err, sizeof(err)) < 0) {
		OPENSSL_cleanse(&key, sizeof(key));
		fprintf(stderr, "serve: %s\n", err);
		return 1;
	}
	run.throttle_key = &key;
	run.secretbox = &box;
	if (privilege_resolve(cfg, &priv, err, sizeof(err)) < 0) {
		fprintf(stderr, "serve: %s\n", err);
		rc = 1;
	} else
		rc = server_run(&run, &priv);
	OPENSSL_cleanse(&key, sizeof(key));
	secretbox_clear(&box);
	return rc;
}

/*
 * The migrations, then the pseudonym keys and the sealed secrets that SQL
 * cannot compute.
 */
static int
cmd_migrate(const struct config *cfg, int argc, char **argv)
{
	int	 rc = migrate_run(cfg);

	if (rc == 0)
		rc = pseudonym_db_backfill(cfg);
	return rc != 0 ? rc : secrets_seal_pending(cfg);
}

static int
cmd_user(const struct config *cfg, int argc, char **argv)
{
	return user_command(cfg, argc, argv);
}

static int
cmd_demo(const struct config *cfg, int argc, char **argv)
{
	return user_demo(cfg);
}

#define MAIL_USAGE	"mail\nmail --dry-run [--to ADDRESS]"

/* `concerto mail`, or with --dry-run what it would send. */
static int
cmd_mail(const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*to = NULL;
	bool		 dry = false;
	int		 c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		switch (c) {
		case 'n':
			dry = true;
			break;
		case 't':
			to = optarg;
			break;
		case 'h':
			return cli_help(MAIL_USAGE);
		default:
			return cli_bad_option("mail", MAIL_USAGE, c, argv);
		}
	if (optind < argc)
		return cli_refuse("mail", MAIL_USAGE, "unexpected argument %s",
		    argv[optind]);
	if (to != NULL && !dry)
		return cli_refuse("mail", MAIL_USAGE, "--to goes with "
		    "--dry-run");
	return dry ? mail_preview(cfg, to) : mail_deliver(cfg);
}

static int
cmd_purge(const struct config *cfg, int argc, char **argv)
{
	return purge_run(cfg);
}

static int
cmd_results(const struct config *cfg, int argc, char **argv)
{
	return results_command(cfg, argc, argv);
}

static int
cmd_export(const struct config *cfg, int argc, char **argv)
{
	return export_command(cfg, argc, argv);
}

static int
cmd_import(const struct config *cfg, int argc, char **argv)
{
	return import_command(cfg, argc, argv);
}

static int
cmd_geo(const struct config *cfg, int argc, char **argv)
{
	return geo_command(cfg, argc, argv);
}

static int
cmd_dev(const struct config *cfg, int argc, char **argv)
{
	return dev_command(cfg, argc, argv);
}

static int
cmd_secrets(const struct config *cfg, int argc, char **argv)
{
	return secrets_command(cfg, argc, argv);
}

static int
cmd_version(const struct config *cfg, int argc, char **argv)
{
	printf("concerto %s (%s)\n", CONCERTO_VERSION, concerto_commit);
	return 0;
}

/*
 * The command table: a command's usage lines (see cli.h), what it does,
 * and whether it parses its own arguments (verbs, options, operands);
 * one that does not takes none.
 */
struct command {
	const char	*name;
	int		(*run)(const struct config *, int, char **);
	const char	*usage;
	const char	*help;
	bool		 args;
};

static const struct command commands[] = {
	{ "serve", cmd_serve, "serve",
	  "run the FastCGI master and its workers", false },
	{ "migrate", cmd_migrate, "migrate",
	  "apply the SQL migrations in order", false },
	{ "routes", cmd_routes, "routes", "print the route table as JSON",
	  false },
	{ "user", cmd_user, user_usage, "manage accounts and roles", true },
	{ "demo", cmd_demo, "demo", "create or reset the demo accounts",
	  false },
	{ "mail", cmd_mail, MAIL_USAGE,
	  "deliver the outbox through CONCERTO_SENDMAIL", true },
	{ "purge", cmd_purge, "purge", "erase redacted originals, expired "
	  "sessions and tokens past their time", false },
	{ "results", cmd_results, results_usage,
	  "rebuild the tallies from the ballots, report differences", true },
	{ "export", cmd_export, export_usage, "print a consultation's results",
	  true },
	{ "import", cmd_import, import_usage,
	  "create a consultation and its priorities from a JSON file", true },
	{ "geo", cmd_geo, geo_usage, "look an address up, show or load the "
	  "reference populations", true },
	{ "dev", cmd_dev, dev_usage, "fill the database with generated data "
	  "for development and benchmarks", true },
	{ "secrets", cmd_secrets, secrets_usage, "seal the TOTP secrets left "
	  "in clear, or seal them all again under a new key", true },
	{ "version", cmd_version, "version", "print the version", false },
};

#define MAIN_USAGE	"COMMAND [ARGS]\n" \
			"COMMAND --help\n" \
			"--help | -h | help [COMMAND]\n" \
			"--version | version"

/* The whole usage: synopsis, commands and environment, on f. */
static void
usage(FILE *f)
{
	size_t	 i;

	cli_usage(f, MAIN_USAGE);
	fputs("\nCommands:\n", f);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
		    commands[i].help);
	fputc('\n', f);
	config_usage(f);
}

static const struct command *
command_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/* `concerto CMD --help`: its usage and what it does; returns 0. */
static int
command_help(const struct command *c)
{
	cli_usage(stdout, c->usage);
	printf("\n%s\n", c->help);
	return 0;
}

/* The refusal of a command line main() cannot place; returns CLI_USAGE. */
static int __attribute__((format(printf, 1, 2)))
refuse(const char *fmt, ...)
{
	va_list	 ap;

	fputs("concerto: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	usage(stderr);
	return CLI_USAGE;
}

/*
 * Help and refusals come before the configuration is read and before
 * anything runs: `concerto CMD --help` or `-h` prints the command's usage;
 * a command that takes no arguments refuses any.
 */
int
main(int argc, char **argv)
{
	const struct command	*c;
	struct config		 cfg;

	if (argc < 2)
		return refuse("a command is needed");
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		if (argc == 2) {
			usage(stdout);
			return 0;
		}
		if (argc > 3)
			return refuse("unexpected argument %s", argv[3]);
		if ((c = command_find(argv[2])) == NULL)
			return refuse("unknown command %s", argv[2]);
		return command_help(c);
	}
	if (strcmp(argv[1], "--version") == 0)
		return argc > 2 ? refuse("unexpected argument %s", argv[2]) :
		    cmd_version(NULL, argc - 1, argv + 1);
	if ((c = command_find(argv[1])) == NULL)
		return refuse(argv[1][0] == '-' ? "unknown option %s" :
		    "unknown command %s", argv[1]);
	if (argc > 2 && cli_is_help(argv[2]))
		return command_help(c);
	if (!c->args && argc > 2)
		return cli_refuse(c->name, c->usage, argv[2][0] == '-' ?
		    "unknown option %s" : "unexpected argument %s", argv[2]);
	if (config_load(&cfg) < 0)
		return CLI_USAGE;
	return c->run(&cfg, argc - 1, argv + 1);
}

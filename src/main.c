/*
 * concerto: one binary, several subcommands.  main() only wires: it reads
 * the configuration and hands over to the module that does the work.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "concerto/config.h"
#include "concerto/field.h"
#include "concerto/geo_cmd.h"
#include "concerto/import.h"
#include "concerto/mail.h"
#include "concerto/pseudonym_db.h"
#include "concerto/purge.h"
#include "concerto/db_migrate.h"
#include "concerto/results_cmd.h"
#include "concerto/router.h"
#include "concerto/server.h"
#include "concerto/throttle.h"
#include "concerto/user.h"
#include "concerto/version.h"

/* Prints the route table as JSON, for the OpenAPI test and for operators. */
static int
cmd_routes(const struct config *cfg, int argc, char **argv)
{
	json_t	*arr = json_array(), *fields;
	size_t	 i, j;

	for (i = 0; i < routes_count; i++) {
		fields = json_array();
		for (j = 0; j < routes[i].nfields; j++)
			json_array_append_new(fields,
			    json_string(routes[i].fields[j].name));
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:b,s:o}",
		    "method", http_method_name(routes[i].method),
		    "pattern", routes[i].pattern,
		    "role", role_name(routes[i].role),
		    "csrf", routes[i].csrf, "fields", fields));
	}
	json_dumpf(arr, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(arr);
	return 0;
}

/* Reads the throttling secret, which only the server needs, then serves. */
static int
cmd_serve(const struct config *cfg, int argc, char **argv)
{
	struct config		 run = *cfg;
	struct throttle_key	 key;
	char			 err[512];
	int			 rc;

	if (throttle_key_load(cfg->throttle_key_file, &key, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "serve: %s\n", err);
		return 1;
	}
	run.throttle_key = &key;
	rc = server_run(&run);
	OPENSSL_cleanse(&key, sizeof(key));
	return rc;
}

/* The migrations, then the pseudonym keys that SQL cannot compute. */
static int
cmd_migrate(const struct config *cfg, int argc, char **argv)
{
	int	 rc = migrate_run(cfg);

	return rc != 0 ? rc : pseudonym_db_backfill(cfg);
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

static int
cmd_mail(const struct config *cfg, int argc, char **argv)
{
	return mail_deliver(cfg);
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
cmd_version(const struct config *cfg, int argc, char **argv)
{
	printf("concerto %s\n", CONCERTO_VERSION);
	return 0;
}

struct command {
	const char	*name;
	int		(*run)(const struct config *, int, char **);
	const char	*help;
};

static const struct command commands[] = {
	{ "serve", cmd_serve, "run the FastCGI master and its workers" },
	{ "migrate", cmd_migrate, "apply the SQL migrations in order" },
	{ "routes", cmd_routes, "print the route table as JSON" },
	{ "user", cmd_user, "user add|role: manage accounts and roles" },
	{ "demo", cmd_demo, "create or reset the demo accounts" },
	{ "mail", cmd_mail, "deliver the outbox through CONCERTO_SENDMAIL" },
	{ "purge", cmd_purge, "erase redacted originals, expired sessions "
	  "and tokens past their time" },
	{ "results", cmd_results, "results recount ID: rebuild tallies, "
	  "report differences" },
	{ "export", cmd_export, "export results ID --format csv|json" },
	{ "import", cmd_import, "import consultation FILE.json" },
	{ "geo", cmd_geo, "geo lookup ADDRESS | population [load FILE]" },
	{ "version", cmd_version, "print the version" },
};

static void
usage(void)
{
	size_t	 i;

	fputs("usage: concerto COMMAND [ARGS]\n\nCommands:\n", stderr);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, "  %-10s %s\n", commands[i].name,
		    commands[i].help);
	fputc('\n', stderr);
	config_usage();
}

int
main(int argc, char **argv)
{
	struct config	 cfg;
	size_t		 i;

	if (argc < 2 || strcmp(argv[1], "help") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		usage();
		return argc < 2 ? 2 : 0;
	}
	if (config_load(&cfg) < 0)
		return 2;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(&cfg, argc - 1, argv + 1);
	fprintf(stderr, "concerto: unknown command %s\n", argv[1]);
	usage();
	return 2;
}

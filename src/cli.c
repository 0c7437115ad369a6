/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The command line's common manners (see cli.h): help on standard output,
 * refusals with their reason and the usage on standard error.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "concerto/cli.h"

bool
cli_is_help(const char *arg)
{
	return arg != NULL && (strcmp(arg, "--help") == 0 ||
	    strcmp(arg, "-h") == 0);
}

void
cli_usage(FILE *f, const char *usage)
{
	const char	*p = usage, *nl;
	bool		 first = true;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		fprintf(f, "%s concerto %.*s\n", first ? "usage:" : "      ",
		    (int)(nl - p), p);
		first = false;
		p = *nl == '\n' ? nl + 1 : nl;
	}
}

int
cli_help(const char *usage)
{
	cli_usage(stdout, usage);
	return 0;
}

int
cli_refuse(const char *cmd, const char *usage, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "concerto %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_usage(stderr, usage);
	return CLI_USAGE;
}

int
cli_bad_option(const char *cmd, const char *usage, int c, char **argv)
{
	/* getopt leaves the word it refused just before optind. */
	const char	*word = optind > 0 ? argv[optind - 1] : "?";

	if (c == ':')
		return cli_refuse(cmd, usage, "option %s needs a value", word);
	if (strncmp(word, "--", 2) != 0 && optopt != 0)
		return cli_refuse(cmd, usage, "unknown option -%c", optopt);
	return cli_refuse(cmd, usage, "unknown option %s", word);
}

int
cli_operands(const char *cmd, const char *usage, int argc, char **argv,
    int min, int max)
{
	int	 i;

	for (i = 1; i < argc; i++)
		if (cli_is_help(argv[i]))
			return cli_help(usage);
	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_refuse(cmd, usage, "unknown option %s",
			    argv[i]);
	if (argc - 1 < min)
		return cli_refuse(cmd, usage, "missing argument");
	if (argc - 1 > max)
		return cli_refuse(cmd, usage, "unexpected argument %s",
		    argv[1 + max]);
	return CLI_GO;
}

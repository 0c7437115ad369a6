/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The manners every subcommand keeps on the command line: --help (or -h)
 * prints its usage on standard output and exits 0 without running
 * anything; an unknown option, verb or argument is refused with the reason
 * and the usage on standard error and exit status CLI_USAGE (2).
 *
 * A usage text holds one synopsis a line without the program name
 * ("user add --email E ...\nuser role ..."); it is printed as
 * "usage: concerto user add ..." and "       concerto user role ...".
 */
#ifndef CONCERTO_CLI_H
#define CONCERTO_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define CLI_USAGE	2	/* exit status of a refused command line */
#define CLI_GO		(-1)	/* cli_operands(): the command may run */

/* True if arg asks for help: "--help" or "-h". */
bool	 cli_is_help(const char *arg);

/* Prints usage to f, a "usage: concerto" or "concerto" line each. */
void	 cli_usage(FILE *f, const char *usage);

/* Prints usage on standard output; returns 0. */
int	 cli_help(const char *usage);

/*
 * Prints "concerto CMD: " and the reason, then usage, on standard error;
 * returns CLI_USAGE.  cmd is the command and verb ("user add").
 */
int	 cli_refuse(const char *cmd, const char *usage, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * The refusal for what getopt_long() returned as c, '?' (an unknown
 * option) or ':' (a missing value: give getopt an optstring that starts
 * with ':' so that it prints nothing itself).  Returns CLI_USAGE.
 */
int	 cli_bad_option(const char *cmd, const char *usage, int c,
	    char **argv);

/*
 * For a verb that takes operands only, argv[1..argc) after the verb in
 * argv[0]: answers --help or -h among them (usage on standard output,
 * returns 0), refuses an option (an operand starting with '-') and fewer
 * than min or more than max operands (returns CLI_USAGE).  Returns CLI_GO
 * when the verb may run.
 */
int	 cli_operands(const char *cmd, const char *usage, int argc,
	    char **argv, int min, int max);

#endif

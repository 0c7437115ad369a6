/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Results from the command line: `concerto results recount ID` (or
 * --all: every consultation, with a progress bar on a terminal) rebuilds
 * the tallies from the ballots and reports any difference;
 * `concerto export results ID --format csv|json` prints the results.
 */
#ifndef CONCERTO_RESULTS_CMD_H
#define CONCERTO_RESULTS_CMD_H

struct config;

/* The usage lines of `concerto results` and `concerto export` (cli.h). */
extern const char results_usage[];
extern const char export_usage[];

/* `concerto results recount ID | --all`: 0 if the tallies were right, 3
 * if they differed (and were repaired), 1 on failure, 2 on bad usage. */
int	 results_command(const struct config *, int argc, char **argv);

/* `concerto export results ID [--format csv|json] [--interests
 * include|exclude]`: 0, 1 on failure, 2 on bad usage. */
int	 export_command(const struct config *, int argc, char **argv);

#endif

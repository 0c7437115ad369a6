/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * `concerto dev generate`: fills the database, as the schema owner, with
 * deterministic and realistic data (accounts, consultations in every phase,
 * priorities and their sources, participations, ballots and their tallies,
 * comment threads and votes) for development and benchmarks.
 */
#ifndef CONCERTO_GENERATE_H
#define CONCERTO_GENERATE_H

struct config;

/* The usage lines of `dev` (cli.h). */
extern const char dev_usage[];

/* `concerto dev VERB ...`: argv[0] is "dev".  Returns the exit status. */
int	 dev_command(const struct config *, int argc, char **argv);

#endif

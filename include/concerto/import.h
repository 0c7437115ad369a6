/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * `concerto import consultation FILE.json`: a consultation and its
 * priorities from a JSON file, checked by the same field tables as the
 * API routes that create them, and written in one transaction.
 */
#ifndef CONCERTO_IMPORT_H
#define CONCERTO_IMPORT_H

struct config;

/* The usage line of `concerto import` (see cli.h). */
extern const char import_usage[];

/* Returns 0, 1 on failure, 2 on bad usage or a refused file. */
int	 import_command(const struct config *, int argc, char **argv);

#endif

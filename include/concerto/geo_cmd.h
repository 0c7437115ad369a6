/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * `concerto geo`: what the service concludes from an address, and the
 * reference populations of the weighting schemes.
 *   geo lookup ADDRESS          country, region, département, strata
 *   geo population [SCHEME]     the populations in force, the vintages
 *   geo population load [--dry-run] FILE
 *                               loads a vintage (CSV as in sql/data/) and
 *                               puts it in force; --dry-run only says what
 *                               would change
 *   geo population use SCHEME VINTAGE
 *                               puts a vintage loaded before in force
 */
#ifndef CONCERTO_GEO_CMD_H
#define CONCERTO_GEO_CMD_H

struct config;

/* The usage lines of `concerto geo` (see cli.h). */
extern const char geo_usage[];

/* Returns the exit status: 0, 1 on failure, 2 on bad usage. */
int	 geo_command(const struct config *, int argc, char **argv);

#endif

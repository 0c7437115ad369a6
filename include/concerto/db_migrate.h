/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * `concerto migrate`: applies sql/NNN_name.sql in order, each in its own
 * transaction, recording name and checksum in schema_migrations; refuses to
 * run if an applied file has changed or disappeared.
 */
#ifndef CONCERTO_DB_MIGRATE_H
#define CONCERTO_DB_MIGRATE_H

struct config;

/* Returns the process exit status. */
int	 migrate_run(const struct config *);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Secrets at rest from the command line: `concerto secrets seal` seals the
 * TOTP secrets still stored in clear (left by sql/021 in totp_unsealed)
 * under the current key; `concerto secrets rotate` opens every sealed
 * secret with the current or the previous key and seals it again under
 * the current one.  Each runs in one transaction, as the owner role, and
 * prints its counts; running either again is harmless.
 */
#ifndef CONCERTO_SECRETS_H
#define CONCERTO_SECRETS_H

#include <stdbool.h>

struct config;

/* The usage lines of `concerto secrets` (cli.h). */
extern const char secrets_usage[];

/* `concerto secrets seal|rotate`: 0, 1 on failure, 2 on bad usage. */
int	 secrets_command(const struct config *, int argc, char **argv);

/*
 * For `concerto migrate`: seals what waits in clear when a key is
 * configured, else says how many wait.  0 or 1.
 */
int	 secrets_seal_pending(const struct config *);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * `concerto purge`: erases what may no longer be kept.  Redacted originals
 * older than CONCERTO_REDACTION_KEEP_DAYS (the text a moderator removed,
 * kept only for the legally required time), expired sessions, used or
 * expired account tokens, and idempotency keys older than a day.  Run it
 * daily (cron or a systemd timer).
 */
#ifndef CONCERTO_PURGE_H
#define CONCERTO_PURGE_H

struct config;

/* Prints one line per kind with its count; 0, or 1 on failure. */
int	 purge_run(const struct config *);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The service manager's readiness protocol (systemd's sd_notify(3), without
 * libsystemd): one datagram of "KEY=value" lines to the unix socket named by
 * NOTIFY_SOCKET ('@' first: the abstract namespace).  Without NOTIFY_SOCKET
 * nothing is sent.  Returns 0 (sent, or nothing to send to) or -1.
 */
#ifndef CONCERTO_NOTIFY_H
#define CONCERTO_NOTIFY_H

#include <sys/types.h>

int	 notify_send(const char *state);

/* "READY=1": the master serves (its workers are forked). */
int	 notify_ready(void);

/*
 * "MAINPID=pid", then "READY=1" on behalf of the new master of an upgrade:
 * sent by the old master, the one the manager listens to, before it leaves.
 */
int	 notify_mainpid(pid_t pid);

#endif

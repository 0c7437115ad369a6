/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Who the workers run as.  A `concerto serve` started as root keeps root in
 * its master (which handles no request: it owns the socket, the pid file
 * and the log, and re-executes itself on an upgrade) and runs every worker
 * as CONCERTO_USER and CONCERTO_GROUP, dropped right after the fork, once
 * the worker has opened its GeoIP file and before it reads any request.
 * Workers never run as root.
 */
#ifndef CONCERTO_PRIVILEGE_H
#define CONCERTO_PRIVILEGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct config;

struct privilege {
	bool	 drop;		/* started as root: setuid in each worker */
	uid_t	 uid;
	gid_t	 gid;
};

/*
 * Resolves the account of the workers.  As root, CONCERTO_USER is required
 * and must name an account other than root (uid 0), CONCERTO_GROUP a group
 * other than root's (gid 0), if given.  Not as root, nothing changes, and a
 * CONCERTO_USER that is not the current user is refused (there is no way to
 * become it).  Returns 0, or -1 with the reason in err.
 */
int	 privilege_resolve(const struct config *, struct privilege *,
	    char *err, size_t errlen);

/*
 * In a worker, before its threads start: drops the supplementary groups,
 * then the group and the user, and checks that root cannot be regained and
 * that the process does not run as root in any case.  The parent-death
 * signal, which the kernel clears on the change, is set again: the caller
 * checks that its parent has not died meanwhile.  Returns 0, or -1 with the
 * reason in err.
 */
int	 privilege_drop(const struct privilege *, char *err, size_t errlen);

#endif

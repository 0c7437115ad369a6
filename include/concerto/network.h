/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Client networks: the coarse prefix of a client address (/24 for IPv4,
 * /64 for IPv6) used to throttle abuse.  The prefix is never stored as
 * such: callers hash it under a server secret.
 */
#ifndef CONCERTO_NETWORK_H
#define CONCERTO_NETWORK_H

#include <stddef.h>

#define NETWORK_PREFIX_MAX	64

/* Writes the prefix of addr ("192.0.2.0/24"); "unknown" if unparsable. */
void	 network_prefix(const char *addr, char out[NETWORK_PREFIX_MAX]);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Client network prefixes (see network.h).
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "concerto/network.h"

void
network_prefix(const char *addr, char out[NETWORK_PREFIX_MAX])
{
	unsigned char	 a[16];
	char		 text[INET6_ADDRSTRLEN];

	if (addr != NULL && inet_pton(AF_INET, addr, a) == 1) {
		snprintf(out, NETWORK_PREFIX_MAX, "%u.%u.%u.0/24", a[0], a[1],
		    a[2]);
		return;
	}
	if (addr != NULL && inet_pton(AF_INET6, addr, a) == 1) {
		/* An IPv4 client seen through a dual-stack socket: its /24. */
		if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
			snprintf(out, NETWORK_PREFIX_MAX, "%u.%u.%u.0/24",
			    a[12], a[13], a[14]);
			return;
		}
		memset(a + 8, 0, 8);
		if (inet_ntop(AF_INET6, a, text, sizeof(text)) != NULL) {
			snprintf(out, NETWORK_PREFIX_MAX, "%s/64", text);
			return;
		}
	}
	snprintf(out, NETWORK_PREFIX_MAX, "unknown");
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Readiness notifications to the service manager (see notify.h).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "concerto/notify.h"

int
notify_send(const char *state)
{
	const char		*path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un	 sun;
	size_t			 len;
	socklen_t		 salen;
	int			 fd, rc = -1;

	if (path == NULL || *path == '\0')
		return 0;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sun.sun_path))
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    (path[0] == '@' ? 0 : 1));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (const struct sockaddr *)&sun, salen) == (ssize_t)strlen(state))
		rc = 0;
	close(fd);
	return rc;
}

int
notify_ready(void)
{
	return notify_send("READY=1");
}

int
notify_mainpid(pid_t pid)
{
	char	 state[64];

	snprintf(state, sizeof(state), "MAINPID=%ld\nREADY=1", (long)pid);
	return notify_send(state);
}

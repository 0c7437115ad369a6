/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * notify.c: the readiness datagrams a service manager reads from
 * NOTIFY_SOCKET, on a path and in the abstract namespace; nothing sent
 * and no failure without NOTIFY_SOCKET.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "concerto/notify.h"

/* A datagram socket bound to name ('@' first: abstract); its fd. */
static int
listener(const char *name)
{
	struct sockaddr_un	 sun;
	socklen_t		 len;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, name, strlen(name));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(name) + (name[0] == '@' ? 0 : 1));
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, len), 0);
	return fd;
}

static void
received(int fd, const char *want)
{
	char	 got[256];
	ssize_t	 n = recv(fd, got, sizeof(got) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	got[n] = '\0';
	assert_string_equal(got, want);
}

static void
test_notify_path(void **state)
{
	char	 path[] = "/tmp/concerto-notify-XXXXXX";
	char	 sock[64];
	int	 fd;

	(void)state;
	assert_non_null(mkdtemp(path));
	snprintf(sock, sizeof(sock), "%s/notify", path);
	fd = listener(sock);
	assert_int_equal(setenv("NOTIFY_SOCKET", sock, 1), 0);
	assert_int_equal(notify_ready(), 0);
	received(fd, "READY=1");
	assert_int_equal(notify_mainpid(4242), 0);
	received(fd, "MAINPID=4242\nREADY=1");
	close(fd);
	unlink(sock);
	rmdir(path);
	unsetenv("NOTIFY_SOCKET");
}

static void
test_notify_abstract(void **state)
{
	char	 name[64];
	int	 fd;

	(void)state;
	snprintf(name, sizeof(name), "@concerto-notify-%ld", (long)getpid());
	fd = listener(name);
	assert_int_equal(setenv("NOTIFY_SOCKET", name, 1), 0);
	assert_int_equal(notify_send("STATUS=serving"), 0);
	received(fd, "STATUS=serving");
	close(fd);
	unsetenv("NOTIFY_SOCKET");
}

static void
test_notify_none_or_bad(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_ready(), 0);
	/* Neither a path nor an abstract name, or nobody listening. */
	assert_int_equal(setenv("NOTIFY_SOCKET", "relative/socket", 1), 0);
	assert_int_equal(notify_ready(), -1);
	assert_int_equal(setenv("NOTIFY_SOCKET", "/nonexistent/notify", 1), 0);
	assert_int_equal(notify_ready(), -1);
	unsetenv("NOTIFY_SOCKET");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notify_path),
		cmocka_unit_test(test_notify_abstract),
		cmocka_unit_test(test_notify_none_or_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of hashpool.c: a job runs in another process, in a session
 * of its own, niced, and comes back whole; a password hashed there
 * verifies there and in the caller; a job too large, and jobs after the
 * hashers were killed, run in the caller; stopping reaps every hasher.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "concerto/config.h"
#include "concerto/hashpool.h"
#include "concerto/password.h"

struct where {
	pid_t	 pid, sid;
	int	 nice;
	int	 group_nice;	/* of its autogroup; -100: no autogroups */
	char	 text[64];
};

/* Says where it ran, and changes the text (to see that it comes back). */
static void
where_job(void *arg)
{
	struct where	*w = arg;
	FILE		*fp;

	w->pid = getpid();
	w->sid = getsid(0);
	errno = 0;
	w->nice = getpriority(PRIO_PROCESS, 0);
	w->group_nice = -100;
	if ((fp = fopen("/proc/self/autogroup", "r")) != NULL) {
		if (fscanf(fp, "%*s nice %d", &w->group_nice) != 1)
			w->group_nice = -101;
		fclose(fp);
	}
	memcpy(w->text, "answered", sizeof("answered"));
}

static void
test_a_job_runs_in_a_niced_process_of_its_own_session(void **state)
{
	struct hashpool	*p = hashpool_start(2, 1);
	struct where	 w;
	int		 i;

	assert_non_null(p);
	for (i = 0; i < 4; i++) {
		memset(&w, 0, sizeof(w));
		hashpool_run(p, where_job, &w, sizeof(w));
		assert_string_equal(w.text, "answered");
		assert_int_not_equal(w.pid, getpid());
		assert_int_not_equal(w.sid, getsid(0));
		assert_int_equal(w.sid, w.pid);	/* it leads its session */
		assert_true(w.nice >= 10);
		assert_true(w.group_nice == -100 || w.group_nice == 10);
	}
	hashpool_stop(p);
}

static void
test_a_job_too_large_runs_in_the_caller(void **state)
{
	struct hashpool	*p = hashpool_start(1, 1);
	static struct {
		struct where	 w;
		char		 pad[HASHPOOL_JOB_MAX];
	} big;

	assert_non_null(p);
	hashpool_run(p, where_job, &big, sizeof(big));
	assert_int_equal(big.w.pid, getpid());
	hashpool_stop(p);
}

static void
test_a_password_hashed_in_a_hasher_verifies(void **state)
{
	struct hashpool	*p = hashpool_start(1, 1);
	struct config	 cfg;
	char		 enc[PASSWORD_ENCODED_MAX];

	memset(&cfg, 0, sizeof(cfg));
	cfg.argon2_t = 1;
	cfg.argon2_m = 64;
	cfg.argon2_p = 1;
	assert_non_null(p);
	assert_int_equal(password_hash(&cfg, p, "une phrase assez longue", enc),
	    0);
	assert_true(strncmp(enc, "$argon2id$", 10) == 0);
	assert_true(password_verify(p, enc, "une phrase assez longue"));
	assert_true(password_verify(NULL, enc, "une phrase assez longue"));
	assert_false(password_verify(p, enc, "une phrase assez longuE"));
	hashpool_stop(p);
}

static void
test_jobs_go_on_in_the_caller_once_the_hashers_are_gone(void **state)
{
	struct hashpool	*p = hashpool_start(2, 1);
	struct where	 w;
	pid_t		 seen[2] = { 0, 0 };
	int		 i;

	assert_non_null(p);
	/* The two hashers, each seen once (jobs take the first free one). */
	memset(&w, 0, sizeof(w));
	hashpool_run(p, where_job, &w, sizeof(w));
	seen[0] = w.pid;
	assert_int_equal(kill(seen[0], SIGKILL), 0);
	assert_int_equal(waitpid(seen[0], NULL, 0), seen[0]);
	memset(&w, 0, sizeof(w));
	hashpool_run(p, where_job, &w, sizeof(w));
	seen[1] = w.pid;
	assert_int_not_equal(seen[1], seen[0]);
	assert_int_not_equal(seen[1], getpid());
	assert_int_equal(kill(seen[1], SIGKILL), 0);
	for (i = 0; i < 3; i++) {
		memset(&w, 0, sizeof(w));
		hashpool_run(p, where_job, &w, sizeof(w));
		assert_int_equal(w.pid, getpid());
		assert_string_equal(w.text, "answered");
	}
	hashpool_stop(p);
	/* Every hasher reaped: no child is left. */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_job_runs_in_a_niced_process_of_its_own_session),
		cmocka_unit_test(test_a_job_too_large_runs_in_the_caller),
		cmocka_unit_test(test_a_password_hashed_in_a_hasher_verifies),
		cmocka_unit_test(test_jobs_go_on_in_the_caller_once_the_hashers_are_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

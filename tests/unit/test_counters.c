/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of procstat.c and of the process and worker families of
 * counters.c: a /proc/PID/stat line whose command name holds blanks and
 * parentheses, the calling process's own figures, and what a scrape shows
 * of worker slots as the master books them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "concerto/buf.h"
#include "concerto/counters.h"
#include "concerto/procstat.h"

static void
test_stat_line_with_odd_name_is_parsed(void **state)
{
	/* Fields 3 to 24 of proc(5); starttime (22) 4242, rss (24) 777. */
	const char	*line = "123 (a b) (c)) S 1 123 123 0 -1 4194560 "
	    "100 0 0 0 5 6 0 0 20 0 3 0 4242 9999999 777 18446744073709551615 "
	    "1 1 0 0 0\n";
	uint64_t	 start = 0, rss = 0;

	assert_int_equal(procstat_parse_stat(line, &start, &rss), 0);
	assert_int_equal(start, 4242);
	assert_int_equal(rss, 777);
}

static void
test_short_stat_line_is_refused(void **state)
{
	uint64_t	 start = 0, rss = 0;

	assert_int_equal(procstat_parse_stat("1 (x) S 0 1 1", &start, &rss),
	    -1);
	assert_int_equal(procstat_parse_stat("no parenthesis", &start, &rss),
	    -1);
}

static void
test_own_figures_are_plausible(void **state)
{
	struct procstat	 st;
	time_t		 now = time(NULL);

	assert_int_equal(procstat_self(&st), 0);
	assert_true(st.rss_bytes > 1024 * 1024);
	assert_true(st.open_fds >= 3);		/* stdin, stdout, stderr */
	assert_true(st.max_fds >= st.open_fds);
	assert_true(st.start_ms <= ((int64_t)now + 1) * 1000);
	assert_true(st.start_ms > ((int64_t)now - 86400) * 1000);
}

static void
test_workers_show_as_the_master_books_them(void **state)
{
	struct counters	*m = calloc(1, sizeof(*m));
	struct counters_now now = { 3, 4, 2, 1, 7 };
	struct buf	 out;

	assert_non_null(m);
	counters_worker_started(m, 0, 1000);
	counters_worker_started(m, 2, 1002);
	counters_in_flight(&m->workers[2], 1);
	counters_proc_publish(&m->workers[2]);	/* this process's figures */
	buf_init(&out, 0);
	counters_render(m, &now, &out);
	assert_non_null(strstr(buf_str(&out), "\nconcerto_workers 3\n"));
	assert_non_null(strstr(buf_str(&out), "\nconcerto_workers_up 2\n"));
	assert_non_null(strstr(buf_str(&out),
	    "\nconcerto_http_requests_in_flight{worker=\"2\"} 1\n"));
	assert_non_null(strstr(buf_str(&out),
	    "\nprocess_resident_memory_bytes{worker=\"2\"} "));
	/* Slot 0 has not published: no process figures, but it is up. */
	assert_null(strstr(buf_str(&out), "process_open_fds{worker=\"0\"}"));
	assert_non_null(strstr(buf_str(&out),
	    "\nconcerto_mail_outbox_pending 7\n"));
	assert_non_null(strstr(buf_str(&out),
	    "\nconcerto_hash_slots_in_use 1\n"));

	/* Reaped: the slot and what it had in flight are gone. */
	counters_worker_stopped(m, 2);
	now.outbox_pending = -1;
	buf_reset(&out);
	counters_render(m, &now, &out);
	assert_non_null(strstr(buf_str(&out), "\nconcerto_workers_up 1\n"));
	assert_null(strstr(buf_str(&out), "{worker=\"2\"}"));
	assert_null(strstr(buf_str(&out), "\nconcerto_mail_outbox_pending "));
	assert_non_null(strstr(buf_str(&out),
	    "# TYPE concerto_mail_outbox_pending gauge\n"));
	buf_free(&out);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_line_with_odd_name_is_parsed),
		cmocka_unit_test(test_short_stat_line_is_refused),
		cmocka_unit_test(test_own_figures_are_plausible),
		cmocka_unit_test(test_workers_show_as_the_master_books_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

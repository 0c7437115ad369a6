/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * bare: the smallest honest FastCGI program, the yardstick of `make bench`.
 *
 * It does per request exactly the work of Concerto's GET /api/health and
 * nothing else: one prepared `SELECT 1` on the thread's own PostgreSQL
 * connection, then a fixed JSON answer.  Its process model is Concerto's too:
 * a master opens one unix socket (mode 0660, group www-data or
 * $BARE_SOCKET_GROUP), forks $CONCERTO_WORKERS workers, each running
 * $CONCERTO_THREADS accept threads with one FCGX_Request and one connection
 * apiece.  So the ratio health/bare measures only Concerto's own overhead
 * (request parsing, routing, logging, metrics, headers).
 *
 * With the query string consultation=ID it does instead the work of
 * Concerto's GET /api/v1/consultations/{id}: one prepared read of the
 * consultation's row and its priorities, as JSON built by the database
 * (consultation_json(), sql/003_consultations.sql), answered as it comes.
 *
 * It ends each request as a plain libfcgi program does: FCGX_Finish_r()
 * shuts the socket down and waits for nginx to close its end first.
 * Concerto closes at once (src/worker.c, worker_finish()); with the query
 * string close=at-once bare does the same, so that `make bench` can show
 * how much of the ratio that one difference makes.
 *
 * Usage: bare [SOCKET]        (or BARE_SOCKET=...), conninfo in CONCERTO_DB.
 * SIGTERM or SIGINT to the master stops the workers and removes the socket.
 */
#define _GNU_SOURCE

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <libpq-fe.h>

#define MAX_WORKERS	64
#define MAX_THREADS	64

static const char	*conninfo;
static int		 listen_fd;
static volatile sig_atomic_t stopping;

static const char ok_reply[] =
	"Status: 200 OK\r\n"
	"Content-Type: application/json; charset=utf-8\r\n"
	"Cache-Control: no-store\r\n"
	"\r\n"
	"{\"status\":\"ok\",\"db\":\"ok\"}";

static const char read_head[] =
	"Status: 200 OK\r\n"
	"Content-Type: application/json; charset=utf-8\r\n"
	"Cache-Control: no-store\r\n"
	"Content-Length: %d\r\n"
	"\r\n";

static const char not_found_reply[] =
	"Status: 404 Not Found\r\n"
	"Content-Type: application/json; charset=utf-8\r\n"
	"Cache-Control: no-store\r\n"
	"\r\n"
	"{\"error\":{\"code\":\"not_found\",\"message\":\"There is nothing here.\"}}";

static const char down_reply[] =
	"Status: 503 Service Unavailable\r\n"
	"Content-Type: application/json; charset=utf-8\r\n"
	"Retry-After: 5\r\n"
	"\r\n"
	"{\"status\":\"unavailable\",\"db\":\"unavailable\"}";

/* Reads a positive integer from the environment, or returns def. */
static int
env_int(const char *name, int def, int max)
{
	const char	*s = getenv(name);
	char		*end;
	long		 v;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > max) {
		fprintf(stderr, "bare: %s must be 1..%d\n", name, max);
		exit(2);
	}
	return (int)v;
}

/* The statements, prepared on each connection. */
static const struct {
	const char	*name;
	const char	*sql;
	int		 nparams;
} stmts[] = {
	{ "one", "SELECT 1", 0 },
	{ "read", "SELECT consultation_json(c, true) FROM consultations c "
	  "WHERE id = $1", 1 },
};

/*
 * Connects and prepares the statements.  Returns the connection, or NULL
 * (the thread then answers 503 and retries on the next request).
 */
static PGconn *
db_connect(void)
{
	PGconn		*c = PQconnectdb(conninfo);
	PGresult	*r;
	size_t		 i;

	if (PQstatus(c) != CONNECTION_OK)
		goto fail;
	for (i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
		r = PQprepare(c, stmts[i].name, stmts[i].sql,
		    stmts[i].nparams, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			PQclear(r);
			goto fail;
		}
		PQclear(r);
	}
	return c;
fail:
	fprintf(stderr, "bare: db: %s", PQerrorMessage(c));
	PQfinish(c);
	return NULL;
}

/*
 * Runs the prepared statement name with param (or none); returns its result
 * when it gave rows, else NULL.  A connection found broken (the server
 * restarted) is replaced and the query retried once.
 */
static PGresult *
db_run(PGconn **c, const char *name, const char *param)
{
	PGresult	*r;
	int		 tries;

	for (tries = 0; tries < 2; tries++) {
		if (*c == NULL && (*c = db_connect()) == NULL)
			return NULL;
		r = PQexecPrepared(*c, name, param != NULL, &param, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK)
			return r;
		PQclear(r);
		if (PQstatus(*c) == CONNECTION_OK)
			return NULL;
		PQfinish(*c);
		*c = NULL;
	}
	return NULL;
}

/* GET /__bench/bare: SELECT 1, then a fixed answer. */
static void
answer_ping(PGconn **c, FCGX_Stream *out)
{
	PGresult	*r = db_run(c, "one", NULL);

	if (r != NULL && PQntuples(r) == 1)
		FCGX_PutStr(ok_reply, sizeof ok_reply - 1, out);
	else
		FCGX_PutStr(down_reply, sizeof down_reply - 1, out);
	PQclear(r);
}

/* GET /__bench/bare?consultation=ID: the consultation as the database writes it. */
static void
answer_read(PGconn **c, const char *id, FCGX_Stream *out)
{
	PGresult	*r;
	size_t		 n = strspn(id, "0123456789");
	int		 len;

	if (n == 0 || n > 18 || id[n] != '\0') {
		FCGX_PutStr(not_found_reply, sizeof not_found_reply - 1, out);
		return;
	}
	if ((r = db_run(c, "read", id)) == NULL) {
		FCGX_PutStr(down_reply, sizeof down_reply - 1, out);
		return;
	}
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0))
		FCGX_PutStr(not_found_reply, sizeof not_found_reply - 1, out);
	else {
		len = PQgetlength(r, 0, 0);
		FCGX_FPrintF(out, read_head, len);
		FCGX_PutStr(PQgetvalue(r, 0, 0), len, out);
	}
	PQclear(r);
}

static void *
serve_thread(void *arg)
{
	FCGX_Request	 req;
	PGconn		*c = db_connect();
	const char	*qs;

	(void)arg;
	if (FCGX_InitRequest(&req, listen_fd, 0) != 0) {
		fprintf(stderr, "bare: FCGX_InitRequest failed\n");
		exit(1);
	}
	while (FCGX_Accept_r(&req) >= 0) {
		qs = FCGX_GetParam("QUERY_STRING", req.envp);
		if (qs != NULL && strncmp(qs, "consultation=", 13) == 0)
			answer_read(&c, qs + 13, req.out);
		else
			answer_ping(&c, req.out);
		if (qs != NULL && strcmp(qs, "close=at-once") == 0)
			(void)FCGX_Detach(&req);
		FCGX_Finish_r(&req);
	}
	if (c != NULL)
		PQfinish(c);
	return NULL;
}

static void
worker_main(int nthreads)
{
	pthread_t	 th[MAX_THREADS];
	int		 i;

	/* A worker must not outlive its master. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		_exit(0);
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&th[i], NULL, serve_thread, NULL) != 0) {
			fprintf(stderr, "bare: pthread_create failed\n");
			_exit(1);
		}
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	_exit(0);
}

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static pid_t
spawn(int nthreads)
{
	pid_t	 pid = fork();

	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		worker_main(nthreads);
	}
	if (pid < 0)
		perror("bare: fork");
	return pid;
}

int
main(int argc, char *argv[])
{
	const char	*path, *group_name;
	struct group	*gr;
	struct sigaction sa;
	pid_t		 kids[MAX_WORKERS];
	int		 nworkers, nthreads, i, status;
	pid_t		 pid;

	path = argc > 1 ? argv[1] : getenv("BARE_SOCKET");
	conninfo = getenv("CONCERTO_DB");
	if (path == NULL || conninfo == NULL) {
		fprintf(stderr, "usage: CONCERTO_DB=conninfo bare SOCKET\n");
		return 2;
	}
	nworkers = env_int("CONCERTO_WORKERS", 2, MAX_WORKERS);
	nthreads = env_int("CONCERTO_THREADS", 2, MAX_THREADS);
	group_name = getenv("BARE_SOCKET_GROUP");
	if (group_name == NULL || *group_name == '\0')
		group_name = "www-data";

	if (FCGX_Init() != 0) {
		fprintf(stderr, "bare: FCGX_Init failed\n");
		return 1;
	}
	unlink(path);
	if ((listen_fd = FCGX_OpenSocket(path, 1024)) < 0) {
		fprintf(stderr, "bare: cannot listen on %s\n", path);
		return 1;
	}
	if ((gr = getgrnam(group_name)) != NULL &&
	    chown(path, (uid_t)-1, gr->gr_gid) != 0)
		perror("bare: chown");
	if (chmod(path, 0660) != 0)
		perror("bare: chmod");

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	for (i = 0; i < nworkers; i++)
		kids[i] = spawn(nthreads);

	/* Supervise: restart a worker that dies, until told to stop. */
	while (!stopping) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < nworkers; i++)
			if (kids[i] == pid && !stopping) {
				sleep(1);
				kids[i] = spawn(nthreads);
			}
	}
	for (i = 0; i < nworkers; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	while (waitpid(-1, &status, 0) > 0 || errno == EINTR)
		;
	unlink(path);
	return 0;
}
